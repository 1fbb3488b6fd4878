/**
 * The BN254 scalar field Fr as plain bigints, with the roots of unity chosen exactly as snarkjs's
 * ffjavascript chooses them (its FFT-based prover fixes which evaluation points a .zkey refers to).
 */
import { bn254 } from "@noble/curves/bn254.js";
import { BN254_R as R } from "./types.ts";

const Fr = bn254.fields.Fr;

export const frMul = (a: bigint, b: bigint) => (a * b) % R;
export const frAdd = (a: bigint, b: bigint) => {
  const s = a + b;
  return s >= R ? s - R : s;
};
export const frInv = (a: bigint) => Fr.inv(a);
export const frPow = (a: bigint, e: bigint) => Fr.pow(a, e);

/** 2-adicity of r − 1: FFT domains go up to 2^28. */
export const FR_TWO_ADICITY = 28;

let roots: bigint[] | undefined;
/**
 * rootOfUnity(k) has order 2^k. Like ffjavascript: take the smallest quadratic non-residue g ≥ 2 and set
 * w[28] = g^t with r − 1 = 2^28·t, w[k−1] = w[k]².
 */
export function rootOfUnity(k: number): bigint {
  if (!roots) {
    let g = 2n;
    while (Fr.pow(g, (R - 1n) / 2n) === 1n) g++;
    const w = new Array<bigint>(FR_TWO_ADICITY + 1);
    w[FR_TWO_ADICITY] = Fr.pow(g, (R - 1n) >> BigInt(FR_TWO_ADICITY));
    for (let i = FR_TWO_ADICITY; i > 0; i--) w[i - 1] = frMul(w[i]!, w[i]!);
    roots = w;
  }
  if (!Number.isInteger(k) || k < 0 || k > FR_TWO_ADICITY) throw new RangeError(`no root of order 2^${k}`);
  return roots[k]!;
}

/** Montgomery's trick: inverts every element (all non-zero) with one field inversion, in place. */
export function batchInvert(values: bigint[]): void {
  const n = values.length;
  if (n === 0) return;
  const prefix = new Array<bigint>(n);
  let acc = 1n;
  for (let i = 0; i < n; i++) {
    prefix[i] = acc;
    acc = frMul(acc, values[i]!);
  }
  let inv = frInv(acc);
  for (let i = n - 1; i >= 0; i--) {
    const v = values[i]!;
    values[i] = frMul(inv, prefix[i]!);
    inv = frMul(inv, v);
  }
}

const MASK64 = (1n << 64n) - 1n;
/** Writes a canonical field element as 32 little-endian bytes. */
export function writeScalar(view: DataView, offset: number, v: bigint): void {
  view.setBigUint64(offset, v & MASK64, true);
  view.setBigUint64(offset + 8, (v >> 64n) & MASK64, true);
  view.setBigUint64(offset + 16, (v >> 128n) & MASK64, true);
  view.setBigUint64(offset + 24, v >> 192n, true);
}
