import { describe, expect, it } from "vitest";
import { CONFIG_BLOWUP_4 } from "../../src/stark/config.ts";
import { poseidon2Hash } from "../../src/stark/poseidon2-hash.ts";
import { preprocessedRoot, proveStark } from "../../src/stark/prover.ts";
import { runSoundnessHarness } from "../../src/stark/testing/perturb.ts";
import { verifyStark } from "../../src/stark/verifier.ts";
import { byteLookupsAir, byteLookupsWitness, TEST_CONFIG } from "./airs.ts";

const hash = poseidon2Hash;

describe("LogUp batching", () => {
  it("sums two interactions per aux column at degree 3 and four at degree 5", () => {
    const at3 = byteLookupsAir();
    const at5 = byteLookupsAir(5);
    expect(at3.tables[0]!.logupBatches).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(at3.tables[0]!.auxWidth).toBe(3);
    expect(at3.tables[0]!.degree).toBe(3);
    expect(at5.tables[0]!.logupBatches).toEqual([[0, 1, 2, 3]]);
    expect(at5.tables[0]!.auxWidth).toBe(2);
    expect(at5.tables[0]!.degree).toBe(5);
  });

  it("proves and verifies batched lookups at blowup 2 (degree 3) and blowup 4 (degree 5)", () => {
    const w = byteLookupsWitness(6);
    for (const [air, config] of [
      [byteLookupsAir(), TEST_CONFIG],
      [byteLookupsAir(5), { ...CONFIG_BLOWUP_4, numQueries: 12, powBits: 4 }],
    ] as const) {
      const proof = proveStark(air, config, hash, w);
      const key = { preprocessedRoot: preprocessedRoot(air, config, hash) };
      expect(verifyStark(air, config, hash, w.publics, proof, key).logHeights).toEqual([6, 8]);
      // A byte out of range cannot be balanced by the table.
      const bad = w.tables[0]!.map((c) => c.slice());
      bad[3]![5] = 256;
      expect(() =>
        proveStark(air, config, hash, { tables: [bad, w.tables[1]!], publics: w.publics }),
      ).toThrow(/buses do not balance/);
    }
  });

  it("rejects every perturbation of a batched table", () => {
    const report = runSoundnessHarness({
      air: byteLookupsAir(),
      config: TEST_CONFIG,
      hash,
      witness: byteLookupsWitness(5),
      byteMutations: 300,
    });
    console.log(`soundness byte lookups (batched): ${JSON.stringify(report.tried)}`);
    expect(report.accepted).toEqual([]);
  });
});
