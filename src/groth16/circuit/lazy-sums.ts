import type { Bb } from "./babybear.ts";
import type { Ext, Extension } from "./extension.ts";

/**
 * Sums of products in emulated extension arithmetic, arranged so that their excess bits are paid once.
 *
 * A bit by which a value's bound exceeds p costs one constraint where the value is reduced or compared
 * (babybear.ts). In a sum Σ c_i·v_i that is reduced once, a coefficient's excess is paid once for the whole
 * sum, however many terms carry it, so the coefficients need not be canonical: the verifier's batching
 * powers x^i are products of two canonical powers, x^(s·j)·x^a (7 constraints, bound ~2^67), instead of a
 * chain reduced at every step (~280 constraints a power). The same two-level split evaluates Σ_k x^k·t_k
 * as Σ_j x^(s·j)·(Σ_a x^a·t_(s·j + a)): about n/s + s reductions, shared by every sum over the same x,
 * instead of one per term.
 *
 * Every bound is still tracked and kept below LIMIT by the products themselves (Extension.mulInSum), so the
 * arithmetic stays exact; only the places where reductions happen move.
 */
const STRIDE = 32;

/** The canonical powers x^a (a < STRIDE) and x^(STRIDE·j) of one element, computed on first use. */
export class PowerTable {
  private readonly ext: Extension;
  private readonly x: Ext;
  private readonly small: Ext[];
  private readonly big: Ext[];

  constructor(ext: Extension, x: Ext) {
    this.ext = ext;
    this.x = x;
    const one = ext.constant([1, 0, 0, 0]);
    this.small = [one];
    this.big = [one];
  }

  /** x^a for a < STRIDE, canonical. */
  low(a: number): Ext {
    while (this.small.length <= a) {
      const last = this.small[this.small.length - 1]!;
      this.small.push(this.ext.reduce(this.ext.mul(last, this.x)));
    }
    return this.small[a]!;
  }

  /** x^(STRIDE·j), canonical. */
  high(j: number): Ext {
    while (this.big.length <= j) {
      const step = this.ext.reduce(this.ext.mul(this.low(STRIDE - 1), this.x));
      const last = this.big[this.big.length - 1]!;
      this.big.push(this.big.length === 1 ? step : this.ext.reduce(this.ext.mul(last, step)));
    }
    return this.big[j]!;
  }

  /** x^i as the product of two canonical powers (not reduced; canonical when i is a multiple of STRIDE). */
  at(i: number): Ext {
    const j = Math.floor(i / STRIDE);
    const a = i % STRIDE;
    if (a === 0) return this.high(j);
    if (j === 0) return this.low(a);
    return this.ext.mulInSum(this.high(j), this.low(a));
  }

  /** Σ_k x^k·terms_k as Σ_j x^(STRIDE·j)·(Σ_a x^a·terms_(STRIDE·j + a)), reduced nowhere. */
  sum(terms: readonly Ext[]): Ext {
    const ext = this.ext;
    let acc = ext.constant([0, 0, 0, 0]);
    for (let j = 0; j * STRIDE < terms.length; j++) {
      let inner = terms[j * STRIDE]!;
      for (let a = 1; a < STRIDE && j * STRIDE + a < terms.length; a++)
        inner = ext.add(inner, ext.mulInSum(this.low(a), terms[j * STRIDE + a]!));
      acc = ext.add(acc, j === 0 ? inner : ext.mulInSum(this.high(j), inner));
    }
    return acc;
  }
}

/** Σ_i coefficients_i · values_i, reduced nowhere (its consumer reduces it once). */
export function lazyDot(ext: Extension, coefficients: readonly Ext[], values: readonly Ext[]): Ext {
  if (coefficients.length !== values.length) throw new RangeError("a dot product of unequal lengths");
  let acc = ext.constant([0, 0, 0, 0]);
  for (let i = 0; i < values.length; i++) acc = ext.add(acc, ext.mulInSum(coefficients[i]!, values[i]!));
  return acc;
}

/** Σ_i coefficients_i · values_i for base values, reduced nowhere. */
export function lazyDotBase(ext: Extension, coefficients: readonly Ext[], values: ArrayLike<Bb>): Ext {
  if (coefficients.length !== values.length) throw new RangeError("a dot product of unequal lengths");
  let acc = ext.constant([0, 0, 0, 0]);
  for (let i = 0; i < values.length; i++) acc = ext.add(acc, ext.mulBaseInSum(coefficients[i]!, values[i]!));
  return acc;
}
