import { FieldError, GENERATOR, inv, mul, P, rootOfUnity } from "./babybear.ts";
import { loadNttWasm, type NttWasm } from "./ntt-wasm.ts";

/**
 * Number-theoretic transforms over BabyBear on Uint32Array, in natural order on both sides.
 * Twiddle tables are computed once per size and cached. From 2^10 points up the butterflies run in a
 * generated WebAssembly kernel (ntt-wasm.ts, 64-bit products, about twice as fast); below that, or where
 * WebAssembly is unavailable, in JavaScript with the field multiplication of babybear.ts inlined.
 */

const twiddleCache = new Map<number, Uint32Array>();
const invTwiddleCache = new Map<number, Uint32Array>();

function log2Exact(n: number): number {
  if (!Number.isInteger(n) || n < 1 || (n & (n - 1)) !== 0) {
    throw new FieldError(`NTT length must be a power of two, got ${n}`);
  }
  return 31 - Math.clz32(n);
}

/** Powers w^0 … w^(n/2 − 1) of the primitive n-th root (or its inverse). */
function twiddles(logN: number, inverse: boolean): Uint32Array {
  const cache = inverse ? invTwiddleCache : twiddleCache;
  let t = cache.get(logN);
  if (!t) {
    const half = logN === 0 ? 1 : 1 << (logN - 1);
    const w = inverse ? inv(rootOfUnity(logN)) : rootOfUnity(logN);
    t = new Uint32Array(half);
    let x = 1;
    for (let i = 0; i < half; i++) {
      t[i] = x;
      x = mul(x, w);
    }
    cache.set(logN, t);
  }
  return t;
}

export function bitReverse(values: Uint32Array): void {
  const n = values.length;
  const logN = log2Exact(n);
  if (logN === 0) return;
  const shift = 32 - logN;
  for (let i = 0; i < n; i++) {
    const j = ((reverseBits32(i) >>> shift) >>> 0) as number;
    if (i < j) {
      const t = values[i]!;
      values[i] = values[j]!;
      values[j] = t;
    }
  }
}

function reverseBits32(x: number): number {
  x = ((x >>> 1) & 0x55555555) | ((x & 0x55555555) << 1);
  x = ((x >>> 2) & 0x33333333) | ((x & 0x33333333) << 2);
  x = ((x >>> 4) & 0x0f0f0f0f) | ((x & 0x0f0f0f0f) << 4);
  x = ((x >>> 8) & 0x00ff00ff) | ((x & 0x00ff00ff) << 8);
  return ((x >>> 16) | (x << 16)) >>> 0;
}

/** Sizes from which copying into WebAssembly memory pays for itself. */
const WASM_MIN_LOG = 10;
let wasm: NttWasm | null | undefined;
/** The twiddle table now in WebAssembly memory (right after the data), so repeated sizes skip the copy. */
let residentTwiddles: Uint32Array | undefined;

function transform(values: Uint32Array, inverse: boolean): void {
  const n = values.length;
  const logN = log2Exact(n);
  bitReverse(values);
  const tw = twiddles(logN, inverse);
  if (logN >= WASM_MIN_LOG) {
    if (wasm === undefined) wasm = loadNttWasm();
    if (wasm !== null) {
      const memory = wasm.view(n + tw.length);
      memory.set(values, 0);
      if (residentTwiddles !== tw) {
        memory.set(tw, n);
        residentTwiddles = tw;
      }
      wasm.butterflies(0, n, n);
      values.set(memory.subarray(0, n));
      return;
    }
  }
  // An int32 view: every element is below 2^31, and int32 arithmetic lets the additions be reduced
  // without branches (a data-dependent branch per butterfly mispredicts half the time and costs 4×).
  const a = new Int32Array(values.buffer, values.byteOffset, n);
  for (let len = 2, stride = n >>> 1; len <= n; len <<= 1, stride >>>= 1) {
    const half = len >>> 1;
    for (let start = 0; start < n; start += len) {
      for (let j = 0, k = 0; j < half; j++, k += stride) {
        const i0 = start + j;
        const i1 = i0 + half;
        const u = a[i0]!;
        const x = a[i1]!;
        const v = mul(x, tw[k]!);
        const s = (u + v - P) | 0;
        a[i0] = s + ((s >> 31) & P);
        const d = (u - v) | 0;
        a[i1] = d + ((d >> 31) & P);
      }
    }
  }
}

/** Coefficients → evaluations on the subgroup ⟨ω_n⟩, in place: out[i] = f(ω_n^i). */
export function ntt(values: Uint32Array): Uint32Array {
  transform(values, false);
  return values;
}

/** Evaluations on ⟨ω_n⟩ → coefficients, in place. */
export function intt(values: Uint32Array): Uint32Array {
  transform(values, true);
  const nInv = inv(values.length % P);
  for (let i = 0; i < values.length; i++) values[i] = mul(values[i]!, nInv);
  return values;
}

/** Multiplies coefficient i by shift^i, so that evaluating on ⟨ω⟩ afterwards evaluates on shift·⟨ω⟩. */
export function scaleByPowers(coeffs: Uint32Array, shift: number): Uint32Array {
  let s = 1;
  for (let i = 0; i < coeffs.length; i++) {
    coeffs[i] = mul(coeffs[i]!, s);
    s = mul(s, shift);
  }
  return coeffs;
}

/** Evaluations on shift·⟨ω_n⟩ of a polynomial given by coefficients (zero-padded to the output size). */
export function cosetNtt(coeffs: Uint32Array, size: number, shift: number = GENERATOR): Uint32Array {
  if (coeffs.length > size)
    throw new FieldError(`polynomial with ${coeffs.length} coefficients does not fit ${size} points`);
  const out = new Uint32Array(size);
  out.set(coeffs);
  return ntt(scaleByPowers(out, shift));
}

/** Evaluations on shift·⟨ω_n⟩ → coefficients, in place. */
export function cosetIntt(evals: Uint32Array, shift: number = GENERATOR): Uint32Array {
  intt(evals);
  return scaleByPowers(evals, inv(shift));
}

/**
 * Low-degree extension: from the evaluations of a polynomial of degree < n on ⟨ω_n⟩, its evaluations on
 * the coset shift·⟨ω_{n·2^logBlowup}⟩, in natural order. The shift keeps the LDE domain disjoint from the
 * trace domain so the vanishing polynomial has no zero on it.
 */
export function cosetLde(evals: Uint32Array, logBlowup: number, shift: number = GENERATOR): Uint32Array {
  const coeffs = intt(Uint32Array.from(evals));
  return cosetNtt(coeffs, evals.length << logBlowup, shift);
}

/** Horner evaluation of a polynomial with base-field coefficients at a base-field point. */
export function evaluatePolynomial(coeffs: ArrayLike<number>, x: number): number {
  let acc = 0;
  for (let i = coeffs.length - 1; i >= 0; i--) {
    const t = mul(acc, x) + coeffs[i]!;
    acc = t >= P ? t - P : t;
  }
  return acc;
}

/** The coset shift used by default: the multiplicative generator. */
export const DEFAULT_COSET_SHIFT = GENERATOR;
