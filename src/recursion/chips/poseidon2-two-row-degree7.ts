import { add } from "../../field/babybear.ts";
import { POSEIDON2_WIDTH } from "../../hash/poseidon2.ts";
import { FULL_ROUND_CONSTANTS, PARTIAL_ROUND_CONSTANTS } from "../../hash/poseidon2-constants.ts";
import type { Col, Trace } from "../../machine/chip.ts";
import {
  externalLayer,
  externalLayerInverseValues,
  externalLayerValues,
  HALF_FULL_ROUNDS,
  internalLayer,
  internalLayerValues,
  PARTIAL_ROUNDS,
} from "../../machine/chips/poseidon2.ts";
import type { Expr } from "../../stark/expr.ts";
import type { RecursionChip } from "./chip.ts";
import { pow7, pow7Value } from "./poseidon2-degree7.ts";
import { loadPermutation } from "./poseidon2-io.ts";
import { FIRST, poseidon2TwoRowChip, SECOND, twoRowMemory } from "./poseidon2-two-row.ts";

/**
 * The `poseidon2` instruction on two rows of degree-7 constraints, 142 main columns (the swap bit, the
 * chain's input `s`, one column per S-box of four full rounds and the 21 partial rounds): the BN254 step's
 * Poseidon2 chip (docs/wrap-circuit.md §8, "Two rows of degree 7"). Against poseidon2Degree7Chip (238
 * columns on one row) it has 96 fewer columns for 46 more cells per permutation; the wrap circuit pays every
 * column at each query and the degree-7 S-boxes at ζ, and this chip has 117 of them instead of 213.
 *
 * The rows are poseidon2TwoRowChip's, each S-box one column y = (x + rc)^7 instead of a cube and an output:
 * every row runs the external layer on `s`, four full rounds and the partial rounds, with the round
 * constants of a first row (`first`: rounds 0–3 and the partial rounds) or a second row (`second`: rounds
 * 4–7) and none on padding rows. A first row's state after the partial rounds fixes the next row's input,
 * L_ext(s') = state; a second row's state after its full rounds is the permutation's output, and its
 * partial rounds compute a value nobody reads (determined, like every cell). The preprocessed columns, the
 * memory reads (first row) and writes (second row) are poseidon2TwoRowChip's.
 */
const WIDTH = POSEIDON2_WIDTH;
const HALF_FULL = HALF_FULL_ROUNDS;
const PARTIAL = PARTIAL_ROUNDS;

interface Cols {
  readonly swap: Col;
  /** The chain's input: X on a first row, L_ext⁻¹ of the state after the partial rounds on a second. */
  readonly s: readonly Col[];
  /** S-box outputs of the row's four full rounds. */
  readonly full: readonly (readonly Col[])[];
  readonly partial: readonly Col[];
}

export const poseidon2TwoRowDegree7Chip: RecursionChip<"poseidon2", Cols> = {
  name: "poseidon2-two-row-degree7",
  kinds: ["poseidon2"],
  rowsPerInstruction: 2,
  fixedWidth: poseidon2TwoRowChip.fixedWidth,
  fixedRow: poseidon2TwoRowChip.fixedRow,
  define(c, fixed) {
    const cols: Cols = {
      swap: c.col("swap"),
      s: c.cols("s", WIDTH),
      full: Array.from({ length: HALF_FULL }, (_, r) => c.cols(`full${r}`, WIDTH)),
      partial: c.cols("partial", PARTIAL),
    };
    const first = fixed(FIRST);
    const second = fixed(SECOND);
    const sbox = (x: Expr, out: Col) => {
      c.zero(out.e.sub(pow7(x)));
      return out.e;
    };
    const fullRc = (r: number, i: number) =>
      first
        .mul(FULL_ROUND_CONSTANTS[r * WIDTH + i]!)
        .add(second.mul(FULL_ROUND_CONSTANTS[(r + HALF_FULL) * WIDTH + i]!));

    let state = externalLayer(cols.s.map((x) => x.e));
    for (let r = 0; r < HALF_FULL; r++)
      state = externalLayer(state.map((v, i) => sbox(v.add(fullRc(r, i)), cols.full[r]![i]!)));
    const afterFull = state;
    for (let j = 0; j < PARTIAL; j++) {
      const x = state[0]!.add(first.mul(PARTIAL_ROUND_CONSTANTS[j]!));
      state = internalLayer([sbox(x, cols.partial[j]!), ...state.slice(1)]);
    }
    // The only constraint across rows, gated by `first`: nothing crosses instructions.
    const nextIn = externalLayer(cols.s.map((x) => x.n));
    nextIn.forEach((v, i) => c.zero(first.mul(v.sub(state[i]!))));
    twoRowMemory(c, fixed, cols, afterFull);
    return cols;
  },
  fill(tr, row, cols, ins, value) {
    if (!ins) return;
    const afterPartial = fillRow(tr, row, cols, loadPermutation(tr, row, cols.swap, ins, value), true);
    externalLayerInverseValues(afterPartial);
    fillRow(tr, row + 1, cols, afterPartial, false);
  },
};

/** Fills one row's chain from its input; returns the state after its partial rounds. */
function fillRow(tr: Trace, row: number, cols: Cols, s: readonly number[], first: boolean): number[] {
  s.forEach((v, i) => tr.set(cols.s[i]!, row, v));
  const state = [...s];
  const sbox = (x: number, out: Col): number => {
    const y = pow7Value(x);
    tr.set(out, row, y);
    return y;
  };
  externalLayerValues(state);
  const round = first ? 0 : HALF_FULL;
  for (let r = 0; r < HALF_FULL; r++) {
    for (let i = 0; i < WIDTH; i++)
      state[i] = sbox(add(state[i]!, FULL_ROUND_CONSTANTS[(round + r) * WIDTH + i]!), cols.full[r]![i]!);
    externalLayerValues(state);
  }
  for (let j = 0; j < PARTIAL; j++) {
    state[0] = sbox(first ? add(state[0]!, PARTIAL_ROUND_CONSTANTS[j]!) : state[0]!, cols.partial[j]!);
    internalLayerValues(state);
  }
  return state;
}
