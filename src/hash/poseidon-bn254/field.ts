/**
 * BigInt arithmetic in the BN254 scalar field, for the reference permutation and for deriving the
 * sparse-matrix form of the constants. Not the hot path (see wasm-field.ts).
 */

/** The BN254 (alt_bn128) scalar field modulus r, the field circom and snarkjs work in. */
export const BN254_R = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001n;

const P = BN254_R;

export const fadd = (a: bigint, b: bigint): bigint => {
  const s = a + b;
  return s >= P ? s - P : s;
};

export const fmul = (a: bigint, b: bigint): bigint => (a * b) % P;

export const fpow5 = (a: bigint): bigint => {
  const a2 = (a * a) % P;
  return (((a2 * a2) % P) * a) % P;
};

/** Multiplicative inverse by Fermat; throws on zero, which would mean corrupt constants. */
export function finv(a: bigint): bigint {
  if (a % P === 0n) throw new RangeError("inverse of zero in the BN254 scalar field");
  let result = 1n;
  let base = a % P;
  let e = P - 2n;
  while (e > 0n) {
    if (e & 1n) result = (result * base) % P;
    base = (base * base) % P;
    e >>= 1n;
  }
  return result;
}

export type Matrix = bigint[][];

/** Inverse of a square matrix by Gauss–Jordan elimination. */
export function matInverse(m: Matrix): Matrix {
  const n = m.length;
  const a = m.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1n : 0n))]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    while (pivot < n && a[pivot]![col] === 0n) pivot++;
    if (pivot === n) throw new RangeError("singular matrix");
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const rowC = a[col]!;
    const inv = finv(rowC[col]!);
    for (let k = 0; k < 2 * n; k++) rowC[k] = (rowC[k]! * inv) % P;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const row = a[r]!;
      const f = row[col]!;
      if (f === 0n) continue;
      for (let k = 0; k < 2 * n; k++) row[k] = (((row[k]! - f * rowC[k]!) % P) + P) % P;
    }
  }
  return a.map((row) => row.slice(n));
}

export function matMul(a: Matrix, b: Matrix): Matrix {
  const n = a.length;
  const m = b[0]!.length;
  const k = b.length;
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: m }, (_, j) => {
      let s = 0n;
      for (let x = 0; x < k; x++) s += a[i]![x]! * b[x]![j]!;
      return s % P;
    }),
  );
}

/** m · v for a column vector v. */
export function matVec(m: Matrix, v: readonly bigint[]): bigint[] {
  return m.map((row) => {
    let s = 0n;
    for (let j = 0; j < v.length; j++) s += row[j]! * v[j]!;
    return s % P;
  });
}

/** vᵀ · m for a row vector v. */
export function vecMat(v: readonly bigint[], m: Matrix): bigint[] {
  return m[0]!.map((_, j) => {
    let s = 0n;
    for (let i = 0; i < v.length; i++) s += v[i]! * m[i]![j]!;
    return s % P;
  });
}
