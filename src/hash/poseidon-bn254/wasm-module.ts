/**
 * Generates the WebAssembly module that runs whole Poseidon-BN254 permutations.
 *
 * Arithmetic: Montgomery form with R = 2^261, elements as 9 limbs of 29 bits (stored as u32, computed in
 * i64 locals). A 29×29-bit product is < 2^58, so a column of 9 operand products plus 9 reduction products
 * plus the incoming carry stays below 2^63: the multiplication is the "finely integrated product scanning"
 * Montgomery method with no carry handling inside a column.
 *
 * Values are kept in a loose range instead of being reduced to [0, p) after every step: the Montgomery
 * reduction returns T/R + (something < p), and R/p ≈ 2^7.4, so any product of operands below 2^261
 * comes back below 2p + small, and the few additions between products cannot reach 2^261 (the worst is
 * cells 1..t-1 collecting one sparse-matrix term per partial round: < 72p for 68 rounds, p ≈ 2^253.6).
 * Only the final conversion out of Montgomery form produces canonical values (≤ p; the caller maps p → 0).
 *
 * Dot products (the MDS rows) use lazy reduction: the 18 column sums of all products are accumulated
 * first (normalised every 3 terms so no column exceeds 2^63) and reduced once.
 *
 * Memory layout and the order of the constant tables are described in poseidon-bn254.ts.
 */
import { BN254_R } from "./field.ts";
import { FunctionBuilder, ModuleBuilder, Op } from "./wasm-emit.ts";

export const LIMBS = 9;
export const LIMB_BITS = 29;
/** Bytes per field element in WebAssembly memory. */
export const ELEMENT_BYTES = 4 * LIMBS;
const MASK = (1n << BigInt(LIMB_BITS)) - 1n;

const P_LIMBS = Array.from({ length: LIMBS }, (_, k) => (BN254_R >> BigInt(LIMB_BITS * k)) & MASK);
/** -p⁻¹ mod 2^29. */
const MU = (() => {
  let inv = 1n; // Newton iteration for p⁻¹ mod 2^29
  for (let i = 0; i < 6; i++) inv = (inv * (2n - BN254_R * inv)) & MASK;
  return -inv & MASK;
})();

const SHIFT_FRIENDLY = MU === (1n << 28n) - 1n && P_LIMBS[0] === (1n << 28n) + 1n;

type Locals = number[];
/** Where a result goes: i64 locals, or the element at the address held in i32 local `ptr`. */
type Sink = Locals | { ptr: number };

/** Loads the 9 limbs at address `ptr` (an i32 local) into i64 locals. */
function loadElement(f: FunctionBuilder, ptr: number, into: Locals, offset = 0): void {
  for (let k = 0; k < LIMBS; k++)
    f.get(ptr)
      .load32u(offset + 4 * k)
      .set(into[k]!);
}

/**
 * Montgomery reduction interleaved with column sums: `column(i)` must leave the (i)-th column's
 * contribution on the stack, or return false when the column is empty. Result limbs go to `out`.
 */
function emitReduce(
  f: FunctionBuilder,
  acc: number,
  m: Locals,
  out: Sink,
  column: (i: number) => boolean,
  topExtra?: () => void,
): void {
  // Writing result limbs straight to memory keeps fewer values live (x64 has 16 registers).
  const emitLimb = (k: number, value: () => void) => {
    if (Array.isArray(out)) {
      value();
      f.set(out[k]!);
    } else {
      f.get(out.ptr);
      value();
      f.store32(4 * k);
    }
  };
  for (let i = 0; i < 2 * LIMBS - 1; i++) {
    f.get(acc);
    if (column(i)) f.op(Op.i64_add);
    for (let j = Math.max(0, i - LIMBS + 1); j <= Math.min(i, LIMBS - 1); j++) {
      if (j === i) continue; // m_i is not known yet
      if (P_LIMBS[i - j] === 0n) continue;
      f.get(m[j]!)
        .i64(P_LIMBS[i - j]!)
        .op(Op.i64_mul, Op.i64_add);
    }
    if (i < LIMBS) {
      f.set(acc);
      if (SHIFT_FRIENDLY) {
        // BN254's r ≡ 2^28 + 1 (mod 2^29), so μ = 2^28 − 1 and p₀ = 2^28 + 1: shifts instead of multiplies.
        f.get(acc).i64(28n).op(Op.i64_shl).get(acc).op(Op.i64_sub).i64(MASK).op(Op.i64_and).set(m[i]!);
        f.get(acc).get(m[i]!).i64(28n).op(Op.i64_shl, Op.i64_add).get(m[i]!).op(Op.i64_add);
      } else {
        f.get(acc).i64(MASK).op(Op.i64_and).i64(MU).op(Op.i64_mul).i64(MASK).op(Op.i64_and).set(m[i]!);
        f.get(acc).get(m[i]!).i64(P_LIMBS[0]!).op(Op.i64_mul, Op.i64_add);
      }
      f.i64(BigInt(LIMB_BITS)).op(Op.i64_shr_u).set(acc);
    } else {
      f.set(acc);
      emitLimb(i - LIMBS, () => f.get(acc).i64(MASK).op(Op.i64_and));
      f.get(acc).i64(BigInt(LIMB_BITS)).op(Op.i64_shr_u).set(acc);
    }
  }
  // Column 17 is empty; what is left in acc is the top limb (< 2^29 by the range argument above).
  emitLimb(LIMBS - 1, () => {
    f.get(acc);
    if (topExtra) {
      topExtra();
      f.op(Op.i64_add);
    }
  });
}

/** Pushes Σ_{j+k=i} a_j·b_k; returns false if the column has no terms. */
function productColumn(f: FunctionBuilder, a: Locals, b: Locals, i: number): boolean {
  let n = 0;
  for (let j = Math.max(0, i - LIMBS + 1); j <= Math.min(i, LIMBS - 1); j++) {
    f.get(a[j]!)
      .get(b[i - j]!)
      .op(Op.i64_mul);
    if (n++ > 0) f.op(Op.i64_add);
  }
  return n > 0;
}

function squareColumn(f: FunctionBuilder, a: Locals, i: number): boolean {
  let n = 0;
  for (let j = Math.max(0, i - LIMBS + 1); 2 * j < i; j++) {
    f.get(a[j]!)
      .get(a[i - j]!)
      .op(Op.i64_mul);
    if (n++ > 0) f.op(Op.i64_add);
  }
  if (n > 0) f.i64(1n).op(Op.i64_shl);
  if (i % 2 === 0) {
    const h = i / 2;
    f.get(a[h]!).get(a[h]!).op(Op.i64_mul);
    if (n > 0) f.op(Op.i64_add);
    n++;
  }
  return n > 0;
}

function emitMul(f: FunctionBuilder, acc: number, m: Locals, out: Sink, a: Locals, b: Locals): void {
  f.i64(0n).set(acc);
  emitReduce(f, acc, m, out, (i) => productColumn(f, a, b, i));
}

function emitSquare(f: FunctionBuilder, acc: number, m: Locals, out: Locals, a: Locals): void {
  f.i64(0n).set(acc);
  emitReduce(f, acc, m, out, (i) => squareColumn(f, a, i));
}

/** Carry-normalises limbs in place (each < 2^29 afterwards except the last). */
function emitNormalize(f: FunctionBuilder, limbs: Locals): void {
  for (let k = 0; k + 1 < limbs.length; k++) {
    f.get(limbs[k + 1]!)
      .get(limbs[k]!)
      .i64(BigInt(LIMB_BITS))
      .op(Op.i64_shr_u, Op.i64_add)
      .set(limbs[k + 1]!);
    f.get(limbs[k]!).i64(MASK).op(Op.i64_and).set(limbs[k]!);
  }
}

/** The exported functions' names, in module order. */
export interface PoseidonWasmExports {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  /** out ← a·b/R (loose range). */
  mul(out: number, a: number, b: number): void;
  /**
   * For `count` consecutive states of t elements at `states`: into Montgomery form (× R² at r2Ptr),
   * permute, and out of Montgomery form (values ≤ p).
   */
  hashStates(
    states: number,
    count: number,
    t: number,
    rp: number,
    cFirst: number,
    mM: number,
    mP: number,
    cPartial: number,
    sparse: number,
    cLast: number,
    tmp: number,
    r2Ptr: number,
    onePtr: number,
  ): void;
}

export function buildPoseidonWasm(): Uint8Array {
  const mod = new ModuleBuilder();
  const E = ELEMENT_BYTES;

  // 0: mul(out, a, b)
  const mul = new FunctionBuilder(["i32", "i32", "i32"]);
  {
    const f = mul;
    const a = f.locals64(LIMBS);
    const b = f.locals64(LIMBS);
    const m = f.locals64(LIMBS);
    const acc = f.local("i64");
    loadElement(f, 1, a);
    loadElement(f, 2, b);
    emitMul(f, acc, m, { ptr: 0 }, a, b);
  }
  const MUL = mod.add(mul, "mul");

  // 1: pow5ark(x, c): x ← (x + c)^5
  const pow5ark = new FunctionBuilder(["i32", "i32"]);
  {
    const f = pow5ark;
    const x = f.locals64(LIMBS);
    const c = f.locals64(LIMBS);
    const x2 = f.locals64(LIMBS);
    const x4 = f.locals64(LIMBS);
    const m = f.locals64(LIMBS);
    const acc = f.local("i64");
    loadElement(f, 0, x);
    loadElement(f, 1, c);
    for (let k = 0; k < LIMBS; k++) f.get(x[k]!).get(c[k]!).op(Op.i64_add).set(x[k]!);
    emitNormalize(f, x);
    emitSquare(f, acc, m, x2, x);
    emitSquare(f, acc, m, x4, x2);
    emitMul(f, acc, m, { ptr: 0 }, x4, x);
  }
  const POW5ARK = mod.add(pow5ark);

  // 2: dot(out, coef, vec, n): out ← Σ coef_j·vec_j / R, reduced once.
  const dot = new FunctionBuilder(["i32", "i32", "i32", "i32"]);
  {
    const f = dot;
    const [out, coef, vec, n] = [0, 1, 2, 3];
    const T = f.locals64(2 * LIMBS);
    const a = f.locals64(LIMBS);
    const b = f.locals64(LIMBS);
    const m = f.locals64(LIMBS);
    const acc = f.local("i64");
    const j = f.local("i32");
    const pending = f.local("i32");
    for (const l of T) f.i64(0n).set(l);
    f.i32(0).set(pending);
    f.forRange(j, 0, n, () => {
      loadElement(f, coef, a);
      loadElement(f, vec, b);
      for (let i = 0; i < 2 * LIMBS - 1; i++) {
        f.get(T[i]!);
        productColumn(f, a, b, i);
        f.op(Op.i64_add).set(T[i]!);
      }
      f.get(coef).i32(E).op(Op.i32_add).set(coef);
      f.get(vec).i32(E).op(Op.i32_add).set(vec);
      f.get(pending).i32(1).op(Op.i32_add).tee(pending).i32(3).op(Op.i32_eq).if();
      emitNormalize(f, T);
      f.i32(0).set(pending);
      f.end();
    });
    emitNormalize(f, T);
    f.i64(0n).set(acc);
    // T[17], the top column, lands in the top limb of the result.
    emitReduce(
      f,
      acc,
      m,
      { ptr: out },
      (i) => {
        f.get(T[i]!);
        return true;
      },
      () => f.get(T[2 * LIMBS - 1]!),
    );
  }
  const DOT = mod.add(dot);

  // 3: muladd(s, v, x): s ← v·x/R + s
  const muladd = new FunctionBuilder(["i32", "i32", "i32"]);
  {
    const f = muladd;
    const v = f.locals64(LIMBS);
    const x = f.locals64(LIMBS);
    const m = f.locals64(LIMBS);
    const acc = f.local("i64");
    loadElement(f, 1, v);
    loadElement(f, 2, x);
    f.i64(0n).set(acc);
    // Limb k of s (weight 2^(29(k+9)) once multiplied by R) joins column k+9, which is also where result
    // limb k is written: each limb of s is read from memory just before it is overwritten.
    emitReduce(
      f,
      acc,
      m,
      { ptr: 0 },
      (i) => {
        const had = productColumn(f, v, x, i);
        if (i >= LIMBS) {
          f.get(0).load32u(4 * (i - LIMBS));
          if (had) f.op(Op.i64_add);
          return true;
        }
        return had;
      },
      () => f.get(0).load32u(4 * (LIMBS - 1)),
    );
  }
  const MULADD = mod.add(muladd);

  // 4: permute(st, t, rp, cFirst, mM, mP, cPartial, sparse, cLast, tmp)
  const permute = new FunctionBuilder(["i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32"]);
  {
    const f = permute;
    const [st, t, rp, cFirst, mM, mP, cPartial, sparse, cLast, tmp] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const r = f.local("i32");
    const i = f.local("i32");
    const c = f.local("i32");
    const mat = f.local("i32");
    const rowBytes = f.local("i32");
    const words = f.local("i32");
    const four = f.local("i32");
    const row = f.local("i32");
    f.get(t).i32(E).op(Op.i32_mul).set(rowBytes);
    f.get(t).i32(LIMBS).op(Op.i32_mul).set(words);
    f.i32(4).set(four);

    const elem = (base: number, index: number) => f.get(base).get(index).i32(E).op(Op.i32_mul).op(Op.i32_add);
    const copyTmpToState = (count: number) => {
      // count: local holding the number of u32 words to copy
      f.forRange(i, 0, count, () => {
        f.get(st).get(i).i32(4).op(Op.i32_mul).op(Op.i32_add);
        f.get(tmp).get(i).i32(4).op(Op.i32_mul).op(Op.i32_add).load32(0);
        f.store32i(0);
      });
    };
    const fullRound = (isFirstHalf: boolean) => {
      f.forRange(i, 0, t, () => {
        elem(st, i);
        f.get(c).call(POW5ARK);
        f.get(c).i32(E).op(Op.i32_add).set(c);
      });
      if (isFirstHalf) {
        f.get(mM).set(mat);
        f.get(r).i32(3).op(Op.i32_eq).if().get(mP).set(mat).end();
      } else {
        f.get(mM).set(mat);
      }
      f.forRange(i, 0, t, () => {
        elem(tmp, i);
        f.get(mat).get(i).get(rowBytes).op(Op.i32_mul).op(Op.i32_add);
        f.get(st).get(t).call(DOT);
      });
      copyTmpToState(words);
    };

    f.get(cFirst).set(c);
    f.forRange(r, 0, four, () => fullRound(true));

    // Partial rounds: row points at the 2t-1 sparse values of round r.
    f.get(sparse).set(row);
    const nine = f.local("i32");
    f.i32(LIMBS).set(nine);
    f.forRange(r, 0, rp, () => {
      f.get(st);
      elem(cPartial, r);
      f.call(POW5ARK);
      f.get(tmp).get(row).get(st).get(t).call(DOT);
      f.forRange(i, 1, t, () => {
        elem(st, i);
        f.get(row).get(t).get(i).op(Op.i32_add).i32(1).op(Op.i32_sub).i32(E).op(Op.i32_mul).op(Op.i32_add);
        f.get(st).call(MULADD);
      });
      copyTmpToState(nine);
      f.get(row).get(rowBytes).i32(2).op(Op.i32_mul).op(Op.i32_add).i32(E).op(Op.i32_sub).set(row);
    });

    f.get(cLast).set(c);
    f.forRange(r, 0, four, () => fullRound(false));
  }
  const PERMUTE = mod.add(permute);

  // 5: hashStates(states, count, t, rp, cFirst, mM, mP, cPartial, sparse, cLast, tmp, r2, one)
  const hash = new FunctionBuilder([
    "i32",
    "i32",
    "i32",
    "i32",
    "i32",
    "i32",
    "i32",
    "i32",
    "i32",
    "i32",
    "i32",
    "i32",
    "i32",
  ]);
  {
    const f = hash;
    const [states, count, t, rp, cFirst, mM, mP, cPartial, sparse, cLast, tmp, r2, one] = [
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
    ];
    const s = f.local("i32");
    const i = f.local("i32");
    const ptr = f.local("i32");
    f.forRange(s, 0, count, () => {
      f.forRange(i, 0, t, () => {
        f.get(states).get(i).i32(E).op(Op.i32_mul).op(Op.i32_add).tee(ptr);
        f.get(ptr).get(r2).call(MUL);
      });
      for (const l of [states, t, rp, cFirst, mM, mP, cPartial, sparse, cLast, tmp]) f.get(l);
      f.call(PERMUTE);
      f.forRange(i, 0, t, () => {
        f.get(states).get(i).i32(E).op(Op.i32_mul).op(Op.i32_add).tee(ptr);
        f.get(ptr).get(one).call(MUL);
      });
      f.get(states).get(t).i32(E).op(Op.i32_mul).op(Op.i32_add).set(states);
    });
  }
  mod.add(hash, "hashStates");
  void MUL;
  return mod.encode(1);
}

/** Montgomery-form limbs of a canonical value: (x·R mod p) split into 29-bit limbs. */
export function toMontgomeryLimbs(x: bigint, out: Uint32Array, at: number): void {
  let v = (x << BigInt(LIMBS * LIMB_BITS)) % BN254_R;
  for (let k = 0; k < LIMBS; k++) {
    out[at + k] = Number(v & MASK);
    v >>= BigInt(LIMB_BITS);
  }
}

/** R² mod p, for converting into Montgomery form inside WebAssembly. */
export const R2_MOD_P = (1n << BigInt(2 * LIMBS * LIMB_BITS)) % BN254_R;
