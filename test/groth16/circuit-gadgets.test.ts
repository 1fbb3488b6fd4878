/**
 * The gadgets of the STARK verifier circuit, each against an independent implementation (poseidon-lite and
 * circomlibjs for Poseidon, the native field code for BabyBear and F₄, plain BigInt for s mod p), with its
 * constraint count, and with malicious witnesses: a witness that a dishonest prover builds (non-canonical
 * values, non-boolean bits, a wrong inverse, the other decomposition of a transcript cell) must violate a
 * constraint. Each check is made twice: by the builder's own check and by evaluating the written .r1cs.
 */
import * as lite from "poseidon-lite";
import { beforeAll, describe, expect, it } from "vitest";
import { P as P_NUMBER } from "../../src/field/babybear.ts";
import { type Ext as ExtNumbers, extInv, extMul } from "../../src/field/extension.ts";
import { BabyBear, type Bb, P } from "../../src/groth16/circuit/babybear.ts";
import { R1csBackend } from "../../src/groth16/circuit/backend.ts";
import { type BuilderOptions, CircuitBuilder } from "../../src/groth16/circuit/builder.ts";
import { cellModP } from "../../src/groth16/circuit/cell-mod-p.ts";
import { Extension } from "../../src/groth16/circuit/extension.ts";
import type { Lc } from "../../src/groth16/circuit/lc.ts";
import { poseidonCircuit, poseidonPermuteCircuit } from "../../src/groth16/circuit/poseidon.ts";
import { CircuitChallenger } from "../../src/groth16/circuit/transcript.ts";
import { BN254_R } from "../../src/groth16/types.ts";
import { partialRounds } from "../../src/hash/poseidon-bn254/params.ts";
import {
  bigintToDigest,
  digestToBigint,
  hashPackedRow,
  poseidonBn254Hash,
} from "../../src/stark/poseidon-bn254-hash.ts";
import { prng } from "../../src/stark/testing/perturb.ts";
import { r1csAccepts } from "./r1cs-accepts.ts";

type Tamper = NonNullable<BuilderOptions["tamper"]>;
const builder = (tamper?: Tamper) => new CircuitBuilder({ publicCount: 0, record: true, tamper });

function expectRejected(c: CircuitBuilder, label: string): void {
  expect(c.violationTotal).toBeGreaterThan(0);
  expect(c.violations.map((v) => v.label)).toContain(label);
  expect(r1csAccepts(c)).toBe(false);
}

function expectAccepted(c: CircuitBuilder): void {
  expect(c.failures).toEqual([]);
  expect(c.violations).toEqual([]);
  expect(r1csAccepts(c)).toBe(true);
}

/** A tamper hook that replaces the bits of one kind of hint by the bits of `value`, from the n-th bit on. */
function bitsOf(kind: string, value: bigint, first = 0): Tamper {
  return (k, i, honest) => (k === kind && i >= first ? (value >> BigInt(i - first)) & 1n : honest);
}

const rand = prng(0xc1c);
const element = () => rand() % P_NUMBER;
const ext = (): ExtNumbers => [element(), element(), element(), element()];

describe("Poseidon as constraints", () => {
  const lites = [lite.poseidon1, lite.poseidon2, lite.poseidon3, lite.poseidon4, lite.poseidon5] as const;
  const big = () => (BigInt(rand()) << 222n) ^ (BigInt(rand()) << 100n) ^ BigInt(rand());

  it.each([1, 2, 3, 4, 5])(
    "Poseidon(%i) equals poseidon-lite and costs circomlib's 3·(8t + R_P) − 3 constraints, + (t − 1) cells",
    (n) => {
      const inputs = Array.from({ length: n }, () => big() % BN254_R);
      const c = builder();
      const out = poseidonCircuit(
        c,
        inputs.map((x) => c.hint(x, "in")),
      );
      expect(out.value).toBe(lites[n - 1]!(inputs));
      const t = n + 1;
      expect(c.constraints).toBe(3 * (8 * t + partialRounds(t)) - 3 + (t - 1));
      expectAccepted(c);
    },
  );

  it("Poseidon(16) equals poseidon-lite; the width-3 permutation equals circomlibjs's on all three cells", async () => {
    const inputs = Array.from({ length: 16 }, () => big() % BN254_R);
    const c = builder();
    expect(
      poseidonCircuit(
        c,
        inputs.map((x) => c.hint(x, "in")),
      ).value,
    ).toBe(lite.poseidon16(inputs));
    expect(c.constraints).toBe(3 * (8 * 17 + partialRounds(17)) - 3 + 16);
    expectAccepted(c);

    const circomlibjs = (await import("circomlibjs" as string)) as {
      buildPoseidon(): Promise<
        ((inputs: bigint[], init: bigint, nOut: number) => unknown[]) & {
          F: { toObject(x: unknown): bigint };
        }
      >;
    };
    const poseidon = await circomlibjs.buildPoseidon();
    const state = [big() % BN254_R, big() % BN254_R, big() % BN254_R];
    const d = builder();
    const out = poseidonPermuteCircuit(
      d,
      state.map((x) => d.hint(x, "in")),
    );
    const expected = poseidon([state[1]!, state[2]!], state[0]!, 3).map((x) => poseidon.F.toObject(x));
    expect(out.map((x) => x.value)).toEqual(expected);
    // No cell is constant here, so every S-box is paid: 3·(8·3 + 57) + 2.
    expect(d.constraints).toBe(3 * (8 * 3 + 57) + 2);
    expectAccepted(d);
  });

  it("rejects a witness with a wrong S-box value", () => {
    const c = builder((k, i, honest) => (k === "poseidon" && i === 100 ? honest + 1n : honest));
    poseidonCircuit(c, [c.hint(1n, "in"), c.hint(2n, "in")]);
    expect(c.violationTotal).toBeGreaterThan(0);
    expect(r1csAccepts(c)).toBe(false);
  });
});

describe("emulated BabyBear", () => {
  it("a value from the proof costs 32 constraints and must be canonical: v + p in 31 bits is rejected", () => {
    const honest = builder();
    new BabyBear(honest).input(P - 1n);
    expect(honest.constraints).toBe(32);
    expectAccepted(honest);
    // 5 + p = 15·2^27 + 6 < 2^31: every bit is boolean and the bits sum to v + p ≡ 5 (mod p).
    const c = builder(bitsOf("input", 5n + P));
    new BabyBear(c).input(5n);
    expect(c.violationTotal).toBe(1);
    expectRejected(c, "canonical (< p)");
  });

  it("rejects a bit that is not 0 or 1 even when the sum is right", () => {
    // bits of 6 as (0, 3, 0, …): 0 + 2·3 = 6.
    const c = builder((k, i, honest) => (k === "input" ? (i === 1 ? 3n : i === 2 ? 0n : honest) : honest));
    new BabyBear(c).input(6n);
    expectRejected(c, "bit");
  });

  it("products, sums and differences reduce to the native results; reduction is exact and cheap", () => {
    const c = builder();
    const bb = new BabyBear(c);
    const xs = Array.from({ length: 12 }, () => element());
    let acc = bb.input(xs[0]!);
    let native = BigInt(xs[0]!);
    for (const x of xs.slice(1)) {
      const v = bb.input(x);
      acc = bb.sub(bb.mul(acc, v), bb.add(v, bb.constant(7)));
      native = (((native * BigInt(x) - BigInt(x) - 7n) % P) + P) % P;
    }
    // Lazy reduction: the bound stayed below 2^250 throughout, and the chain reduced only when it had to.
    expect(acc.max < 1n << 250n).toBe(true);
    const r = bb.reduce(acc);
    expect(r.value).toBe(native);
    expect(r.max).toBe(P - 1n);
    expectAccepted(c);
  });

  it("rejects the other decomposition of a reduced value (q − 1, e + p)", () => {
    // x = 3·p + 5 as a product: 5·… is not convenient, so reduce a sum of canonical values instead.
    const values = [P - 1n, P - 1n, P - 1n, 9n]; // sum = 3p + 6
    const sum = values.reduce((s, v) => s + v, 0n);
    const honestQ = sum / P;
    const c = builder((k, i, honest) => {
      if (k === "remainder") return (((sum % P) + P) >> BigInt(i)) & 1n;
      if (k === "quotient") return ((honestQ - 1n) >> BigInt(i)) & 1n;
      return honest;
    });
    const bb = new BabyBear(c);
    const x = values.map((v) => bb.input(v)).reduce((a, b) => bb.add(a, b));
    bb.reduce(x);
    expect(c.violationTotal).toBe(1);
    expectRejected(c, "canonical (< p)");
  });

  it("asserts equality mod p: a ≡ b passes for different integers, a ≢ b fails its constraint", () => {
    const c = builder();
    const bb = new BabyBear(c);
    const a = bb.mul(bb.input(P - 1n), bb.input(P - 1n)); // (p − 1)² ≡ 1
    bb.assertEqual(a, bb.constant(1), "constraints", "(p − 1)² = 1");
    expectAccepted(c);
    const d = builder();
    const bd = new BabyBear(d);
    bd.assertEqual(bd.mul(bd.input(P - 1n), bd.input(P - 1n)), bd.constant(2), "constraints", "(p − 1)² = 2");
    expect(d.failures).toEqual([{ reason: "constraints", what: "(p − 1)² = 2" }]);
    expectRejected(d, "(p − 1)² = 2");
  });

  it("bits and selects: one constraint per select of variables, none for a select of constants", () => {
    const c = builder();
    const bb = new BabyBear(c);
    const x = bb.input(0b1011n);
    const [b0, b1, b2] = bb.bits(x, 3);
    // A proof value is the sum of its 31 bits; as a factor it is first made one wire (one constraint).
    const [x11, x22] = [bb.compact(bb.input(11n)), bb.compact(bb.input(22n))];
    const before = c.constraints;
    const s = bb.select(b2!, x11, x22);
    expect(c.constraints - before).toBe(1);
    expect(s.value).toBe(22n);
    const k = bb.select(b0!, bb.constant(5), bb.constant(9));
    expect(k.value).toBe(5n);
    expect(c.constraints - before).toBe(1);
    expect(bb.select(b1!, bb.constant(5), bb.constant(9)).value).toBe(5n);
    expectAccepted(c);
  });
});

describe("the quartic extension", () => {
  it("a product of two variable elements is 7 constraints and equals the native product", () => {
    for (let trial = 0; trial < 5; trial++) {
      const a = ext();
      const b = ext();
      const c = builder();
      const e = new Extension(new BabyBear(c));
      const input = (x: number) => e.bb.compact(e.bb.input(x));
      const va = a.map(input) as unknown as Parameters<Extension["mul"]>[0];
      const vb = b.map(input) as unknown as Parameters<Extension["mul"]>[0];
      const before = c.constraints;
      const prod = e.mul(va, vb);
      expect(c.constraints - before).toBe(7);
      expect(e.reduce(prod).map((x) => Number(x.value))).toEqual(extMul(a, b));
      expectAccepted(c);
    }
  });

  it("rejects a wrong product wire", () => {
    const c = builder((k, i, honest) => (k === "ext-product" && i === 3 ? honest + 1n : honest));
    const e = new Extension(new BabyBear(c));
    e.mul(
      ext().map((x) => e.bb.input(x)) as unknown as Parameters<Extension["mul"]>[0],
      ext().map((x) => e.bb.input(x)) as unknown as Parameters<Extension["mul"]>[0],
    );
    expectRejected(c, "extension product");
  });

  it("inverts; rejects a wrong inverse hint, and zero has no satisfying witness", () => {
    const a = ext();
    const c = builder();
    const e = new Extension(new BabyBear(c));
    const va = a.map((x) => e.bb.input(x)) as unknown as Parameters<Extension["mul"]>[0];
    expect(e.reduce(e.inverse(va, "degenerate-point", "a⁻¹")).map((x) => Number(x.value))).toEqual(extInv(a));
    expectAccepted(c);

    const wrong = extInv(a);
    wrong[2] = (wrong[2] + 1) % P_NUMBER;
    // Replace the third coordinate's 31 bits (hints 62..92 of kind "inverse") by those of a wrong value.
    const tampered = builder((k, i, honest) =>
      k === "inverse" && i >= 62 && i < 93 ? (BigInt(wrong[2]) >> BigInt(i - 62)) & 1n : honest,
    );
    const et = new Extension(new BabyBear(tampered));
    et.inverse(
      a.map((x) => et.bb.input(x)) as unknown as Parameters<Extension["mul"]>[0],
      "degenerate-point",
      "a⁻¹",
    );
    expectRejected(tampered, "a⁻¹");

    const z = builder();
    const ez = new Extension(new BabyBear(z));
    ez.inverse(
      [0, 0, 0, 0].map((x) => ez.bb.input(x)) as unknown as Parameters<Extension["mul"]>[0],
      "degenerate-point",
      "0⁻¹",
    );
    expect(z.failures).toContainEqual({ reason: "degenerate-point", what: "0⁻¹" });
    expectRejected(z, "0⁻¹");
  });
});

describe("the transcript as constraints", () => {
  const digestOf = (v: bigint) => {
    const d = new Uint32Array(8);
    bigintToDigest(v, d);
    return d;
  };
  const big = () => ((BigInt(rand()) << 222n) ^ (BigInt(rand()) << 100n) ^ BigInt(rand())) % BN254_R;

  it.each([0, 1, 2, 4, 5, 6, 16, 17, 40])(
    "samples what the native transcript samples after %i observed cells, hashing runs of 5 or more",
    (cells) => {
      const native = poseidonBn254Hash.newChallenger();
      const c = builder();
      const circuit = new CircuitChallenger(new BabyBear(c));
      const bb = new BabyBear(c);
      const samples: [number, bigint][] = [];
      // A prefix, then `cells` cells (digests and packed elements, 8 a cell), then two samples, twice.
      for (let round = 0; round < 2; round++) {
        const e0 = element();
        native.observe(e0);
        circuit.observe(bb.input(e0));
        samples.push([native.sample(), circuit.sample().value]);
        for (let i = 0; i < cells; i++) {
          if (i % 3 === 2) {
            for (let k = 0; k < 8; k++) {
              const e = element();
              native.observe(e);
              circuit.observe(bb.input(e));
            }
          } else {
            const d = big();
            native.observeDigest(digestOf(d));
            circuit.observeDigest(c.hint(d, "digest"));
          }
        }
        samples.push([native.sample(), circuit.sample().value]);
        samples.push([native.sample(), circuit.sample().value]);
      }
      for (const [n, v] of samples) expect(v).toBe(BigInt(n));
      expectAccepted(c);
    },
  );

  it("absorbs a run of 5 or more cells as the row hash of all but the last, then the last", () => {
    const cells = (n: number) => Array.from({ length: n }, big);
    for (const n of [4, 5, 16, 31]) {
      const run = cells(n);
      const each = poseidonBn254Hash.newChallenger();
      for (const d of run) each.observeDigest(digestOf(d));
      const hashed = poseidonBn254Hash.newChallenger();
      hashed.observeDigest(digestOf(hashPackedRow(run.slice(0, -1))));
      hashed.observeDigest(digestOf(run[n - 1]!));
      if (n >= 5) expect(each.sample()).toBe(hashed.sample());
      else expect(each.sample()).not.toBe(hashed.sample());
    }
  });

  it("a run of 17 cells costs one Poseidon(16) and a permutation, not 9 permutations", () => {
    const c = builder();
    const t = new CircuitChallenger(new BabyBear(c));
    for (let i = 0; i < 17; i++) t.observeDigest(c.hint(big(), "digest"));
    const before = c.constraints;
    t.sample();
    const absorbed = c.constraints - before - 380; // the sample's own s mod p
    const p16 = builder();
    poseidonCircuit(
      p16,
      Array.from({ length: 16 }, () => p16.hint(big(), "x")),
    );
    const p2 = builder();
    poseidonPermuteCircuit(p2, [p2.hint(1n, "x"), p2.hint(2n, "x"), p2.hint(3n, "x")]);
    expect(absorbed).toBeGreaterThan(p16.constraints);
    expect(absorbed).toBeLessThanOrEqual(p16.constraints + p2.constraints);
    expect(2 * absorbed).toBeLessThan(9 * p2.constraints);
  });
});

describe("a transcript cell as s mod p", () => {
  const Q = (BN254_R - 1n) / P;
  const QHI = Q >> 100n;
  let edges: bigint[] = [];
  beforeAll(() => {
    edges = [0n, 1n, P - 1n, P, 2n ** 200n + 12345n, QHI * 2n ** 100n * P - 1n];
    for (let i = 0; i < 20; i++)
      edges.push(((BigInt(rand()) << 222n) ^ (BigInt(rand()) << 191n) ^ BigInt(rand())) % BN254_R);
  });

  it("equals s mod p for edge and random cells at 380 constraints", () => {
    for (const s of edges) {
      const c = builder();
      const e = cellModP(new BabyBear(c), c.hint(s, "cell"));
      expect(e.value).toBe(s % P);
      expect(c.constraints).toBe(380);
      expectAccepted(c);
    }
  });

  it("cells above the decomposable range (probability ≈ 2^-122) have no satisfying witness", () => {
    const s = BN254_R - 1n;
    const c = builder();
    cellModP(new BabyBear(c), c.hint(s, "cell"));
    expect(c.failures.length).toBe(1);
    expect(r1csAccepts(c)).toBe(false);
  });

  it("rejects the other decompositions: (q − 1, e + p) and the one that wraps around r", () => {
    const q = 2n ** 150n + 77n;
    const s = q * P + 5n; // e = 5, so e + p fits in 31 bits
    const quotientBits = (qq: bigint): Tamper => {
      const hi = qq >> 100n;
      const all = [
        ...Array.from({ length: 100 }, (_, i) => (qq >> BigInt(i)) & 1n),
        ...Array.from({ length: 123 }, (_, i) => (hi >> BigInt(i)) & 1n),
        ...Array.from({ length: 123 }, (_, i) => ((QHI - 1n - hi) >> BigInt(i)) & 1n),
      ];
      return (k, i, honest) => (k === "sample-quotient" ? all[i]! : honest);
    };
    const lower = quotientBits(q - 1n);
    const c = builder((k, i, honest) =>
      k === "sample-remainder" ? ((5n + P) >> BigInt(i)) & 1n : lower(k, i, honest),
    );
    const e = cellModP(new BabyBear(c), c.hint(s, "cell"));
    expect(e.value).toBe(5n + P);
    expect(c.violationTotal).toBe(1);
    expectRejected(c, "canonical (< p)");

    // s + r = q'·p + e' over the integers, with q' > Q: its high limb is out of range.
    const small = 3n;
    const qw = (small + BN254_R) / P;
    const ew = (small + BN254_R) % P;
    const wrap = quotientBits(qw);
    const d = builder((k, i, honest) =>
      k === "sample-remainder" ? (ew >> BigInt(i)) & 1n : wrap(k, i, honest),
    );
    const f = cellModP(new BabyBear(d), d.hint(small, "cell"));
    expect(f.value).toBe(ew);
    expect(ew).not.toBe(small);
    expectRejected(d, "sample: q_hi < Q_hi");
  });
});

describe("a 4-ary Merkle step (merkleStep4)", () => {
  const big = () => ((BigInt(rand()) << 222n) ^ (BigInt(rand()) << 100n) ^ BigInt(rand())) % BN254_R;
  const node = big();
  const siblings = [big(), big(), big()];
  /** Poseidon(4) of the children with the node at `position` (the native definition, via poseidon-lite). */
  const parent = (position: number) => {
    const children = [...siblings];
    children.splice(position, 0, node);
    return lite.poseidon4(children);
  };

  /** The step with the position from a proof value's two low bits (as a query index's), checked against `root`. */
  function step(index: number, root: bigint, sibs = siblings, tamper?: Tamper): CircuitBuilder {
    const c = builder(tamper);
    const b = new R1csBackend(c);
    const bits = b.bits(b.bb.input(index), 2) as [Bb, Bb];
    const before = c.constraints;
    const out = b.merkleStep4(bits, b.digestInput(node), sibs.map((s) => b.digestInput(s)) as [Lc, Lc, Lc]);
    // Poseidon(4) (circomlib's 3·(8·5 + 60) − 3, + 4 cells) and five selects.
    expect(c.constraints - before).toBe(3 * (8 * 5 + partialRounds(5)) - 3 + 4 + 5);
    b.assertDigestEqual(out, b.digestInput(root), "merkle-path", "root");
    return c;
  }

  it.each([0, 1, 2, 3])("puts the node at position %i and hashes the four children with Poseidon(4)", (p) => {
    // The index's higher bits are the next levels' (ignored here): 4 + p has the same two low bits.
    expectAccepted(step(4 + p, parent(p)));
  });

  it("rejects a wrong sibling, a wrong order of siblings and another index", () => {
    for (let p = 0; p < 4; p++) {
      for (let k = 0; k < 3; k++) {
        const wrong = [...siblings];
        wrong[k] = wrong[k]! + 1n;
        expectRejected(step(p, parent(p), wrong), "root");
      }
      expectRejected(step(p, parent(p), [siblings[1]!, siblings[0]!, siblings[2]!]), "root");
      for (let q = 0; q < 4; q++) if (q !== p) expectRejected(step(q, parent(p)), "root");
    }
  });

  it("rejects children arranged for another position than the bits say (forced selects)", () => {
    // The bits say position 1; the prover hints the selects of position 2 (whose root it has).
    const honest2: bigint[] = [];
    const record = step(2, parent(2), siblings, (k, _i, v) => {
      if (k === "select") honest2.push(v);
      return v;
    });
    expectAccepted(record);
    const c = step(1, parent(2), siblings, (k, i, v) => (k === "select" ? honest2[i]! : v));
    expectRejected(c, "digest select");
  });

  it("rejects a non-boolean index bit", () => {
    // Bits (2, 0, …) still sum to the index 2 = (0, 1, …): the decomposition holds, the bit constraint fails.
    const c = step(2, parent(2), siblings, (k, i, v) => {
      if (k !== "input") return v;
      return i === 0 ? 2n : i === 1 ? 0n : v;
    });
    expectRejected(c, "bit");
  });
});

describe("a fused injection (merkleInjectStep)", () => {
  const big = () => ((BigInt(rand()) << 222n) ^ (BigInt(rand()) << 100n) ^ BigInt(rand())) % BN254_R;
  const node = big();
  const siblings = [big(), big(), big()];
  /** Poseidon of n ≤ 16 inputs from poseidon-lite. */
  const poseidon = (inputs: bigint[]) =>
    (lite as unknown as Record<string, (x: bigint[]) => bigint>)[`poseidon${inputs.length}`]!(inputs);
  const cost = (inputs: number) => 3 * (8 * (inputs + 1) + partialRounds(inputs + 1)) - 3 + inputs;

  /**
   * The step of `bitCount` bits at the position of `index`'s low bits, absorbing `row`; checked against the
   * native configuration and returned with its constraint count.
   */
  function step(bitCount: 1 | 2, index: number, row: number[], root: bigint, tamper?: Tamper) {
    const c = builder(tamper);
    const b = new R1csBackend(c);
    const bits = b.bits(b.bb.input(index), bitCount);
    const rowVars = row.map((x) => b.bb.input(x));
    const before = c.constraints;
    const sibs = siblings.slice(0, (1 << bitCount) - 1).map((s) => b.digestInput(s));
    const out = b.merkleInjectStep(bits, b.digestInput(node), sibs, rowVars);
    const measured = c.constraints - before;
    b.assertDigestEqual(out, b.digestInput(root), "merkle-path", "root");
    return { c, measured };
  }
  /** The native configuration's node (`injectNode`) with the node at `position`. */
  function parent(bitCount: 1 | 2, position: number, row: number[]): bigint {
    const children = siblings.slice(0, (1 << bitCount) - 1).map((s) => {
      const d = new Uint32Array(8);
      bigintToDigest(s, d);
      return d;
    });
    const n = new Uint32Array(8);
    bigintToDigest(node, n);
    children.splice(position, 0, n);
    const out = new Uint32Array(8);
    poseidonBn254Hash.injectNode!(children, Uint32Array.from(row), out);
    return digestToBigint(out);
  }
  const rowOf = (n: number) => Array.from({ length: n }, element);
  /** Constraints of `hashRow` on the row (inputs excluded). */
  const hashRowCost = (row: number[]) => {
    const c = builder();
    const b = new R1csBackend(c);
    const vars = row.map((x) => b.bb.input(x));
    const before = c.constraints;
    b.hashRow(vars);
    return c.constraints - before;
  };

  it.each([
    // [bits, row length, cells absorbed directly]
    [1, 5, true],
    [1, 8 * 14, true],
    [1, 8 * 14 + 1, false],
    [2, 9, true],
    [2, 8 * 12, true],
    [2, 8 * 12 + 3, false],
  ] as const)(
    "%i bit(s), a row of %i elements: the native node, cells absorbed: %s",
    (bitCount, n, direct) => {
      const row = rowOf(n);
      const cells = Math.ceil(n / 8);
      for (let p = 0; p < 1 << bitCount; p++) {
        const want = parent(bitCount, p, row);
        const { c, measured } = step(bitCount, 4 + p, row, want);
        expectAccepted(c);
        // Independently: the node's Poseidon over the children and the cells (or the row's digest).
        const children = siblings.slice(0, (1 << bitCount) - 1);
        children.splice(p, 0, node);
        const packed = Array.from({ length: cells }, (_, k) =>
          row.slice(8 * k, 8 * k + 8).reduceRight((acc, e) => acc * P + BigInt(e), 0n),
        );
        if (direct) expect(want).toBe(poseidon([...children, ...packed]));
        else expect(want).not.toBe(0n);
        // Selects (one swap, or five) and one Poseidon over the children and the cells, plus the cells' own
        // packing (what hashRow pays besides its Poseidon) — or, for a long row, plus the whole row hash.
        const selects = bitCount === 1 ? 1 : 5;
        const rowHash = hashRowCost(row);
        const extra = direct ? rowHash - cost(cells) : rowHash;
        expect(measured).toBe(selects + cost((1 << bitCount) + (direct ? cells : 1)) + extra);
      }
    },
  );

  it("rejects a changed row element, a wrong sibling and another position", () => {
    for (const bitCount of [1, 2] as const) {
      const row = rowOf(bitCount === 1 ? 20 : 8 * 13);
      const want = parent(bitCount, 1, row);
      const changed = [...row];
      changed[row.length - 1] = (changed[row.length - 1]! + 1) % P_NUMBER;
      expectRejected(step(bitCount, 1, changed, want).c, "root");
      for (let q = 0; q < 1 << bitCount; q++)
        if (q !== 1) expectRejected(step(bitCount, q, row, want).c, "root");
      const saved = siblings[0]!;
      siblings[0] = saved + 1n;
      expectRejected(step(bitCount, 1, row, want).c, "root");
      siblings[0] = saved;
    }
  });
});
