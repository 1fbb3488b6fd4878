import { inv, mul, P, rootOfUnity, sub } from "../../field/babybear.ts";
import { type ExtColumns, extBatchInverse, newExtColumns } from "../../field/ext-columns.ts";
import { type Ext, extAdd, extMul, extMulBase, extPow } from "../../field/extension.ts";
import type { OpenedValues } from "../proof.ts";

/**
 * Openings of committed columns at ζ and ζω, computed barycentrically from their values on the trace
 * domain: f(z) = (zⁿ − 1)/n · Σ_i f(ω^i)·ω^i/(z − ω^i), and f(zω) from the same weights shifted by one row.
 */
export class PointOpener {
  private readonly zeta: Ext;
  private readonly weights = new Map<number, { wts: ExtColumns; factor: Ext }>();

  constructor(zeta: Ext) {
    this.zeta = zeta;
  }

  /** Values at ζ and ζω of columns of one height (2^logN rows, natural order). */
  open(columns: readonly Uint32Array[], logN: number): OpenedValues {
    const { wts, factor } = this.weightsFor(logN);
    const zeta: Ext[] = [];
    const zetaNext: Ext[] = [];
    for (const c of columns) {
      const [a, b] = openColumn(c, wts, factor);
      zeta.push(a);
      zetaNext.push(b);
    }
    return { zeta, zetaNext };
  }

  private weightsFor(logN: number) {
    let w = this.weights.get(logN);
    if (!w) {
      const n = 1 << logN;
      w = {
        wts: barycentricWeights(this.zeta, logN),
        factor: extMulBase(extAdd(extPow(this.zeta, n), [P - 1, 0, 0, 0]), inv(n)),
      };
      this.weights.set(logN, w);
    }
    return w;
  }
}

/** Barycentric weights ω^i/(ζ − ω^i) on the trace domain. */
function barycentricWeights(zeta: Ext, logN: number): ExtColumns {
  const n = 1 << logN;
  const w = rootOfUnity(logN);
  const d = newExtColumns(n);
  let x = 1;
  for (let i = 0; i < n; i++) {
    d[0][i] = sub(zeta[0], x);
    d[1][i] = zeta[1];
    d[2][i] = zeta[2];
    d[3][i] = zeta[3];
    x = mul(x, w);
  }
  const r = extBatchInverse(d);
  x = 1;
  for (let i = 0; i < n; i++) {
    for (let l = 0; l < 4; l++) r[l][i] = mul(r[l][i]!, x);
    x = mul(x, w);
  }
  return r;
}

/** f(ζ) and f(ζω) from f's values on the trace domain. */
function openColumn(col: Uint32Array, wts: ExtColumns, factor: Ext): [Ext, Ext] {
  const n = col.length;
  const a = [0, 0, 0, 0];
  const b = [0, 0, 0, 0];
  for (let l = 0; l < 4; l++) {
    const wl = wts[l];
    let sa = 0;
    let sb = mul(col[0]!, wl[n - 1]!);
    for (let i = 0; i < n; i++) {
      const f = col[i]!;
      sa += mul(f, wl[i]!);
      if (i > 0) sb += mul(f, wl[i - 1]!);
      if ((i & 0x3fffff) === 0x3fffff) {
        sa %= P;
        sb %= P;
      }
    }
    a[l] = sa % P;
    b[l] = sb % P;
  }
  return [extMul(factor, a as Ext), extMul(factor, b as Ext)];
}
