import type { ChipContext, Col } from "../../machine/chip.ts";
import {
  allocateChain,
  type ChainCols,
  constrainChain,
  fillChain,
} from "../../machine/chips/poseidon2-chain.ts";
import type { Expr } from "../../stark/expr.ts";
import type { RecursionChip } from "./chip.ts";
import { loadPermutation, readPermutationInput, writePermutationOutput } from "./poseidon2-io.ts";

/**
 * The `poseidon2` instruction (width 24 on six memory blocks, optional swap of blocks 0–1 with 2–3) on two
 * rows per instruction (docs/wrap-circuit.md §8): 259 main columns instead of poseidon2Chip's 467, at twice
 * the rows. The Poseidon2 chip of DEGREE3_CHIPS: recursion and BN254 configurations of blowup below 8 (the
 * tests'); the recursion release's blowup 8 and the BN254 step's blowup 32 take poseidon2Degree7Chip.
 *
 * Why two rows of one chain: machine/chips/poseidon2-chain.ts, which this chip shares with the machine's
 * Poseidon2 table. Narrower layouts at degree 3 spend a row per full round (24 independent S-boxes, ~90
 * columns, ~10 rows per permutation), and the production table grows from 2^15 to 2^17 rows, taller than
 * every other table: measured with stand-in tables (§8), that circuit would be within ~4 % of this one's,
 * and the prover would hash ~1.7× the cells.
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
/** Preprocessed columns: addr_0..5 (inputs on the first row, outputs on the second), swap, m_0..5, flags. */
const SWAP_ADDR = 6;
const MULT = 7;
export const FIRST = 13;
export const SECOND = 14;

interface Cols extends ChainCols {
  readonly swap: Col;
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
    const cols: Cols = { swap: c.col("swap"), ...allocateChain(c) };
    const first = fixed(FIRST);
    const second = fixed(SECOND);
    // Round constants by row: rounds 0–3 and the partial rounds on the first row, rounds 4–7 on the
    // second, none on padding rows (so that zero rows satisfy the chain).
    const afterFull = constrainChain(c, cols, first, second);

    // On the second row the state after rounds 4–7 is the permutation's output.
    twoRowMemory(c, fixed, cols, afterFull);
    return cols;
  },
  fill(tr, row, cols, ins, value) {
    if (!ins) return;
    fillChain(tr, row, cols, loadPermutation(tr, row, cols.swap, ins, value));
  },
};

/**
 * The two-row Poseidon2 chips' loading and memory (this chip's preprocessed layout): s = X on a first row,
 * whose lanes 0–15 are the read ones swapped by the bit (checked to be one: the swap is then an involution,
 * and the reads fix s); the swap bit exists on first rows only and s on real rows only, so every cell is
 * fixed by the statement; the first row reads, the second writes `out` (its state after the full rounds).
 */
export function twoRowMemory(
  c: ChipContext,
  fixed: (i: number) => Expr,
  cols: { readonly swap: Col; readonly s: readonly Col[] },
  out: readonly Expr[],
): void {
  const first = fixed(FIRST);
  const w = cols.swap.e;
  c.zero(first.mul(w.mul(w.sub(1))));
  c.pin([cols.swap], first);
  c.pin(cols.s, first.add(fixed(SECOND)));
  readPermutationInput(c.t, fixed, cols.s, w, SWAP_ADDR, first);
  writePermutationOutput(c.t, fixed, out, 0, MULT);
}
