/**
 * The R1CS SHA-256 gadget (src/groth16/circuit/sha256.ts) against @noble/hashes, with its constraint counts,
 * constant folding, a constant prefix (the ReceiptClaim's first block), the written .r1cs evaluated
 * independently, and malicious witnesses.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { describe, expect, it } from "vitest";
import { type BuilderOptions, CircuitBuilder } from "../../src/groth16/circuit/builder.ts";
import { ONE, ZERO } from "../../src/groth16/circuit/lc.ts";
import { digestBytes, sha256Message } from "../../src/groth16/circuit/sha256.ts";
import { WitnessError } from "../../src/groth16/errors.ts";
import { readR1cs } from "../../src/groth16/r1cs.ts";
import { checkWitness } from "../../src/groth16/witness.ts";

type Tamper = NonNullable<BuilderOptions["tamper"]>;

const message = (n: number, seed = 1) =>
  Uint8Array.from({ length: n }, (_, i) => (i * 131 + seed * 17) & 0xff);

/** Hashes `msg` with every byte a hinted, boolean-constrained input; returns the digest and the builder. */
function hash(msg: Uint8Array, options: { record?: boolean; tamper?: Tamper; prefix?: Uint8Array } = {}) {
  const c = new CircuitBuilder({ publicCount: 0, record: options.record ?? false, tamper: options.tamper });
  const bytes = [...msg].map((v) =>
    Array.from({ length: 8 }, (_, k) => {
      const b = c.hint(BigInt((v >> k) & 1), "input");
      c.enforce(b, ONE.sub(b), ZERO, "input bit");
      return b;
    }),
  );
  const inputs = c.constraints;
  const digest = Uint8Array.from(
    digestBytes(sha256Message(c, bytes, { prefix: options.prefix })).map((bits) =>
      bits.reduce((acc, b, k) => acc | (Number(b.value) << k), 0),
    ),
  );
  return { c, digest, constraints: c.constraints - inputs };
}

describe("SHA-256 as constraints", () => {
  it.each([0, 1, 55, 56, 63, 64, 100, 170])("equals @noble/hashes on %i variable bytes", (n) => {
    const msg = message(n);
    const { c, digest } = hash(msg);
    expect(digest).toEqual(sha256(msg));
    expect(c.satisfied).toBe(true);
  });

  it("costs ~26 k constraints per variable block (measured: 25,838 / 52,077 / 78,525 for 1 / 2 / 3 blocks; circomlib's Sha256 ~30 k per block)", () => {
    // The first block's IV is constant, which saves a little.
    expect(hash(message(55)).constraints).toBeLessThanOrEqual(25_850);
    expect(hash(message(100)).constraints).toBeLessThanOrEqual(52_100);
    expect(hash(message(170)).constraints).toBeLessThanOrEqual(78_550);
  });

  it("folds constants: an all-constant message costs nothing; a constant prefix costs nothing either", () => {
    const c = new CircuitBuilder({ publicCount: 0, record: true });
    const msg = message(70);
    const bytes = [...msg].map((v) => Array.from({ length: 8 }, (_, k) => ((v >> k) & 1 ? ONE : ZERO)));
    const digest = digestBytes(sha256Message(c, bytes)).map((bits) =>
      bits.reduce((acc, b, k) => acc | (Number(b.value) << k), 0),
    );
    expect(Uint8Array.from(digest)).toEqual(sha256(msg));
    expect(c.constraints).toBe(0);
    // The ReceiptClaim shape: a 64-byte constant block, then 106 variable bytes (two blocks).
    const prefix = new Uint8Array(64);
    prefix.set(sha256(new TextEncoder().encode("risc0.ReceiptClaim")));
    const tail = message(106, 5);
    const withPrefix = hash(tail, { prefix });
    const all = new Uint8Array(170);
    all.set(prefix);
    all.set(tail, 64);
    expect(withPrefix.digest).toEqual(sha256(all));
    expect(withPrefix.constraints).toBeLessThan(hash(all).constraints - 25_000);
  });

  it("writes constraints the toolchain's evaluator accepts; circuit and witness runs have the same shape", () => {
    const msg = message(80, 3);
    const recorded = hash(msg, { record: true });
    checkWitness(readR1cs(Buffer.concat(recorded.c.r1cs())), recorded.c.witness());
    expect(hash(msg).c.fingerprint).toBe(recorded.c.fingerprint);
    expect(hash(message(80, 4)).c.fingerprint).toBe(recorded.c.fingerprint);
  });

  it.each(["sha256-sum", "sha256-carry", "sha256-and", "sha256-choose"])(
    "rejects a witness with a tampered %s hint (checked by the builder and the written .r1cs)",
    (kind) => {
      const msg = message(60, 9);
      let count = 0;
      hash(msg, {
        tamper: (k, _i, v) => {
          if (k === kind) count++;
          return v;
        },
      });
      expect(count).toBeGreaterThan(10);
      for (const index of [0, count >> 1, count - 1]) {
        const { c, digest } = hash(msg, {
          record: true,
          tamper: (k, i, v) => (k === kind && i === index ? 1n - v : v),
        });
        expect(c.satisfied).toBe(false);
        expect(() => checkWitness(readR1cs(Buffer.concat(c.r1cs())), c.witness())).toThrow(WitnessError);
        expect(digest).toBeDefined();
      }
    },
  );

  it("rejects a non-boolean sum bit even when the weighted sum is right", () => {
    // (b0, b1) = (0, 1) replaced by (2, 0) keeps Σ 2^i·b_i: only the boolean constraint can catch it.
    let seen = -1;
    // Find a sum whose bits 0, 1 are (0, 1) in the honest witness, then tamper it.
    const honestBits: bigint[] = [];
    hash(message(60, 9), {
      tamper: (k, _i, v) => {
        if (k === "sha256-sum") honestBits.push(v);
        return v;
      },
    });
    for (let w = 0; w * 32 < honestBits.length; w++)
      if (honestBits[32 * w] === 0n && honestBits[32 * w + 1] === 1n) {
        seen = w;
        break;
      }
    expect(seen).toBeGreaterThanOrEqual(0);
    const tampered = hash(message(60, 9), {
      record: true,
      tamper: (k, i, v) =>
        k === "sha256-sum" && i === 32 * seen ? 2n : k === "sha256-sum" && i === 32 * seen + 1 ? 0n : v,
    });
    expect(tampered.c.violations.map((v) => v.label)).toContain("sha256: a bit is 0 or 1");
    expect(() => checkWitness(readR1cs(Buffer.concat(tampered.c.r1cs())), tampered.c.witness())).toThrow(
      WitnessError,
    );
  });
});
