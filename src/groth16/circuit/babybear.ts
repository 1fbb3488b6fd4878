import { P as P_NUMBER } from "../../field/babybear.ts";
import { frInv, frMul } from "../scalar-field.ts";
import { BN254_R as R } from "../types.ts";
import type { CircuitBuilder } from "./builder.ts";
import { Lc } from "./lc.ts";

/**
 * BabyBear (p = 15·2^27 + 1) emulated in BN254's scalar field r ≈ 2^253.6.
 *
 * A value is a linear combination whose value under any satisfying witness is an integer in [0, max] — a
 * fact proven by induction over the operations below, not assumed: values enter the circuit only through a
 * bit decomposition (so they are < 2^31, and < p when the decomposition is checked canonical), sums and
 * products of such integers stay exact as long as the bound stays below {@link LIMIT} < r, and a product wire
 * is constrained to equal its factors' product. The BabyBear element a value stands for is that integer
 * mod p. Reduction to the canonical representative is lazy: it happens only where a canonical value is
 * required (hashing, the transcript, bits) or where a bound would pass LIMIT, and costs 33 constraints plus
 * one per bit of the quotient.
 */
export const P = BigInt(P_NUMBER);
/** Bounds stay below 2^250, so that every exact-integer relation (x = q·p + e, d = m·p) cannot wrap mod r. */
export const LIMIT = 1n << 250n;
/** Combinations longer than this are made one wire before they enter A or B (see BabyBear.compact). */
export const COMPACT_TERMS = 16;
/** p − 1 = 15·2^27: canonical values are hi·2^27 + lo with hi ≤ 15 and (hi = 15 ⟹ lo = 0). */
const LOW_BITS = 27;
const VALUE_BITS = 31;

/** A BabyBear value: its integer lies in [0, max]; `bits` is its canonical decomposition when known. */
export class Bb {
  readonly lc: Lc;
  readonly max: bigint;
  /** 31 bits (least significant first) of the canonical value, when this value is known canonical. */
  readonly bits: readonly Lc[] | null;
  /** The reduced form, once computed (values are immutable, so it can be shared). */
  reduced: Bb | null = null;
  /** How often this value was an operand (a reused value is worth reducing once). */
  uses = 0;
  /** The same value as a single wire, once materialized. */
  compacted: Bb | null = null;

  constructor(lc: Lc, max: bigint, bits: readonly Lc[] | null = null) {
    this.lc = lc;
    this.max = max;
    this.bits = bits;
  }

  get value(): bigint {
    return this.lc.value;
  }

  get isConstant(): boolean {
    return this.lc.isConstant;
  }
}

export const bitLength = (x: bigint): number => (x <= 0n ? 0 : x.toString(2).length);

/** Bits of quotient a value with this bound will cost when it is reduced or asserted (0 when canonical). */
export const excessBits = (max: bigint): number => Math.max(0, bitLength(max) - VALUE_BITS);

/** Constraints of reducing a value with this bound: its canonical decomposition and quotient bits. */
export const reductionCost = (x: Bb): number => (x.bits || x.reduced ? 0 : 33 + excessBits(x.max));

export class BabyBear {
  readonly c: CircuitBuilder;
  private readonly constants = new Map<bigint, Bb>();

  constructor(c: CircuitBuilder) {
    this.c = c;
  }

  constant(x: number | bigint): Bb {
    let v = BigInt(x) % P;
    if (v < 0n) v += P;
    let k = this.constants.get(v);
    if (!k) {
      k = new Bb(Lc.constant(v), v);
      this.constants.set(v, k);
    }
    return k;
  }

  known(x: Bb): number | undefined {
    return x.isConstant ? Number(x.lc.k % P) : undefined;
  }

  /**
   * `count` bits of `value` as private wires, each constrained to {0, 1} (one constraint per bit); returns
   * them least significant first and their weighted sum.
   */
  bitHints(value: bigint, count: number, kind: string): { bits: Lc[]; sum: Lc } {
    const bits: Lc[] = [];
    for (let i = 0; i < count; i++) {
      const b = this.c.hint((value >> BigInt(i)) & 1n, kind);
      this.c.enforce(b, b.addConstant(-1n), Lc.constant(0n), "bit");
      bits.push(b);
    }
    return { bits, sum: weightedSum(bits, 0) };
  }

  /**
   * A canonical decomposition of `value`: 31 bits and the check that they encode a number < p,
   * (15 − hi)·k = lo with hi the top 4 bits and lo the low 27 (hi = 15 forces lo = 0). 32 constraints.
   */
  private canonicalBits(value: bigint, kind: string): { bits: Lc[]; sum: Lc } {
    const { bits, sum } = this.bitHints(value, VALUE_BITS, kind);
    const lo = weightedSum(bits.slice(0, LOW_BITS), 0);
    const hi = weightedSum(bits.slice(LOW_BITS), 0);
    const gap = Lc.constant(15n).sub(hi);
    // gap ∈ [0, 15] for honest bits; anything else is a forced witness that the bit constraints reject.
    const gapInverse = SMALL_INVERSES[Number(gap.value)] ?? 0n;
    const k = this.c.hint(frMul(lo.value, gapInverse), "canonical");
    this.c.enforce(gap, k, lo, "canonical (< p)");
    return { bits, sum };
  }

  /** A value of the proof (or any private input): canonical by construction, 32 constraints. */
  input(value: number | bigint): Bb {
    return this.c.withCategory("range-check", () => this.canonical(BigInt(value), "input"));
  }

  /** A private wire value with its canonical decomposition (the value is the sum of its bits). */
  canonical(value: bigint, kind: string): Bb {
    const { bits, sum } = this.canonicalBits(value, kind);
    return new Bb(sum, P - 1n, bits);
  }

  /** A private value known only to be < 2^bits (a hint that is used arithmetically, never hashed). */
  bounded(value: bigint, bits: number, kind: string): Bb {
    return this.c.withCategory("range-check", () => {
      const h = this.bitHints(value, bits, kind);
      return new Bb(h.sum, (1n << BigInt(bits)) - 1n, null);
    });
  }

  /** The canonical representative with its bits: 33 constraints + one per bit of the quotient. */
  reduce(x: Bb): Bb {
    if (x.bits) return x;
    if (x.reduced) return x.reduced;
    if (x.isConstant) {
      const v = x.lc.k % P;
      return new Bb(Lc.constant(v), v, bitsOfConstant(v));
    }
    const out = this.c.withCategory("reduce", () => {
      const v = x.value;
      const q = v / P;
      const qBits = bitLength(x.max / P);
      const e = this.canonicalBits(v % P, "remainder");
      const quotient = this.bitHints(q, qBits, "quotient");
      this.c.enforceEqual(x.lc, quotient.sum.scale(P).add(e.sum), "x = q·p + e");
      return new Bb(e.sum, P - 1n, e.bits);
    });
    x.reduced = out;
    return out;
  }

  /**
   * The form of x to compute with: its reduced form if already computed (free and tighter). A reused value's
   * excess bits E are paid again at every use, so at its k-th use (k ≥ 2) it is reduced once, for 33 + E,
   * when (k − 1)·E > 33: the uses still to come are guessed to be as many as those already made.
   */
  operand(x: Bb): Bb {
    if (x.reduced) return x.reduced;
    if (x.isConstant) return x;
    if (++x.uses >= 2 && (x.uses - 1) * excessBits(x.max) > 33) return this.reduce(x);
    return x;
  }

  /** The reduced form if already computed, else the value (no use counted: for estimates). */
  current(x: Bb): Bb {
    return x.reduced ?? x;
  }

  /**
   * The value as a factor of a constraint: a long combination (more than {@link COMPACT_TERMS} terms, e.g. a
   * value that is the sum of its 31 bits) becomes one wire first — one constraint with the sum on the C side,
   * which a proving key does not store — instead of being copied into A or B at every use.
   */
  compact(x: Bb): Bb {
    if (x.lc.terms <= COMPACT_TERMS) return x;
    if (!x.compacted) x.compacted = new Bb(this.c.materialize(x.lc), x.max, x.bits);
    return x.compacted;
  }

  /** Reduces the larger of two values until `fits` holds (a bound would otherwise pass LIMIT). */
  private shrink(a: Bb, b: Bb, fits: (a: Bb, b: Bb) => boolean): [Bb, Bb] {
    a = this.operand(a);
    b = this.operand(b);
    while (!fits(a, b)) {
      if (a.max >= b.max && !a.bits) a = this.reduce(a);
      else if (!b.bits) b = this.reduce(b);
      else a = this.reduce(a);
    }
    return [a, b];
  }

  add(a: Bb, b: Bb): Bb {
    if (a.isConstant && b.isConstant) return this.constant(a.lc.k + b.lc.k);
    [a, b] = this.shrink(a, b, (x, y) => x.max + y.max <= LIMIT);
    return new Bb(a.lc.add(b.lc), a.max + b.max);
  }

  /** a − b as the non-negative integer a + k·p − b, k·p ≥ max(b). */
  sub(a: Bb, b: Bb): Bb {
    if (a.isConstant && b.isConstant) return this.constant(a.lc.k - b.lc.k);
    const offset = (x: Bb) => ceilDiv(x.max, P) * P;
    [a, b] = this.shrink(a, b, (x, y) => x.max + offset(y) <= LIMIT);
    const k = offset(b);
    return new Bb(a.lc.sub(b.lc).addConstant(k), a.max + k);
  }

  mul(a: Bb, b: Bb): Bb {
    if (a.isConstant && b.isConstant) return this.constant((a.lc.k * b.lc.k) % P);
    if (b.isConstant) [a, b] = [b, a];
    if (a.isConstant) {
      const k = a.lc.k;
      if (k === 0n) return this.constant(0);
      if (k === 1n) return b;
      b = this.operand(b);
      if (b.max * k > LIMIT) b = this.reduce(b);
      return new Bb(b.lc.scale(k), b.max * k);
    }
    [a, b] = this.shrink(a, b, (x, y) => x.max * y.max <= LIMIT);
    return this.product(a, b);
  }

  /**
   * a·b outside the lazy-reduction policy, for a term of a sum that is reduced once: the sum pays its excess
   * bits once, at its own reduction, however many terms carry them — so a factor is reduced only when the
   * product's bound would pass LIMIT, and no use is counted.
   */
  mulInSum(a: Bb, b: Bb): Bb {
    a = this.current(a);
    b = this.current(b);
    if (a.isConstant || b.isConstant) return this.mul(a, b);
    while (a.max * b.max > LIMIT) {
      if (a.max >= b.max) a = this.reduce(a);
      else b = this.reduce(b);
    }
    return this.product(a, b);
  }

  private product(a: Bb, b: Bb): Bb {
    a = this.compact(a);
    b = this.compact(b);
    const w = this.c.withCategory("base-mul", () => {
      const w = this.c.hint(a.value * b.value, "product");
      this.c.enforce(a.lc, b.lc, w, "a·b");
      return w;
    });
    return new Bb(w, a.max * b.max);
  }

  /**
   * a ≡ b (mod p). Canonical-range values are compared exactly (a linear constraint); otherwise
   * a − b + k·p = m·p with m range-checked by its bits (one constraint per bit of m, plus one).
   */
  assertEqual(a: Bb, b: Bb, reason: string, what: string): void {
    if (a.isConstant && b.isConstant) {
      if ((a.lc.k - b.lc.k) % P !== 0n)
        throw new RangeError(`circuit: an assertion between constants fails: ${what}`);
      return;
    }
    this.c.withCategory("assert", () => {
      if (a.max < P && b.max < P) {
        if (a.value !== b.value) this.c.fail(reason, what);
        this.c.enforceEqual(a.lc, b.lc, what);
        return;
      }
      const d = this.sub(a, b);
      if (d.value % P !== 0n) this.c.fail(reason, what);
      const m = this.bitHints(d.value / P, bitLength(d.max / P), "multiple");
      this.c.enforceEqual(d.lc, m.sum.scale(P), what);
    });
  }

  /** bit ? ifOne : ifZero, for a bit (a value constrained to {0, 1}). One constraint unless both are constants. */
  select(bit: Bb, ifOne: Bb, ifZero: Bb): Bb {
    if (bit.isConstant) return bit.lc.k === 1n ? ifOne : ifZero;
    if (ifOne === ifZero) return ifOne;
    ifOne = this.compact(ifOne);
    ifZero = this.compact(ifZero);
    const max = ifOne.max > ifZero.max ? ifOne.max : ifZero.max;
    const diff = ifOne.lc.sub(ifZero.lc);
    if (ifOne.isConstant && ifZero.isConstant) return new Bb(ifZero.lc.add(bit.lc.scale(diff.k)), max);
    return this.c.withCategory("select", () => {
      const out = this.c.hint(bit.value === 1n ? ifOne.value : ifZero.value, "select");
      this.c.enforce(bit.lc, diff, out.sub(ifZero.lc), "select");
      return new Bb(out, max);
    });
  }

  /** The low `count` bits of the canonical value, least significant first, each a value in {0, 1}. */
  bits(x: Bb, count: number): Bb[] {
    if (count > VALUE_BITS) throw new RangeError(`a BabyBear value has ${VALUE_BITS} bits, not ${count}`);
    const bits = this.reduce(x).bits!;
    const zero = Lc.constant(0n);
    return bits.slice(0, count).map((b) => new Bb(b, 1n, [b, ...Array<Lc>(VALUE_BITS - 1).fill(zero)]));
  }
}

/** 1/g in F_r for g = 0..15 (0 for g = 0: hi = 15 forces lo = 0 and then any k works). */
const SMALL_INVERSES = Array.from({ length: 16 }, (_, g) => (g === 0 ? 0n : frInv(BigInt(g))));

/**
 * Σ_i 2^i·bits_i for bit wires created in increasing order (built directly: no merging). `from` is the
 * weight exponent of the first bit.
 */
export function weightedSum(bits: readonly Lc[], from: number): Lc {
  if (bits.some((b) => !b.tracked)) {
    let v = 0n;
    bits.forEach((b, i) => {
      v += b.value << BigInt(from + i);
    });
    return Lc.valueOnly(v % R, bits.length);
  }
  const wires: number[] = [];
  const coeffs: bigint[] = [];
  let value = 0n;
  bits.forEach((b, i) => {
    if (!b.isConstant && b.wires!.length === 1 && b.coeffs[0] === 1n && b.k === 0n) {
      const w = b.wires![0]!;
      if (wires.length > 0 && wires[wires.length - 1]! >= w) throw new RangeError("bits out of order");
      wires.push(w);
      coeffs.push(1n << BigInt(from + i));
      value += b.value << BigInt(from + i);
    } else throw new RangeError("weightedSum takes bit wires");
  });
  return new Lc(wires, coeffs, 0n, value % R);
}

const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;

function bitsOfConstant(v: bigint): Lc[] {
  return Array.from({ length: VALUE_BITS }, (_, i) => Lc.constant((v >> BigInt(i)) & 1n));
}
