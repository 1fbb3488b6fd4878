import type { Expr } from "../../stark/expr.ts";
import type { ChipContext, Col } from "../chip.ts";

/**
 * A 32 × 32 → 64-bit multiply-add over bytes: X·Y + Z = T (mod 2^64), where X and Y are 4 bytes each,
 * extended to 8 with sign bits (255 per extension byte when the sign is set) and Z, T are four 16-bit
 * halves. Each half of the result collects the byte products of its two byte positions (< 2^28, no field
 * wrap) plus a carry in, and the carries out are range-checked (< 2^12) so the halves are exact.
 */
export function multiplyAdd(
  c: ChipContext,
  x: readonly Expr[],
  sx: Expr,
  y: readonly Expr[],
  sy: Expr,
  z: readonly Expr[],
  t: readonly Expr[],
  carries: readonly Col[],
  mult: Expr,
): void {
  const xe = (i: number) => (i < 4 ? x[i]! : sx.mul(255));
  const ye = (j: number) => (j < 4 ? y[j]! : sy.mul(255));
  const conv = (k: number) => {
    let s = c.k(0);
    for (let i = 0; i <= k; i++) s = s.add(xe(i).mul(ye(k - i)));
    return s;
  };
  for (let m = 0; m < 4; m++) {
    const sum = conv(2 * m).add(conv(2 * m + 1).mul(256));
    const carryIn = m === 0 ? c.k(0) : carries[m - 1]!.e;
    c.zero(sum.add(z[m]!).add(carryIn).sub(t[m]!).sub(carries[m]!.e.mul(65536)));
    c.u12(carries[m]!.e, mult);
  }
}

/** Witness: the halves of X·Y + Z mod 2^64 and the four carries (numbers are bytes, signs 0/1). */
export function multiplyAddWitness(
  x: readonly number[],
  sx: number,
  y: readonly number[],
  sy: number,
  z: readonly number[],
): { t: number[]; carries: number[] } {
  const xe = (i: number) => (i < 4 ? x[i]! : 255 * sx);
  const ye = (j: number) => (j < 4 ? y[j]! : 255 * sy);
  const conv = (k: number) => {
    let s = 0;
    for (let i = 0; i <= k; i++) s += xe(i) * ye(k - i);
    return s;
  };
  const t: number[] = [];
  const carries: number[] = [];
  let carry = 0;
  for (let m = 0; m < 4; m++) {
    const sum = conv(2 * m) + 256 * conv(2 * m + 1) + z[m]! + carry;
    t.push(sum % 65536);
    carry = Math.floor(sum / 65536);
    carries.push(carry);
  }
  return { t, carries };
}

export function bytesOf(v: number): number[] {
  return [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255];
}
