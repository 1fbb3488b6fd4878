import { describe, expect, it } from "vitest";
import { poseidon2Hash } from "../../src/stark/poseidon2-hash.ts";
import { proveStark } from "../../src/stark/prover.ts";
import { InvalidProofError, verifyStark } from "../../src/stark/verifier.ts";
import { fibonacciAir, fibonacciReference, fibonacciWitness, TEST_CONFIG } from "./airs.ts";

describe("Fibonacci AIR", () => {
  const air = fibonacciAir();
  it("proves and verifies; the public output matches an independent BigInt computation", () => {
    const w = fibonacciWitness(6);
    expect(w.publics[2]).toBe(fibonacciReference(6));
    const proof = proveStark(air, TEST_CONFIG, poseidon2Hash, w);
    verifyStark(air, TEST_CONFIG, poseidon2Hash, w.publics, proof);
  });
  it("rejects a proof against a different public output", () => {
    const w = fibonacciWitness(5);
    const proof = proveStark(air, TEST_CONFIG, poseidon2Hash, w);
    const bad = [...w.publics];
    bad[2] = (bad[2]! + 1) % 2013265921;
    expect(() => verifyStark(air, TEST_CONFIG, poseidon2Hash, bad, proof)).toThrow(InvalidProofError);
  });
});
