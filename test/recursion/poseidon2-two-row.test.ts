/**
 * The degree-3 Poseidon2 chip (two rows per permutation, src/recursion/chips/poseidon2-two-row.ts)
 * against the release's one-row chip: the same program proves the same statement under both AIRs; every
 * single cell of the two-row table is pinned (an exact check over every column at every kind of row); a
 * second row whose own constraints hold but which does not continue its first row is caught; and the
 * perturbation harness, focused on that table, finds no perturbed proof that verifies.
 */
import { describe, expect, it } from "vitest";
import { P } from "../../src/field/babybear.ts";
import { cellChangeAccepted, checkWitness } from "../../src/machine/check.ts";
import { externalLayerInverseValues, externalLayerValues } from "../../src/machine/chips/poseidon2.ts";
import {
  DEGREE3_CHIPS,
  ONE_ROW_CHIPS,
  recursionAir,
  recursionWitness,
  shapeFor,
} from "../../src/recursion/air.ts";
import { executeProgram } from "../../src/recursion/executor.ts";
import { poseidon2Hash } from "../../src/stark/poseidon2-hash.ts";
import { preprocessedRoot, proveStark } from "../../src/stark/prover.ts";
import { proveDishonestly } from "../../src/stark/testing/dishonest.ts";
import { runSoundnessHarness } from "../../src/stark/testing/perturb.ts";
import { VerificationError, verifyStark } from "../../src/stark/verifier.ts";
import { TEST_CONFIG } from "../stark/airs.ts";
import {
  element,
  expectedPublics,
  forgedSecondRow,
  HINTS,
  permutations,
  rand,
} from "./poseidon2-programs.ts";

const program = permutations();
const execution = executeProgram(program, HINTS);
const twoRow = recursionAir(program, shapeFor([program], DEGREE3_CHIPS), DEGREE3_CHIPS);
const table = twoRow.air.tables.findIndex((t) => t.name === "poseidon2-two-row");
const witness = recursionWitness(twoRow, execution);

describe("Poseidon2 on two rows per permutation (the chip of blowups below 8)", () => {
  it("inverts the external layer (the second row's input is L_ext⁻¹ of a state)", () => {
    for (let k = 0; k < 20; k++) {
      const s = Array.from({ length: 24 }, element);
      const t = [...s];
      externalLayerValues(t);
      externalLayerInverseValues(t);
      expect(t).toEqual(s);
    }
  });

  it("proves the program's permutations: the same statement as the release's AIR, checked exactly", () => {
    expect(execution.publics).toEqual(expectedPublics());
    const oneRow = recursionAir(program, shapeFor([program], ONE_ROW_CHIPS), ONE_ROW_CHIPS);
    expect(checkWitness(oneRow.air, recursionWitness(oneRow, execution))).toEqual([]);
    expect(checkWitness(twoRow.air, witness)).toEqual([]);
    expect(witness.publics).toEqual(expectedPublics());
    expect(twoRow.air.tables[table]!.mainWidth).toBe(259);
    expect(twoRow.air.tables[table]!.degree).toBe(3);

    const proof = proveStark(twoRow.air, TEST_CONFIG, poseidon2Hash, witness);
    const key = { preprocessedRoot: preprocessedRoot(twoRow.air, TEST_CONFIG, poseidon2Hash) };
    expect(() =>
      verifyStark(twoRow.air, TEST_CONFIG, poseidon2Hash, witness.publics, proof, key),
    ).not.toThrow();
    const other = [...witness.publics];
    other[5] = (other[5]! + 1) % P;
    expect(() => verifyStark(twoRow.air, TEST_CONFIG, poseidon2Hash, other, proof, key)).toThrow(
      VerificationError,
    );
  });

  it("pins every cell: no single-cell change of any column at any kind of row keeps the AIR satisfied", () => {
    const main = witness.tables[table]!;
    const height = main[0]!.length;
    // First and second rows of a swapped and an unswapped permutation, a padding row, the last row.
    const rows = [0, 1, 2, 3, 6, height - 1];
    let checked = 0;
    for (let c = 0; c < main.length; c++)
      for (const r of rows) {
        const value = (main[c]![r]! + 1 + (rand() % (P - 1))) % P;
        expect(cellChangeAccepted(twoRow.air, witness, table, c, r, value), `column ${c} row ${r}`).toBe(
          false,
        );
        checked++;
      }
    console.log(`two-row Poseidon2: ${checked} single-cell changes rejected (${main.length} columns)`);
  });

  it("rejects a second row that does not continue its first: a forged output with consistent rows", () => {
    // The third permutation's second row replaced by the second's (a row every local constraint accepts), its
    // written outputs and everything that reads them made to agree: only the link between the rows is wrong.
    const { tables, publics } = forgedSecondRow(twoRow, table, program, execution, witness);
    expect(publics).not.toEqual(execution.publics);
    const problems = checkWitness(twoRow.air, { tables, publics });
    expect(problems.length).toBeGreaterThan(0);
    // Every bus balances; what fails is a constraint of the two-row table at the forged pair's first row.
    expect(problems.every((p) => p.kind === "constraint" && p.message.includes("row 4"))).toBe(true);
    const proof = proveDishonestly(twoRow.air, TEST_CONFIG, poseidon2Hash, { tables, publics });
    const key = { preprocessedRoot: preprocessedRoot(twoRow.air, TEST_CONFIG, poseidon2Hash) };
    expect(() => verifyStark(twoRow.air, TEST_CONFIG, poseidon2Hash, publics, proof, key)).toThrow(
      VerificationError,
    );
  });

  it("rejects perturbed proofs: a cell of every column of the two-row table, public values, multiplicities, bytes", () => {
    const report = runSoundnessHarness({
      air: twoRow.air,
      config: TEST_CONFIG,
      hash: poseidon2Hash,
      witness,
      cellTables: [table],
      cellsPerColumn: 1,
      sampledInteractions: 2,
      multiplicitiesPerInteraction: 1,
      publicIndices: [0, 20, 40],
      byteMutations: 100,
    });
    console.log(`soundness two-row Poseidon2: ${JSON.stringify(report.tried)}`);
    expect(report.accepted).toEqual([]);
  }, 900_000);
});
