/**
 * The recursion release's Poseidon2 chip (one row per permutation, degree-7 S-box constraints,
 * src/recursion/chips/poseidon2-degree7.ts) against the degree-3 chips: the same program proves the same
 * statement under each AIR; every single cell of the table is pinned (an exact check over every column at
 * every kind of row); the perturbation harness, focused on that table, finds no perturbed proof that
 * verifies; and a shape names its chips, so that the release's template and the tests' agree on them.
 */
import { describe, expect, it } from "vitest";
import { P } from "../../src/field/babybear.ts";
import { cellChangeAccepted, checkWitness } from "../../src/machine/check.ts";
import {
  chipsOfShape,
  DEGREE3_CHIPS,
  DEGREE7_CHIPS,
  ONE_ROW_CHIPS,
  RELEASE_CHIPS,
  RecursionShapeError,
  recursionAir,
  recursionChips,
  recursionWitness,
  shapeFor,
} from "../../src/recursion/air.ts";
import { poseidon2Degree7Chip } from "../../src/recursion/chips/poseidon2-degree7.ts";
import { RECURSION_CONFIG } from "../../src/recursion/config.ts";
import { executeProgram } from "../../src/recursion/executor.ts";
import { poseidon2Hash } from "../../src/stark/poseidon2-hash.ts";
import { preprocessedRoot, proveStark } from "../../src/stark/prover.ts";
import { runSoundnessHarness } from "../../src/stark/testing/perturb.ts";
import { VerificationError, verifyStark } from "../../src/stark/verifier.ts";
import { TEST_CONFIG } from "../stark/airs.ts";
import { DEGREE7_TEST_CONFIG, expectedPublics, HINTS, permutations, rand } from "./poseidon2-programs.ts";

const CONFIG = DEGREE7_TEST_CONFIG;

const program = permutations();
const execution = executeProgram(program, HINTS);
const wide = recursionAir(program, shapeFor([program], DEGREE7_CHIPS), DEGREE7_CHIPS);
const table = wide.air.tables.findIndex((t) => t.name === poseidon2Degree7Chip.name);
const witness = recursionWitness(wide, execution);
const key = { preprocessedRoot: preprocessedRoot(wide.air, CONFIG, poseidon2Hash) };

describe("Poseidon2 on one row of degree-7 constraints (the recursion release's chip)", () => {
  it("is the chip of configurations of blowup ≥ 8, the release's among them", () => {
    expect(recursionChips(RECURSION_CONFIG)).toBe(RELEASE_CHIPS);
    expect(recursionChips(CONFIG)).toBe(RELEASE_CHIPS);
    expect(RELEASE_CHIPS).toContain(poseidon2Degree7Chip);
    expect(recursionChips(TEST_CONFIG)).toBe(DEGREE3_CHIPS);
    expect(recursionChips({ logBlowup: 2 })).toBe(DEGREE3_CHIPS);
    expect(DEGREE7_CHIPS).toContain(poseidon2Degree7Chip);
    expect(DEGREE3_CHIPS).not.toContain(poseidon2Degree7Chip);
  });

  it("proves the program's permutations: the same statement as the degree-3 AIRs, checked exactly", () => {
    expect(execution.publics).toEqual(expectedPublics());
    for (const chips of [DEGREE3_CHIPS, ONE_ROW_CHIPS]) {
      const other = recursionAir(program, shapeFor([program], chips), chips);
      expect(checkWitness(other.air, recursionWitness(other, execution))).toEqual([]);
    }
    expect(checkWitness(wide.air, witness)).toEqual([]);
    expect(witness.publics).toEqual(expectedPublics());
    const t = wide.air.tables[table]!;
    expect(t.mainWidth).toBe(1 + 24 + 8 * 24 + 21);
    expect(t.degree).toBe(7);
    expect(t.quotientChunks).toBe(8);
    // One row per permutation: three permutations fit the smallest table.
    expect(wide.shape[poseidon2Degree7Chip.name]).toBe(2);

    const proof = proveStark(wide.air, CONFIG, poseidon2Hash, witness);
    expect(() => verifyStark(wide.air, CONFIG, poseidon2Hash, witness.publics, proof, key)).not.toThrow();
    const other = [...witness.publics];
    other[5] = (other[5]! + 1) % P;
    expect(() => verifyStark(wide.air, CONFIG, poseidon2Hash, other, proof, key)).toThrow(VerificationError);
  });

  it("cannot be proven at a blowup below 8", () => {
    expect(() => proveStark(wide.air, TEST_CONFIG, poseidon2Hash, witness)).toThrow(
      /blowup|quotient|degree/i,
    );
  });

  it("pins every cell: no single-cell change of any column at any kind of row keeps the AIR satisfied", () => {
    const main = witness.tables[table]!;
    const height = main[0]!.length;
    expect(height).toBe(4);
    // A swapped permutation, an unswapped one, one swapped by a constant, and the padding row.
    let checked = 0;
    for (let c = 0; c < main.length; c++)
      for (let r = 0; r < height; r++) {
        const value = (main[c]![r]! + 1 + (rand() % (P - 1))) % P;
        expect(cellChangeAccepted(wide.air, witness, table, c, r, value), `column ${c} row ${r}`).toBe(false);
        checked++;
      }
    console.log(`degree-7 Poseidon2: ${checked} single-cell changes rejected (${main.length} columns)`);
  });

  it("rejects perturbed proofs: a cell of every column of the table, public values, multiplicities, bytes", () => {
    const report = runSoundnessHarness({
      air: wide.air,
      config: CONFIG,
      hash: poseidon2Hash,
      witness,
      cellTables: [table],
      cellsPerColumn: 1,
      sampledInteractions: 2,
      multiplicitiesPerInteraction: 1,
      publicIndices: [0, 20, 40],
      byteMutations: 100,
    });
    console.log(`soundness degree-7 Poseidon2: ${JSON.stringify(report.tried)}`);
    expect(report.accepted).toEqual([]);
  }, 900_000);
});

describe("a recursion shape names its chips", () => {
  it("gives back the chips it was made with, in table order", () => {
    for (const chips of [DEGREE3_CHIPS, DEGREE7_CHIPS, ONE_ROW_CHIPS])
      expect(chipsOfShape(shapeFor([program], chips))).toEqual(chips);
    expect(recursionAir(program, wide.shape).air.tables.map((t) => t.name)).toEqual(
      DEGREE7_CHIPS.map((c) => c.name),
    );
  });

  it("rejects an unknown chip, and a set with two chips for one instruction kind or none for another", () => {
    const shape = shapeFor([program], DEGREE7_CHIPS);
    expect(() => chipsOfShape({ ...shape, "poseidon2-wide": 4 })).toThrow(RecursionShapeError);
    expect(() => chipsOfShape({ ...shape, "poseidon2-two-row": 4 })).toThrow(/one chip/);
    const { "poseidon2-degree7": _, ...noPoseidon2 } = shape;
    expect(() => chipsOfShape(noPoseidon2)).toThrow(/one chip/);
  });
});
