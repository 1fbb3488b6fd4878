import { describe, expect, it } from "vitest";
import { CONFIG_BLOWUP_2, DEFAULT_CONFIG } from "../../src/stark/config.ts";
import { ProverInputError } from "../../src/stark/errors.ts";
import { poseidon2Hash } from "../../src/stark/poseidon2-hash.ts";
import { encodeProof } from "../../src/stark/proof-codec.ts";
import { preprocessedRoot, proveStark } from "../../src/stark/prover.ts";
import { securityReport, securityShape } from "../../src/stark/security.ts";
import { VerificationError, verifyStark, verifyStarkBytes } from "../../src/stark/verifier.ts";
import {
  cubicAir,
  cubicWitness,
  fibonacciAir,
  fibonacciReference,
  fibonacciWitness,
  rangeCheckAir,
  rangeCheckFixedAir,
  rangeCheckFixedWitness,
  rangeCheckWitness,
} from "./airs.ts";

const hash = poseidon2Hash;

describe("example AIRs at default security (Poseidon2-BabyBear)", () => {
  it("the default configuration is rated at ≥ 100 bits for each example's shape", () => {
    for (const air of [fibonacciAir(), rangeCheckAir(), cubicAir(8)]) {
      expect(
        securityReport(
          DEFAULT_CONFIG,
          securityShape(
            air,
            air.tables.map(() => 16),
          ),
        ).bits,
      ).toBeGreaterThanOrEqual(100);
    }
  });

  it("Fibonacci: proves, verifies, and its output equals an independent BigInt computation", () => {
    const air = fibonacciAir();
    const w = fibonacciWitness(10);
    expect(w.publics[2]).toBe(fibonacciReference(10));
    const proof = proveStark(air, DEFAULT_CONFIG, hash, w);
    const bytes = encodeProof(proof, air, DEFAULT_CONFIG, hash);
    verifyStarkBytes(air, DEFAULT_CONFIG, hash, w.publics, bytes);
    const wrong = [w.publics[0]!, w.publics[1]!, fibonacciReference(10, 1n, 2n)];
    expect(() => verifyStarkBytes(air, DEFAULT_CONFIG, hash, wrong, bytes)).toThrow(VerificationError);
  });

  it("range check: a 2^8-row chip sends values into a 2^16-row table over a LogUp bus", () => {
    const air = rangeCheckAir(16);
    const values = Array.from({ length: 256 }, (_, i) => (i * 40_503 + 17) % 65_536);
    const w = rangeCheckWitness(values, 65_535);
    const proof = proveStark(air, DEFAULT_CONFIG, hash, w);
    expect(proof.logHeights).toEqual([8, 16]);
    verifyStark(air, DEFAULT_CONFIG, hash, w.publics, proof);
    // The public side of the bus is part of the statement: another public value does not balance.
    expect(() => verifyStark(air, DEFAULT_CONFIG, hash, [w.publics[0]!, 65_534], proof)).toThrow(
      VerificationError,
    );
  });

  it("range check with a preprocessed table: the verifying key's root binds the fixed column", () => {
    const air = rangeCheckFixedAir(12);
    const values = Array.from({ length: 128 }, (_, i) => (i * 40_503 + 17) % 4096);
    const w = rangeCheckFixedWitness(values, 4095, 12);
    const proof = proveStark(air, DEFAULT_CONFIG, hash, w);
    expect(proof.logHeights).toEqual([7, 12]);
    const root = preprocessedRoot(air, DEFAULT_CONFIG, hash)!;
    verifyStark(air, DEFAULT_CONFIG, hash, w.publics, proof, { preprocessedRoot: root });
    const wrong = root.slice();
    wrong[7] = (wrong[7]! + 1) % 2013265921;
    expect(() =>
      verifyStark(air, DEFAULT_CONFIG, hash, w.publics, proof, { preprocessedRoot: wrong }),
    ).toThrow(VerificationError);
    // A table of different fixed data has a different root: values up to 4095 do not all lie in 0..2047.
    expect(preprocessedRoot(rangeCheckFixedAir(11), DEFAULT_CONFIG, hash)).not.toEqual(root);
    expect(() => verifyStark(air, DEFAULT_CONFIG, hash, w.publics, proof)).toThrow(/preprocessed/);
  });

  it("range check: the honest prover refuses a value out of range", () => {
    const air = rangeCheckAir(8);
    const w = rangeCheckWitness([1, 2, 3, 4], 5, 8);
    (w.tables[0]![0] as Uint32Array)[2] = 256;
    expect(() => proveStark(air, DEFAULT_CONFIG, hash, w)).toThrow(ProverInputError);
  });

  it("degree-3 constraints with next-row references, at blowup 4 and blowup 2", () => {
    const air = cubicAir(8);
    expect(air.tables[0]!.degree).toBe(3);
    const w = cubicWitness(8, 9);
    for (const config of [DEFAULT_CONFIG, CONFIG_BLOWUP_2]) {
      const proof = proveStark(air, config, hash, w);
      verifyStark(air, config, hash, w.publics, proof);
    }
  });

  it("the honest prover names the violated constraint and row", () => {
    const air = cubicAir(4);
    const w = cubicWitness(4, 4);
    (w.tables[0]![3] as Uint32Array)[5] ^= 1;
    expect(() => proveStark(air, DEFAULT_CONFIG, hash, w)).toThrow(/constraint \d+ does not hold at row 5/);
  });

  it("the honest prover verifies its own proof, and checks every row first only when asked", () => {
    const air = cubicAir(4);
    const timings: Record<string, number> = {};
    proveStark(air, DEFAULT_CONFIG, hash, cubicWitness(4, 4), { timings });
    expect(Object.keys(timings)).toContain("verify");
    expect(Object.keys(timings)).not.toContain("check");

    // A bad witness: by default the whole proof is made, fails its verification, and the diagnosis names
    // the row; with checkConstraints the same error comes before anything is committed.
    const bad = cubicWitness(4, 4);
    (bad.tables[0]![3] as Uint32Array)[5] ^= 1;
    const late: Record<string, number> = {};
    expect(() => proveStark(air, DEFAULT_CONFIG, hash, bad, { timings: late })).toThrow(
      /constraint \d+ does not hold at row 5/,
    );
    expect(Object.keys(late)).toContain("fri");
    const early: Record<string, number> = {};
    expect(() =>
      proveStark(air, DEFAULT_CONFIG, hash, bad, { timings: early, checkConstraints: true }),
    ).toThrow(/constraint \d+ does not hold at row 5/);
    expect(Object.keys(early)).not.toContain("quotient");
  });

  it("the honest prover's diagnosis covers the buses: an unbalanced bus fails after proving", () => {
    const air = rangeCheckAir(8);
    const w = rangeCheckWitness([1, 2, 3, 4], 5, 8);
    // The looked-up value changes while the table's multiplicities stay: every row holds, the bus does not.
    const looked = w.tables[0]![0] as Uint32Array;
    looked[1] = 7;
    expect(() => proveStark(air, DEFAULT_CONFIG, hash, w)).toThrow(/the buses do not balance/);
  });
});
