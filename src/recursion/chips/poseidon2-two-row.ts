import { add } from "../../field/babybear.ts";
import { POSEIDON2_WIDTH } from "../../hash/poseidon2.ts";
import { FULL_ROUND_CONSTANTS, PARTIAL_ROUND_CONSTANTS } from "../../hash/poseidon2-constants.ts";
import type { ChipContext, Col, Trace } from "../../machine/chip.ts";
import {
  constrainSbox,
  externalLayer,
  externalLayerInverseValues,
  externalLayerValues,
  fillSbox,
  HALF_FULL_ROUNDS,
  internalLayer,
  internalLayerValues,
  PARTIAL_ROUNDS,
} from "../../machine/chips/poseidon2.ts";
import type { Expr } from "../../stark/expr.ts";
import { asBlock, type RecursionChip, readBlock, writeBlock } from "./chip.ts";
import { permutationInput, readLane } from "./poseidon2-io.ts";

/**
 * The `poseidon2` instruction (width 24 on six memory blocks, optional swap of blocks 0–1 with 2–3) on two
 * rows per instruction (docs/wrap-circuit.md §8): 259 main columns instead of poseidon2Chip's 467, at twice
 * the rows. The Poseidon2 chip of DEGREE3_CHIPS: recursion and BN254 configurations of blowup below 8 (the
 * tests'); the recursion release's blowup 8 and the BN254 step's blowup 32 take poseidon2Degree7Chip.
 *
 * Why two rows of one chain. Constraints stay of degree 3, so that the BN254 layer still proves at the
 * tests' blowup 2 (degree 4 needs blowup 4: every BN254 test proof would cost twice as much). An S-box then needs its cube and its output as columns (c = x³, y = c²·x), and
 * those constraints cannot be switched off by a row flag (flag · x³ is of degree 4): every row runs the
 * same chain of S-boxes, and rows differ only in what feeds the chain (degree-2 wiring from the row before)
 * and in round constants (flag · constant). The chain here is an external layer, four full rounds and the
 * 21 partial rounds. The first row of an instruction runs the initial layer, rounds 0–3 and the partial
 * rounds; the second runs rounds 4–7, and its partial rounds compute a value nobody reads (determined, like
 * every cell). Every row runs the chain from its start, so a third row of the same chain would not help;
 * narrower layouts at degree 3 spend a row per full round (24 independent S-boxes, ~90 columns, ~10 rows
 * per permutation), and the production table grows from 2^15 to 2^17 rows, taller than every other table:
 * measured with stand-in tables (§8), that circuit would be within ~4 % of this one's, and the prover would
 * hash ~1.7× the cells.
 *
 * Rows of one instruction (preprocessed `first` on its first row, `second` on its second):
 *
 * - first: `s` is the permutation input X (lanes 0–15 swapped by the bit `swap`, 16–23 as read); memory
 *   reads see lanes 0–15 swapped back, s + swap·(s_swapped − s). The chain computes L_ext(X), rounds 0–3 and
 *   the partial rounds; the result fixes the second row's input: L_ext(s') = state.
 * - second: `s'` is L_ext⁻¹ of the state after the partial rounds, so that the chain's L_ext(s') + RC₄
 *   starts round 4; after rounds 4–7 the state is the permutation's output, written to memory.
 * - padding (neither flag): every main column is zero, and zero satisfies the chain (no round constants).
 *
 * Nothing crosses instructions: the only next-row constraint is gated by `first`. Memory bus as
 * poseidon2Chip: the first row reads the six input blocks and the swap bit (multiplicity `first`), the
 * second writes each used output block with its read count. Addresses share preprocessed columns: inputs on
 * the first row, outputs on the second.
 */
const WIDTH = POSEIDON2_WIDTH;
const HALF_FULL = HALF_FULL_ROUNDS;
const PARTIAL = PARTIAL_ROUNDS;

/** Preprocessed columns: addr_0..5 (inputs on the first row, outputs on the second), swap, m_0..5, flags. */
const SWAP_ADDR = 6;
const MULT = 7;
const FIRST = 13;
const SECOND = 14;

interface Cols {
  readonly swap: Col;
  /** The chain's input: X on the first row, L_ext⁻¹ of the state after the partial rounds on the second. */
  readonly s: readonly Col[];
  readonly fullCube: readonly (readonly Col[])[];
  readonly fullOut: readonly (readonly Col[])[];
  readonly partialCube: readonly Col[];
  readonly partialOut: readonly Col[];
}

/** x^7 through its cube (two constraints of degree 3); returns the output column. */
function sbox(c: ChipContext, x: Expr, cube: Col, out: Col): Expr {
  constrainSbox(c, x, cube, out);
  return out.e;
}

export const poseidon2TwoRowChip: RecursionChip<"poseidon2", Cols> = {
  name: "poseidon2-two-row",
  kinds: ["poseidon2"],
  rowsPerInstruction: 2,
  fixedWidth: 15,
  fixedRow(ins, reads, k) {
    if (k === 0) return [...ins.inputs, ins.swap, 0, 0, 0, 0, 0, 0, 1, 0];
    const outs = ins.outs.map((o) => (o >= 0 ? o : 0));
    const mults = ins.outs.map((o) => (o >= 0 ? reads[o]! : 0));
    return [...outs, 0, ...mults, 0, 1];
  },
  define(c, fixed) {
    const cols: Cols = {
      swap: c.col("swap"),
      s: c.cols("s", WIDTH),
      fullCube: Array.from({ length: HALF_FULL }, (_, r) => c.cols(`full${r}.cube`, WIDTH)),
      fullOut: Array.from({ length: HALF_FULL }, (_, r) => c.cols(`full${r}.out`, WIDTH)),
      partialCube: c.cols("partial.cube", PARTIAL),
      partialOut: c.cols("partial.out", PARTIAL),
    };
    const first = fixed(FIRST);
    const second = fixed(SECOND);
    // Round constants by row: rounds 0–3 and the partial rounds on the first row, rounds 4–7 on the
    // second, none on padding rows (so that zero rows satisfy the chain).
    const fullRc = (r: number, i: number) =>
      first
        .mul(FULL_ROUND_CONSTANTS[r * WIDTH + i]!)
        .add(second.mul(FULL_ROUND_CONSTANTS[(r + HALF_FULL) * WIDTH + i]!));

    let state = externalLayer(cols.s.map((x) => x.e));
    for (let r = 0; r < HALF_FULL; r++) {
      const out = state.map((v, i) =>
        sbox(c, v.add(fullRc(r, i)), cols.fullCube[r]![i]!, cols.fullOut[r]![i]!),
      );
      state = externalLayer(out);
    }
    const afterFull = state;
    for (let j = 0; j < PARTIAL; j++) {
      const x = state[0]!.add(first.mul(PARTIAL_ROUND_CONSTANTS[j]!));
      state = internalLayer([sbox(c, x, cols.partialCube[j]!, cols.partialOut[j]!), ...state.slice(1)]);
    }
    // The first row fixes the second row's input: L_ext(s') is the state after the partial rounds.
    const nextIn = externalLayer(cols.s.map((x) => x.n));
    nextIn.forEach((v, i) => c.zero(first.mul(v.sub(state[i]!))));

    // Loading: s = X, whose lanes 0–15 are the read ones swapped by the bit (checked to be one: the swap is
    // then an involution, and the reads fix s).
    const w = cols.swap.e;
    c.zero(first.mul(w.mul(w.sub(1))));
    // Every cell is fixed by the statement: swap exists on first rows only, s on real rows only.
    c.pin([cols.swap], first);
    c.pin(cols.s, first.add(second));

    for (let j = 0; j < 6; j++) {
      const lanes = [0, 1, 2, 3].map((k) => (j < 4 ? readLane(cols.s, w, 4 * j + k) : cols.s[4 * j + k]!.e));
      readBlock(c.t, fixed(j), lanes, first);
    }
    readBlock(c.t, fixed(SWAP_ADDR), asBlock(w), first);
    // On the second row the state after rounds 4–7 is the permutation's output.
    for (let j = 0; j < 6; j++) writeBlock(c.t, fixed(j), afterFull.slice(4 * j, 4 * j + 4), fixed(MULT + j));
    return cols;
  },
  fill(tr, row, cols, ins, value) {
    if (!ins) return;
    const blocks = ins.inputs.map((a) => value(a));
    const w = value(ins.swap)[0]!;
    const lanes = blocks.flatMap((b) => [...b]);
    tr.set(cols.swap, row, w);
    const input = permutationInput(lanes, w);
    const afterPartial = fillRow(tr, row, cols, input, 0, true);
    externalLayerInverseValues(afterPartial);
    fillRow(tr, row + 1, cols, afterPartial, HALF_FULL, false);
  },
};

/**
 * Fills one row's chain from its input s: full rounds from `round` on, then the partial rounds (with their
 * constants only on a first row). Returns the state after the partial rounds.
 */
function fillRow(tr: Trace, row: number, cols: Cols, s: readonly number[], round: number, first: boolean) {
  s.forEach((v, i) => tr.set(cols.s[i]!, row, v));
  const state = [...s];
  externalLayerValues(state);
  const sboxValue = (x: number, cube: Col, out: Col): number => fillSbox(tr, row, x, cube, out);
  for (let r = 0; r < HALF_FULL; r++) {
    for (let i = 0; i < WIDTH; i++) {
      const x = add(state[i]!, FULL_ROUND_CONSTANTS[(round + r) * WIDTH + i]!);
      state[i] = sboxValue(x, cols.fullCube[r]![i]!, cols.fullOut[r]![i]!);
    }
    externalLayerValues(state);
  }
  for (let j = 0; j < PARTIAL; j++) {
    const x = first ? add(state[0]!, PARTIAL_ROUND_CONSTANTS[j]!) : state[0]!;
    state[0] = sboxValue(x, cols.partialCube[j]!, cols.partialOut[j]!);
    internalLayerValues(state);
  }
  return state;
}
