/**
 * A small recursion program of three Poseidon2 permutations, for the Poseidon2 chips' tests: one swapped by a
 * bit the program computes (with unwritten outputs), one on the first's outputs without a swap, one swapped
 * by a constant 1; and what it must expose, computed from the permutation alone.
 */
import { P } from "../../src/field/babybear.ts";
import { poseidon2Permute } from "../../src/hash/poseidon2.ts";
import { type RecursionAir, recursionWitness } from "../../src/recursion/air.ts";
import { ProgramBuilder } from "../../src/recursion/builder.ts";
import type { Execution } from "../../src/recursion/executor.ts";
import type { Address, Block, Program } from "../../src/recursion/ir.ts";
import type { StarkConfig } from "../../src/stark/config.ts";
import type { Witness } from "../../src/stark/prover.ts";
import { prng } from "../../src/stark/testing/perturb.ts";

/** Blowup 8, the least that admits the degree-7 Poseidon2 chips, with test-sized queries and grinding. */
export const DEGREE7_TEST_CONFIG: StarkConfig = {
  logBlowup: 3,
  numQueries: 12,
  powBits: 4,
  friLogArity: 2,
  logFinalDegree: 1,
};

export const rand = prng(7);
export const element = () => rand() % P;
export const HINTS: Block[] = [
  ...Array.from({ length: 6 }, (): Block => [element(), element(), element(), element()]),
  [2 * (rand() % 2 ** 20) + 1, 0, 0, 0], // odd: the first permutation swaps
];

/**
 * Three permutations: one swapped by a bit the program computes (with unwritten outputs), one on the
 * first's outputs without a swap, one swapped by a constant 1; the program exposes all outputs it writes.
 */
export function permutations() {
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
export function expectedPublics(): number[] {
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

/**
 * For a Poseidon2 chip of two rows per permutation (table `table` of `ra`, the AIR of {@link permutations}):
 * the witness with the third permutation's second row (rows 4–5) replaced by the second's — a row every local
 * constraint accepts — and its written outputs and everything that reads them made to agree, so that only
 * the link between the forged pair's rows is wrong. Its public values differ from the honest ones.
 */
export function forgedSecondRow(
  ra: RecursionAir,
  table: number,
  program: Program,
  execution: Execution,
  witness: Witness,
): Witness {
  const perms = program.instructions.flatMap((ins) => (ins.kind === "poseidon2" ? [ins] : []));
  const main = witness.tables[table]!.map((col) => col.slice());
  for (const col of main) col[5] = col[3]!;
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
  const forged = recursionWitness(ra, { memory, publics });
  return { tables: forged.tables.map((t, i) => (i === table ? main : t)), publics };
}
