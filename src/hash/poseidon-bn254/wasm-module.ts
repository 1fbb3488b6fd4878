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
 * cells 1..t-1, which gain < 1.2p at each update in the partial rounds without being reduced: < 72p after
 * at most 68 updates, p ≈ 2^253.6, while 2^261 ≈ 169p).
 * Only the final conversion out of Montgomery form produces canonical values (≤ p; the caller maps p → 0).
 *
 * Dot products (the MDS rows, the partial rounds' cell 0 and cell updates) use lazy reduction: the 18
 * column sums of all products are accumulated first (carried every 3 terms so no column exceeds 2^63)
 * and reduced once.
 *
 * Memory layout and the order of the constant tables are described in engine.ts.
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
    zero: number,
    group: number,
    work: number,
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

  // 2: dot(out, coef, vec, n, addend): out ← Σ coef_j·vec_j / R + addend, reduced once (addend may be out).
  const dot = new FunctionBuilder(["i32", "i32", "i32", "i32", "i32"]);
  {
    const f = dot;
    const [out, coef, vec, n, addend] = [0, 1, 2, 3, 4];
    const T = f.locals64(2 * LIMBS);
    const a = f.locals64(LIMBS);
    const b = f.locals64(LIMBS);
    const m = f.locals64(LIMBS);
    const acc = f.local("i64");
    const j = f.local("i32");
    const pending = f.local("i32");
    // addend·R: its limbs start columns 9..17.
    for (let i = 0; i < LIMBS; i++) f.i64(0n).set(T[i]!);
    for (let k = 0; k < LIMBS; k++)
      f.get(addend)
        .load32u(4 * k)
        .set(T[LIMBS + k]!);
    f.i32(0).set(pending);
    f.forRange(j, 0, n, () => {
      // Columns hold at most 3 terms' products (< 27·2^58 + 2^30) before they are carried.
      f.get(pending).i32(3).op(Op.i32_eq).if();
      emitNormalize(f, T);
      f.i32(0).set(pending);
      f.end();
      loadElement(f, coef, a);
      loadElement(f, vec, b);
      for (let i = 0; i < 2 * LIMBS - 1; i++) {
        f.get(T[i]!);
        productColumn(f, a, b, i);
        f.op(Op.i64_add).set(T[i]!);
      }
      f.get(coef).i32(E).op(Op.i32_add).set(coef);
      f.get(vec).i32(E).op(Op.i32_add).set(vec);
      f.get(pending).i32(1).op(Op.i32_add).set(pending);
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

  // 3: permute(st, t, rp, cFirst, mM, mP, cPartial, sparse, cLast, tmp, zero, group)
  // st must have room for t + group elements (the partial rounds keep a history of x0 values after the state).
  const permute = new FunctionBuilder([
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
    const f = permute;
    const [st, t, rp, cFirst, mM, mP, cPartial, sparse, cLast, tmp, zero, group] = [
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
    ];
    const r = f.local("i32");
    const i = f.local("i32");
    const c = f.local("i32");
    const mat = f.local("i32");
    const rowBytes = f.local("i32");
    const four = f.local("i32");
    const row = f.local("i32");
    const cur = f.local("i32");
    const other = f.local("i32");
    const swap = f.local("i32");
    const g = f.local("i32");
    const hist = f.local("i32");
    const terms = f.local("i32");
    f.get(t).i32(E).op(Op.i32_mul).set(rowBytes);
    f.i32(4).set(four);
    f.get(st).set(cur);
    f.get(tmp).set(other);
    f.get(st).get(rowBytes).op(Op.i32_add).set(hist);

    const elem = (base: number, index: number) => f.get(base).get(index).i32(E).op(Op.i32_mul).op(Op.i32_add);
    // Full rounds read `cur` and write the matrix product to `other`, then swap: 4 rounds (even) bring the
    // state back to `st` without copies.
    const fullRound = (isFirstHalf: boolean) => {
      f.forRange(i, 0, t, () => {
        elem(cur, i);
        f.get(c).call(POW5ARK);
        f.get(c).i32(E).op(Op.i32_add).set(c);
      });
      f.get(mM).set(mat);
      if (isFirstHalf) f.get(r).i32(3).op(Op.i32_eq).if().get(mP).set(mat).end();
      f.forRange(i, 0, t, () => {
        elem(other, i);
        f.get(mat).get(i).get(rowBytes).op(Op.i32_mul).op(Op.i32_add);
        f.get(cur).get(t).get(zero).call(DOT);
      });
      f.get(cur).set(swap);
      f.get(other).set(cur);
      f.get(swap).set(other);
    };

    f.get(cFirst).set(c);
    f.forRange(r, 0, four, () => fullRound(true));

    // Partial rounds in groups of g (see engine.ts for the table): within a group cells 1..t-1 keep their
    // value from the group's start, each round's cell 0 is a dot product over [x0, cells, earlier x0s of the
    // group], and at the end of the group every cell j absorbs Σ v_j·x0 in one reduction.
    f.get(sparse).set(row);
    f.i32(0).set(r);
    f.block().loop();
    f.get(r).get(rp).op(Op.i32_ge_u).brIf(1);
    f.get(group).set(g);
    f.get(rp).get(r).op(Op.i32_sub).get(group).op(Op.i32_lt_u).if();
    f.get(rp).get(r).op(Op.i32_sub).set(g);
    f.end();
    f.forRange(i, 0, g, () => {
      f.get(st);
      f.get(cPartial).get(r).get(i).op(Op.i32_add).i32(E).op(Op.i32_mul).op(Op.i32_add);
      f.call(POW5ARK);
      for (let k = 0; k < LIMBS; k++) {
        elem(hist, i);
        f.get(st)
          .load32(4 * k)
          .store32i(4 * k);
      }
      f.get(t).get(i).op(Op.i32_add).set(terms);
      f.get(st).get(row).get(st).get(terms).get(zero).call(DOT);
      f.get(row).get(terms).i32(E).op(Op.i32_mul).op(Op.i32_add).set(row);
    });
    f.forRange(i, 1, t, () => {
      elem(st, i);
      f.get(row).get(hist).get(g);
      elem(st, i);
      f.call(DOT);
      f.get(row).get(g).i32(E).op(Op.i32_mul).op(Op.i32_add).set(row);
    });
    f.get(r).get(g).op(Op.i32_add).set(r);
    f.br(0).end().end();

    f.get(cLast).set(c);
    f.forRange(r, 0, four, () => fullRound(false));
  }
  const PERMUTE = mod.add(permute);

  // 4: hashStates(states, count, t, rp, cFirst, mM, mP, cPartial, sparse, cLast, tmp, zero, group, work, r2, one)
  const hash = new FunctionBuilder(new Array(16).fill("i32"));
  {
    const f = hash;
    const [states, count, t, rp, cFirst, mM, mP, cPartial, sparse, cLast, tmp, zero, group, work, r2, one] = [
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    ];
    const s = f.local("i32");
    const i = f.local("i32");
    const elem = (base: number) => f.get(base).get(i).i32(E).op(Op.i32_mul).op(Op.i32_add);
    f.forRange(s, 0, count, () => {
      f.forRange(i, 0, t, () => {
        elem(work);
        elem(states);
        f.get(r2).call(MUL);
      });
      for (const l of [work, t, rp, cFirst, mM, mP, cPartial, sparse, cLast, tmp, zero, group]) f.get(l);
      f.call(PERMUTE);
      f.forRange(i, 0, t, () => {
        elem(states);
        elem(work);
        f.get(one).call(MUL);
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
