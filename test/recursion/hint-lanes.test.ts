/**
 * Chips on lanes (several instructions side by side on a row, each in its own copy of the columns), and the
 * recursion release's hint chip on two lanes (src/recursion/chips/moves.ts): the same program proves the same
 * statement as with one lane, on half the rows; every single cell of the table is pinned, including a
 * half-filled last row and padding lanes; the perturbation harness, focused on the table, finds no perturbed
 * proof that verifies; a shape names the chip.
 */
import { describe, expect, it } from "vitest";
import { P } from "../../src/field/babybear.ts";
import { cellChangeAccepted, checkWitness } from "../../src/machine/check.ts";
import {
  chipsOfShape,
  DEGREE7_CHIPS,
  RELEASE_CHIPS,
  recursionAir,
  recursionWitness,
  shapeFor,
} from "../../src/recursion/air.ts";
import { ProgramBuilder } from "../../src/recursion/builder.ts";
import { hintChip, hintTwoLaneChip } from "../../src/recursion/chips/moves.ts";
import { poseidon2TwoRowChip } from "../../src/recursion/chips/poseidon2-two-row.ts";
import { executeProgram } from "../../src/recursion/executor.ts";
import type { Block } from "../../src/recursion/ir.ts";
import type { StarkConfig } from "../../src/stark/config.ts";
import { poseidon2Hash } from "../../src/stark/poseidon2-hash.ts";
import { preprocessedRoot, proveStark } from "../../src/stark/prover.ts";
import { prng, runSoundnessHarness } from "../../src/stark/testing/perturb.ts";
import { VerificationError, verifyStark } from "../../src/stark/verifier.ts";

/** Blowup 8 (the release's chips include the degree-7 Poseidon2 table), test-sized queries and grinding. */
const CONFIG: StarkConfig = { logBlowup: 3, numQueries: 12, powBits: 4, friLogArity: 2, logFinalDegree: 1 };

const rand = prng(11);
const element = () => rand() % P;
/** Eleven hints, extension and base mixed: five full rows of two and a half-filled sixth, then padding. */
const EXT = [true, false, false, true, true, false, true, false, true, false, false];
const HINTS: Block[] = EXT.map((ext) =>
  ext ? [element(), element(), element(), element()] : [element(), 0, 0, 0],
);

/** Reads every hint and exposes each of its lanes (an extension hint's four, a base hint's one). */
function hintsProgram() {
  const b = new ProgramBuilder("hints");
  for (const ext of EXT) {
    const a = b.hint(ext);
    if (!ext) {
      b.expose(a);
      continue;
    }
    const lanes = [b.alloc(), b.alloc(), b.alloc(), b.alloc()];
    b.emit({ kind: "unpack", input: a, outs: [lanes[0]!, lanes[1]!, lanes[2]!, lanes[3]!] });
    for (const l of lanes) b.expose(l);
  }
  return b.build().program;
}

const expectedPublics = HINTS.flatMap((h, i) => (EXT[i] ? [...h] : [h[0]]));
const program = hintsProgram();
const execution = executeProgram(program, HINTS);
const air = recursionAir(program, shapeFor([program], RELEASE_CHIPS), RELEASE_CHIPS);
const table = air.air.tables.findIndex((t) => t.name === hintTwoLaneChip.name);
const witness = recursionWitness(air, execution);

describe("hints on two lanes (the recursion release's hint chip)", () => {
  it("is the release's hint chip; a shape names it", () => {
    expect(RELEASE_CHIPS).toContain(hintTwoLaneChip);
    expect(RELEASE_CHIPS).not.toContain(hintChip);
    expect(RELEASE_CHIPS.filter((c) => c !== hintTwoLaneChip)).toEqual(
      DEGREE7_CHIPS.filter((c) => c !== hintChip),
    );
    expect(chipsOfShape(air.shape)).toEqual(RELEASE_CHIPS);
  });

  it("proves the same statement as one lane on half the rows, both lanes' columns and constraints", () => {
    expect(execution.publics).toEqual(expectedPublics);
    const oneLane = recursionAir(program, shapeFor([program], DEGREE7_CHIPS), DEGREE7_CHIPS);
    expect(oneLane.shape[hintChip.name]).toBe(4); // 11 rows
    expect(air.shape[hintTwoLaneChip.name]).toBe(3); // 6 rows
    const one = oneLane.air.tables.find((t) => t.name === hintChip.name)!;
    const two = air.air.tables[table]!;
    expect(two.mainWidth).toBe(2 * one.mainWidth);
    expect(two.preprocessed.length).toBe(2 * one.preprocessed.length);
    expect(two.interactions.length).toBe(2 * one.interactions.length);
    // The second lane's own constraints: three zeros above a base hint's value, four on padding rows (the
    // LogUp constraints of the table's one batch column are shared).
    expect(two.constraints.length - one.constraints.length).toBe(3 + 4);
    expect(checkWitness(oneLane.air, recursionWitness(oneLane, execution))).toEqual([]);
    expect(checkWitness(air.air, witness)).toEqual([]);

    const key = { preprocessedRoot: preprocessedRoot(air.air, CONFIG, poseidon2Hash) };
    const proof = proveStark(air.air, CONFIG, poseidon2Hash, witness);
    expect(() => verifyStark(air.air, CONFIG, poseidon2Hash, witness.publics, proof, key)).not.toThrow();
    const other = [...witness.publics];
    other[3] = (other[3]! + 1) % P;
    expect(() => verifyStark(air.air, CONFIG, poseidon2Hash, other, proof, key)).toThrow(VerificationError);
  });

  it("pins every cell: full rows, the half-filled row, padding rows", () => {
    const main = witness.tables[table]!;
    expect(main.length).toBe(8);
    let checked = 0;
    for (let c = 0; c < main.length; c++)
      for (let r = 0; r < main[0]!.length; r++) {
        const value = (main[c]![r]! + 1 + (rand() % (P - 1))) % P;
        expect(cellChangeAccepted(air.air, witness, table, c, r, value), `column ${c} row ${r}`).toBe(false);
        checked++;
      }
    expect(checked).toBe(64);
  });

  it("rejects perturbed proofs: every cell column, public values, multiplicities, bytes", () => {
    const report = runSoundnessHarness({
      air: air.air,
      config: CONFIG,
      hash: poseidon2Hash,
      witness,
      cellTables: [table],
      cellsPerColumn: 2,
      sampledInteractions: 2,
      multiplicitiesPerInteraction: 1,
      publicIndices: [0, 3, 9, 20],
      byteMutations: 60,
    });
    console.log(`soundness hints on two lanes: ${JSON.stringify(report.tried)}`);
    expect(report.accepted).toEqual([]);
  }, 600_000);

  it("refuses lanes on a chip of several rows per instruction", () => {
    const chips = DEGREE7_CHIPS.map((c) =>
      c.name === "poseidon2-degree7" ? { ...poseidon2TwoRowChip, lanes: 2 } : c,
    );
    expect(() => recursionAir(program, shapeFor([program], chips), chips)).toThrow(/one row per instruction/);
  });
});
