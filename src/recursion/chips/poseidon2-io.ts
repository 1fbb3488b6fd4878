import type { Col, Trace } from "../../machine/chip.ts";
import type { TableBuilder } from "../../stark/air.ts";
import type { Expr } from "../../stark/expr.ts";
import type { Address, Block } from "../ir.ts";
import { asBlock, type InstructionOf, type ReadCounts, readBlock, writeBlock } from "./chip.ts";

/**
 * What the recursion Poseidon2 chips share about the `poseidon2` instruction: six memory blocks in (24
 * lanes), an optional swap of blocks 0–1 with 2–3 (a Merkle step's order, by a bit), six blocks out.
 */

/** The lane that lane l of the first four blocks exchanges with when the swap bit is one. */
export const swappedLane = (l: number): number => (l < 8 ? l + 8 : l - 8);

/** The permutation's input from the lanes as read: lanes 0–15 exchanged when `swap` is one. */
export function permutationInput(lanes: readonly number[], swap: number): number[] {
  return lanes.map((v, l) => (l < 16 && swap === 1 ? lanes[swappedLane(l)]! : v));
}

/**
 * A chip's `fill` of an executed instruction, up to its permutation: sets the swap bit's column at `row` and
 * returns the permutation input X (the six blocks as read, lanes 0–15 exchanged when the bit is one).
 */
export function loadPermutation(
  tr: Trace,
  row: number,
  swap: Col,
  ins: InstructionOf<"poseidon2">,
  value: (addr: Address) => Block,
): number[] {
  const lanes = ins.inputs.flatMap((a) => [...value(a)]);
  const w = value(ins.swap)[0]!;
  tr.set(swap, row, w);
  return permutationInput(lanes, w);
}

/** Lane l (< 16) as read from memory, from the permutation input X and the swap bit w: X_l + w·(X_l' − X_l). */
export function readLane(x: readonly Col[], w: Expr, l: number): Expr {
  return x[l]!.e.add(w.mul(x[swappedLane(l)]!.e.sub(x[l]!.e)));
}

/** The preprocessed row of a one-row chip: in_0..5, swap address, out_0..5, m_0..5, real. */
export function oneRowFixedRow(ins: InstructionOf<"poseidon2">, reads: ReadCounts): number[] {
  const outs = ins.outs.map((o) => (o >= 0 ? o : 0));
  const mults = ins.outs.map((o) => (o >= 0 ? reads[o]! : 0));
  return [...ins.inputs, ins.swap, ...outs, ...mults, 1];
}

/**
 * The permutation's reads, with multiplicity `mult`: the six input blocks at preprocessed addresses 0–5 as
 * read (lanes 0–15 of the permutation input X swapped back by the bit w), then the swap bit at `swapAddr`.
 */
export function readPermutationInput(
  t: TableBuilder,
  fixed: (i: number) => Expr,
  x: readonly Col[],
  w: Expr,
  swapAddr: number,
  mult: Expr,
): void {
  for (let j = 0; j < 6; j++) {
    const lanes = [0, 1, 2, 3].map((k) => (j < 4 ? readLane(x, w, 4 * j + k) : x[4 * j + k]!.e));
    readBlock(t, fixed(j), lanes, mult);
  }
  readBlock(t, fixed(swapAddr), asBlock(w), mult);
}

/** The permutation's writes: output block j at preprocessed address `addr` + j, read `mult` + j times. */
export function writePermutationOutput(
  t: TableBuilder,
  fixed: (i: number) => Expr,
  out: readonly Expr[],
  addr: number,
  mult: number,
): void {
  for (let j = 0; j < 6; j++) writeBlock(t, fixed(addr + j), out.slice(4 * j, 4 * j + 4), fixed(mult + j));
}
