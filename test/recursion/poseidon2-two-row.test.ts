/**
 * The BN254 step's Poseidon2 chip (two rows per permutation, src/recursion/chips/poseidon2-two-row.ts)
 * against the release's one-row chip: the same program proves the same statement under both AIRs; every
 * single cell of the two-row table is pinned (an exact check over every column at every kind of row); a
 * second row whose own constraints hold but which does not continue its first row is caught; and the
 * perturbation harness, focused on that table, finds no perturbed proof that verifies.
 */
import { describe, expect, it } from "vitest";
import { P } from "../../src/field/babybear.ts";
import { poseidon2Permute } from "../../src/hash/poseidon2.ts";
import { cellChangeAccepted, checkWitness } from "../../src/machine/check.ts";
import { externalLayerInverseValues, externalLayerValues } from "../../src/machine/chips/poseidon2.ts";
import { ONE_ROW_CHIPS, recursionAir, recursionWitness, shapeFor } from "../../src/recursion/air.ts";
import { ProgramBuilder } from "../../src/recursion/builder.ts";
import { executeProgram } from "../../src/recursion/executor.ts";
import type { Address, Block } from "../../src/recursion/ir.ts";
import { P254_CHIPS } from "../../src/recursion/p254.ts";
import { poseidon2Hash } from "../../src/stark/poseidon2-hash.ts";
import { preprocessedRoot, proveStark } from "../../src/stark/prover.ts";
import { proveDishonestly } from "../../src/stark/testing/dishonest.ts";
import { prng, runSoundnessHarness } from "../../src/stark/testing/perturb.ts";
import { VerificationError, verifyStark } from "../../src/stark/verifier.ts";
import { TEST_CONFIG } from "../stark/airs.ts";

const rand = prng(7);
const element = () => rand() % P;
const HINTS: Block[] = [
  ...Array.from({ length: 6 }, (): Block => [element(), element(), element(), element()]),
  [2 * (rand() % 2 ** 20) + 1, 0, 0, 0], // odd: the first permutation swaps
];

/**
 * Three permutations: one swapped by a bit the program computes (with unwritten outputs), one on the
 * first's outputs without a swap, one swapped by a constant 1; the program exposes all outputs it writes.
 */
function permutations() {
  const b = new ProgramBuilder("permutations");
  const blocks = Array.from({ length: 6 }, () => b.hint(true));
  const odd = b.hint(false);
  const bit = b.alloc();
  b.emit({ kind: "bits", input: odd, outs: [bit] });
  const alloc = (want: readonly boolean[]) => want.map((w) => (w ? b.alloc() : -1));
  const o1 = alloc([true, true, false, true, false, true]);
  b.emit({ kind: "poseidon2", inputs: blocks, swap: bit, outs: o1 });
  const o2 = alloc([true, true, true, true, true, true]);
  const in2 = [o1[0]!, o1[1]!, o1[3]!, o1[5]!, blocks[4]!, blocks[0]!];
  b.emit({ kind: "poseidon2", inputs: in2, swap: b.constant([0, 0, 0, 0]), outs: o2 });
  const o3 = alloc([false, true, false, false, false, true]);
  const in3 = [o2[5]!, o2[4]!, o2[3]!, o2[2]!, o2[1]!, o2[0]!];
  b.emit({ kind: "poseidon2", inputs: in3, swap: b.constant([1, 0, 0, 0]), outs: o3 });
  const exposed = [...o1, ...o2, ...o3].filter((a) => a >= 0);
  for (const a of exposed) {
    const lanes: Address[] = [b.alloc(), b.alloc(), b.alloc(), b.alloc()];
    b.emit({ kind: "unpack", input: a, outs: [lanes[0]!, lanes[1]!, lanes[2]!, lanes[3]!] });
    for (const l of lanes) b.expose(l);
  }
  return b.build().program;
}

/** What the program must expose, from the permutation alone. */
function expectedPublics(): number[] {
  const permute = (blocks: readonly Block[], swap: boolean) => {
    const order = swap ? [2, 3, 0, 1, 4, 5] : [0, 1, 2, 3, 4, 5];
    const state = Uint32Array.from(order.flatMap((k) => [...blocks[k]!]));
    poseidon2Permute(state);
    return Array.from({ length: 6 }, (_, k): Block => [...state.slice(4 * k, 4 * k + 4)] as never);
  };
  const o1 = permute(HINTS.slice(0, 6), true);
  const o2 = permute([o1[0]!, o1[1]!, o1[3]!, o1[5]!, HINTS[4]!, HINTS[0]!], false);
  const o3 = permute([o2[5]!, o2[4]!, o2[3]!, o2[2]!, o2[1]!, o2[0]!], true);
  const pick = (o: Block[], ks: number[]) => ks.flatMap((k) => [...o[k]!]);
  return [...pick(o1, [0, 1, 3, 5]), ...pick(o2, [0, 1, 2, 3, 4, 5]), ...pick(o3, [1, 5])];
}

const program = permutations();
const execution = executeProgram(program, HINTS);
const twoRow = recursionAir(program, shapeFor([program], P254_CHIPS), P254_CHIPS);
const table = twoRow.air.tables.findIndex((t) => t.name === "poseidon2-two-row");
const witness = recursionWitness(twoRow, execution);

describe("Poseidon2 on two rows per permutation (the BN254 step's chip)", () => {
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
    const perms = program.instructions.flatMap((ins) => (ins.kind === "poseidon2" ? [ins] : []));
    const forgedRow = (row: number) => witness.tables[table]!.map((col) => col[row]!);
    const main = witness.tables[table]!.map((col) => col.slice());
    forgedRow(3).forEach((v, c) => {
      main[c]![5] = v;
    });
    const memory = execution.memory.slice();
    const output = (perm: number, k: number) => {
      const a = perms[perm]!.outs[k]!;
      return [...execution.memory.slice(4 * a, 4 * a + 4)];
    };
    for (const k of [1, 5]) {
      const a = perms[2]!.outs[k]!;
      memory.set(output(1, k), 4 * a);
      for (const ins of program.instructions)
        if (ins.kind === "unpack" && ins.input === a)
          ins.outs.forEach((o, l) => memory.set([output(1, k)[l]!, 0, 0, 0], 4 * o));
    }
    const publics = [...execution.publics];
    for (const ins of program.instructions)
      if (ins.kind === "public") publics[ins.index] = memory[4 * ins.input]!;
    expect(publics).not.toEqual(execution.publics);
    const forged = recursionWitness(twoRow, { memory, publics });
    const tables = forged.tables.map((t, i) => (i === table ? main : t));
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
