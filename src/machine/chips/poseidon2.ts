import { add, inv, mul, sub } from "../../field/babybear.ts";
import {
  FULL_ROUND_CONSTANTS,
  INTERNAL_DIAGONAL,
  PARTIAL_ROUND_CONSTANTS,
} from "../../hash/poseidon2-constants.ts";
import type { Expr } from "../../stark/expr.ts";
import type { ChipContext, Col, Trace } from "../chip.ts";

/**
 * Poseidon2 over BabyBear, width 24 (RISC Zero's parameters, src/hash/poseidon2.ts), as degree-3
 * constraints: every S-box x^7 has two columns, x³ and x^7 = (x³)²·x; the linear layers are expressions.
 * One permutation per row takes 24 input + 8·48 full-round + 21·2 partial-round columns = 450 (the
 * recursion's one-row chip); the two-row chain built on the same pieces (poseidon2-chain.ts) takes 258 on
 * each of two rows (the machine's table, poseidon2-table.ts, and the recursion's two-row chip).
 */
const WIDTH = 24;
/** Full rounds on each side of the partial rounds, and partial rounds (RISC Zero's width-24 parameters). */
export const HALF_FULL_ROUNDS = 4;
export const PARTIAL_ROUNDS = 21;
const HALF_FULL = HALF_FULL_ROUNDS;
const PARTIAL = PARTIAL_ROUNDS;

/** The S-box columns of some full rounds (24 cubes and 24 outputs each) and of the partial rounds. */
export interface RoundCols {
  readonly fullCube: readonly (readonly Col[])[];
  readonly fullOut: readonly (readonly Col[])[];
  readonly partialCube: readonly Col[];
  readonly partialOut: readonly Col[];
}

export interface Poseidon2Cols extends RoundCols {
  readonly input: readonly Col[];
}

export function allocateRounds(c: ChipContext, fullRounds: number): RoundCols {
  return {
    fullCube: Array.from({ length: fullRounds }, (_, r) => c.cols(`full${r}.cube`, WIDTH)),
    fullOut: Array.from({ length: fullRounds }, (_, r) => c.cols(`full${r}.out`, WIDTH)),
    partialCube: c.cols("partial.cube", PARTIAL),
    partialOut: c.cols("partial.out", PARTIAL),
  };
}

export function allocatePoseidon2(c: ChipContext): Poseidon2Cols {
  return { input: c.cols("in", WIDTH), ...allocateRounds(c, 2 * HALF_FULL) };
}

function m4(x: readonly Expr[]): Expr[] {
  const [x0, x1, x2, x3] = x as [Expr, Expr, Expr, Expr];
  const t0 = x0.add(x1);
  const t1 = x2.add(x3);
  const t2 = x1.mul(2).add(t1);
  const t3 = x3.mul(2).add(t0);
  const t4 = t1.mul(4).add(t3);
  const t5 = t0.mul(4).add(t2);
  return [t3.add(t5), t5, t2.add(t4), t4];
}

/** The external linear layer (M4 on each block of four, then the column sums added) on expressions. */
export function externalLayer(s: readonly Expr[]): Expr[] {
  const blocks: Expr[][] = [];
  for (let b = 0; b < WIDTH; b += 4) blocks.push(m4(s.slice(b, b + 4)));
  const sums = [0, 1, 2, 3].map((j) =>
    blocks.slice(1).reduce((acc, blk) => acc.add(blk[j]!), blocks[0]![j]!),
  );
  return blocks.flatMap((blk) => blk.map((v, j) => v.add(sums[j]!)));
}

/** The internal linear layer (1·1ᵀ + diag(D)) on expressions. */
export function internalLayer(s: readonly Expr[]): Expr[] {
  const sum = s.slice(1).reduce((acc, v) => acc.add(v), s[0]!);
  return s.map((v, i) => sum.add(v.mul(INTERNAL_DIAGONAL[i]!)));
}

/** The S-box x^7 through its cube: cube = x³ and out = cube²·x, two constraints of degree 3. */
export function constrainSbox(c: ChipContext, x: Expr, cube: Col, out: Col): void {
  c.zero(cube.e.sub(x.mul(x).mul(x)));
  c.zero(out.e.sub(cube.e.mul(cube.e).mul(x)));
}

/** States the permutation's constraints; returns the output lanes as expressions. */
export function constrainPoseidon2(c: ChipContext, p: Poseidon2Cols): Expr[] {
  const sbox = (x: Expr, cube: Col, out: Col) => constrainSbox(c, x, cube, out);
  let s = externalLayer(p.input.map((x) => x.e));
  const full = (r: number) => {
    s.forEach((v, i) => {
      sbox(v.add(FULL_ROUND_CONSTANTS[r * WIDTH + i]!), p.fullCube[r]![i]!, p.fullOut[r]![i]!);
    });
    s = externalLayer(p.fullOut[r]!.map((x) => x.e));
  };
  for (let r = 0; r < HALF_FULL; r++) full(r);
  for (let r = 0; r < PARTIAL; r++) {
    sbox(s[0]!.add(PARTIAL_ROUND_CONSTANTS[r]!), p.partialCube[r]!, p.partialOut[r]!);
    s = internalLayer([p.partialOut[r]!.e, ...s.slice(1)]);
  }
  for (let r = HALF_FULL; r < 2 * HALF_FULL; r++) full(r);
  return s;
}

// Witness side: the same permutation on numbers, keeping every S-box's cube and output.
function m4n(x: number[], o: number): void {
  const [x0, x1, x2, x3] = [x[o]!, x[o + 1]!, x[o + 2]!, x[o + 3]!];
  const t0 = add(x0, x1);
  const t1 = add(x2, x3);
  const t2 = add(add(x1, x1), t1);
  const t3 = add(add(x3, x3), t0);
  const t4 = add(mul(4, t1), t3);
  const t5 = add(mul(4, t0), t2);
  x[o] = add(t3, t5);
  x[o + 1] = t5;
  x[o + 2] = add(t2, t4);
  x[o + 3] = t4;
}

/** The external linear layer on values, in place. */
export function externalLayerValues(s: number[]): void {
  for (let b = 0; b < WIDTH; b += 4) m4n(s, b);
  for (let j = 0; j < 4; j++) {
    let sum = 0;
    for (let b = 0; b < WIDTH; b += 4) sum = add(sum, s[b + j]!);
    for (let b = 0; b < WIDTH; b += 4) s[b + j] = add(s[b + j]!, sum);
  }
}

/** The internal linear layer on values, in place. */
export function internalLayerValues(s: number[]): void {
  let sum = 0;
  for (const v of s) sum = add(sum, v);
  for (let i = 0; i < WIDTH; i++) s[i] = add(sum, mul(s[i]!, INTERNAL_DIAGONAL[i]!));
}

/** M4⁻¹, solved once from M4's columns (the images of the unit vectors). */
const M4_INVERSE: readonly (readonly number[])[] = (() => {
  const a = [0, 1, 2, 3].map((j) => {
    const e = [0, 0, 0, 0];
    e[j] = 1;
    m4n(e, 0);
    return e; // column j of M4
  });
  // Gauss–Jordan on [M4 | I], M4[i][j] = a[j][i].
  const m = [0, 1, 2, 3].map((i) => [
    ...[0, 1, 2, 3].map((j) => a[j]![i]!),
    ...[0, 1, 2, 3].map((j) => +(i === j)),
  ]);
  for (let col = 0; col < 4; col++) {
    const pivot = m.findIndex((r, i) => i >= col && r[col] !== 0);
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const f = inv(m[col]![col]!);
    m[col] = m[col]!.map((v) => mul(v, f));
    for (let i = 0; i < 4; i++)
      if (i !== col && m[i]![col] !== 0) {
        const g = m[i]![col]!;
        m[i] = m[i]!.map((v, j) => sub(v, mul(g, m[col]![j]!)));
      }
  }
  return m.map((r) => r.slice(4));
})();
const INV_7 = inv(7);

/**
 * The inverse of the external layer on values, in place: the column sums of the output are 7 times those
 * of the M4 images (each image is counted once in its own block and once in each of the six sums), which
 * recovers the images, and M4⁻¹ the input.
 */
export function externalLayerInverseValues(s: number[]): void {
  for (let j = 0; j < 4; j++) {
    let sum = 0;
    for (let b = 0; b < WIDTH; b += 4) sum = add(sum, s[b + j]!);
    const colSum = mul(sum, INV_7);
    for (let b = 0; b < WIDTH; b += 4) s[b + j] = sub(s[b + j]!, colSum);
  }
  for (let b = 0; b < WIDTH; b += 4) {
    const y = s.slice(b, b + 4);
    for (let i = 0; i < 4; i++) s[b + i] = M4_INVERSE[i]!.reduce((acc, c, j) => add(acc, mul(c, y[j]!)), 0);
  }
}

/** Fills an S-box's cube and output columns at a row; returns x^7. */
export function fillSbox(tr: Trace, row: number, x: number, cube: Col, out: Col): number {
  const c3 = mul(mul(x, x), x);
  const y = mul(mul(c3, c3), x);
  tr.set(cube, row, c3);
  tr.set(out, row, y);
  return y;
}

/** Fills one permutation row; returns the output state. */
export function fillPoseidon2(tr: Trace, row: number, p: Poseidon2Cols, input: ArrayLike<number>): number[] {
  const s = Array.from(input);
  s.forEach((v, i) => tr.set(p.input[i]!, row, v));
  externalLayerValues(s);
  const sbox = (x: number, cube: Col, out: Col): number => fillSbox(tr, row, x, cube, out);
  const full = (r: number) => {
    for (let i = 0; i < WIDTH; i++)
      s[i] = sbox(add(s[i]!, FULL_ROUND_CONSTANTS[r * WIDTH + i]!), p.fullCube[r]![i]!, p.fullOut[r]![i]!);
    externalLayerValues(s);
  };
  for (let r = 0; r < HALF_FULL; r++) full(r);
  for (let r = 0; r < PARTIAL; r++) {
    s[0] = sbox(add(s[0]!, PARTIAL_ROUND_CONSTANTS[r]!), p.partialCube[r]!, p.partialOut[r]!);
    internalLayerValues(s);
  }
  for (let r = HALF_FULL; r < 2 * HALF_FULL; r++) full(r);
  return s;
}
