import { mul } from "../../field/babybear.ts";
import type { Ext } from "../../field/extension.ts";
import type { BackendChallenger, VerifierBackend } from "./backend.ts";

/** Small compositions of backend operations that the verifier and the PCS checks share. */

export function observeExt<F, E, D>(b: VerifierBackend<F, E, D>, ch: BackendChallenger<F, D>, x: E): void {
  for (const c of b.extCoordinates(x)) ch.observe(c);
}

/** Four consecutive samples as one extension element (its coordinates in order). */
export function sampleExt<F, E, D>(b: VerifierBackend<F, E, D>, ch: BackendChallenger<F, D>): E {
  const c0 = ch.sample();
  const c1 = ch.sample();
  const c2 = ch.sample();
  const c3 = ch.sample();
  return b.extFromCoordinates(c0, c1, c2, c3);
}

/** Observes an ASCII string as its length and then one element per byte. */
export function observeString<F, E, D>(
  b: VerifierBackend<F, E, D>,
  ch: BackendChallenger<F, D>,
  s: string,
): void {
  const bytes = new TextEncoder().encode(s);
  ch.observe(b.constant(bytes.length));
  for (const x of bytes) ch.observe(b.constant(x));
}

/** x^e for a fixed exponent e ≥ 0 (square and multiply). */
export function extPowConst<F, E, D>(b: VerifierBackend<F, E, D>, x: E, e: number): E {
  let acc: { v: E } | null = null;
  let base = x;
  for (let k = e; k > 0; k = Math.floor(k / 2)) {
    if (k & 1) acc = { v: acc === null ? base : b.extMul(acc.v, base) };
    if (k > 1) base = b.extMul(base, base);
  }
  return acc === null ? b.extConstant([1, 0, 0, 0]) : acc.v;
}

/**
 * g^(Σ_k bits_k·2^k) for a fixed base g: the backend's own arrangement if it has one, else one select and
 * one product per bit.
 */
export function powBits<F, E, D>(b: VerifierBackend<F, E, D>, g: number, bits: readonly F[]): F {
  if (b.fixedBasePow) return b.fixedBasePow(g, bits);
  let acc = b.constant(1);
  let gk = g;
  const one = b.constant(1);
  for (const bit of bits) {
    acc = b.mul(acc, b.select(bit, b.constant(gk), one));
    gk = mul(gk, gk);
  }
  return acc;
}

/** values[Σ_k bits_k·2^k] by a tree of selects; values.length is 2^bits.length. */
export function extSelectByBits<F, E, D>(
  b: VerifierBackend<F, E, D>,
  values: readonly E[],
  bits: readonly F[],
): E {
  let level = [...values];
  for (const bit of bits) {
    const next: E[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(b.extSelect(bit, level[i + 1]!, level[i]!));
    level = next;
  }
  return level[0]!;
}

/** Multiplication by the extension generator's power X^k (a coordinate rotation with the ·11 wrap). */
export function xPower(k: number): Ext {
  const e: Ext = [0, 0, 0, 0];
  if (k < 4) e[k] = 1;
  else e[k - 4] = 11;
  return e;
}

/** Σ_l X^l · c_l for extension values c_0..c_3 (an extension column recombined from its coordinates). */
export function recombine<F, E, D>(b: VerifierBackend<F, E, D>, c: readonly E[]): E {
  let acc = c[0] as E;
  for (let l = 1; l < 4; l++) acc = b.extAdd(acc, b.extMul(c[l] as E, b.extConstant(xPower(l))));
  return acc;
}

/** Σ_k x^k·terms_k: the backend's own arrangement if it has one, else Horner's rule. */
export function powerSum<F, E, D>(b: VerifierBackend<F, E, D>, terms: readonly E[], x: E): E {
  return b.powerSum ? b.powerSum(terms, x) : horner(b, terms, x);
}

/** Σ_k x^k·terms_k by Horner's rule, highest power first: one extension product per term (0 if empty). */
export function horner<F, E, D>(b: VerifierBackend<F, E, D>, terms: readonly E[], x: E): E {
  if (terms.length === 0) return b.extConstant([0, 0, 0, 0]);
  let acc: E = terms[terms.length - 1] as E;
  for (let k = terms.length - 2; k >= 0; k--) acc = b.extAdd(b.extMul(acc, x), terms[k] as E);
  return acc;
}
