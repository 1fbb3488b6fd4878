import { BN254_R as R } from "../types.ts";

/**
 * A linear combination Σ c_i·w_i + k over BN254's scalar field, carrying its value under the witness being
 * built (the circuit builder computes values alongside constraints). Immutable; wire ids are sorted and
 * exclude wire 0, whose role the constant k plays. Coefficients are canonical and non-zero.
 *
 * When only the witness is wanted, the terms are not tracked at all: a *value-only* combination (no wires
 * list) knows its value and that it is not a constant, which is all the gadgets consult to decide the
 * circuit's structure; everything combined with one is value-only too. This makes witness generation several
 * times faster than building the constraints.
 *
 * `terms` bounds the number of wire terms from above, computed the same way in both modes (sums add their
 * operands' bounds; cancellations are not looked for), so that gadgets can base structural decisions on the
 * size of a combination without the two modes ever disagreeing.
 */
export class Lc {
  /** Sorted wire ids, or null for a value-only combination. */
  readonly wires: readonly number[] | null;
  readonly coeffs: readonly bigint[];
  /** The constant term (meaningful only when the terms are tracked). */
  readonly k: bigint;
  /** The value of the combination under the witness, in [0, r). */
  readonly value: bigint;
  /** An upper bound on the number of wire terms, identical in both modes. */
  readonly terms: number;

  constructor(
    wires: readonly number[] | null,
    coeffs: readonly bigint[],
    k: bigint,
    value: bigint,
    terms = wires?.length ?? 1,
  ) {
    this.wires = wires;
    this.coeffs = coeffs;
    this.k = k;
    this.value = value;
    this.terms = terms;
  }

  static valueOnly(value: bigint, terms = 1): Lc {
    return new Lc(null, [], 0n, value, terms);
  }

  get tracked(): boolean {
    return this.wires !== null;
  }

  static constant(k: bigint): Lc {
    const c = mod(k);
    return new Lc([], [], c, c);
  }

  static wire(w: number, value: bigint): Lc {
    return new Lc([w], [1n], 0n, value);
  }

  get isConstant(): boolean {
    return this.wires !== null && this.wires.length === 0;
  }

  /** Number of terms, the constant included: what this combination costs in a constraint row. */
  get size(): number {
    return this.wires === null ? 0 : this.wires.length + (this.k === 0n ? 0 : 1);
  }

  add(o: Lc): Lc {
    return merge(this, o, 1n);
  }

  sub(o: Lc): Lc {
    return merge(this, o, R - 1n);
  }

  /** this + f·o */
  addScaled(o: Lc, f: bigint): Lc {
    return merge(this, o, mod(f));
  }

  scale(f: bigint): Lc {
    const c = mod(f);
    if (c === 0n) return ZERO;
    if (c === 1n) return this;
    if (this.wires === null) return Lc.valueOnly((this.value * c) % R, this.terms);
    return new Lc(
      this.wires,
      this.coeffs.map((x) => (x * c) % R),
      (this.k * c) % R,
      (this.value * c) % R,
      this.terms,
    );
  }

  addConstant(k: bigint): Lc {
    const c = mod(k);
    if (c === 0n) return this;
    if (this.wires === null) return Lc.valueOnly((this.value + c) % R, this.terms);
    return new Lc(this.wires, this.coeffs, (this.k + c) % R, (this.value + c) % R, this.terms);
  }
}

export const ZERO = Lc.constant(0n);
export const ONE = Lc.constant(1n);

export function mod(x: bigint): bigint {
  const m = x % R;
  return m < 0n ? m + R : m;
}

/** a + f·b, merging the sorted wire lists. */
function merge(a: Lc, b: Lc, f: bigint): Lc {
  if (f === 0n || (b.isConstant && b.k === 0n)) return a;
  const value = (a.value + f * b.value) % R;
  const terms = a.terms + b.terms;
  if (a.wires === null || b.wires === null) return Lc.valueOnly(value, terms);
  const k = (a.k + f * b.k) % R;
  if (b.isConstant) return new Lc(a.wires, a.coeffs, k, value, a.terms);
  const wires: number[] = [];
  const coeffs: bigint[] = [];
  let i = 0;
  let j = 0;
  const aw = a.wires;
  const bw = b.wires;
  while (i < aw.length || j < bw.length) {
    const wa = i < aw.length ? aw[i]! : Number.POSITIVE_INFINITY;
    const wb = j < bw.length ? bw[j]! : Number.POSITIVE_INFINITY;
    if (wa < wb) {
      wires.push(wa);
      coeffs.push(a.coeffs[i++]!);
    } else if (wb < wa) {
      wires.push(wb);
      coeffs.push(f === 1n ? b.coeffs[j++]! : (b.coeffs[j++]! * f) % R);
    } else {
      const c = (a.coeffs[i++]! + b.coeffs[j++]! * f) % R;
      if (c !== 0n) {
        wires.push(wa);
        coeffs.push(c);
      }
    }
  }
  return new Lc(wires, coeffs, k, value, terms);
}

/** Σ f_i·terms_i + k in one pass (for wide combinations: matrix rows, packings). */
export function combine(terms: readonly (readonly [Lc, bigint])[], k = 0n): Lc {
  const bound = terms.reduce((n, [lc, f]) => n + (mod(f) === 0n ? 0 : lc.terms), 0);
  if (terms.some(([lc]) => lc.wires === null)) {
    let value = mod(k);
    for (const [lc, f] of terms) value = (value + mod(f) * lc.value) % R;
    return Lc.valueOnly(value, bound);
  }
  const acc = new Map<number, bigint>();
  let constant = mod(k);
  let value = constant;
  for (const [lc, f0] of terms) {
    const f = mod(f0);
    if (f === 0n) continue;
    constant = (constant + f * lc.k) % R;
    value = (value + f * lc.value) % R;
    const ws = lc.wires!;
    for (let i = 0; i < ws.length; i++) {
      const w = ws[i]!;
      acc.set(w, ((acc.get(w) ?? 0n) + f * lc.coeffs[i]!) % R);
    }
  }
  const wires = [...acc.keys()].filter((w) => acc.get(w) !== 0n).sort((x, y) => x - y);
  return new Lc(
    wires,
    wires.map((w) => acc.get(w)!),
    constant,
    value,
    bound,
  );
}
