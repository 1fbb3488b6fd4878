import { describe, expect, it } from "vitest";
import { Groth16FileError } from "../../src/groth16/errors.ts";
import { wtnsFile } from "../../src/groth16/r1cs-writer.ts";
import { BN254_R as r } from "../../src/groth16/types.ts";
import { readWitness, readWitnessSection } from "../../src/groth16/witness.ts";

const file = (values: bigint[]) => new Uint8Array(Buffer.concat(wtnsFile(values)));

describe("reading a .wtns file", () => {
  it("keeps every field element, including those that share r's top words", () => {
    // r − 1, and a value equal to r in its top seven words but smaller in the lowest.
    const values = [1n, 0n, r - 1n, r - (r & 0xffffffffn), 12345n];
    expect(readWitness(file(values))).toEqual(values);
    expect(readWitnessSection(file(values)).length).toBe(32 * values.length);
  });

  it.each([
    ["r", r],
    ["r + 1", r + 1n],
    ["2^256 − 1", (1n << 256n) - 1n],
    ["r with a larger lowest word", r + 0x10n],
  ])("rejects a value that is not a field element (%s), naming it", (_, bad) => {
    const bytes = file([1n, 7n, bad, 9n]);
    expect(() => readWitnessSection(bytes)).toThrow(Groth16FileError);
    expect(() => readWitnessSection(bytes)).toThrow(/value 2 is not a field element/);
    expect(() => readWitness(bytes)).toThrow(/value 2 is not a field element/);
  });
});
