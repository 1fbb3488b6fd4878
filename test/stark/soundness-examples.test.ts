import { describe, expect, it } from "vitest";
import { poseidon2Hash } from "../../src/stark/poseidon2-hash.ts";
import { runSoundnessHarness } from "../../src/stark/testing/perturb.ts";
import {
  cubicAir,
  cubicWitness,
  fibonacciAir,
  fibonacciWitness,
  rangeCheckAir,
  rangeCheckFixedAir,
  rangeCheckFixedWitness,
  rangeCheckWitness,
  TEST_CONFIG,
} from "./airs.ts";

/**
 * The soundness harness on each example AIR: tiny traces and a small configuration (same code path as the
 * defaults), ≥ 1000 perturbations each; every one must be rejected.
 */
const cases = [
  { name: "Fibonacci", air: fibonacciAir(), witness: fibonacciWitness(3) },
  {
    name: "range check (two heights)",
    air: rangeCheckAir(3),
    witness: rangeCheckWitness([1, 2, 3, 7], 5, 3),
  },
  { name: "degree-3 with next-row references", air: cubicAir(4), witness: cubicWitness(4, 3) },
  {
    name: "range check with a preprocessed table",
    air: rangeCheckFixedAir(3),
    witness: rangeCheckFixedWitness([1, 2, 3, 7], 5, 3),
  },
];

describe("soundness harness", () => {
  for (const c of cases) {
    it(`rejects every perturbation: ${c.name}`, () => {
      const report = runSoundnessHarness({
        air: c.air,
        config: TEST_CONFIG,
        hash: poseidon2Hash,
        witness: c.witness,
        cellsPerColumn: 16,
        multiplicitiesPerInteraction: 8,
        byteMutations: 1000,
        seed: 0x5eed,
      });
      console.log(`soundness ${c.name}: ${JSON.stringify(report.tried)}`);
      expect(report.accepted).toEqual([]);
      expect(report.tried.total).toBeGreaterThanOrEqual(1000);
      expect(report.tried.cell).toBeGreaterThanOrEqual(16);
    });
  }
});
