import { ZkvmError } from "../errors.ts";
/**
 * BabyBear: the prime field of p = 15·2^27 + 1 = 2013265921.
 *
 * Elements are plain JavaScript numbers in canonical form, 0 ≤ x < p (not Montgomery form), so they can be
 * stored in Uint32Array, compared with ===, and serialised without conversion. Multiplication avoids BigInt:
 * the quotient ⌊ab/p⌋ is estimated in double precision (off by at most one, since ab < 2^62 and the double
 * product is exact to 2^-52 relative), and the remainder is computed exactly modulo 2^32 with Math.imul.
 * The true remainder then lies in (−2^12, p + 2^12), which fits in an int32, so one correction step suffices.
 */

export const P = 2013265921;
/** 1/p in double precision, to estimate quotients. */
const INV_P = 1 / P;
/** p − 1 = 15·2^27: the multiplicative group has a subgroup of every order 2^k with k ≤ 27. */
export const TWO_ADICITY = 27;
/** A generator of the multiplicative group F_p^* (checked in tests: 31^((p−1)/q) ≠ 1 for q = 2, 3, 5). */
export const GENERATOR = 31;
/** GENERATOR^15: a primitive 2^27-th root of unity. */
export const TWO_ADIC_ROOT = 440564289;

/** Thrown for an operation with no result in the field (inverse of zero) or a value that is not an element. */
export class FieldError extends ZkvmError {
  override name = "FieldError";
}

// Additions reduce without branches: on random data a compare-and-branch mispredicts half the time.
// Both results lie in (−p, p), inside int32, so the sign bit selects whether to add p back.
export function add(a: number, b: number): number {
  const s = (a + b - P) | 0;
  return s + ((s >> 31) & P);
}

export function sub(a: number, b: number): number {
  const d = (a - b) | 0;
  return d + ((d >> 31) & P);
}

export function neg(a: number): number {
  return a === 0 ? 0 : P - a;
}

/**
 * a·b mod p. Exact for any integers a, b < 2^32, not only canonical ones (the Poseidon2 S-box feeds it
 * unreduced sums): the double estimate of ⌊ab/p⌋ is off by at most one, and only when the true remainder is
 * within 2^12 of 0 or p, so the remainder modulo 2^32 lies in (−2^12, p + 2^12) before its one correction.
 */
export function mul(a: number, b: number): number {
  const q = Math.floor(a * b * INV_P);
  const r = (Math.imul(a, b) - Math.imul(q, P)) | 0;
  return r < 0 ? r + P : r >= P ? r - P : r;
}

export function square(a: number): number {
  return mul(a, a);
}

/** a^e for a non-negative integer exponent (number or bigint). */
export function pow(a: number, e: number | bigint): number {
  // Safe-integer exponents (every inversion, every root of unity) square and multiply without BigInt.
  if (typeof e === "number" && Number.isSafeInteger(e) && e >= 0) {
    let base = a;
    let acc = 1;
    for (let k = e; k > 0; k = Math.floor(k / 2)) {
      if (k % 2 === 1) acc = mul(acc, base);
      base = mul(base, base);
    }
    return acc;
  }
  let exp = BigInt(e);
  if (exp < 0n) throw new FieldError("negative exponent: use inv() first");
  let base = a;
  let acc = 1;
  while (exp > 0n) {
    if (exp & 1n) acc = mul(acc, base);
    base = mul(base, base);
    exp >>= 1n;
  }
  return acc;
}

/** Multiplicative inverse by Fermat's little theorem (a^(p−2)); throws for zero. */
export function inv(a: number): number {
  if (a === 0) throw new FieldError("zero has no inverse in BabyBear");
  // p − 2 = 0x77FFFFFF; a fixed addition chain would be faster but inversion is off every hot path.
  return pow(a, P - 2);
}

export function div(a: number, b: number): number {
  return mul(a, inv(b));
}

/** Reduces any safe integer (possibly negative) or bigint into canonical form. */
export function reduce(x: number | bigint): number {
  if (typeof x === "bigint") {
    const r = x % BigInt(P);
    return Number(r < 0n ? r + BigInt(P) : r);
  }
  if (!Number.isSafeInteger(x)) throw new FieldError(`cannot reduce ${x}: not a safe integer`);
  const r = x % P;
  return r < 0 ? r + P : r;
}

export function isCanonical(x: number): boolean {
  return Number.isInteger(x) && x >= 0 && x < P;
}

/** A primitive 2^logN-th root of unity; the same for every caller so that domains agree. */
export function rootOfUnity(logN: number): number {
  if (!Number.isInteger(logN) || logN < 0 || logN > TWO_ADICITY) {
    throw new FieldError(
      `BabyBear has roots of unity of order 2^k only for 0 ≤ k ≤ ${TWO_ADICITY}, got k = ${logN}`,
    );
  }
  let w = TWO_ADIC_ROOT;
  for (let i = logN; i < TWO_ADICITY; i++) w = mul(w, w);
  return w;
}

/**
 * Inverts every element with one field inversion (Montgomery's trick). Throws if any element is zero,
 * naming its index, because a silent zero would corrupt every later inverse.
 */
export function batchInverse(
  values: ArrayLike<number>,
  out: Uint32Array = new Uint32Array(values.length),
): Uint32Array {
  const n = values.length;
  if (n === 0) return out;
  const prefix = new Uint32Array(n);
  let acc = 1;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v === 0) throw new FieldError(`batchInverse: element ${i} is zero`);
    prefix[i] = acc;
    acc = mul(acc, v);
  }
  let invAcc = inv(acc);
  for (let i = n - 1; i >= 0; i--) {
    const v = values[i]!;
    out[i] = mul(invAcc, prefix[i]!);
    invAcc = mul(invAcc, v);
  }
  return out;
}

/** Element-wise products over arrays: the form the hot loops take. */
export function mulArrays(
  a: Uint32Array,
  b: Uint32Array,
  out: Uint32Array = new Uint32Array(a.length),
): Uint32Array {
  for (let i = 0; i < a.length; i++) out[i] = mul(a[i]!, b[i]!);
  return out;
}
