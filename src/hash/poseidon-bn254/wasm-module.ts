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
 * The same code is generated twice: for one state with i64 locals, and for two states at once with v128
 * locals holding one limb of each state (WebAssembly SIMD: i64x2 accumulators, products of limb pairs by
 * i64x2.extmul_low_i32x4_u). The two-state variant keeps a pair's elements interleaved limb by limb
 * (8 bytes per limb: state A's u32 then state B's).
 *
 * Memory layout and the order of the constant tables are described in engine.ts.
 */

import { FunctionBuilder, ModuleBuilder, Op, Simd, type ValType } from "../../wasm/builder.ts";
import { BN254_R } from "./field.ts";

export const LIMBS = 9;
export const LIMB_BITS = 29;
/** Bytes per field element in WebAssembly memory (one state); a two-state element takes twice that. */
export const ELEMENT_BYTES = 4 * LIMBS;
const MASK = (1n << BigInt(LIMB_BITS)) - 1n;

const P_LIMBS = Array.from({ length: LIMBS }, (_, k) => (BN254_R >> BigInt(LIMB_BITS * k)) & MASK);
/** -p⁻¹ mod 2^29. */
const MU = (() => {
  let inv = 1n; // Newton iteration for p⁻¹ mod 2^29
  for (let i = 0; i < 6; i++) inv = (inv * (2n - BN254_R * inv)) & MASK;
  return -inv & MASK;
})();
// BN254's r ≡ 2^28 + 1 (mod 2^29), so μ = 2^28 − 1 and p₀ = 2^28 + 1: the quotient digit and m·p₀ are
// shifts and additions. The generator relies on it.
if (MU !== (1n << 28n) - 1n || P_LIMBS[0] !== (1n << 28n) + 1n) throw new Error("unexpected modulus shape");

type Locals = number[];
/** Where a result goes: locals, or the element at the address held in i32 local `ptr`. */
type Sink = Locals | { ptr: number };

/**
 * The instructions one arithmetic step needs, for one state (i64) or two states (v128). Values come in two
 * forms: "wide" accumulators (i64 / i64x2) and "packed" multiplication operands (i64 holding < 2^32 /
 * i32x4 whose lanes 0 and 1 hold the two states' limbs). For one state both forms are the same i64.
 */
interface Isa {
  readonly type: ValType;
  /** Bytes per state-layout element. */
  readonly elementBytes: number;
  zero(f: FunctionBuilder): void;
  add(f: FunctionBuilder): void;
  sub(f: FunctionBuilder): void;
  /** packed × packed → wide. */
  mul(f: FunctionBuilder): void;
  mask(f: FunctionBuilder): void;
  shl(f: FunctionBuilder, n: number): void;
  shrU(f: FunctionBuilder, n: number): void;
  /** A packed constant (the same in every state). */
  constant(f: FunctionBuilder, v: bigint): void;
  toPacked(f: FunctionBuilder): void;
  toWide(f: FunctionBuilder): void;
  /** Packed load of limb k of a state-layout element at the address in local `ptr`. */
  loadState(f: FunctionBuilder, ptr: number, k: number): void;
  /** Packed load of limb k of a constant (one-state layout, shared by all states). */
  loadConst(f: FunctionBuilder, ptr: number, k: number): void;
  /** Stores a packed limb k (stack: address, value). */
  storeState(f: FunctionBuilder, k: number): void;
}

const SCALAR: Isa = {
  type: "i64",
  elementBytes: ELEMENT_BYTES,
  zero: (f) => f.i64(0n),
  add: (f) => f.op(Op.i64_add),
  sub: (f) => f.op(Op.i64_sub),
  mul: (f) => f.op(Op.i64_mul),
  mask: (f) => f.i64(MASK).op(Op.i64_and),
  shl: (f, n) => f.i64(BigInt(n)).op(Op.i64_shl),
  shrU: (f, n) => f.i64(BigInt(n)).op(Op.i64_shr_u),
  constant: (f, v) => f.i64(v),
  toPacked: () => {},
  toWide: () => {},
  loadState: (f, ptr, k) => f.get(ptr).load32u(4 * k),
  loadConst: (f, ptr, k) => f.get(ptr).load32u(4 * k),
  storeState: (f, k) => f.store32(4 * k),
};

const PACK_LANES = [0, 1, 2, 3, 8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11]; // one operand: a single pshufd
const TWO_STATES: Isa = {
  type: "v128",
  elementBytes: 2 * ELEMENT_BYTES,
  zero: (f) => f.v128(0n, 0n),
  add: (f) => f.simd(Simd.i64x2_add),
  sub: (f) => f.simd(Simd.i64x2_sub),
  mul: (f) => f.simd(Simd.i64x2_extmul_low_i32x4_u),
  mask: (f) => f.v128(MASK, MASK).simd(Simd.and),
  shl: (f, n) => f.i32(n).simd(Simd.i64x2_shl),
  shrU: (f, n) => f.i32(n).simd(Simd.i64x2_shr_u),
  constant: (f, v) => f.v128(v | (v << 32n), v | (v << 32n)),
  toPacked: (f) => f.v128(0n, 0n).shuffle(PACK_LANES),
  toWide: (f) => f.simd(Simd.i64x2_extend_low_i32x4_u),
  loadState: (f, ptr, k) => f.get(ptr).simdMem(Simd.load64_zero, 3, 8 * k),
  loadConst: (f, ptr, k) => f.get(ptr).simdMem(Simd.load32_splat, 2, 4 * k),
  storeState: (f, k) => f.store64Lane0(8 * k),
};

/**
 * Montgomery reduction interleaved with column sums: `column(i)` must leave the i-th column's (wide)
 * contribution on the stack, or return false when the column is empty. `m` are packed locals, `mw` a wide
 * scratch local. Result limbs (packed) go to `out`; `topExtra` pushes a wide value for the top limb.
 */
function emitReduce(
  isa: Isa,
  f: FunctionBuilder,
  acc: number,
  m: Locals,
  mw: number,
  out: Sink,
  column: (i: number) => boolean,
  topExtra?: () => void,
): void {
  // Writing result limbs straight to memory keeps fewer values live (x64 has 16 registers).
  const emitLimb = (k: number, value: () => void) => {
    if (Array.isArray(out)) {
      value();
      isa.toPacked(f);
      f.set(out[k]!);
    } else {
      f.get(out.ptr);
      value();
      isa.toPacked(f);
      isa.storeState(f, k);
    }
  };
  for (let i = 0; i < 2 * LIMBS - 1; i++) {
    f.get(acc);
    if (column(i)) isa.add(f);
    for (let j = Math.max(0, i - LIMBS + 1); j <= Math.min(i, LIMBS - 1); j++) {
      if (j === i) continue; // m_i is not known yet
      f.get(m[j]!);
      isa.constant(f, P_LIMBS[i - j]!);
      isa.mul(f);
      isa.add(f);
    }
    f.set(acc);
    if (i < LIMBS) {
      // m_i = acc·μ mod 2^29 = (acc·2^28 − acc) mod 2^29; acc += m_i·p₀ = (m_i << 28) + m_i; acc >>= 29.
      f.get(acc);
      isa.shl(f, 28);
      f.get(acc);
      isa.sub(f);
      isa.mask(f);
      f.tee(mw);
      isa.toPacked(f);
      f.set(m[i]!);
      f.get(acc).get(mw);
      isa.shl(f, 28);
      isa.add(f);
      f.get(mw);
      isa.add(f);
      isa.shrU(f, LIMB_BITS);
      f.set(acc);
    } else {
      emitLimb(i - LIMBS, () => {
        f.get(acc);
        isa.mask(f);
      });
      f.get(acc);
      isa.shrU(f, LIMB_BITS);
      f.set(acc);
    }
  }
  // Column 17 is empty; what is left in acc is the top limb (< 2^29 by the range argument above).
  emitLimb(LIMBS - 1, () => {
    f.get(acc);
    if (topExtra) {
      topExtra();
      isa.add(f);
    }
  });
}

/** Pushes Σ_{j+k=i} a_j·b_k (wide); returns false if the column has no terms. */
function productColumn(isa: Isa, f: FunctionBuilder, a: Locals, b: Locals, i: number): boolean {
  let n = 0;
  for (let j = Math.max(0, i - LIMBS + 1); j <= Math.min(i, LIMBS - 1); j++) {
    f.get(a[j]!).get(b[i - j]!);
    isa.mul(f);
    if (n++ > 0) isa.add(f);
  }
  return n > 0;
}

function squareColumn(isa: Isa, f: FunctionBuilder, a: Locals, i: number): boolean {
  let n = 0;
  for (let j = Math.max(0, i - LIMBS + 1); 2 * j < i; j++) {
    f.get(a[j]!).get(a[i - j]!);
    isa.mul(f);
    if (n++ > 0) isa.add(f);
  }
  if (n > 0) isa.shl(f, 1);
  if (i % 2 === 0) {
    const h = i / 2;
    f.get(a[h]!).get(a[h]!);
    isa.mul(f);
    if (n > 0) isa.add(f);
    n++;
  }
  return n > 0;
}

/** Carry-normalises wide limbs in place (each < 2^29 afterwards except the last). */
function emitNormalize(isa: Isa, f: FunctionBuilder, limbs: Locals): void {
  for (let k = 0; k + 1 < limbs.length; k++) {
    f.get(limbs[k + 1]!).get(limbs[k]!);
    isa.shrU(f, LIMB_BITS);
    isa.add(f);
    f.set(limbs[k + 1]!);
    f.get(limbs[k]!);
    isa.mask(f);
    f.set(limbs[k]!);
  }
}

/** The exported functions. */
export interface PoseidonWasmExports {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  /** out ← a·b/R (loose range), one state; a, b, out in one-state layout. */
  mul(out: number, a: number, b: number): void;
  /** Two states: out, a in two-state layout, b a shared constant (absent from the non-SIMD build). */
  mul2?(out: number, a: number, b: number): void;
  /**
   * For `count` consecutive states of t elements at `states`: into Montgomery form (× R² at r2Ptr),
   * permute, and out of Montgomery form (values ≤ p). `hashStates2` does the same for `count` pairs of
   * states in two-state layout (its tmp, zero and work areas are in two-state layout too).
   */
  hashStates: HashStates;
  hashStates2?: HashStates;
}

type HashStates = (
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
) => void;

/** Adds mul, pow5ark, dot, permute and hashStates for one instruction set, exported with `suffix`. */
function addFunctions(mod: ModuleBuilder, isa: Isa, suffix: string): void {
  const S = isa.elementBytes;
  const E = ELEMENT_BYTES;
  const T = isa.type;

  // mul(out, a, b): out ← a·b/R; a and out in state layout, b a constant.
  const mul = new FunctionBuilder(["i32", "i32", "i32"]);
  {
    const f = mul;
    const a = f.localsOf(T, LIMBS);
    const b = f.localsOf(T, LIMBS);
    const m = f.localsOf(T, LIMBS);
    const acc = f.local(T);
    const mw = f.local(T);
    for (let k = 0; k < LIMBS; k++) {
      isa.loadState(f, 1, k);
      f.set(a[k]!);
      isa.loadConst(f, 2, k);
      f.set(b[k]!);
    }
    isa.zero(f);
    f.set(acc);
    emitReduce(isa, f, acc, m, mw, { ptr: 0 }, (i) => productColumn(isa, f, a, b, i));
  }
  const MUL = mod.add(mul, `mul${suffix}`);

  // pow5ark(x, c): x ← (x + c)^5; x in state layout, c a constant.
  const pow5ark = new FunctionBuilder(["i32", "i32"]);
  {
    const f = pow5ark;
    const xw = f.localsOf(T, LIMBS);
    const x = f.localsOf(T, LIMBS);
    const x2 = f.localsOf(T, LIMBS);
    const x4 = f.localsOf(T, LIMBS);
    const m = f.localsOf(T, LIMBS);
    const acc = f.local(T);
    const mw = f.local(T);
    for (let k = 0; k < LIMBS; k++) {
      isa.loadState(f, 0, k);
      isa.toWide(f);
      isa.loadConst(f, 1, k);
      isa.toWide(f);
      isa.add(f);
      f.set(xw[k]!);
    }
    emitNormalize(isa, f, xw);
    for (let k = 0; k < LIMBS; k++) {
      f.get(xw[k]!);
      isa.toPacked(f);
      f.set(x[k]!);
    }
    isa.zero(f);
    f.set(acc);
    emitReduce(isa, f, acc, m, mw, x2, (i) => squareColumn(isa, f, x, i));
    isa.zero(f);
    f.set(acc);
    emitReduce(isa, f, acc, m, mw, x4, (i) => squareColumn(isa, f, x2, i));
    isa.zero(f);
    f.set(acc);
    emitReduce(isa, f, acc, m, mw, { ptr: 0 }, (i) => productColumn(isa, f, x4, x, i));
  }
  const POW5ARK = mod.add(pow5ark);

  // dot(out, coef, vec, n, addend): out ← Σ coef_j·vec_j / R + addend, reduced once (addend may be out).
  // coef: n constants; vec, addend, out: state layout.
  const dot = new FunctionBuilder(["i32", "i32", "i32", "i32", "i32"]);
  {
    const f = dot;
    const [out, coef, vec, n, addend] = [0, 1, 2, 3, 4];
    const cols = f.localsOf(T, 2 * LIMBS);
    const a = f.localsOf(T, LIMBS);
    const b = f.localsOf(T, LIMBS);
    const m = f.localsOf(T, LIMBS);
    const acc = f.local(T);
    const mw = f.local(T);
    const j = f.local("i32");
    const pending = f.local("i32");
    // addend·R: its limbs start columns 9..17.
    for (let i = 0; i < LIMBS; i++) {
      isa.zero(f);
      f.set(cols[i]!);
    }
    for (let k = 0; k < LIMBS; k++) {
      isa.loadState(f, addend, k);
      isa.toWide(f);
      f.set(cols[LIMBS + k]!);
    }
    f.i32(0).set(pending);
    f.forRange(j, 0, n, () => {
      // Columns hold at most 3 terms' products (< 27·2^58 + 2^30) before they are carried.
      f.get(pending).i32(3).op(Op.i32_eq).if();
      emitNormalize(isa, f, cols);
      f.i32(0).set(pending);
      f.end();
      for (let k = 0; k < LIMBS; k++) {
        isa.loadConst(f, coef, k);
        f.set(a[k]!);
        isa.loadState(f, vec, k);
        f.set(b[k]!);
      }
      for (let i = 0; i < 2 * LIMBS - 1; i++) {
        f.get(cols[i]!);
        productColumn(isa, f, a, b, i);
        isa.add(f);
        f.set(cols[i]!);
      }
      f.get(coef).i32(E).op(Op.i32_add).set(coef);
      f.get(vec).i32(S).op(Op.i32_add).set(vec);
      f.get(pending).i32(1).op(Op.i32_add).set(pending);
    });
    emitNormalize(isa, f, cols);
    isa.zero(f);
    f.set(acc);
    // cols[17], the top column, lands in the top limb of the result.
    emitReduce(
      isa,
      f,
      acc,
      m,
      mw,
      { ptr: out },
      (i) => {
        f.get(cols[i]!);
        return true;
      },
      () => f.get(cols[2 * LIMBS - 1]!),
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
    const stateBytes = f.local("i32");
    f.get(t).i32(E).op(Op.i32_mul).set(rowBytes);
    f.get(t).i32(S).op(Op.i32_mul).set(stateBytes);
    f.i32(4).set(four);
    f.get(st).set(cur);
    f.get(tmp).set(other);
    f.get(st).get(stateBytes).op(Op.i32_add).set(hist);

    const elem = (base: number, index: number) => f.get(base).get(index).i32(S).op(Op.i32_mul).op(Op.i32_add);
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
      for (let k = 0; k < S / 4; k++) {
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
    const elem = (base: number) => f.get(base).get(i).i32(S).op(Op.i32_mul).op(Op.i32_add);
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
      f.get(states).get(t).i32(S).op(Op.i32_mul).op(Op.i32_add).set(states);
    });
  }
  mod.add(hash, `hashStates${suffix}`);
}

/**
 * The module's bytes. With `simd: false` it leaves out the two-state functions, for engines without
 * WebAssembly SIMD (Safari before 16.4); everything else is the same.
 */
export function buildPoseidonWasm(options: { simd?: boolean } = {}): Uint8Array {
  const mod = new ModuleBuilder();
  addFunctions(mod, SCALAR, "");
  if (options.simd ?? true) addFunctions(mod, TWO_STATES, "2");
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
