import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { poseidon2Hash } from "../../src/stark/poseidon2-hash.ts";
import {
  decodeProof,
  encodeProof,
  NonCanonicalProofError,
  ProofFormatError,
  ProofLengthError,
  ProofVersionError,
  TrailingBytesError,
  TruncatedProofError,
} from "../../src/stark/proof-codec.ts";
import { proveStark } from "../../src/stark/prover.ts";
import { VerificationError, verifyStarkBytes } from "../../src/stark/verifier.ts";
import { rangeCheckAir, rangeCheckWitness, TEST_CONFIG } from "./airs.ts";

const air = rangeCheckAir(4);
const w = rangeCheckWitness([1, 2, 3, 15, 9, 9, 0, 4], 5, 4);
const proof = proveStark(air, TEST_CONFIG, poseidon2Hash, w);
const bytes = encodeProof(proof, air, TEST_CONFIG);
const decode = (b: Uint8Array) => decodeProof(b, air, TEST_CONFIG, poseidon2Hash);

describe("proof encoding", () => {
  it("round-trips and is deterministic", () => {
    const again = encodeProof(decode(bytes), air, TEST_CONFIG);
    expect(again).toEqual(bytes);
    expect(encodeProof(proveStark(air, TEST_CONFIG, poseidon2Hash, w), air, TEST_CONFIG)).toEqual(bytes);
    console.log(`range-check-4 proof (24 queries): ${bytes.length} bytes`);
  });

  it("rejects malformed input with typed errors", () => {
    expect(() => decode(bytes.subarray(0, 0))).toThrow(TruncatedProofError);
    expect(() => decode(bytes.subarray(0, bytes.length - 1))).toThrow(TruncatedProofError);
    const v = bytes.slice();
    v[0] = 2;
    expect(() => decode(v)).toThrow(ProofVersionError);
    const h = bytes.slice();
    h[1] = 30;
    expect(() => decode(h)).toThrow(ProofLengthError);
    const t = new Uint8Array(bytes.length + 1);
    t.set(bytes);
    expect(() => decode(t)).toThrow(TrailingBytesError);
    const nc = bytes.slice();
    // First word of the main root (offset 1 + 2 heights): 0xFFFFFFFF ≥ p.
    nc.set([0xff, 0xff, 0xff, 0xff], 3);
    expect(() => decode(nc)).toThrow(NonCanonicalProofError);
  });

  it("fuzz: mutated, truncated and random inputs are rejected with a typed error, never a crash", () => {
    const check = (b: Uint8Array) => {
      try {
        verifyStarkBytes(air, TEST_CONFIG, poseidon2Hash, w.publics, b);
        return false;
      } catch (e) {
        return e instanceof ProofFormatError || e instanceof VerificationError;
      }
    };
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 }), (pos, x) => {
        const b = bytes.slice();
        b[pos] = b[pos]! ^ x;
        return check(b);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), (len) => check(bytes.subarray(0, len))),
      { numRuns: 100 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (b) => check(b)),
      { numRuns: 200 },
    );
  });
});
