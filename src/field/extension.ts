import { add, FieldError, inv, mul, P, pow, reduce, sub } from "./babybear.ts";

/**
 * The degree-4 extension F_p[x]/(x^4 − 11) of BabyBear, the field from which STARK challenges are drawn
 * (|F| ≈ 2^124). x^4 − 11 is irreducible because 11 is a quadratic non-residue mod p and p ≡ 1 mod 4
 * (the test suite proves it with Rabin's test). Elements are 4-tuples of canonical base elements,
 * lowest coefficient first. These functions return fresh tuples: convenient for transcripts and the
 * verifier; prover hot loops keep extension columns as four Uint32Arrays instead.
 */
export type Ext = [number, number, number, number];

/** The non-residue W with x^4 = W. */
export const EXT_W = 11;
export const EXT_DEGREE = 4;
export const EXT_ZERO: Readonly<Ext> = [0, 0, 0, 0];
export const EXT_ONE: Readonly<Ext> = [1, 0, 0, 0];

/** W^((p−1)/4): the Frobenius map sends x to x·FROB_Z, hence x^i to x^i·FROB_Z^i. */
const FROB_Z = pow(EXT_W, (P - 1) / 4);

export function ext(c0: number, c1 = 0, c2 = 0, c3 = 0): Ext {
  return [c0, c1, c2, c3];
}

export function extFromBase(a: number): Ext {
  return [a, 0, 0, 0];
}

export function extIsBase(a: Readonly<Ext>): boolean {
  return a[1] === 0 && a[2] === 0 && a[3] === 0;
}

export function extEquals(a: Readonly<Ext>, b: Readonly<Ext>): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
}

export function extAdd(a: Readonly<Ext>, b: Readonly<Ext>): Ext {
  return [add(a[0], b[0]), add(a[1], b[1]), add(a[2], b[2]), add(a[3], b[3])];
}

export function extSub(a: Readonly<Ext>, b: Readonly<Ext>): Ext {
  return [sub(a[0], b[0]), sub(a[1], b[1]), sub(a[2], b[2]), sub(a[3], b[3])];
}

export function extNeg(a: Readonly<Ext>): Ext {
  return extSub(EXT_ZERO, a);
}

export function extMulBase(a: Readonly<Ext>, b: number): Ext {
  return [mul(a[0], b), mul(a[1], b), mul(a[2], b), mul(a[3], b)];
}

export function extAddBase(a: Readonly<Ext>, b: number): Ext {
  return [add(a[0], b), a[1], a[2], a[3]];
}

export function extMul(a: Readonly<Ext>, b: Readonly<Ext>): Ext {
  // Indexed reads, not destructuring: a destructured tuple goes through the iterator protocol (an object per
  // element) wherever this call is not inlined, and the verifier makes tens of thousands of these calls.
  const a0 = a[0];
  const a1 = a[1];
  const a2 = a[2];
  const a3 = a[3];
  const b0 = b[0];
  const b1 = b[1];
  const b2 = b[2];
  const b3 = b[3];
  // Sums of four canonical products stay below 2^33, exact in doubles; reduce once per coefficient.
  const hi0 = mul(a1, b3) + mul(a2, b2) + mul(a3, b1);
  const hi1 = mul(a2, b3) + mul(a3, b2);
  const hi2 = mul(a3, b3);
  return [
    (mul(a0, b0) + EXT_W * (hi0 % P)) % P,
    (mul(a0, b1) + mul(a1, b0) + EXT_W * (hi1 % P)) % P,
    (mul(a0, b2) + mul(a1, b1) + mul(a2, b0) + EXT_W * hi2) % P,
    (mul(a0, b3) + mul(a1, b2) + mul(a2, b1) + mul(a3, b0)) % P,
  ];
}

export function extSquare(a: Readonly<Ext>): Ext {
  return extMul(a, a);
}

export function extPow(a: Readonly<Ext>, e: number | bigint): Ext {
  let exp = BigInt(e);
  if (exp < 0n) throw new FieldError("negative exponent: use extInv() first");
  let base: Ext = [a[0], a[1], a[2], a[3]];
  let acc: Ext = [1, 0, 0, 0];
  while (exp > 0n) {
    if (exp & 1n) acc = extMul(acc, base);
    base = extMul(base, base);
    exp >>= 1n;
  }
  return acc;
}

/** The k-th power of the Frobenius automorphism a ↦ a^p. */
export function extFrobenius(a: Readonly<Ext>, k = 1): Ext {
  const z = pow(FROB_Z, k % 4);
  const z2 = mul(z, z);
  return [a[0], mul(a[1], z), mul(a[2], z2), mul(a[3], mul(z2, z))];
}

/** Inverse via the norm: a^{-1} = φ(a)φ²(a)φ³(a) / N(a), where N(a) = a·φ(a)φ²(a)φ³(a) lies in F_p. */
export function extInv(a: Readonly<Ext>): Ext {
  if (a[0] === 0 && extIsBase(a)) throw new FieldError("zero has no inverse in the extension field");
  const conj = extMul(extMul(extFrobenius(a, 1), extFrobenius(a, 2)), extFrobenius(a, 3));
  const norm = extMul(a, conj);
  // norm is in the base field by construction; its higher coefficients are zero.
  return extMulBase(conj, inv(norm[0]));
}

export function extDiv(a: Readonly<Ext>, b: Readonly<Ext>): Ext {
  return extMul(a, extInv(b));
}

/** Reduces four arbitrary integers to an extension element (for decoding and tests). */
export function extFromIntegers(c: readonly (number | bigint)[]): Ext {
  if (c.length !== 4) throw new FieldError(`an extension element has 4 coefficients, got ${c.length}`);
  return [reduce(c[0]!), reduce(c[1]!), reduce(c[2]!), reduce(c[3]!)];
}

/** Horner evaluation of a polynomial with base-field coefficients at an extension point (out-of-domain). */
export function extEvaluateBasePolynomial(coeffs: ArrayLike<number>, z: Readonly<Ext>): Ext {
  let acc: Ext = [0, 0, 0, 0];
  for (let i = coeffs.length - 1; i >= 0; i--) acc = extAddBase(extMul(acc, z), coeffs[i]!);
  return acc;
}
