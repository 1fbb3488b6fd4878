/**
 * The sparse-matrix form of circomlib's Poseidon (the optimisation of the Poseidon paper's appendix B,
 * also used by circomlib's optimized template and by neptune), derived here from C and M rather than
 * shipped.
 *
 * Partial rounds only touch cell 0 with the S-box, so
 *  1. constants: the constants of cells 1..t-1 of a partial round pass linearly through that round and are
 *     pushed forward into the next round; each partial round keeps one scalar constant a_k for cell 0, and
 *     the remainder lands in the constants of the first full round after the partial rounds;
 *  2. matrices: with M = [[m00, m0ᵀ], [m, M̂]], a change of variables x_k = diag(1, M̂^-(R-k))·z_k turns
 *     every partial round into z ← M''_k · S₀(z + a_k·e₀) with the sparse
 *       M''_k = [[m00, m0ᵀ·M̂^-(R-k)], [M̂^(R-k-1)·m, I]]
 *     (2t-1 multiplications instead of t²), and the last full round before the partial rounds multiplies
 *     by P = diag(1, M̂^R)·M instead of M.
 * The permutation is unchanged; the test suite checks it against the dense reference for every width.
 */
import { BN254_R as BN254, type Matrix, matInverse, matMul, matVec, vecMat } from "./field.ts";
import { type PoseidonParams, poseidonParams } from "./params.ts";

export interface SparsePoseidonParams {
  readonly t: number;
  readonly partialRounds: number;
  /** Constants of the 4 first full rounds (4·t), added before each round's S-box. */
  readonly firstConstants: readonly bigint[];
  /** Constants of the 4 last full rounds (4·t), the first of them including the pushed-forward remainder. */
  readonly lastConstants: readonly bigint[];
  /** Dense MDS matrix, row-major (t·t). */
  readonly M: readonly bigint[];
  /** Matrix of the 4th full round, row-major (t·t). */
  readonly P: readonly bigint[];
  /** Scalar constant of each partial round, added to cell 0 before its S-box. */
  readonly partialConstants: readonly bigint[];
  /** Per partial round 2t-1 values: row 0 of M''_k (t values: m00, w), then column 0 below the diagonal (t-1: v). */
  readonly sparse: readonly bigint[];
}

const cache: (SparsePoseidonParams | undefined)[] = [];

export function sparsePoseidonParams(t: number): SparsePoseidonParams {
  const cached = cache[t];
  if (cached) return cached;
  const derived = deriveSparse(poseidonParams(t));
  cache[t] = derived;
  return derived;
}

function matPow(m: Matrix, e: number): Matrix {
  let result: Matrix = m.map((row, i) => row.map((_, j) => (i === j ? 1n : 0n)));
  let base = m;
  while (e > 0) {
    if (e & 1) result = matMul(result, base);
    base = matMul(base, base);
    e >>= 1;
  }
  return result;
}

function deriveSparse(params: PoseidonParams): SparsePoseidonParams {
  const { t, C, fullRounds, partialRounds: R } = params;
  const M = params.M.map((row) => [...row]);
  const half = fullRounds / 2;

  // 1. Constants.
  const firstConstants = C.slice(0, half * t);
  const partialConstants: bigint[] = [];
  let carry = new Array<bigint>(t).fill(0n);
  for (let k = 0; k < R; k++) {
    const c = Array.from({ length: t }, (_, i) => (C[(half + k) * t + i]! + carry[i]!) % BN254);
    partialConstants.push(c[0]!);
    c[0] = 0n;
    carry = matVec(M, c);
  }
  const lastConstants = C.slice((half + R) * t);
  for (let i = 0; i < t; i++) lastConstants[i] = (lastConstants[i]! + carry[i]!) % BN254;

  // 2. Matrices.
  const mHat = M.slice(1).map((row) => row.slice(1));
  const mHatInv = matInverse(mHat);
  const m00 = M[0]![0]!;
  const row0 = M[0]!.slice(1);
  const col0 = M.slice(1).map((row) => row[0]!);
  const w: bigint[][] = new Array(R);
  const v: bigint[][] = new Array(R);
  let wk = row0;
  let vk = col0;
  for (let k = R - 1; k >= 0; k--) {
    wk = vecMat(wk, mHatInv);
    w[k] = wk;
    v[k] = vk;
    vk = matVec(mHat, vk);
  }
  const sparse: bigint[] = [];
  for (let k = 0; k < R; k++) sparse.push(m00, ...w[k]!, ...v[k]!);
  const lower = matMul(matPow(mHat, R), M.slice(1));
  const P = [...M[0]!, ...lower.flat()];

  return { t, partialRounds: R, firstConstants, lastConstants, M: M.flat(), P, partialConstants, sparse };
}
