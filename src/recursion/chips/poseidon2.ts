import type { Col } from "../../machine/chip.ts";
import {
  allocatePoseidon2,
  constrainPoseidon2,
  fillPoseidon2,
  type Poseidon2Cols,
} from "../../machine/chips/poseidon2.ts";
import type { Expr } from "../../stark/expr.ts";
import { asBlock, type RecursionChip, readBlock, zeroWhenPadding } from "./chip.ts";
import { oneRowFixedRow, permutationInput, swappedLane, writePermutationOutput } from "./poseidon2-io.ts";

/**
 * Poseidon2 width 24 on six memory blocks, one permutation per row (the machine's permutation AIR,
 * src/machine/chips/poseidon2.ts). A Merkle step reads a swap bit s: the permutation's lanes 0–15 are
 * X = R + s·(R' − R), where R is the first four blocks as read and R' the same with blocks 0–1 and 2–3
 * exchanged. Every output block the program uses is written with its read count.
 */
interface Cols {
  readonly s: Col;
  /** Lanes 0–15 as read from memory. */
  readonly raw: Col[];
  readonly perm: Poseidon2Cols;
  readonly out: readonly Expr[];
}

export const poseidon2Chip: RecursionChip<"poseidon2", Cols> = {
  name: "poseidon2",
  kinds: ["poseidon2"],
  // in_0..in_5, swap, out_0..out_5, m_0..m_5, real
  fixedWidth: 20,
  fixedRow: oneRowFixedRow,
  define(c, fixed) {
    const s = c.col("s");
    const raw = c.cols("raw", 16);
    const perm = allocatePoseidon2(c);
    // A padding row permutes zeros (any input would satisfy the permutation's constraints).
    zeroWhenPadding(c, fixed(19), [s, ...raw, ...perm.input]);
    const out = constrainPoseidon2(c, perm);
    const x = perm.input.map((p) => p.e);
    for (let l = 0; l < 16; l++)
      c.zero(x[l]!.sub(raw[l]!.e).sub(s.e.mul(raw[swappedLane(l)]!.e.sub(raw[l]!.e))));
    const real = fixed(19);
    for (let j = 0; j < 6; j++) {
      const lanes = j < 4 ? raw.slice(4 * j, 4 * j + 4).map((r) => r.e) : x.slice(4 * j, 4 * j + 4);
      readBlock(c.t, fixed(j), lanes, real);
    }
    readBlock(c.t, fixed(6), asBlock(s.e), real);
    writePermutationOutput(c.t, fixed, out, 7, 13);
    return { s, raw, perm, out };
  },
  fill(tr, row, cols, ins, value) {
    const blocks = ins ? ins.inputs.map((a) => value(a)) : Array.from({ length: 6 }, () => [0, 0, 0, 0]);
    const s = ins ? value(ins.swap)[0]! : 0;
    tr.set(cols.s, row, s);
    const lanes = blocks.flatMap((b) => [...b]);
    for (let l = 0; l < 16; l++) tr.set(cols.raw[l]!, row, lanes[l]!);
    const input = permutationInput(lanes, s);
    fillPoseidon2(tr, row, cols.perm, input);
  },
};
