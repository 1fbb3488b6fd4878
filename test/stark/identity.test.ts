import { describe, expect, it } from "vitest";
import { defineAir, TableBuilder } from "../../src/stark/air.ts";
import { poseidon2Hash } from "../../src/stark/poseidon2-hash.ts";
import { airDigest } from "../../src/stark/protocol.ts";
import { proveStark } from "../../src/stark/prover.ts";
import { VerificationError, verifyStark } from "../../src/stark/verifier.ts";
import { fibonacciAir, fibonacciWitness, TEST_CONFIG } from "./airs.ts";

/** Fibonacci with the first-row public value constraint on column b dropped: a weaker AIR of the same shape. */
function weakerFibonacci() {
  const t = new TableBuilder("fib", 2);
  const [a, b] = [t.main(0), t.main(1)];
  t.assertZeroFirstRow(a.sub(t.public(0)));
  t.assertZeroTransition(t.next(0).sub(b));
  t.assertZeroTransition(t.next(1).sub(a.add(b)));
  t.assertZeroLastRow(b.sub(t.public(2)));
  return defineAir({ name: "fibonacci", publicCount: 3, tables: [t] });
}

describe("AIR identity", () => {
  it("a proof for one AIR does not verify for another of the same shape, nor under another configuration", () => {
    const air = fibonacciAir();
    const weak = weakerFibonacci();
    expect(airDigest(air, TEST_CONFIG, poseidon2Hash)).not.toEqual(
      airDigest(weak, TEST_CONFIG, poseidon2Hash),
    );
    const w = fibonacciWitness(4);
    const proof = proveStark(weak, TEST_CONFIG, poseidon2Hash, w);
    verifyStark(weak, TEST_CONFIG, poseidon2Hash, w.publics, proof);
    expect(() => verifyStark(air, TEST_CONFIG, poseidon2Hash, w.publics, proof)).toThrow(VerificationError);
    const other = { ...TEST_CONFIG, powBits: TEST_CONFIG.powBits + 1 };
    expect(() => verifyStark(weak, other, poseidon2Hash, w.publics, proof)).toThrow(VerificationError);
  });

  it("the digest is a function of the constraint data, not of object identity", () => {
    expect(airDigest(fibonacciAir(), TEST_CONFIG, poseidon2Hash)).toEqual(
      airDigest(fibonacciAir(), TEST_CONFIG, poseidon2Hash),
    );
  });
});
