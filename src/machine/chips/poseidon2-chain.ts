import { add } from "../../field/babybear.ts";
import { POSEIDON2_WIDTH } from "../../hash/poseidon2.ts";
import { FULL_ROUND_CONSTANTS, PARTIAL_ROUND_CONSTANTS } from "../../hash/poseidon2-constants.ts";
import type { Expr } from "../../stark/expr.ts";
import type { ChipContext, Col, Trace } from "../chip.ts";
import {
  allocateRounds,
  constrainSbox,
  externalLayer,
  externalLayerInverseValues,
  externalLayerValues,
  fillSbox,
  HALF_FULL_ROUNDS,
  internalLayer,
  internalLayerValues,
  PARTIAL_ROUNDS,
  type RoundCols,
} from "./poseidon2.ts";

/**
 * One Poseidon2 permutation (width 24) on two rows of degree-3 constraints: the layout shared by the
 * machine's `poseidon2` table and the recursion's two-row chip (docs/machine.md §1, docs/wrap-circuit.md §8).
 *
 * Every row runs the same chain — the external layer on its input `s`, four full rounds, the 21 partial
 * rounds — because an S-box's constraints (its cube and output as columns: c = x³, y = c²·x) cannot be
 * switched off by a row flag (flag · x³ is of degree 4). Rows differ only in their round constants
 * (flag · constant) and in what feeds the chain. The first row of a permutation holds its input X and runs
 * the initial layer, rounds 0–3 and the partial rounds; its state after the partial rounds fixes the second
 * row's input, L_ext(s') = state; the second row runs rounds 4–7, after which its state is the
 * permutation's output, and its partial rounds compute a value nobody reads (determined, like every cell).
 * 258 columns instead of one row's 450.
 */
const WIDTH = POSEIDON2_WIDTH;
const HALF_FULL = HALF_FULL_ROUNDS;
const PARTIAL = PARTIAL_ROUNDS;

export interface ChainCols extends RoundCols {
  /** The chain's input: X on the first row, L_ext⁻¹ of the state after the partial rounds on the second. */
  readonly s: readonly Col[];
}

export function allocateChain(c: ChipContext): ChainCols {
  return { s: c.cols("s", WIDTH), ...allocateRounds(c, HALF_FULL) };
}

/**
 * States the chain of a row, with the round constants of a first row where `first` is 1 and of a second
 * row where `second` is 1 (none where both are 0), and the link from a first row to the next:
 * L_ext(s at the next row) = the state after the partial rounds. Returns the state after the full rounds,
 * which on a second row is the permutation's output.
 */
export function constrainChain(c: ChipContext, cols: ChainCols, first: Expr, second: Expr): Expr[] {
  const fullRc = (r: number, i: number) =>
    first
      .mul(FULL_ROUND_CONSTANTS[r * WIDTH + i]!)
      .add(second.mul(FULL_ROUND_CONSTANTS[(r + HALF_FULL) * WIDTH + i]!));
  const sbox = (x: Expr, cube: Col, out: Col) => {
    constrainSbox(c, x, cube, out);
    return out.e;
  };
  let state = externalLayer(cols.s.map((x) => x.e));
  for (let r = 0; r < HALF_FULL; r++) {
    const out = state.map((v, i) => sbox(v.add(fullRc(r, i)), cols.fullCube[r]![i]!, cols.fullOut[r]![i]!));
    state = externalLayer(out);
  }
  const afterFull = state;
  for (let j = 0; j < PARTIAL; j++) {
    const x = state[0]!.add(first.mul(PARTIAL_ROUND_CONSTANTS[j]!));
    state = internalLayer([sbox(x, cols.partialCube[j]!, cols.partialOut[j]!), ...state.slice(1)]);
  }
  const nextIn = externalLayer(cols.s.map((x) => x.n));
  nextIn.forEach((v, i) => c.zero(first.mul(v.sub(state[i]!))));
  return afterFull;
}

/** From a first row: the permutation's output, as expressions of the next (second) row's columns. */
export function nextRowOutput(cols: ChainCols): Expr[] {
  return externalLayer(cols.fullOut[HALF_FULL - 1]!.map((x) => x.n));
}

/** Fills the two rows of a permutation of `input` from `row`; returns the output state. */
export function fillChain(tr: Trace, row: number, cols: ChainCols, input: readonly number[]): number[] {
  const afterPartial = fillChainRow(tr, row, cols, input, true).afterPartial;
  externalLayerInverseValues(afterPartial);
  return fillChainRow(tr, row + 1, cols, afterPartial, false).afterFull;
}

/**
 * Fills one row's chain from its input s: the full rounds of a first or second row, then the partial
 * rounds (with their constants only on a first row).
 */
function fillChainRow(tr: Trace, row: number, cols: ChainCols, s: readonly number[], first: boolean) {
  s.forEach((v, i) => tr.set(cols.s[i]!, row, v));
  const state = [...s];
  externalLayerValues(state);
  const round = first ? 0 : HALF_FULL;
  for (let r = 0; r < HALF_FULL; r++) {
    for (let i = 0; i < WIDTH; i++) {
      const x = add(state[i]!, FULL_ROUND_CONSTANTS[(round + r) * WIDTH + i]!);
      state[i] = fillSbox(tr, row, x, cols.fullCube[r]![i]!, cols.fullOut[r]![i]!);
    }
    externalLayerValues(state);
  }
  const afterFull = [...state];
  for (let j = 0; j < PARTIAL; j++) {
    const x = first ? add(state[0]!, PARTIAL_ROUND_CONSTANTS[j]!) : state[0]!;
    state[0] = fillSbox(tr, row, x, cols.partialCube[j]!, cols.partialOut[j]!);
    internalLayerValues(state);
  }
  return { afterFull, afterPartial: state };
}
