import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mul, P, pow, rootOfUnity } from "../../src/field/babybear.ts";
import { type Ext, extAdd, extMul, extMulBase } from "../../src/field/extension.ts";
import type { Air } from "../../src/stark/air.ts";
import { CONFIG_BLOWUP_2, DEFAULT_CONFIG } from "../../src/stark/config.ts";
import { evaluateOnDomain } from "../../src/stark/eval-domain.ts";
import { checkPow, grind, sampleBits } from "../../src/stark/hash-config.ts";
import { foldValues } from "../../src/stark/pcs/fri-verify.ts";
import { mmcsCommit, mmcsOpen } from "../../src/stark/pcs/mmcs.ts";
import { poseidon2Hash } from "../../src/stark/poseidon2-hash.ts";
import { encodeProof } from "../../src/stark/proof-codec.ts";
import { reverseBits } from "../../src/stark/protocol.ts";
import { proveStark, type Witness } from "../../src/stark/prover.ts";
import { securityReport, securityShape } from "../../src/stark/security.ts";
import { asExt, evaluateNodes } from "../../src/stark/verifier/constraints.ts";
import { nativeBackend } from "../../src/stark/verifier/native.ts";
import {
  cubicAir,
  cubicWitness,
  rangeCheckAir,
  rangeCheckFixedAir,
  rangeCheckFixedWitness,
  TEST_CONFIG,
} from "./airs.ts";
import { mmcsAccepts } from "./mmcs-helpers.ts";

const hash = poseidon2Hash;
const rnd = (seed: number) => {
  let s = seed;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) % P;
};

/** The commitment recomputed from its definition in docs/proof-system.md §3, recursively. */
function naiveRoot(matrices: { height: number; columns: Uint32Array[] }[]): Uint32Array {
  const maxH = Math.max(...matrices.map((m) => m.height));
  const rowHash = (h: number, j: number) => {
    const row: number[] = [];
    for (const m of matrices)
      if (m.height === h) for (const c of m.columns) row.push(c[reverseBits(j, Math.log2(h))]!);
    const out = new Uint32Array(8);
    hash.hashRow(Uint32Array.from(row), out);
    return out;
  };
  const node = (h: number, j: number): Uint32Array => {
    if (h === maxH) return rowHash(h, j);
    const out = new Uint32Array(8);
    hash.compress(node(2 * h, 2 * j), node(2 * h, 2 * j + 1), out);
    if (matrices.some((m) => m.height === h)) hash.compress(Uint32Array.from(out), rowHash(h, j), out);
    return out;
  };
  return node(1, 0);
}

const native = nativeBackend(hash);

/** Whether the generic opening check (native instance) accepts. */
const mmcsVerify = (
  root: Uint32Array,
  heights: number[],
  index: number,
  rows: Uint32Array[],
  path: Uint32Array[],
) => mmcsAccepts(hash, [root], heights, index, rows, path);

describe("mixed-height Merkle commitment", () => {
  const r = rnd(7);
  const mk = (height: number, width: number) => ({
    height,
    columns: Array.from({ length: width }, () => Uint32Array.from({ length: height }, r)),
  });
  const matrices = [mk(16, 3), mk(4, 2), mk(16, 1), mk(2, 20), mk(1, 1)];
  const heights = matrices.map((m) => m.height);
  const data = mmcsCommit(hash, matrices);

  it("matches the recursive definition", () => {
    expect(data.cap).toEqual([naiveRoot(matrices)]);
  });

  it("opens every leaf; any change to a row, a sibling or the index is rejected", () => {
    for (let i = 0; i < 16; i++) {
      const o = mmcsOpen(data, i);
      expect(mmcsVerify(data.cap[0]!, heights, i, o.rows, o.path)).toBe(true);
      expect(mmcsVerify(data.cap[0]!, heights, (i + 1) % 16, o.rows, o.path)).toBe(false);
      for (let m = 0; m < o.rows.length; m++) {
        const rows = o.rows.map((x) => x.slice());
        rows[m]![0] = (rows[m]![0]! + 1) % P;
        expect(mmcsVerify(data.cap[0]!, heights, i, rows, o.path)).toBe(false);
      }
      for (let l = 0; l < o.path.length; l++) {
        const path = o.path.map((x) => x.slice());
        path[l]![3] ^= 1;
        expect(mmcsVerify(data.cap[0]!, heights, i, o.rows, path)).toBe(false);
      }
    }
  });
});

describe("FRI fold", () => {
  it("equals Σ_r β^r f_r(y^a) computed from the coefficients (f(Y) = Σ_r Y^r f_r(Y^a))", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 1000 }), (logA, seed) => {
        const r = rnd(seed);
        const a = 1 << logA;
        const coeffs: Ext[] = Array.from({ length: 4 * a }, () => [r(), r(), r(), r()]);
        const beta: Ext = [r(), r(), r(), r()];
        const evalAt = (cs: Ext[], x: number): Ext =>
          cs.reduceRight<Ext>((acc, c) => extAdd(extMulBase(acc, x), c), [0, 0, 0, 0]);
        const y = pow(rootOfUnity(10), 1 + (seed % 1000));
        const wa = rootOfUnity(logA);
        const values = Array.from({ length: a }, (_, j) => evalAt(coeffs, mul(y, pow(wa, j))));
        const folded = foldValues(native, values, beta, pow(y, P - 2), logA);
        let expected: Ext = [0, 0, 0, 0];
        let bp: Ext = [1, 0, 0, 0];
        for (let k = 0; k < a; k++) {
          const fk = coeffs.filter((_, i) => i % a === k);
          expected = extAdd(expected, extMul(bp, evalAt(fk, pow(y, a))));
          bp = extMul(bp, beta);
        }
        expect(folded).toEqual(expected);
      }),
      { numRuns: 30 },
    );
  });
});

describe("transcript", () => {
  it("is deterministic, sensitive to every observation, and samples query bits in range", () => {
    const a = hash.newChallenger();
    const b = hash.newChallenger();
    const c = hash.newChallenger();
    for (let i = 0; i < 40; i++) {
      a.observe(i);
      b.observe(i);
      c.observe(i === 17 ? 18 : i);
    }
    const sa = [a.sample(), a.sample()];
    expect([b.sample(), b.sample()]).toEqual(sa);
    expect([c.sample(), c.sample()]).not.toEqual(sa);
    const clone = a.clone();
    expect(clone.sample()).toBe(a.sample());
    for (let i = 0; i < 200; i++) {
      const v = sampleBits(a, 5);
      expect(v >= 0 && v < 32).toBe(true);
    }
  });
});

describe("constraint evaluators", () => {
  it("the prover's column evaluator agrees with the verifier's point evaluator", () => {
    const air = rangeCheckAir(3);
    const t = air.tables[1]!; // has aux columns, challenges, cumsum and selectors
    const r = rnd(99);
    const n = 8;
    const main = [Uint32Array.from({ length: n }, r), Uint32Array.from({ length: n }, r)];
    const aux = Array.from({ length: 4 * t.auxWidth }, () => Uint32Array.from({ length: n }, r));
    const sel = {
      first: Uint32Array.from({ length: n }, r),
      last: Uint32Array.from({ length: n }, r),
      transition: Uint32Array.from({ length: n }, r),
    };
    const challenges: Ext[] = [
      [r(), r(), r(), r()],
      [r(), r(), r(), r()],
    ];
    const cumsum: Ext = [r(), r(), r(), r()];
    const publics = [r(), r()];
    evaluateOnDomain(
      t.nodes,
      {
        length: n,
        main,
        aux,
        stride: 1,
        nextOffset: 1,
        sourceLength: n,
        publics,
        challenges,
        cumsum,
        selectors: sel,
      },
      (_start, len, values) => {
        for (let row = 0; row < len; row++) {
          const at = (cols: Uint32Array[], k: number): Ext[] =>
            Array.from({ length: cols.length / k }, (_, c) =>
              k === 1
                ? [cols[c]![row % n]!, 0, 0, 0]
                : [
                    cols[4 * c]![row % n]!,
                    cols[4 * c + 1]![row % n]!,
                    cols[4 * c + 2]![row % n]!,
                    cols[4 * c + 3]![row % n]!,
                  ],
            );
          const nextRow = (cols: Uint32Array[], k: number) =>
            at(
              cols.map((c) => Uint32Array.from(c.map((_, i) => c[(i + 1) % n]!))),
              k,
            );
          const pv = evaluateNodes(native, t.nodes, {
            main: { cur: at(main, 1), next: nextRow(main, 1) },
            aux: { cur: at(aux, 4), next: nextRow(aux, 4) },
            publics,
            challenges,
            cumsum,
            selectors: {
              first: [sel.first[row]!, 0, 0, 0],
              last: [sel.last[row]!, 0, 0, 0],
              transition: [sel.transition[row]!, 0, 0, 0],
            },
          });
          for (const c of t.constraints) {
            const v = values[c]!;
            const got = v instanceof Uint32Array ? [v[row]!, 0, 0, 0] : v.map((x) => x[row]!);
            expect(got).toEqual(asExt(native, pv[c]!));
          }
        }
      },
    );
  });
});

describe("native verifier backend", () => {
  it("dotBase equals the term-by-term sum", () => {
    const b = nativeBackend(hash);
    const next = rnd(7);
    for (const n of [0, 1, 17, 600]) {
      const coefficients: Ext[] = Array.from({ length: n }, () => [next(), next(), next(), next()]);
      const values = Array.from({ length: n }, (_, i) => (i % 5 === 0 ? P - 1 : next()));
      let expected: Ext = [0, 0, 0, 0];
      for (let i = 0; i < n; i++) expected = extAdd(expected, extMulBase(coefficients[i]!, values[i]!));
      expect(b.dotBase!(coefficients, values)).toEqual(expected);
    }
  });

  it("compress and merkleStep return the hash's digest for every input, repeated or not", () => {
    let calls = 0;
    const counted = {
      ...hash,
      compress: (l: Uint32Array, r: Uint32Array, out: Uint32Array) => {
        calls++;
        hash.compress(l, r, out);
      },
    };
    const b = nativeBackend(counted);
    const next = rnd(11);
    const digests = Array.from({ length: 6 }, () => Uint32Array.from({ length: 8 }, next));
    const direct = (l: Uint32Array, r: Uint32Array) => {
      const out = new Uint32Array(8);
      hash.compress(l, r, out);
      return out;
    };
    let distinct = 0;
    const seen = new Set<string>();
    for (let round = 0; round < 3; round++)
      for (const l of digests)
        for (const r of digests) {
          const key = `${l}|${r}`;
          if (!seen.has(key)) distinct++;
          seen.add(key);
          const got = b.compress(l, r);
          expect(got).toEqual(direct(l, r));
          got.fill(0); // a caller's changes do not reach what later calls return
          expect(b.merkleStep(1, r, l)).toEqual(direct(l, r));
          expect(b.merkleStep(0, l, r)).toEqual(direct(l, r));
        }
    expect(calls).toBe(distinct);
    // Inputs that differ in one word are different inputs.
    const l2 = digests[0]!.slice();
    l2[7] = (l2[7]! + 1) % P;
    expect(b.compress(l2, digests[1]!)).toEqual(direct(l2, digests[1]!));
    expect(calls).toBe(distinct + 1);
  });
});

describe("worker threads", () => {
  const expectSameProofs = (air: Air, w: Witness) => {
    const bytes = (workers: number) =>
      encodeProof(proveStark(air, TEST_CONFIG, hash, w, { workers }), air, TEST_CONFIG, hash);
    expect(bytes(1)).toEqual(bytes(0));
  };

  it("a proof made with a worker thread is byte-identical to one made without", () => {
    const air = cubicAir(8);
    const w = cubicWitness(8, 10);
    expectSameProofs(air, w);
  });

  it("so is one with preprocessed columns, LogUp and tables of two heights (each quotient and LogUp trace split in shares)", () => {
    const air = rangeCheckFixedAir(10);
    const w = rangeCheckFixedWitness(
      Array.from({ length: 2048 }, (_, i) => (i * 37) % 1024),
      3,
      10,
    );
    expectSameProofs(air, w);
  });
});

describe("security report", () => {
  it("presets reach 100 bits at the reference shape; the FRI term is queries·logBlowup + PoW bits", () => {
    for (const c of [DEFAULT_CONFIG, CONFIG_BLOWUP_2]) {
      const r = securityReport(c);
      expect(r.bits).toBeGreaterThanOrEqual(100);
      expect(r.terms.fri).toBe(c.numQueries * c.logBlowup + c.powBits);
      expect(r.bits).toBe(Math.floor(Math.min(...Object.values(r.terms))));
    }
    expect(securityReport(TEST_CONFIG).bits).toBe(28);
    // Taller tables weaken the field terms.
    const air = cubicAir(8);
    expect(securityReport(DEFAULT_CONFIG, securityShape(air, [24])).bits).toBeLessThan(100);
  });
});

describe("proof-of-work grinding", () => {
  it("the fast search finds the same nonce as the generic one", () => {
    for (let k = 0; k < 20; k++) {
      const ch = hash.newChallenger();
      for (let i = 0; i < k; i++) ch.observe(i * 7);
      const fast = grind(ch, 6);
      let slow = 0;
      while (!checkPow(ch, slow, 6)) slow++;
      expect(fast).toBe(slow);
    }
  });
});
