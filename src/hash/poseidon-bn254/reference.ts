/**
 * The Poseidon permutation exactly as the paper and circomlib's unoptimized template state it, in BigInt:
 * every round adds its t constants, applies x⁵ (to all cells in full rounds, to cell 0 in partial rounds),
 * and multiplies by the dense MDS matrix. Slow (~230 ns per mulmod) and kept as the specification the fast
 * path is tested against.
 */
import { BN254_R, fadd, fpow5 } from "./field.ts";
import { poseidonParams } from "./params.ts";
import { sparsePoseidonParams } from "./sparse.ts";

export function poseidonPermuteReference(state: readonly bigint[]): bigint[] {
  const t = state.length;
  const { C, M, fullRounds, partialRounds } = poseidonParams(t);
  let s = [...state];
  const half = fullRounds / 2;
  for (let r = 0; r < fullRounds + partialRounds; r++) {
    for (let i = 0; i < t; i++) s[i] = fadd(s[i]!, C[r * t + i]!);
    if (r < half || r >= half + partialRounds) {
      for (let i = 0; i < t; i++) s[i] = fpow5(s[i]!);
    } else {
      s[0] = fpow5(s[0]!);
    }
    s = M.map((row) => {
      let acc = 0n;
      for (let j = 0; j < t; j++) acc += row[j]! * s[j]!;
      return acc % BN254_R;
    });
  }
  return s;
}

/**
 * The same permutation through the sparse-matrix form (sparse.ts), still in BigInt. It checks the
 * derivation independently of the WebAssembly arithmetic and serves as the fallback when WebAssembly
 * cannot be compiled synchronously.
 */
export function poseidonPermuteSparseBigInt(state: readonly bigint[]): bigint[] {
  const t = state.length;
  const p = sparsePoseidonParams(t);
  let s = [...state];
  const dense = (m: readonly bigint[]) => {
    const out = new Array<bigint>(t);
    for (let i = 0; i < t; i++) {
      let acc = 0n;
      for (let j = 0; j < t; j++) acc += m[i * t + j]! * s[j]!;
      out[i] = acc % BN254_R;
    }
    s = out;
  };
  for (let r = 0; r < 4; r++) {
    for (let i = 0; i < t; i++) s[i] = fpow5(fadd(s[i]!, p.firstConstants[r * t + i]!));
    dense(r === 3 ? p.P : p.M);
  }
  const stride = 2 * t - 1;
  for (let k = 0; k < p.partialRounds; k++) {
    const x0 = fpow5(fadd(s[0]!, p.partialConstants[k]!));
    const base = k * stride;
    let acc = p.sparse[base]! * x0;
    for (let j = 1; j < t; j++) acc += p.sparse[base + j]! * s[j]!;
    for (let j = 1; j < t; j++) s[j] = (s[j]! + p.sparse[base + t + j - 1]! * x0) % BN254_R;
    s[0] = acc % BN254_R;
  }
  for (let r = 0; r < 4; r++) {
    for (let i = 0; i < t; i++) s[i] = fpow5(fadd(s[i]!, p.lastConstants[r * t + i]!));
    dense(p.M);
  }
  return s;
}
