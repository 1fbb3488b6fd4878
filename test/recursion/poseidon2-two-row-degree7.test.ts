/**
 * The BN254 step's Poseidon2 chip (two rows per permutation, degree-7 S-box constraints,
 * src/recursion/chips/poseidon2-two-row-degree7.ts): the same program proves the same statement as under the
 * other chips; every single cell of the table is pinned, at first, second and padding rows; the rows of
 * two instructions are not linked; the perturbation harness, focused on that table, finds no perturbed proof
 * that verifies.
 */
import { describe, expect, it } from "vitest";
import { P } from "../../src/field/babybear.ts";
import { cellChangeAccepted, checkWitness } from "../../src/machine/check.ts";
import {
  chipsOfShape,
  DEGREE3_CHIPS,
  DEGREE7_CHIPS,
  recursionAir,
  recursionWitness,
  shapeFor,
  TWO_ROW_DEGREE7_CHIPS,
} from "../../src/recursion/air.ts";
import { poseidon2TwoRowDegree7Chip } from "../../src/recursion/chips/poseidon2-two-row-degree7.ts";
import { executeProgram } from "../../src/recursion/executor.ts";
import { poseidon2Hash } from "../../src/stark/poseidon2-hash.ts";
import { preprocessedRoot, proveStark } from "../../src/stark/prover.ts";
import { proveDishonestly } from "../../src/stark/testing/dishonest.ts";
import { runSoundnessHarness } from "../../src/stark/testing/perturb.ts";
import { VerificationError, verifyStark } from "../../src/stark/verifier.ts";
import { TEST_CONFIG } from "../stark/airs.ts";
import {
  DEGREE7_TEST_CONFIG,
  expectedPublics,
  forgedSecondRow,
  HINTS,
  permutations,
  rand,
} from "./poseidon2-programs.ts";

const CONFIG = DEGREE7_TEST_CONFIG;

const program = permutations();
const execution = executeProgram(program, HINTS);
const air = recursionAir(program, shapeFor([program], TWO_ROW_DEGREE7_CHIPS), TWO_ROW_DEGREE7_CHIPS);
const table = air.air.tables.findIndex((t) => t.name === poseidon2TwoRowDegree7Chip.name);
const witness = recursionWitness(air, execution);
const key = { preprocessedRoot: preprocessedRoot(air.air, CONFIG, poseidon2Hash) };

describe("Poseidon2 on two rows of degree-7 constraints (the BN254 step's chip)", () => {
  it("proves the program's permutations: the same statement as the other chips, checked exactly", () => {
    expect(execution.publics).toEqual(expectedPublics());
    for (const chips of [DEGREE3_CHIPS, DEGREE7_CHIPS]) {
      const other = recursionAir(program, shapeFor([program], chips), chips);
      expect(checkWitness(other.air, recursionWitness(other, execution))).toEqual([]);
    }
    expect(checkWitness(air.air, witness)).toEqual([]);
    expect(witness.publics).toEqual(expectedPublics());
    const t = air.air.tables[table]!;
    // The swap bit, the chain's input, four full rounds and the partial rounds: one column per S-box.
    expect(t.mainWidth).toBe(1 + 24 + 4 * 24 + 21);
    expect(t.preprocessed.length).toBe(15);
    expect(t.degree).toBe(7);
    // Two rows per permutation: three permutations and a padding pair fill 2^3 rows.
    expect(air.shape[poseidon2TwoRowDegree7Chip.name]).toBe(3);
    expect(chipsOfShape(air.shape)).toEqual(TWO_ROW_DEGREE7_CHIPS);

    const proof = proveStark(air.air, CONFIG, poseidon2Hash, witness);
    expect(() => verifyStark(air.air, CONFIG, poseidon2Hash, witness.publics, proof, key)).not.toThrow();
    const other = [...witness.publics];
    other[5] = (other[5]! + 1) % P;
    expect(() => verifyStark(air.air, CONFIG, poseidon2Hash, other, proof, key)).toThrow(VerificationError);
  });

  it("cannot be proven at a blowup below 8", () => {
    expect(() => proveStark(air.air, TEST_CONFIG, poseidon2Hash, witness)).toThrow(/blowup|quotient|degree/i);
  });

  it("rejects a second row that does not continue its first: a forged output with consistent rows", () => {
    // The third permutation's second row replaced by the second's (a row every local constraint accepts), its
    // written outputs and everything that reads them made to agree: only the link between the rows is wrong.
    const { tables, publics } = forgedSecondRow(air, table, program, execution, witness);
    expect(publics).not.toEqual(execution.publics);
    const problems = checkWitness(air.air, { tables, publics });
    expect(problems.length).toBeGreaterThan(0);
    // Every bus balances; what fails is a constraint of the two-row table at the forged pair's first row.
    expect(problems.every((p) => p.kind === "constraint" && p.message.includes("row 4"))).toBe(true);
    const proof = proveDishonestly(air.air, CONFIG, poseidon2Hash, { tables, publics });
    const key = { preprocessedRoot: preprocessedRoot(air.air, CONFIG, poseidon2Hash) };
    expect(() => verifyStark(air.air, CONFIG, poseidon2Hash, publics, proof, key)).toThrow(VerificationError);
  });

  it("pins every cell: no single-cell change at a first, second or padding row keeps the AIR satisfied", () => {
    const main = witness.tables[table]!;
    const height = main[0]!.length;
    expect(height).toBe(8);
    let checked = 0;
    for (let c = 0; c < main.length; c++)
      for (let r = 0; r < height; r++) {
        const value = (main[c]![r]! + 1 + (rand() % (P - 1))) % P;
        expect(cellChangeAccepted(air.air, witness, table, c, r, value), `column ${c} row ${r}`).toBe(false);
        checked++;
      }
    console.log(
      `two-row degree-7 Poseidon2: ${checked} single-cell changes rejected (${main.length} columns)`,
    );
  });

  it("rejects perturbed proofs: a cell of every column of the table, public values, multiplicities, bytes", () => {
    const report = runSoundnessHarness({
      air: air.air,
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
    console.log(`soundness two-row degree-7 Poseidon2: ${JSON.stringify(report.tried)}`);
    expect(report.accepted).toEqual([]);
  }, 900_000);
});
