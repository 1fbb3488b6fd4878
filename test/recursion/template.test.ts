import { describe, expect, it } from "vitest";
import {
  DEGREE3_CHIPS,
  type RecursionShape,
  RecursionShapeError,
  recursionAir,
} from "../../src/recursion/air.ts";
import { RECURSION_PUBLIC_COUNT, recursionTemplate } from "../../src/recursion/programs.ts";
import { poseidon2Hash } from "../../src/stark/poseidon2-hash.ts";
import { airStructureDigest } from "../../src/stark/protocol.ts";
import { TEST_CONFIG } from "../stark/airs.ts";

/** Small shapes: every table 2^4 rows, one table taller. */
const shape = (tall: number, log = 5): RecursionShape =>
  Object.fromEntries(DEGREE3_CHIPS.map((c, i) => [c.name, i === tall ? log : 4]));

const fresh = (s: RecursionShape) =>
  recursionAir(
    { name: "template", instructions: [], memorySize: 0, publicCount: RECURSION_PUBLIC_COUNT, hintCount: 0 },
    s,
  ).air;

const digest = (air: ReturnType<typeof fresh>) => [...airStructureDigest(air, TEST_CONFIG, poseidon2Hash)];

describe("the recursion AIR template", () => {
  it("is built once per shape (by its chips and heights, not the object) and equals a fresh build", () => {
    const a = recursionTemplate(shape(1));
    expect(recursionTemplate(shape(1))).toBe(a); // an equal shape, another object
    // A shape names its chips: a key no chip has is refused, not ignored.
    expect(() => recursionTemplate({ ...shape(1), unknown: 9 })).toThrow(RecursionShapeError);
    expect(digest(a)).toEqual(digest(fresh(shape(1))));
    const b = recursionTemplate(shape(1, 6));
    expect(b).not.toBe(a);
    expect(digest(b)).not.toEqual(digest(a));
    expect(digest(b)).toEqual(digest(fresh(shape(1, 6))));
  });

  it("keeps a few shapes: an evicted one is rebuilt, with the same structure", () => {
    const first = recursionTemplate(shape(2));
    for (let t = 3; t < 8; t++) recursionTemplate(shape(t));
    const again = recursionTemplate(shape(2));
    expect(again).not.toBe(first);
    expect(digest(again)).toEqual(digest(first));
  });

  it("refuses a shape without a chip for every instruction kind, as recursionAir does", () => {
    const { "bits-16-rows": _, ...partial } = shape(1);
    expect(() => recursionTemplate(partial)).toThrow(/do not give every instruction kind one chip/);
    expect(() => fresh(partial)).toThrow(RecursionShapeError);
  });
});
