/**
 * The wrap circuit's public inputs (src/groth16/wrap/statement.ts) against the native definitions they must
 * equal: RISC Zero's five Groth16 receipt inputs for `receiptClaimDigest(recursionClaim(publics))`, as the
 * verifier contract computes them. The statement alone is built here on canonical inputs (no STARK proof).
 */
import { describe, expect, it } from "vitest";
import { R1csBackend } from "../../src/groth16/circuit/backend.ts";
import { CircuitBuilder } from "../../src/groth16/circuit/builder.ts";
import { RECEIPT_STATEMENT } from "../../src/groth16/wrap/statement.ts";
import { digestToBytes } from "../../src/hash/poseidon2.ts";
import { okClaim, receiptClaimDigest } from "../../src/receipt/claim.ts";
import { be32, groth16ReceiptPublicInputs } from "../../src/receipt/groth16-receipt.ts";
import { recursionClaim } from "../../src/receipt/succinct-receipt.ts";
import { Claim, RECURSION_PUBLIC_COUNT } from "../../src/recursion/programs.ts";
import { prng } from "../../src/stark/testing/perturb.ts";

const P = 2013265921;
const ID = 0x1234_5678_9abc_def0_1122_3344_5566_7788_99aa_bbcc_ddee_ff00_0102_0304_0506_0708n;

/** Builds the statement on these public values; returns its signals and whether every constraint held. */
function statement(
  publics: readonly number[],
  options: { tamper?: (k: string, i: number, v: bigint) => bigint } = {},
) {
  const c = new CircuitBuilder({ publicCount: 5, record: false, tamper: options.tamper });
  const b = new R1csBackend(c);
  const signals = RECEIPT_STATEMENT.signals(
    { publics: publics.map((v) => b.bb.input(v)), airDigest: [], preprocessedRoot: b.digestInput(ID) },
    b,
  );
  return { values: signals.map((s) => s.value), satisfied: c.satisfied, constraints: c.constraints };
}

function expected(publics: readonly number[]): bigint[] {
  const params = {
    controlRoot: digestToBytes(Uint32Array.from(publics.slice(0, 8))),
    bn254ControlId: be32(ID),
    verifyingKey: null as never,
  };
  return groth16ReceiptPublicInputs(params, receiptClaimDigest(recursionClaim(publics)));
}

/** Uniform in [0, 1) from the harness's deterministic xorshift (which yields u32 values). */
function uniform(seed: number): () => number {
  const next = prng(seed);
  return () => next() / 2 ** 32;
}

function randomClaim(rand: () => number, halted: boolean): number[] {
  const p = Array.from({ length: RECURSION_PUBLIC_COUNT }, () => Math.floor(rand() * P));
  p[Claim.HALTED] = halted ? 1 : 0;
  for (const at of [Claim.EXIT_LO, Claim.EXIT_HI]) p[at] = Math.floor(rand() * 0x10000);
  for (let k = 0; k < 16; k++) p[Claim.OUTPUT + k] = Math.floor(rand() * 0x10000);
  return p;
}

describe("the wrap circuit's public inputs", () => {
  it("equal RISC Zero's receipt inputs for halted and split claims, with edge values", () => {
    const rand = uniform(7);
    for (let i = 0; i < 6; i++) {
      const p = randomClaim(rand, i % 2 === 0);
      if (i === 4) p.fill(P - 1, 0, 24); // the largest canonical words
      if (i === 4) p.fill(0xffff, Claim.EXIT_LO);
      const s = statement(p);
      expect([i, s.satisfied]).toEqual([i, true]);
      expect(s.values).toEqual(expected(p));
    }
  });

  it("states the ok claim of an ImageID and journal digest, as the contract computes it", () => {
    const imageId = Uint32Array.from({ length: 8 }, (_, i) => (i * 0x1234567 + 99) % P);
    const journalDigest = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 5) & 0xff);
    const claim = okClaim(digestToBytes(imageId), journalDigest);
    const p = new Array<number>(RECURSION_PUBLIC_COUNT).fill(0);
    p.splice(Claim.PRE, 8, ...imageId);
    p[Claim.HALTED] = 1;
    for (let k = 0; k < 16; k++) p[Claim.OUTPUT + k] = claim.output[2 * k]! | (claim.output[2 * k + 1]! << 8);
    expect(receiptClaimDigest(recursionClaim(p))).toEqual(receiptClaimDigest(claim));
    expect(statement(p).values).toEqual(expected(p));
  });

  it("rejects a claim whose flag or halves are out of range, as recursionClaim does", () => {
    const p = randomClaim(uniform(9), true);
    for (const [at, v] of [
      [Claim.HALTED, 2],
      [Claim.EXIT_LO, 0x10000],
      [Claim.EXIT_HI, P - 1],
      [Claim.OUTPUT + 15, 0x10000],
    ] as const) {
      const q = [...p];
      q[at] = v;
      expect(statement(q).satisfied).toBe(false);
      expect(() => recursionClaim(q)).toThrow(/0 or 1|16-bit/);
    }
  });

  it("rejects a witness with any tampered select or SHA-256 hint", () => {
    const p = randomClaim(uniform(11), true);
    const kinds = new Map<string, number>();
    statement(p, {
      tamper: (k, i, v) => {
        kinds.set(k, Math.max(kinds.get(k) ?? 0, i + 1));
        return v;
      },
    });
    expect(kinds.get("statement select")).toBeGreaterThan(0);
    expect([...kinds.keys()].filter((k) => k.startsWith("sha256")).length).toBeGreaterThanOrEqual(4);
    for (const [kind, count] of kinds) {
      // The statement's inputs (the inner public values' bits, the control ID) are free by design.
      if (kind.startsWith("input") || kind === "digest") continue;
      for (const index of [0, count >> 1, count - 1]) {
        const s = statement(p, { tamper: (k, i, v) => (k === kind && i === index ? 1n - v : v) });
        // Every hint is determined by the inputs: changing one breaks a constraint.
        expect([kind, index, s.satisfied]).toEqual([kind, index, false]);
      }
    }
  });
});
