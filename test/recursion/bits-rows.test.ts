/**
 * The BN254 step's bits chip (16 rows of two bits per instruction, src/recursion/chips/bits-rows.ts) against
 * the release's one-row chip: the same program proves the same statement under both AIRs, and the written
 * bits are the values' binary digits; every single cell of the table is pinned (an exact check over every
 * column at every row: first, top, middle and last rows, padding, the table's last row); a wrong bit, a
 * non-canonical value with a decomposition every other constraint accepts, and an accumulator carried from
 * one instruction into the next are caught; the perturbation harness, focused on the table, finds no perturbed
 * proof that verifies.
 */
import { describe, expect, it } from "vitest";
import { P } from "../../src/field/babybear.ts";
import { cellChangeAccepted, checkWitness } from "../../src/machine/check.ts";
import { Trace } from "../../src/machine/chip.ts";
import {
  DEGREE3_CHIPS,
  DEGREE7_CHIPS,
  ONE_ROW_CHIPS,
  recursionAir,
  recursionWitness,
  shapeFor,
} from "../../src/recursion/air.ts";
import { ProgramBuilder } from "../../src/recursion/builder.ts";
import { bitsChip } from "../../src/recursion/chips/arithmetic.ts";
import { type BitsRowsCols, bitsRowsChip, makeBitsRowsChip } from "../../src/recursion/chips/bits-rows.ts";
import { executeProgram } from "../../src/recursion/executor.ts";
import type { Address, Block, Instruction } from "../../src/recursion/ir.ts";
import { P254_CONFIG, p254Chips } from "../../src/recursion/p254.ts";
import { poseidon2Hash } from "../../src/stark/poseidon2-hash.ts";
import { preprocessedRoot, proveStark, type Witness } from "../../src/stark/prover.ts";
import { proveDishonestly } from "../../src/stark/testing/dishonest.ts";
import { prng, runSoundnessHarness } from "../../src/stark/testing/perturb.ts";
import { VerificationError, verifyStark } from "../../src/stark/verifier.ts";
import { TEST_CONFIG } from "../stark/airs.ts";
import { BN254_TEST_CONFIG } from "./test-release.ts";

const rand = prng(11);
const ROWS = 16;
/** (value, bits asked for): the canonicity edges, the top bits' patterns, random values. */
const CASES: [number, number][] = [
  [5, 31], // its non-canonical twin 5 + p has a 31-bit decomposition
  [P - 1, 31], // 15·2^27: bits 30–27 all 1, the rest 0 — the largest canonical value
  [15 * 2 ** 27 - 1, 31], // bits 30–27 = 1110, every lower bit 1
  [2 ** 30 + 2 ** 29 + 2 ** 28 + 12345, 29],
  [0, 3],
  [rand() % P, 1],
  [rand() % P, 0], // canonicity alone
];

/** The program: a hint and a `bits` of it per case; every written bit is exposed. */
function bitsProgram() {
  const b = new ProgramBuilder("bits");
  for (const [, n] of CASES) {
    const input = b.hint(false);
    const outs = Array.from({ length: n }, () => b.alloc());
    b.emit({ kind: "bits", input, outs });
    for (const o of outs) b.expose(o);
  }
  return b.build().program;
}

/** The exposed bits, from each value's binary string. */
const expectedPublics = (cases: readonly [number, number][]) =>
  cases.flatMap(([v, n]) =>
    [...v.toString(2).padStart(31, "0")]
      .reverse()
      .slice(0, n)
      .map((c) => Number(c)),
  );

const hints: Block[] = CASES.map(([v]) => [v, 0, 0, 0]);
const program = bitsProgram();
const execution = executeProgram(program, hints);
const air = recursionAir(program, shapeFor([program], DEGREE3_CHIPS), DEGREE3_CHIPS);
const table = air.air.tables.findIndex((t) => t.name === bitsRowsChip.name);
const witness = recursionWitness(air, execution);
const bitsIns = program.instructions.filter(
  (i): i is Extract<Instruction, { kind: "bits" }> => i.kind === "bits",
);
const key = { preprocessedRoot: preprocessedRoot(air.air, TEST_CONFIG, poseidon2Hash) };

/** A memory and publics where the given addresses hold other base values (the exposed ones follow). */
function withMemory(changes: ReadonlyMap<Address, number>) {
  const memory = execution.memory.slice();
  for (const [a, v] of changes) memory.set([v, 0, 0, 0], 4 * a);
  const publics = [...execution.publics];
  for (const ins of program.instructions)
    if (ins.kind === "public") publics[ins.index] = memory[4 * ins.input]!;
  return { memory, publics };
}

/** A witness of the program with the bits table's rows replaced. */
function forgedWitness(changes: ReadonlyMap<Address, number>, main: Uint32Array[]): Witness {
  const { memory, publics } = withMemory(changes);
  const w = recursionWitness(air, { memory, publics });
  return { tables: w.tables.map((t, i) => (i === table ? main : t)), publics };
}

/** The bits table's rows of instruction k filled as if its input held the integer `v` (possibly ≥ p). */
function rowsFor(k: number, v: number): Uint32Array[] {
  const tr = new Trace(witness.tables[table]!.length, ROWS, ROWS);
  bitsRowsChip.fill(tr, 0, air.tables[table]!.members[0]!.cols as BitsRowsCols, bitsIns[k]!, () => [
    v,
    0,
    0,
    0,
  ]);
  return tr.columns;
}

function mainWith(k: number, rows: Uint32Array[]): Uint32Array[] {
  const main = witness.tables[table]!.map((c) => c.slice());
  rows.forEach((col, c) => main[c]!.set(col, k * ROWS));
  return main;
}

function expectRejected(w: Witness) {
  const proof = proveDishonestly(air.air, TEST_CONFIG, poseidon2Hash, w);
  expect(() => verifyStark(air.air, TEST_CONFIG, poseidon2Hash, w.publics, proof, key)).toThrow(
    VerificationError,
  );
}

describe("bits on 16 rows of two bits (the release's chip)", () => {
  it("is the release's and the BN254 step's chip; the one-row chip is kept for comparisons", () => {
    for (const chips of [DEGREE3_CHIPS, DEGREE7_CHIPS]) {
      expect(chips).toContain(bitsRowsChip);
      expect(chips).not.toContain(bitsChip);
    }
    for (const config of [P254_CONFIG, BN254_TEST_CONFIG]) {
      expect(p254Chips(config)).toContain(bitsRowsChip);
      expect(p254Chips(config)).not.toContain(bitsChip);
    }
    expect(ONE_ROW_CHIPS).toContain(bitsChip);
    expect(ONE_ROW_CHIPS).not.toContain(bitsRowsChip);
  });

  it("proves the program's decompositions: the executor's bits, the same statement as the release's AIR", () => {
    expect(execution.publics).toEqual(expectedPublics(CASES));
    const oneRow = recursionAir(program, shapeFor([program], ONE_ROW_CHIPS), ONE_ROW_CHIPS);
    expect(checkWitness(oneRow.air, recursionWitness(oneRow, execution))).toEqual([]);
    expect(checkWitness(air.air, witness)).toEqual([]);
    const t = air.air.tables[table]!;
    expect([t.mainWidth, t.preprocessed.length, t.auxWidth, t.degree]).toEqual([5, 7, 3, 3]);
    // 7 instructions of 16 rows and 16 padding rows.
    expect(witness.tables[table]![0]!.length).toBe(128);

    const proof = proveStark(air.air, TEST_CONFIG, poseidon2Hash, witness);
    expect(() => verifyStark(air.air, TEST_CONFIG, poseidon2Hash, witness.publics, proof, key)).not.toThrow();
    const other = [...witness.publics];
    other[3] = 1 - other[3]!;
    expect(() => verifyStark(air.air, TEST_CONFIG, poseidon2Hash, other, proof, key)).toThrow(
      VerificationError,
    );
  });

  it("also holds with one and four bits a row (the widths the bench measures)", () => {
    for (const perRow of [1, 4] as const) {
      const chip = makeBitsRowsChip(perRow);
      const chips = DEGREE3_CHIPS.map((c) => (c === bitsRowsChip ? chip : c));
      const a = recursionAir(program, shapeFor([program], chips), chips);
      expect(checkWitness(a.air, recursionWitness(a, execution))).toEqual([]);
      expect(a.air.tables.find((t) => t.name === chip.name)!.degree).toBe(3);
    }
  });

  it("pins every cell: no single-cell change of any column at any row keeps the AIR satisfied", () => {
    const main = witness.tables[table]!;
    let checked = 0;
    for (let c = 0; c < main.length; c++)
      for (let r = 0; r < main[c]!.length; r++) {
        const value = (main[c]![r]! + 1 + (rand() % (P - 1))) % P;
        expect(cellChangeAccepted(air.air, witness, table, c, r, value), `column ${c} row ${r}`).toBe(false);
        checked++;
      }
    console.log(`bits on 16 rows: ${checked} single-cell changes rejected (every cell)`);
  });

  it("rejects a wrong bit: the accumulator no longer reads the value", () => {
    // Bit 3 of the fourth value flipped, the rows otherwise consistent with it, the written bit and its
    // public value changed to agree: only the read of the value fails.
    const k = 3;
    const [v] = CASES[k]!;
    const flipped = v ^ 8;
    const forged = forgedWitness(
      new Map([[bitsIns[k]!.outs[3]!, (flipped >> 3) & 1]]),
      mainWith(k, rowsFor(k, flipped)),
    );
    expect(forged.publics).not.toEqual(witness.publics);
    const problems = checkWitness(air.air, forged);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.kind === "bus")).toBe(true);
    expectRejected(forged);
  });

  it("rejects a non-canonical decomposition: 5 + p, whose accumulator reads 5", () => {
    const k = 0;
    const twin = 5 + P; // < 2^31: 31 bits, bits 30–27 all 1 and bits 2, 1 set
    const outs = bitsIns[k]!.outs;
    const changes = new Map(outs.map((o, i) => [o, Math.floor(twin / 2 ** i) % 2]));
    const forged = forgedWitness(changes, mainWith(k, rowsFor(k, twin)));
    expect(forged.publics.slice(0, 31)).toEqual(expectedPublics([[twin, 31]]));
    expect(forged.publics).not.toEqual(witness.publics);
    const problems = checkWitness(air.air, forged);
    // Every bus balances (the accumulator is 2·5 modulo p); what fails is the canonicity check.
    expect(problems.length).toBeGreaterThan(0);
    expect(
      problems.every((p) => p.kind === "constraint" && p.message.includes(`"${bitsRowsChip.name}"`)),
    ).toBe(true);
    expectRejected(forged);
  });

  it("rejects an accumulator carried across instructions", () => {
    // The second instruction's accumulator continues the first's (P − 1): its value read is another than
    // its bits decompose, with its input (a hint) changed to agree. Only the restart at the boundary fails.
    const k = 1;
    const main = witness.tables[table]!.map((c) => c.slice());
    const acc = 2; // b0, b1, acc, u, t
    const carried = main[acc]![k * ROWS - 1]!;
    let scale = carried;
    for (let r = 0; r < ROWS; r++) {
      scale = Number((BigInt(scale) * 4n) % BigInt(P));
      main[acc]![k * ROWS + r] = (main[acc]![k * ROWS + r]! + scale) % P;
    }
    const read = Number((BigInt(main[acc]![(k + 1) * ROWS - 1]!) * BigInt((P + 1) / 2)) % BigInt(P));
    expect(read).not.toBe(CASES[k]![0]);
    const forged = forgedWitness(new Map([[bitsIns[k]!.input, read]]), main);
    const problems = checkWitness(air.air, forged);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.kind === "constraint" && p.message.endsWith(`row ${k * ROWS - 1}`))).toBe(
      true,
    );
    expectRejected(forged);
  });

  it("rejects perturbed proofs: cells of every column of the table, public values, multiplicities, bytes", () => {
    const report = runSoundnessHarness({
      air: air.air,
      config: TEST_CONFIG,
      hash: poseidon2Hash,
      witness,
      cellTables: [table],
      cellsPerColumn: 6,
      sampledInteractions: 3,
      multiplicitiesPerInteraction: 2,
      publicIndices: [0, 30, 31, 60, 120],
      byteMutations: 200,
    });
    console.log(`soundness bits on 16 rows: ${JSON.stringify(report.tried)}`);
    expect(report.accepted).toEqual([]);
  }, 900_000);
});
