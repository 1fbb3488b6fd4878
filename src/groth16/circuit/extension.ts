import { type Ext as ExtNumbers, extInv } from "../../field/extension.ts";
import { matInverse } from "../../hash/poseidon-bn254/field.ts";
import { frMul } from "../scalar-field.ts";
import { BN254_R as R } from "../types.ts";
import { type BabyBear, Bb, excessBits, LIMIT, P, reductionCost } from "./babybear.ts";
import { combine, type Lc } from "./lc.ts";

/**
 * The quartic extension F₄ = F_p[X]/(X⁴ − 11) over emulated BabyBear: an element is its four coordinates.
 *
 * A product of two variable elements costs 7 constraints: both factors are evaluated (linearly) at 7 points
 * {0, ±1, ±2, 3, ∞}, the 7 products are wires, and the coefficients of the degree-6 product polynomial are
 * recovered by interpolation, again linear. This is sound over BN254: the interpolated coefficients equal
 * the coefficients Σ_{i+j=k} a_i·b_j of the product in F_r, and those are integers below the tracked bound
 * (< 2^250 < r), hence exactly the integer coefficients. X⁴ = 11 folds them into four coordinates. A product
 * with a base-field value costs 4, with a constant 0.
 */
export type Ext = readonly [Bb, Bb, Bb, Bb];

const W = 11n;
/** Evaluation points; null is the point at infinity (the product of the leading coefficients). */
const POINTS: readonly (bigint | null)[] = [0n, 1n, -1n, 2n, -2n, 3n, null];

const interpolation: readonly (readonly bigint[])[] = (() => {
  const r = (x: bigint) => ((x % R) + R) % R;
  const v = POINTS.map((x) =>
    Array.from({ length: 7 }, (_, k) => (x === null ? (k === 6 ? 1n : 0n) : r(x ** BigInt(k)))),
  );
  return matInverse(v);
})();

export class Extension {
  readonly bb: BabyBear;
  private readonly constants = new Map<string, Ext>();

  constructor(bb: BabyBear) {
    this.bb = bb;
  }

  /** The same element object for the same constant, so that operations on it can be recognised as repeats. */
  constant(x: Readonly<ExtNumbers>): Ext {
    const key = x.join(",");
    let c = this.constants.get(key);
    if (!c) {
      c = [this.bb.constant(x[0]), this.bb.constant(x[1]), this.bb.constant(x[2]), this.bb.constant(x[3])];
      this.constants.set(key, c);
    }
    return c;
  }

  fromBase(a: Bb): Ext {
    const z = this.bb.constant(0);
    return [a, z, z, z];
  }

  isConstant(a: Ext): boolean {
    return a.every((c) => c.isConstant);
  }

  /** The element as numbers, when all its coordinates are constants. */
  known(a: Ext): ExtNumbers | undefined {
    return this.isConstant(a) ? (a.map((c) => this.bb.known(c)!) as unknown as ExtNumbers) : undefined;
  }

  add(a: Ext, b: Ext): Ext {
    return [
      this.bb.add(a[0], b[0]),
      this.bb.add(a[1], b[1]),
      this.bb.add(a[2], b[2]),
      this.bb.add(a[3], b[3]),
    ];
  }

  sub(a: Ext, b: Ext): Ext {
    return [
      this.bb.sub(a[0], b[0]),
      this.bb.sub(a[1], b[1]),
      this.bb.sub(a[2], b[2]),
      this.bb.sub(a[3], b[3]),
    ];
  }

  /**
   * a·s for a base value s. s meets every coordinate, so its excess bits would be paid four times where the
   * products are reduced: it is reduced first when that is cheaper (see {@link prepare}).
   */
  mulBase(a: Ext, s: Bb): Ext {
    if (!s.isConstant && !this.isConstant(a)) {
      const z = this.bb.constant(0);
      [a, [s]] = this.prepare(a, [s, z, z, z]);
    }
    return [this.bb.mul(a[0], s), this.bb.mul(a[1], s), this.bb.mul(a[2], s), this.bb.mul(a[3], s)];
  }

  /**
   * Chooses which coordinates of two factors to reduce before multiplying them. Every bit by which a
   * product's bound exceeds p is paid once later, as a quotient bit of its reduction or of an equality check,
   * and a coordinate's excess reaches every output coordinate it meets. So a coordinate is reduced (33
   * constraints plus its own excess, nothing if already reduced) when that saves more quotient bits in the
   * products; greedily, largest saving first. Then, if a bound would still pass LIMIT, the larger factor is
   * reduced until it fits.
   */
  private prepare(a: Ext, b: Ext): [Ext, Ext] {
    const bb = this.bb;
    let x = a.map((v) => bb.current(v));
    let y = b.map((v) => bb.current(v));
    const outputBits = (p: readonly Bb[], q: readonly Bb[]) =>
      coefficientBounds(p, q).reduce((n, m) => n + excessBits(m), 0);
    for (;;) {
      const now = outputBits(x, y);
      let best: { side: 0 | 1; ks: number[]; gain: number } | null = null;
      for (const side of [0, 1] as const) {
        const f = side === 0 ? x : y;
        const open = [0, 1, 2, 3].filter((k) => !f[k]!.isConstant && f[k]!.max >= P);
        // Each coordinate alone, and all of them together (a joint reduction can lower every bound).
        for (const ks of [...open.map((k) => [k]), ...(open.length > 1 ? [open] : [])]) {
          const trial = f.map((v, k) => (ks.includes(k) ? new Bb(v.lc, P - 1n) : v));
          const saved = now - (side === 0 ? outputBits(trial, y) : outputBits(x, trial));
          const gain = saved - ks.reduce((n, k) => n + reductionCost(f[k]!), 0);
          if (gain > 0 && (!best || gain > best.gain)) best = { side, ks, gain };
        }
      }
      if (!best) break;
      const reduceAt = (f: Bb[], ks: number[]) => f.map((v, k) => (ks.includes(k) ? bb.reduce(v) : v));
      if (best.side === 0) x = reduceAt(x, best.ks);
      else y = reduceAt(y, best.ks);
    }
    return this.fit(x, y, LIMIT);
  }

  /** Reduces the larger factor until the product's bound is at most `budget`. */
  private fit(x: readonly Bb[], y: readonly Bb[], budget: bigint): [Ext, Ext] {
    while (productBound(x, y) > budget) {
      const mx = x.reduce((m, c) => (c.max > m ? c.max : m), 0n);
      const my = y.reduce((m, c) => (c.max > m ? c.max : m), 0n);
      if (mx >= my) x = x.map((v) => this.bb.reduce(v));
      else y = y.map((v) => this.bb.reduce(v));
    }
    return [x as unknown as Ext, y as unknown as Ext];
  }

  private isBaseLike(a: Ext): boolean {
    return a[1].isConstant && a[2].isConstant && a[3].isConstant && a[1].lc.k + a[2].lc.k + a[3].lc.k === 0n;
  }

  mul(a: Ext, b: Ext): Ext {
    if (this.isConstant(a) || this.isConstant(b)) return this.schoolbook(a, b);
    if (this.isBaseLike(b)) return this.mulBase(a, b[0]);
    if (this.isBaseLike(a)) return this.mulBase(b, a[0]);
    a = a.map((v) => this.bb.operand(v)) as unknown as Ext;
    b = b.map((v) => this.bb.operand(v)) as unknown as Ext;
    [a, b] = this.prepare(a, b);
    a = a.map((v) => this.bb.compact(v)) as unknown as Ext;
    b = b.map((v) => this.bb.compact(v)) as unknown as Ext;
    return this.bb.c.withCategory("ext-mul", () => this.karatsuba7(a, b));
  }

  /**
   * a·b outside the lazy-reduction policy, for a term of a sum that is reduced once (see BabyBear.mulInSum):
   * a factor is reduced only when a coordinate's bound would pass LIMIT, the larger factor first.
   */
  mulInSum(a: Ext, b: Ext): Ext {
    a = a.map((v) => this.bb.current(v)) as unknown as Ext;
    b = b.map((v) => this.bb.current(v)) as unknown as Ext;
    if (this.isConstant(a) || this.isConstant(b)) return this.schoolbook(a, b);
    if (this.isBaseLike(b)) return this.mulBaseInSum(a, b[0]);
    if (this.isBaseLike(a)) return this.mulBaseInSum(b, a[0]);
    [a, b] = this.fit(a, b, LIMIT);
    a = a.map((v) => this.bb.compact(v)) as unknown as Ext;
    b = b.map((v) => this.bb.compact(v)) as unknown as Ext;
    return this.bb.c.withCategory("ext-mul", () => this.karatsuba7(a, b));
  }

  /** a·s for a base value s, outside the lazy-reduction policy (see mulInSum). */
  mulBaseInSum(a: Ext, s: Bb): Ext {
    return [
      this.bb.mulInSum(a[0], s),
      this.bb.mulInSum(a[1], s),
      this.bb.mulInSum(a[2], s),
      this.bb.mulInSum(a[3], s),
    ];
  }

  /** Linear when a factor is constant; the products by constants are free. */
  private schoolbook(a: Ext, b: Ext): Ext {
    const bb = this.bb;
    const out: Bb[] = [bb.constant(0), bb.constant(0), bb.constant(0), bb.constant(0)];
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 4; j++) {
        const t = bb.mul(a[i]!, b[j]!);
        const k = i + j;
        if (k < 4) out[k] = bb.add(out[k]!, t);
        else out[k - 4] = bb.add(out[k - 4]!, bb.mul(t, bb.constant(W)));
      }
    return out as unknown as Ext;
  }

  private karatsuba7(a: Ext, b: Ext): Ext {
    const c = this.bb.c;
    const evalAt = (x: Ext, point: bigint | null): Lc =>
      point === null ? x[3].lc : combine(x.map((v, k) => [v.lc, point ** BigInt(k)] as const));
    const w = POINTS.map((pt) => {
      const ea = evalAt(a, pt);
      const eb = evalAt(b, pt);
      const prod = c.hint(frMul(ea.value, eb.value), "ext-product");
      c.enforce(ea, eb, prod, "extension product");
      return prod;
    });
    const coeff = (k: number) => combine(w.map((wi, i) => [wi, interpolation[k]![i]!] as const));
    const cs = Array.from({ length: 7 }, (_, k) => coeff(k));
    const bounds = coefficientBounds(a, b);
    return [0, 1, 2, 3].map(
      (k) => new Bb(k < 3 ? cs[k]!.addScaled(cs[k + 4]!, W) : cs[k]!, bounds[k]!),
    ) as unknown as Ext;
  }

  reduce(a: Ext): Ext {
    return [this.bb.reduce(a[0]), this.bb.reduce(a[1]), this.bb.reduce(a[2]), this.bb.reduce(a[3])];
  }

  /**
   * a⁻¹: the inverse is a hint (four values < 2^31) checked by a·a⁻¹ ≡ 1. A zero `a` has no inverse: the
   * witness records the failure and the check is then unsatisfiable.
   */
  inverse(a: Ext, reason: string, what: string): Ext {
    const known = this.known(a);
    if (known) {
      if (known.every((x) => x === 0)) throw new RangeError(`circuit: inverse of the constant zero: ${what}`);
      return this.constant(extInv(known));
    }
    const value = a.map((x) => Number(x.value % P)) as unknown as ExtNumbers;
    const isZero = value.every((x) => x === 0);
    if (isZero) this.bb.c.fail(reason, what);
    const inv = isZero ? [0, 0, 0, 0] : extInv(value);
    const h = inv.map((x) => this.bb.bounded(BigInt(x), 31, "inverse")) as unknown as Ext;
    this.assertEqual(this.mul(a, h), this.constant([1, 0, 0, 0]), reason, what);
    return h;
  }

  select(bit: Bb, ifOne: Ext, ifZero: Ext): Ext {
    return [0, 1, 2, 3].map((k) => this.bb.select(bit, ifOne[k]!, ifZero[k]!)) as unknown as Ext;
  }

  assertEqual(a: Ext, b: Ext, reason: string, what: string): void {
    for (let k = 0; k < 4; k++) this.bb.assertEqual(a[k]!, b[k]!, reason, what);
  }
}

/** Per coordinate: Σ_{i+j=k} max(a_i)·max(b_j) + 11·Σ_{i+j=k+4} max(a_i)·max(b_j). */
function coefficientBounds(a: readonly Bb[], b: readonly Bb[]): bigint[] {
  const out = [0n, 0n, 0n, 0n];
  for (let i = 0; i < 4; i++)
    for (let j = 0; j < 4; j++) {
      const m = a[i]!.max * b[j]!.max;
      if (i + j < 4) out[i + j]! += m;
      else out[i + j - 4]! += W * m;
    }
  return out;
}

function productBound(a: readonly Bb[], b: readonly Bb[]): bigint {
  return coefficientBounds(a, b).reduce((m, x) => (x > m ? x : m), 0n);
}
