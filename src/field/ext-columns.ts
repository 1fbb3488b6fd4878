import { FieldError, mul, P } from "./babybear.ts";
import { type Ext, extInv } from "./extension.ts";

/**
 * Extension-field vectors as four base-coordinate columns (structure of arrays), the form prover hot loops
 * use: no tuple allocation per element, products inlined with the double-precision quotient trick.
 */
export type ExtColumns = [Uint32Array, Uint32Array, Uint32Array, Uint32Array];

export function newExtColumns(n: number): ExtColumns {
  return [new Uint32Array(n), new Uint32Array(n), new Uint32Array(n), new Uint32Array(n)];
}

/** Scratch output of {@link extMulScalars}. */
export const extScratch = new Uint32Array(4);

/** (x0..x3)·(y0..y3) into extScratch. */
export function extMulScalars(
  x0: number,
  x1: number,
  x2: number,
  x3: number,
  y0: number,
  y1: number,
  y2: number,
  y3: number,
): void {
  const h0 = mul(x1, y3) + mul(x2, y2) + mul(x3, y1);
  const h1 = mul(x2, y3) + mul(x3, y2);
  const h2 = mul(x3, y3);
  extScratch[0] = (mul(x0, y0) + 11 * h0) % P;
  extScratch[1] = (mul(x0, y1) + mul(x1, y0) + 11 * h1) % P;
  extScratch[2] = (mul(x0, y2) + mul(x1, y1) + mul(x2, y0) + 11 * h2) % P;
  extScratch[3] = (mul(x0, y3) + mul(x1, y2) + mul(x2, y1) + mul(x3, y0)) % P;
}

/**
 * Inverts every element (Montgomery's trick) into `out` (new columns by default; never `a` itself); throws
 * naming the first zero element.
 */
export function extBatchInverse(a: ExtColumns, out: ExtColumns = newExtColumns(a[0].length)): ExtColumns {
  const n = a[0].length;
  if (n === 0) return out;
  const [a0, a1, a2, a3] = a;
  const [p0, p1, p2, p3] = out; // prefix products, later overwritten by the inverses
  let c0 = 1;
  let c1 = 0;
  let c2 = 0;
  let c3 = 0;
  for (let i = 0; i < n; i++) {
    if (a0[i] === 0 && a1[i] === 0 && a2[i] === 0 && a3[i] === 0)
      throw new FieldError(`extBatchInverse: element ${i} is zero`);
    p0[i] = c0;
    p1[i] = c1;
    p2[i] = c2;
    p3[i] = c3;
    extMulScalars(c0, c1, c2, c3, a0[i]!, a1[i]!, a2[i]!, a3[i]!);
    c0 = extScratch[0]!;
    c1 = extScratch[1]!;
    c2 = extScratch[2]!;
    c3 = extScratch[3]!;
  }
  const accInv: Ext = extInv([c0, c1, c2, c3]);
  let i0 = accInv[0];
  let i1 = accInv[1];
  let i2 = accInv[2];
  let i3 = accInv[3];
  for (let i = n - 1; i >= 0; i--) {
    const v0 = a0[i]!;
    const v1 = a1[i]!;
    const v2 = a2[i]!;
    const v3 = a3[i]!;
    extMulScalars(i0, i1, i2, i3, p0[i]!, p1[i]!, p2[i]!, p3[i]!);
    p0[i] = extScratch[0]!;
    p1[i] = extScratch[1]!;
    p2[i] = extScratch[2]!;
    p3[i] = extScratch[3]!;
    extMulScalars(i0, i1, i2, i3, v0, v1, v2, v3);
    i0 = extScratch[0]!;
    i1 = extScratch[1]!;
    i2 = extScratch[2]!;
    i3 = extScratch[3]!;
  }
  return out;
}
