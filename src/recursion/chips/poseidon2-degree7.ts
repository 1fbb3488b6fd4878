import { add, mul } from "../../field/babybear.ts";
import { POSEIDON2_WIDTH } from "../../hash/poseidon2.ts";
import { FULL_ROUND_CONSTANTS, PARTIAL_ROUND_CONSTANTS } from "../../hash/poseidon2-constants.ts";
import type { Col } from "../../machine/chip.ts";
import {
  externalLayer,
  externalLayerValues,
  HALF_FULL_ROUNDS,
  internalLayer,
  internalLayerValues,
  PARTIAL_ROUNDS,
} from "../../machine/chips/poseidon2.ts";
import type { Expr } from "../../stark/expr.ts";
import type { RecursionChip } from "./chip.ts";
import {
  loadPermutation,
  oneRowFixedRow,
  readPermutationInput,
  writePermutationOutput,
} from "./poseidon2-io.ts";

/**
 * The `poseidon2` instruction (width 24 on six memory blocks, optional swap of blocks 0–1 with 2–3) on one
 * row of 238 main columns, with constraints of degree 7: each S-box output is one column, y = (x + c)^7,
 * x linear in the row's columns. For configurations of blowup ≥ 8 (a degree-7 table has 8 quotient chunks,
 * which such a blowup admits): the recursion release's (RECURSION_CONFIG). Against the degree-3 chips (two
 * columns per S-box: poseidon2Chip's 467 columns on one row, poseidon2TwoRowChip's 259 on two) it has 238
 * cells per permutation instead of 518, and one row per permutation: the release's largest table holds
 * twice the permutations at the same height (docs/recursion.md §7).
 *
 * Main columns: the swap bit, the permutation input X (24 lanes: lanes 0–15 swapped by the bit, 16–23 as
 * read), the S-box outputs of the 8 full rounds (8 × 24) and of the 21 partial rounds. Memory reads see
 * lanes 0–15 swapped back, X + swap·(X_swapped − X); the output, L_ext of the last full round's S-boxes, is
 * written block by block with its read counts. Round constants are multiplied by the preprocessed `real`, so
 * an all-zero padding row satisfies every constraint; `pin` makes every cell of a padding row zero, so no
 * cell is free.
 */
const WIDTH = POSEIDON2_WIDTH;
const HALF_FULL = HALF_FULL_ROUNDS;
const PARTIAL = PARTIAL_ROUNDS;

/** Preprocessed: in_0..5, swap address, out_0..5, m_0..5, real (poseidon2Chip's layout). */
const SWAP_ADDR = 6;
const OUT = 7;
const MULT = 13;
const REAL = 19;

interface Cols {
  readonly swap: Col;
  /** The permutation input X. */
  readonly s: readonly Col[];
  /** S-box outputs of full rounds 0–7. */
  readonly full: readonly (readonly Col[])[];
  readonly partial: readonly Col[];
}

export const pow7 = (x: Expr): Expr => {
  const x3 = x.mul(x).mul(x);
  return x3.mul(x3).mul(x);
};

export const pow7Value = (x: number): number => {
  const x3 = mul(mul(x, x), x);
  return mul(mul(x3, x3), x);
};

export const poseidon2Degree7Chip: RecursionChip<"poseidon2", Cols> = {
  name: "poseidon2-degree7",
  kinds: ["poseidon2"],
  fixedWidth: 20,
  fixedRow: oneRowFixedRow,
  define(c, fixed) {
    const cols: Cols = {
      swap: c.col("swap"),
      s: c.cols("s", WIDTH),
      full: Array.from({ length: 2 * HALF_FULL }, (_, r) => c.cols(`full${r}`, WIDTH)),
      partial: c.cols("partial", PARTIAL),
    };
    const real = fixed(REAL);
    // y = (x + real·rc)^7: on a padding row (real = 0) zero inputs give zero outputs.
    const sbox = (x: Expr, rc: number, out: Col) => {
      c.zero(out.e.sub(pow7(x.add(real.mul(rc)))));
      return out.e;
    };
    const fullRound = (state: Expr[], r: number) =>
      externalLayer(state.map((v, i) => sbox(v, FULL_ROUND_CONSTANTS[r * WIDTH + i]!, cols.full[r]![i]!)));

    let state = externalLayer(cols.s.map((x) => x.e));
    for (let r = 0; r < HALF_FULL; r++) state = fullRound(state, r);
    for (let j = 0; j < PARTIAL; j++)
      state = internalLayer([
        sbox(state[0]!, PARTIAL_ROUND_CONSTANTS[j]!, cols.partial[j]!),
        ...state.slice(1),
      ]);
    for (let r = HALF_FULL; r < 2 * HALF_FULL; r++) state = fullRound(state, r);

    // The swap bit is a bit on real rows (the swap is then an involution, and the reads fix X).
    const w = cols.swap.e;
    c.zero(real.mul(w.mul(w.sub(1))));
    c.pin([cols.swap, ...cols.s], real);
    readPermutationInput(c.t, fixed, cols.s, w, SWAP_ADDR, real);
    writePermutationOutput(c.t, fixed, state, OUT, MULT);
    return cols;
  },
  fill(tr, row, cols, ins, value) {
    if (!ins) return;
    const state = loadPermutation(tr, row, cols.swap, ins, value);
    state.forEach((v, i) => tr.set(cols.s[i]!, row, v));
    const sbox = (x: number, rc: number, out: Col): number => {
      const y = pow7Value(add(x, rc));
      tr.set(out, row, y);
      return y;
    };
    const fullRound = (r: number) => {
      for (let i = 0; i < WIDTH; i++)
        state[i] = sbox(state[i]!, FULL_ROUND_CONSTANTS[r * WIDTH + i]!, cols.full[r]![i]!);
      externalLayerValues(state);
    };
    externalLayerValues(state);
    for (let r = 0; r < HALF_FULL; r++) fullRound(r);
    for (let j = 0; j < PARTIAL; j++) {
      state[0] = sbox(state[0]!, PARTIAL_ROUND_CONSTANTS[j]!, cols.partial[j]!);
      internalLayerValues(state);
    }
    for (let r = HALF_FULL; r < 2 * HALF_FULL; r++) fullRound(r);
  },
};
