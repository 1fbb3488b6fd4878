import { POSEIDON2_WIDTH, poseidon2Permute } from "../../hash/poseidon2.ts";
import { Bus } from "../buses.ts";
import { type ChipContext, defineChip, type PadRow, Trace } from "../chip.ts";
import { allocateChain, constrainChain, fillChain, nextRowOutput } from "./poseidon2-chain.ts";

const WIDTH = POSEIDON2_WIDTH;

/** The output lanes a sponge step reads (0..7 and 16..23), as the lookups take them. */
function resultLanes<T>(state: readonly T[]): T[] {
  return [...state.slice(0, 8), ...state.slice(16, 24)];
}

/**
 * The machine's Poseidon2 table: every permutation the segment's paging and Merkle rows use, looked up as
 * sponge steps (input, output lanes 0..7 and 16..23) and 2-to-1 compressions (input lanes 16..23 zero).
 * Two rows per permutation (poseidon2-chain.ts): 277 columns instead of the one-row layout's 452, so a
 * query opens 175 fewer values of this table (docs/machine.md §9).
 *
 * - `first` is 1 on even rows and 0 on odd ones (1 on row 0, and first + first' = 1 from every row to the
 *   next, cyclically: the height is even), so the rows pair up as first and second rows of permutations.
 * - A first row carries the permutation's output lanes 0..15 of its tuple (`result`: lanes 0..7 and 16..23),
 *   equal to the output the next row's chain computes; the lookups read (s, result) there. On a second row
 *   `result` and both multiplicities are 0, so it provides no fact.
 *
 * Rows are facts (a first row that satisfies the constraints is a correct permutation), so their lookup
 * multiplicities are free.
 */
export function poseidon2Chip() {
  return defineChip("poseidon2", (c: ChipContext) => {
    const first = c.col("first");
    const chain = allocateChain(c);
    const result = c.cols("result", 16);
    const mSponge = c.col("m_sponge");
    const mCompress = c.col("m_compress");
    const second = c.k(1).sub(first.e);
    c.t.assertZeroFirstRow(first.e.sub(1));
    c.zero(first.n.add(first.e).sub(1));
    constrainChain(c, chain, first.e, second);
    const out = nextRowOutput(chain);
    resultLanes(out).forEach((v, i) => c.zero(first.e.mul(result[i]!.e.sub(v))));
    c.pin([...result, mSponge, mCompress], first.e);
    const inp = chain.s.map((x) => x.e);
    const res = result.map((x) => x.e);
    c.t.receive(Bus.P2_SPONGE, [...inp, ...res], mSponge.e, { bound: "lookup" });
    for (let j = 16; j < WIDTH; j++) c.zero(mCompress.e.mul(inp[j]!));
    c.t.receive(Bus.P2_COMPRESS, [...inp.slice(0, 16), ...res.slice(0, 8)], mCompress.e, { bound: "lookup" });
    return { first, chain, result, mSponge, mCompress };
  });
}

export type Poseidon2Chip = ReturnType<typeof poseidon2Chip>;

/**
 * Two rows per distinct input (24 lanes). Padding pairs permute (0, …, 0, k, 1), an input no sponge step or
 * compression of the machine uses, so that no fact appears twice. Multiplicities are tallied later.
 */
export function poseidon2Trace(chip: Poseidon2Chip, inputs: readonly Uint32Array[]): Trace {
  const tr = new Trace(chip.width, 2 * inputs.length);
  for (let k = 0; 2 * k < tr.height; k++) {
    const input = inputs[k] ?? paddingInput(k);
    const out = fillPair(chip, tr, 2 * k, input);
    if (k === 0) {
      const check = Uint32Array.from(input);
      poseidon2Permute(check);
      if (check.some((v, i) => v !== out[i]))
        throw new Error("poseidon2 witness disagrees with the permutation");
    }
  }
  return tr;
}

/** The input padding pair k permutes: (0, …, 0, k, 1), which no sponge step or compression uses. */
function paddingInput(k: number): Uint32Array {
  const input = new Uint32Array(WIDTH);
  input[22] = k;
  input[23] = 1;
  return input;
}

/** Fills rows `row` and `row + 1` with the permutation of `input`; returns its output. */
function fillPair(chip: Poseidon2Chip, tr: Trace, row: number, input: ArrayLike<number>): number[] {
  const { first, chain, result } = chip.cols;
  const out = fillChain(tr, row, chain, Array.from(input));
  tr.set(first, row, 1);
  resultLanes(out).forEach((v, i) => tr.set(result[i]!, row, v));
  return out;
}

/** Poseidon2 padding: the pair of rows from an even row permutes {@link paddingInput}, looked up by nobody. */
export function poseidon2Padding(chip: Poseidon2Chip): PadRow {
  return (tr, r) => {
    if (r % 2 === 0) fillPair(chip, tr, r, paddingInput(r / 2));
  };
}
