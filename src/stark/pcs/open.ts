import { inv, mul, P, pow, rootOfUnity, sub } from "../../field/babybear.ts";
import { type ExtColumns, extBatchInverse, newExtColumns } from "../../field/ext-columns.ts";
import { type Ext, extMul, extMulBase, extPow } from "../../field/extension.ts";
import {
  EXT_CHUNK,
  EXT_STRIDE_BYTES,
  MONT_R2,
  type MontgomeryArrays,
  montgomeryArrays,
} from "../../field/montgomery-wasm.ts";
import { recycleColumns, sharedColumn } from "../../field/shared-columns.ts";
import type { OpenedValues } from "../proof.ts";

/**
 * Openings of committed columns at ζ and ζω, computed barycentrically from their LDE: a column of height n
 * extended by 2^b on the coset s·H_(n·2^b) has, at every 2^b-th point, its values on the coset s·H_n, which
 * determine the polynomial (degree < n). With x_j = s·ω^j:
 *
 *   f(z) = (zⁿ − sⁿ)/(n·sⁿ) · Σ_j f(x_j)·x_j/(z − x_j),
 *
 * and f(zω) from the same weights shifted by one point (x_j/(zω − x_j) = x_(j−1)/(z − x_(j−1)), and
 * (zω)ⁿ = zⁿ). Reading the LDE means the prover keeps no copy of its columns in trace order once they are
 * committed.
 */
export class PointOpener {
  private readonly zeta: Ext;
  private readonly logBlowup: number;
  private readonly shift: number;
  private readonly weights = new Map<number, { wts: ExtColumns; factor: Ext }>();
  private readonly sums: OpeningSums;

  /** `sums` computes the weighted sums (default: on this thread; the prover passes its threads'). */
  constructor(zeta: Ext, logBlowup: number, shift: number, sums: OpeningSums = serialOpeningSums) {
    this.zeta = zeta;
    this.logBlowup = logBlowup;
    this.shift = shift;
    this.sums = sums;
  }

  /**
   * Values at ζ of the columns of one table (height 2^logN), given their LDE, and at ζω of the columns
   * `nextColumns` (ascending indices), in that order.
   */
  open(lde: readonly Uint32Array[], logN: number, nextColumns: readonly number[]): OpenedValues {
    const { wts, factor } = this.weightsFor(logN);
    for (const c of lde)
      if (c.length !== 1 << (logN + this.logBlowup))
        throw new RangeError(`an LDE column of ${c.length} points is not 2^${logN + this.logBlowup}`);
    const next = new Uint8Array(lde.length);
    for (const c of nextColumns) next[c] = 1;
    const sums = this.sums(lde, this.logBlowup, wts, next);
    const zeta: Ext[] = [];
    for (let c = 0; c < lde.length; c++) {
      const o = 8 * c;
      zeta.push(extMul(factor, [sums[o]!, sums[o + 1]!, sums[o + 2]!, sums[o + 3]!]));
    }
    const zetaNext = nextColumns.map((c): Ext => {
      const o = 8 * c + 4;
      return extMul(factor, [sums[o]!, sums[o + 1]!, sums[o + 2]!, sums[o + 3]!]);
    });
    return { zeta, zetaNext };
  }

  /** Hands the barycentric weights back (src/field/shared-columns.ts): the opener is done. */
  dispose(): void {
    for (const { wts } of this.weights.values()) recycleColumns(wts);
    this.weights.clear();
  }

  private weightsFor(logN: number) {
    let w = this.weights.get(logN);
    if (!w) {
      const n = 1 << logN;
      const sn = pow(this.shift, n);
      const zn = extPow(this.zeta, n);
      w = {
        wts: barycentricWeights(this.zeta, logN, this.shift),
        factor: extMulBase([sub(zn[0], sn), zn[1], zn[2], zn[3]], inv(mul(n, sn))),
      };
      this.weights.set(logN, w);
    }
    return w;
  }
}

/**
 * Per LDE column c, its weighted sums: Σ_j f_c(x_j)·w_j at 8c … 8c + 3 and, where next[c] is 1, Σ_j
 * f_c(x_j)·w_(j−1) at 8c + 4 … 8c + 7 (reduced; w_(−1) = w_(n−1); 0 where next[c] is 0).
 */
export type OpeningSums = (
  lde: readonly Uint32Array[],
  logBlowup: number,
  wts: ExtColumns,
  next: Uint8Array,
) => Uint32Array;

const serialOpeningSums: OpeningSums = (lde, logBlowup, wts, next) => {
  const out = new Uint32Array(8 * lde.length);
  openingSums(lde, logBlowup, wts, next, 0, lde.length, out);
  return out;
};

/**
 * The weighted sums of columns [start, end) into `out` (the `open` kernel's unit is a column): on the vector
 * kernel where there is one, else here.
 */
export function openingSums(
  lde: readonly Uint32Array[],
  logBlowup: number,
  wts: ExtColumns,
  next: Uint8Array,
  start: number,
  end: number,
  out: Uint32Array,
  kernel: MontgomeryArrays | null = montgomeryArrays(),
): void {
  if (end <= start) return;
  if (kernel) openingSumsOnKernel(kernel, lde, logBlowup, wts, next, start, end, out);
  else for (let c = start; c < end; c++) columnSums(lde[c]!, logBlowup, wts, next[c] === 1, out, 8 * c);
}

/**
 * {@link openingSums} on the vector kernel, the same values: per block of points, the weights enter Montgomery
 * form once, and each column's points (every 2^b-th of its LDE, one more for the shifted sum) are gathered
 * and dotted with them, the second sum (for the columns opened at ζω) reading the same points one word on.
 */
function openingSumsOnKernel(
  kernel: MontgomeryArrays,
  lde: readonly Uint32Array[],
  logBlowup: number,
  wts: ExtColumns,
  next: Uint8Array,
  start: number,
  end: number,
  out: Uint32Array,
): void {
  const n = lde[start]!.length >>> logBlowup;
  const W = 0;
  const F = W + 4 * EXT_STRIDE_BYTES;
  const ACC = F + EXT_STRIDE_BYTES + 16;
  const columns = end - start;
  const words = kernel.words(ACC + 128 * columns);
  words.fill(0, ACC >> 2, (ACC >> 2) + 32 * columns);
  const mask = n - 1;
  for (let from = 0; from < n; from += EXT_CHUNK) {
    const len = Math.min(EXT_CHUNK, n - from);
    const vectors = len >> 2;
    for (let l = 0; l < 4; l++) words.set(wts[l].subarray(from, from + len), (W >> 2) + l * EXT_CHUNK);
    kernel.mulConst(W, W, MONT_R2, 4 * (EXT_CHUNK >> 2));
    for (let c = start; c < end; c++) {
      const col = lde[c]!;
      const f = F >> 2;
      for (let k = 0; k <= len; k++) words[f + k] = col[((from + k) & mask) << logBlowup]!;
      const acc = ACC + 128 * (c - start);
      kernel.dotBase4(acc, F, W, vectors);
      if (next[c] === 1) kernel.dotBase4(acc + 64, F + 4, W, vectors);
    }
  }
  for (let c = start; c < end; c++) {
    const acc = (ACC >> 2) + 32 * (c - start);
    for (let k = 0; k < 8; k++) {
      const a = acc + 4 * k;
      out[8 * c + k] = (words[a]! + words[a + 1]! + words[a + 2]! + words[a + 3]!) % P;
    }
  }
}

/** Barycentric weights x_j/(ζ − x_j) on the coset s·H_n (in shared memory, for the threads). */
function barycentricWeights(zeta: Ext, logN: number, shift: number): ExtColumns {
  const n = 1 << logN;
  const w = rootOfUnity(logN);
  const d = newExtColumns(n);
  let x = shift;
  for (let i = 0; i < n; i++) {
    d[0][i] = sub(zeta[0], x);
    d[1][i] = zeta[1];
    d[2][i] = zeta[2];
    d[3][i] = zeta[3];
    x = mul(x, w);
  }
  const r = extBatchInverse(d, [sharedColumn(n), sharedColumn(n), sharedColumn(n), sharedColumn(n)]);
  x = shift;
  for (let i = 0; i < n; i++) {
    for (let l = 0; l < 4; l++) r[l][i] = mul(r[l][i]!, x);
    x = mul(x, w);
  }
  return r;
}

/**
 * f's weighted sums into out[o … o + 3] and, with `next`, out[o + 4 … o + 7] (f(ζ) and f(ζω) before the
 * common factor; 0 without).
 */
function columnSums(
  lde: Uint32Array,
  logBlowup: number,
  wts: ExtColumns,
  next: boolean,
  out: Uint32Array,
  o: number,
): void {
  const n = lde.length >>> logBlowup;
  for (let l = 0; l < 4; l++) {
    const wl = wts[l];
    let sa = 0;
    let sb = next ? mul(lde[0]!, wl[n - 1]!) : 0;
    for (let i = 0; i < n; i++) {
      const f = lde[i << logBlowup]!;
      sa += mul(f, wl[i]!);
      if (next && i > 0) sb += mul(f, wl[i - 1]!);
      if ((i & 0x3fffff) === 0x3fffff) {
        sa %= P;
        sb %= P;
      }
    }
    out[o + l] = sa % P;
    out[o + 4 + l] = sb % P;
  }
}
