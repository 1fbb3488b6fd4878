/**
 * WebAssembly code for a ~254-bit prime field (BN254's base field here), in the form the multi-scalar
 * multiplication needs: functions on elements in memory, called by the curve code (curve-wasm.ts).
 *
 * Elements are 9 limbs of 29 bits (u32 each, 36 bytes) in Montgomery form with R = 2^261, always canonical
 * (< q) between calls, so that zero tests and equality are limb comparisons. The product is Montgomery's
 * "product scanning" method: a 29×29-bit product is < 2^58, so a column of up to 18 products plus its carry
 * stays below 2^63 and needs no carry handling inside the column. With a, b < q the unreduced result is < 2q
 * and one conditional subtraction makes it canonical.
 *
 * Every function reads all of its operands before it writes, so the output may alias an input.
 */
import { FunctionBuilder, type ModuleBuilder, Op } from "../../wasm/builder.ts";

export const LIMBS = 9;
export const LIMB_BITS = 29;
/** Bytes of one base-field element. */
export const FP_BYTES = 4 * LIMBS;
const MASK = (1n << BigInt(LIMB_BITS)) - 1n;
/** Montgomery's R. */
const MONTGOMERY_R = 1n << BigInt(LIMBS * LIMB_BITS);

/** Little-endian 29-bit limbs of x (< 2^261). */
export function toLimbs(x: bigint): bigint[] {
  return Array.from({ length: LIMBS }, (_, k) => (x >> BigInt(LIMB_BITS * k)) & MASK);
}

/**
 * Where the field functions keep their constants; the caller writes them with `fieldConstants` before use.
 * [0, 36): zero; [36, 72): R mod q (one); [72, 108): 2^266 mod q and [108, 144): 2^256 mod q, the factors that
 * move values between ffjavascript's Montgomery form (R = 2^256, 32-byte little-endian words) and ours.
 */
export const ZERO_PTR = 0;
export const ONE_PTR = FP_BYTES;
const FROM_FFJS_PTR = 2 * FP_BYTES;
const TO_FFJS_PTR = 3 * FP_BYTES;
/** One element of scratch space for the conversions. */
const CONVERT_PTR = 4 * FP_BYTES;
/** The first byte the field code does not use. */
export const FIELD_RESERVED_BYTES = 5 * FP_BYTES;

/** The constant area's contents (FIELD_RESERVED_BYTES bytes, as u32 limbs) for modulus q. */
export function fieldConstants(q: bigint): Uint32Array {
  const out = new Uint32Array(FIELD_RESERVED_BYTES / 4);
  const put = (ptr: number, x: bigint) => out.set(toLimbs(x).map(Number), ptr / 4);
  put(ONE_PTR, MONTGOMERY_R % q);
  put(FROM_FFJS_PTR, (1n << 266n) % q);
  put(TO_FFJS_PTR, (1n << 256n) % q);
  return out;
}

/** Indices of the generated functions; all take i32 byte addresses. */
export interface FieldFunctions {
  /** Bytes of one element. */
  readonly bytes: number;
  /** (out, a, b) */
  readonly mul: number;
  /** (out, a) */
  readonly sqr: number;
  /** (out, a, b) */
  readonly add: number;
  /** (out, a, b) */
  readonly sub: number;
  /** (out, a) */
  readonly neg: number;
  /** (out, a) */
  readonly copy: number;
  /** (a) → 1 if a = 0 else 0 */
  readonly isZero: number;
}

export interface PrimeFieldFunctions extends FieldFunctions {
  /** (out, in): from ffjavascript's layout (8 little-endian u32 words, Montgomery R = 2^256) to ours. */
  readonly fromFfjs: number;
  /** (out, in): from ours to ffjavascript's layout. */
  readonly toFfjs: number;
}

/** -q⁻¹ mod 2^29. */
function montgomeryMu(q: bigint): bigint {
  let inv = 1n;
  for (let i = 0; i < 6; i++) inv = (inv * (2n - q * inv)) & MASK;
  return -inv & MASK;
}

/** Stores r (locals, each < 2^29, value < 2q) reduced below q at the address in local `out`. */
function storeReduced(f: FunctionBuilder, q: readonly bigint[], out: number, r: readonly number[]): void {
  const d = f.localsOf("i64", LIMBS);
  const c = f.local("i64");
  f.i64(0n).set(c);
  for (let k = 0; k < LIMBS; k++) {
    f.get(r[k]!).i64(q[k]!).op(Op.i64_sub).get(c).op(Op.i64_add).tee(c);
    f.i64(MASK).op(Op.i64_and).set(d[k]!);
    f.get(c).i64(BigInt(LIMB_BITS)).op(Op.i64_shr_s).set(c);
  }
  // A borrow out of the top limb means r < q: keep r.
  for (let k = 0; k < LIMBS; k++) {
    f.get(out)
      .get(r[k]!)
      .get(d[k]!)
      .get(c)
      .op(Op.i64_eqz, Op.i32_eqz, Op.select)
      .store32(4 * k);
  }
}

function loadLimbs(f: FunctionBuilder, ptr: number, into: readonly number[]): void {
  for (let k = 0; k < LIMBS; k++)
    f.get(ptr)
      .load32u(4 * k)
      .set(into[k]!);
}

function mulFunction(q: bigint): FunctionBuilder {
  const p = toLimbs(q);
  const mu = montgomeryMu(q);
  const f = new FunctionBuilder(["i32", "i32", "i32"]);
  const [out, pa, pb] = [0, 1, 2];
  const a = f.localsOf("i64", LIMBS);
  const b = f.localsOf("i64", LIMBS);
  const m = f.localsOf("i64", LIMBS);
  const r = f.localsOf("i64", LIMBS);
  const acc = f.local("i64");
  loadLimbs(f, pa, a);
  loadLimbs(f, pb, b);
  f.i64(0n).set(acc);
  for (let i = 0; i < 2 * LIMBS - 1; i++) {
    f.get(acc);
    for (let j = Math.max(0, i - LIMBS + 1); j <= Math.min(LIMBS - 1, i); j++) {
      f.get(a[j]!)
        .get(b[i - j]!)
        .op(Op.i64_mul, Op.i64_add);
    }
    for (let j = Math.max(0, i - LIMBS + 1); j <= Math.min(LIMBS - 1, i - 1); j++) {
      f.get(m[j]!)
        .i64(p[i - j]!)
        .op(Op.i64_mul, Op.i64_add);
    }
    if (i < LIMBS) {
      f.tee(acc).i64(MASK).op(Op.i64_and).i64(mu).op(Op.i64_mul).i64(MASK).op(Op.i64_and).tee(m[i]!);
      f.i64(p[0]!).op(Op.i64_mul).get(acc).op(Op.i64_add);
    } else {
      f.tee(acc)
        .i64(MASK)
        .op(Op.i64_and)
        .set(r[i - LIMBS]!)
        .get(acc);
    }
    f.i64(BigInt(LIMB_BITS)).op(Op.i64_shr_u).set(acc);
  }
  // The last carry is the top limb: the result is < 2q < 2^255, so it has < 23 bits.
  f.get(acc).set(r[LIMBS - 1]!);
  storeReduced(f, p, out, r);
  return f;
}

/**
 * r ← a ∘ b limb by limb (∘ = i64 add or sub) with the carry (or signed borrow, for sub) passed up; leaves
 * the top carry in `c`.
 */
function limbwise(f: FunctionBuilder, op: number, r: readonly number[], c: number): void {
  const shift = op === Op.i64_sub ? Op.i64_shr_s : Op.i64_shr_u;
  f.i64(0n).set(c);
  for (let k = 0; k < LIMBS; k++) {
    f.get(1)
      .load32u(4 * k)
      .get(2)
      .load32u(4 * k)
      .op(op)
      .get(c)
      .op(Op.i64_add)
      .tee(c);
    f.i64(MASK).op(Op.i64_and).set(r[k]!);
    f.get(c).i64(BigInt(LIMB_BITS)).op(shift).set(c);
  }
}

function addFunction(q: bigint): FunctionBuilder {
  const f = new FunctionBuilder(["i32", "i32", "i32"]);
  const r = f.localsOf("i64", LIMBS);
  limbwise(f, Op.i64_add, r, f.local("i64"));
  storeReduced(f, toLimbs(q), 0, r);
  return f;
}

function subFunction(q: bigint): FunctionBuilder {
  const p = toLimbs(q);
  const f = new FunctionBuilder(["i32", "i32", "i32"]);
  const r = f.localsOf("i64", LIMBS);
  const s = f.localsOf("i64", LIMBS);
  const c = f.local("i64");
  const e = f.local("i64");
  limbwise(f, Op.i64_sub, r, c);
  // a < b: the difference wrapped around 2^261; a − b + q is the answer.
  f.i64(0n).set(e);
  for (let k = 0; k < LIMBS; k++) {
    f.get(r[k]!).i64(p[k]!).op(Op.i64_add).get(e).op(Op.i64_add).tee(e);
    f.i64(MASK).op(Op.i64_and).set(s[k]!);
    f.get(e).i64(BigInt(LIMB_BITS)).op(Op.i64_shr_u).set(e);
  }
  for (let k = 0; k < LIMBS; k++) {
    f.get(0)
      .get(s[k]!)
      .get(r[k]!)
      .get(c)
      .op(Op.i64_eqz, Op.i32_eqz, Op.select)
      .store32(4 * k);
  }
  return f;
}

export function copyFunction(words: number): FunctionBuilder {
  const f = new FunctionBuilder(["i32", "i32"]);
  for (let k = 0; k < words; k++)
    f.get(0)
      .get(1)
      .load32u(4 * k)
      .store32(4 * k);
  return f;
}

/** (a) → 1 when all `words` u32 words are zero. */
export function isZeroFunction(words: number): FunctionBuilder {
  const f = new FunctionBuilder(["i32"], ["i32"]);
  f.get(0).load32(0);
  for (let k = 1; k < words; k++)
    f.get(0)
      .load32(4 * k)
      .op(Op.i32_or);
  f.op(Op.i32_eqz);
  return f;
}

/** (out, a): a call of `binary` with fixed first operand `first`: neg is 0 − a. */
function withConstantFirst(binary: number, first: number): FunctionBuilder {
  const f = new FunctionBuilder(["i32", "i32"]);
  f.get(0).i32(first).get(1).call(binary);
  return f;
}

/** (out, a): a·a through `mul`. */
function squareOf(mul: number): FunctionBuilder {
  const f = new FunctionBuilder(["i32", "i32"]);
  f.get(0).get(1).get(1).call(mul);
  return f;
}

/** ffjavascript's 32-byte little-endian element at `in` split into limbs at CONVERT_PTR, then ·2^5 (R change). */
function fromFfjsFunction(mul: number): FunctionBuilder {
  const f = new FunctionBuilder(["i32", "i32"]);
  for (let k = 0; k < LIMBS; k++) {
    const bit = LIMB_BITS * k;
    const word = Math.min(Math.floor(bit / 32), 6);
    // Two words at a time (an i64 load), except the top limb, which only has the last word's high 24 bits.
    f.i32(CONVERT_PTR).get(1);
    if (k === LIMBS - 1) f.load32u(4 * 7).i64(BigInt(bit - 224));
    else f.load64(4 * word).i64(BigInt(bit - 32 * word));
    f.op(Op.i64_shr_u)
      .i64(MASK)
      .op(Op.i64_and)
      .store32(4 * k);
  }
  f.get(0).i32(CONVERT_PTR).i32(FROM_FFJS_PTR).call(mul);
  return f;
}

/** Our element at `in` to ffjavascript's layout at `out` (·2^-5, then packed into 8 words). */
function toFfjsFunction(mul: number): FunctionBuilder {
  const f = new FunctionBuilder(["i32", "i32"]);
  f.i32(CONVERT_PTR).get(1).i32(TO_FFJS_PTR).call(mul);
  for (let w = 0; w < 8; w++) {
    f.get(0);
    let first = true;
    for (let k = 0; k < LIMBS; k++) {
      const shift = LIMB_BITS * k - 32 * w;
      if (shift >= 32 || shift + LIMB_BITS <= 0) continue;
      f.i32(CONVERT_PTR).load32u(4 * k);
      if (shift >= 0) f.i64(BigInt(shift)).op(Op.i64_shl);
      else f.i64(BigInt(-shift)).op(Op.i64_shr_u);
      if (!first) f.op(Op.i64_or);
      first = false;
    }
    f.store32(4 * w);
  }
  return f;
}

/** Adds the prime field's functions for modulus q (< 2^254) to `mod`. */
export function addPrimeField(mod: ModuleBuilder, q: bigint): PrimeFieldFunctions {
  if (q >= 1n << 254n || q % 2n === 0n) throw new RangeError("the modulus must be an odd prime below 2^254");
  const mul = mod.add(mulFunction(q));
  const sub = mod.add(subFunction(q));
  return {
    bytes: FP_BYTES,
    mul,
    sqr: mod.add(squareOf(mul)),
    add: mod.add(addFunction(q)),
    sub,
    neg: mod.add(withConstantFirst(sub, ZERO_PTR)),
    copy: mod.add(copyFunction(LIMBS)),
    isZero: mod.add(isZeroFunction(LIMBS)),
    fromFfjs: mod.add(fromFfjsFunction(mul)),
    toFfjs: mod.add(toFfjsFunction(mul)),
  };
}
