import { FunctionBuilder, ModuleBuilder, Op, Simd } from "../wasm/builder.ts";
import { growMemory, instantiateKernel } from "../wasm/instance.ts";
import { mul, P } from "./babybear.ts";
import { type Ext, extInv } from "./extension.ts";

/**
 * BabyBear arithmetic over arrays as a generated WebAssembly kernel on 128-bit vectors (four elements an
 * instruction). Elements are in Montgomery form x̃ = x·2^32 mod p: the vector unit multiplies 32-bit lanes
 * into 64-bit products, and Montgomery reduction needs nothing wider, so a product costs a few vector
 * instructions where JavaScript estimates a quotient in floating point for each. Sums and differences are
 * the same in either form. A product with one operand in canonical form leaves Montgomery form:
 * mont(x̃, c) = x·c. Every function keeps its outputs canonical (below p) for canonical inputs.
 *
 * Arrays are given as byte offsets into the module's memory, lengths as counts of 4-element vectors; an
 * extension element array is four coordinate arrays {@link EXT_STRIDE_BYTES} apart. The module is generated
 * at load time (no binary is shipped) and is null where WebAssembly or its SIMD is unavailable.
 */

const p = BigInt(P);
const R = (1n << 32n) % p;

/** 2^32 mod p and its square: mont(x, R²) = x̃ enters Montgomery form. */
export const MONT_R = Number(R);
export const MONT_R2 = Number((R * R) % p);

/** 2^-32 mod p. */
const MONT_R_INV = Number(((p + 1n) / 2n) ** 32n % p);

/** x̃ = x·2^32 mod p for a canonical x. */
export const toMontgomery = (x: number): number => mul(x, MONT_R);
/** x for x̃ = x·2^32 mod p. */
export const fromMontgomery = (xm: number): number => mul(xm, MONT_R_INV);

/** Elements per coordinate array of an extension array: the kernel's chunk of points. */
export const EXT_CHUNK = 512;
/** Bytes between the coordinate arrays of an extension array. */
export const EXT_STRIDE_BYTES = 4 * EXT_CHUNK;

/** p⁻¹ mod 2^32, by Newton's iteration (each step doubles the correct low bits). */
const P_INV = (() => {
  let inv = 1n;
  for (let i = 0; i < 5; i++) inv = (inv * (2n - p * inv)) & 0xffffffffn;
  return inv;
})();
/** 11 (the extension's x⁴) in Montgomery form. */
const W_MONT = (11n * R) % p;

/** Emits vector code for one function: the constant vectors and the Montgomery product and sum. */
export class VectorCode {
  readonly f: FunctionBuilder;
  private readonly vp: number;
  private readonly vpInv: number;
  private readonly q: number;
  private readonly t: number;
  /** 11 in Montgomery form and scratch, for extension products (with `ext`). */
  private readonly w: number = -1;
  private readonly h: number = -1;

  /** `ext`: the function multiplies extension elements (sets up their constant first). */
  constructor(f: FunctionBuilder, ext = false) {
    this.f = f;
    [this.vp, this.vpInv, this.q, this.t] = f.localsOf("v128", 4) as [number, number, number, number];
    this.splat(p).set(this.vp);
    this.splat(P_INV).set(this.vpInv);
    if (ext) {
      [this.w, this.h] = f.localsOf("v128", 2) as [number, number];
      this.splat(W_MONT).set(this.w);
    }
  }

  /** Loads the four coordinates of an extension vector at `ptr` (coordinates `stride` bytes apart) into locals. */
  loadExt(ptr: number, into: readonly number[], stride = EXT_STRIDE_BYTES): void {
    for (let l = 0; l < 4; l++) {
      this.load(ptr, l * stride);
      this.f.set(into[l]!);
    }
  }

  /** Stores four coordinate locals as an extension vector at `ptr`. */
  storeExt(ptr: number, from: readonly number[], stride = EXT_STRIDE_BYTES): void {
    for (let l = 0; l < 4; l++)
      this.f
        .get(ptr)
        .get(from[l]!)
        .simdMem(Simd.store, 4, l * stride);
  }

  /** out[0..3] ← a·b in F_p[x]/(x⁴ − 11) (`out` may be `a` or `b`). */
  extProductInto(a: readonly number[], b: readonly number[], out: readonly number[]): void {
    this.extProduct(a, b);
    for (let l = 3; l >= 0; l--) this.f.set(out[l]!);
  }

  splat(c: bigint): FunctionBuilder {
    const w = c | (c << 32n);
    return this.f.v128(w, w);
  }

  /** Pushes u·v·2^-32 mod p (canonical) for canonical lanes in locals u, v. */
  mont(u: number, v: number): void {
    const { f } = this;
    f.get(u).get(v).simd(Simd.i32x4_mul).get(this.vpInv).simd(Simd.i32x4_mul).set(this.q);
    // q·p ≡ u·v (mod 2^32), so u·v − q·p = d·2^32 with d in (−p, p): d is each difference's high word.
    f.get(u).get(v).simd(Simd.i64x2_extmul_low_i32x4_u);
    f.get(this.q).get(this.vp).simd(Simd.i64x2_extmul_low_i32x4_u).simd(Simd.i64x2_sub);
    f.get(u).get(v).simd(Simd.i64x2_extmul_high_i32x4_u);
    f.get(this.q).get(this.vp).simd(Simd.i64x2_extmul_high_i32x4_u).simd(Simd.i64x2_sub);
    f.shuffle([4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31]);
    f.tee(this.t).get(this.t).get(this.vp).simd(Simd.i32x4_add).simd(Simd.i32x4_min_u); // d, or d + p
  }

  /** Replaces the two canonical vectors on top of the stack with their sum mod p. */
  add(): void {
    const { f } = this;
    f.simd(Simd.i32x4_add).tee(this.t).get(this.t).get(this.vp).simd(Simd.i32x4_sub).simd(Simd.i32x4_min_u);
  }

  /** Replaces the two canonical vectors on top of the stack (a, then b) with a − b mod p. */
  sub(): void {
    const { f } = this;
    f.simd(Simd.i32x4_sub).tee(this.t).get(this.t).get(this.vp).simd(Simd.i32x4_add).simd(Simd.i32x4_min_u);
  }

  load(ptr: number, offset = 0): void {
    this.f.get(ptr).simdMem(Simd.load, 4, offset);
  }

  /** `body` once per vector, n times; every pointer in `ptrs` advances 16 bytes a step. */
  loop(n: number, ptrs: readonly number[], body: () => void): void {
    const { f } = this;
    f.block().loop();
    f.get(n).op(Op.i32_eqz).brIf(1);
    body();
    for (const ptr of ptrs) f.get(ptr).i32(16).op(Op.i32_add).set(ptr);
    f.get(n).i32(1).op(Op.i32_sub).set(n);
    f.br(0).end().end();
  }

  /**
   * Pushes the four coordinates of a·b in F_p[x]/(x⁴ − 11), in order, for coordinates in locals a[0..3]
   * and b[0..3] (a VectorCode made with `ext`).
   */
  extProduct(a: readonly number[], b: readonly number[]): void {
    const { w, h } = this;
    if (w < 0) throw new RangeError("extProduct needs a VectorCode made with ext = true");
    const [a0, a1, a2, a3] = a as [number, number, number, number];
    const [b0, b1, b2, b3] = b as [number, number, number, number];
    const sum = (terms: readonly [number, number][]) => {
      terms.forEach(([u, v], i) => {
        this.mont(u, v);
        if (i > 0) this.add();
      });
    };
    const coordinate = (low: readonly [number, number][], high: readonly [number, number][]) => {
      if (high.length > 0) {
        sum(high);
        this.f.set(h);
        sum(low);
        this.mont(h, w);
        this.add();
      } else sum(low);
    };
    coordinate(
      [[a0, b0]],
      [
        [a1, b3],
        [a2, b2],
        [a3, b1],
      ],
    );
    coordinate(
      [
        [a0, b1],
        [a1, b0],
      ],
      [
        [a2, b3],
        [a3, b2],
      ],
    );
    coordinate(
      [
        [a0, b2],
        [a1, b1],
        [a2, b0],
      ],
      [[a3, b3]],
    );
    coordinate(
      [
        [a0, b3],
        [a1, b2],
        [a2, b1],
        [a3, b0],
      ],
      [],
    );
  }
}

/** o ← a ∘ b, elementwise, for `combine` on two loaded vectors. */
function binary(combine: (c: VectorCode, a: number, b: number) => void): FunctionBuilder {
  const f = new FunctionBuilder(["i32", "i32", "i32", "i32"]);
  const [o, a, b, n] = [0, 1, 2, 3];
  const c = new VectorCode(f);
  const [va, vb] = f.localsOf("v128", 2) as [number, number];
  c.loop(n, [o, a, b], () => {
    c.load(a);
    f.set(va);
    c.load(b);
    f.set(vb);
    f.get(o);
    combine(c, va, vb);
    f.simdMem(Simd.store, 4, 0);
  });
  return f;
}

/** mulConst(o, a, c, n): o ← mont(a, c) with the scalar c broadcast. */
function mulConst(): FunctionBuilder {
  const f = new FunctionBuilder(["i32", "i32", "i32", "i32"]);
  const [o, a, cc, n] = [0, 1, 2, 3];
  const c = new VectorCode(f);
  const [va, vc] = f.localsOf("v128", 2) as [number, number];
  f.get(cc).simd(Simd.i32x4_splat).set(vc);
  c.loop(n, [o, a], () => {
    c.load(a);
    f.set(va);
    f.get(o);
    c.mont(va, vc);
    f.simdMem(Simd.store, 4, 0);
  });
  return f;
}

/** maddConst(acc, v, c, n): acc ← acc + mont(v, c) with the scalar c broadcast. */
function maddConst(): FunctionBuilder {
  const f = new FunctionBuilder(["i32", "i32", "i32", "i32"]);
  const [acc, v, cc, n] = [0, 1, 2, 3];
  const c = new VectorCode(f);
  const [vv, vc] = f.localsOf("v128", 2) as [number, number];
  f.get(cc).simd(Simd.i32x4_splat).set(vc);
  c.loop(n, [acc, v], () => {
    c.load(v);
    f.set(vv);
    f.get(acc);
    c.load(acc);
    c.mont(vv, vc);
    c.add();
    f.simdMem(Simd.store, 4, 0);
  });
  return f;
}

/** neg(o, a, n): o ← −a. */
function neg(): FunctionBuilder {
  const f = new FunctionBuilder(["i32", "i32", "i32"]);
  const [o, a, n] = [0, 1, 2];
  const c = new VectorCode(f);
  c.loop(n, [o, a], () => {
    f.get(o);
    f.v128(0n, 0n);
    c.load(a);
    c.sub();
    f.simdMem(Simd.store, 4, 0);
  });
  return f;
}

/** mulExt(o, a, b, n): extension arrays, o ← a·b. */
function mulExt(): FunctionBuilder {
  const f = new FunctionBuilder(["i32", "i32", "i32", "i32"]);
  const [o, a, b, n] = [0, 1, 2, 3];
  const c = new VectorCode(f, true);
  const va = f.localsOf("v128", 4);
  const vb = f.localsOf("v128", 4);
  c.loop(n, [o, a, b], () => {
    c.loadExt(a, va);
    c.loadExt(b, vb);
    c.extProductInto(va, vb, va);
    c.storeExt(o, va);
  });
  return f;
}

/** maddExtConst(acc, v, c0, c1, c2, c3, n): extension arrays, acc ← acc + v·c for the constant c. */
function maddExtConst(): FunctionBuilder {
  const f = new FunctionBuilder(["i32", "i32", "i32", "i32", "i32", "i32", "i32"]);
  const [acc, v, n] = [0, 1, 6];
  const c = new VectorCode(f, true);
  const vv = f.localsOf("v128", 4);
  const vc = f.localsOf("v128", 4);
  for (let l = 0; l < 4; l++)
    f.get(2 + l)
      .simd(Simd.i32x4_splat)
      .set(vc[l]!);
  c.loop(n, [acc, v], () => {
    c.loadExt(v, vv);
    c.extProductInto(vv, vc, vv);
    for (let l = 0; l < 4; l++) {
      f.get(acc);
      c.load(acc, l * EXT_STRIDE_BYTES);
      f.get(vv[l]!);
      c.add();
      f.simdMem(Simd.store, 4, l * EXT_STRIDE_BYTES);
    }
  });
  return f;
}

/**
 * maddExtBase(acc, e, b, n) / msubExtBase: extension arrays acc, e and a base array b, acc ← acc ± e·b.
 */
function maddExtBase(subtract: boolean): FunctionBuilder {
  const f = new FunctionBuilder(["i32", "i32", "i32", "i32"]);
  const [acc, e, b, n] = [0, 1, 2, 3];
  const c = new VectorCode(f);
  const [ve, vb] = f.localsOf("v128", 2) as [number, number];
  c.loop(n, [acc, e, b], () => {
    c.load(b);
    f.set(vb);
    for (let l = 0; l < 4; l++) {
      c.load(e, l * EXT_STRIDE_BYTES);
      f.set(ve);
      f.get(acc);
      c.load(acc, l * EXT_STRIDE_BYTES);
      c.mont(ve, vb);
      if (subtract) c.sub();
      else c.add();
      f.simdMem(Simd.store, 4, l * EXT_STRIDE_BYTES);
    }
  });
  return f;
}

/**
 * The two passes of a batch inversion of extension arrays, run as four independent chains (lane k of
 * every vector: the elements whose index is k mod 4). `carry` points at four vectors, the chains' running
 * products by coordinate (64 bytes).
 *
 * prefixExt(prefix, x, carry, n): prefix[t] ← carry, then carry ← carry·x[t], for t = 0 … n − 1.
 * backExt(out, x, prefix, carry, n): out[t] ← carry·prefix[t], then carry ← carry·x[t], for t = n − 1 … 0;
 * with carry the inverse of the chains' products on entry, out[t] = x[t]⁻¹. `out` may be `prefix`.
 */
function prefixExt(): FunctionBuilder {
  const f = new FunctionBuilder(["i32", "i32", "i32", "i32"]);
  const [prefix, x, carry, n] = [0, 1, 2, 3];
  const c = new VectorCode(f, true);
  const acc = f.localsOf("v128", 4);
  const vx = f.localsOf("v128", 4);
  c.loadExt(carry, acc, 16);
  c.loop(n, [prefix, x], () => {
    c.storeExt(prefix, acc);
    c.loadExt(x, vx);
    c.extProductInto(acc, vx, acc);
  });
  c.storeExt(carry, acc, 16);
  return f;
}

function backExt(): FunctionBuilder {
  const f = new FunctionBuilder(["i32", "i32", "i32", "i32", "i32"]);
  const [out, x, prefix, carry, n] = [0, 1, 2, 3, 4];
  const c = new VectorCode(f, true);
  const acc = f.localsOf("v128", 4);
  const vx = f.localsOf("v128", 4);
  const vp = f.localsOf("v128", 4);
  c.loadExt(carry, acc, 16);
  // Walk from the last vector down: every pointer starts 16·(n − 1) bytes in.
  const last = f.local("i32");
  f.get(n).i32(1).op(Op.i32_sub).i32(4).op(Op.i32_shl).set(last);
  for (const ptr of [out, x, prefix]) f.get(ptr).get(last).op(Op.i32_add).set(ptr);
  f.block().loop();
  f.get(n).op(Op.i32_eqz).brIf(1);
  c.loadExt(prefix, vp);
  c.loadExt(x, vx);
  c.extProductInto(acc, vp, vp);
  c.storeExt(out, vp);
  c.extProductInto(acc, vx, acc);
  for (const ptr of [out, x, prefix]) f.get(ptr).i32(16).op(Op.i32_sub).set(ptr);
  f.get(n).i32(1).op(Op.i32_sub).set(n);
  f.br(0).end().end();
  c.storeExt(carry, acc, 16);
  return f;
}

/**
 * dotBase4(acc, f, w, n): for each coordinate l of the extension array w, acc[l] ← acc[l] + f·w_l elementwise
 * (four vectors at acc, 16 bytes apart: lane sums, reduced). `f` need not be 16-byte aligned.
 */
function dotBase4(): FunctionBuilder {
  const f = new FunctionBuilder(["i32", "i32", "i32", "i32"]);
  const [acc, fp, w, n] = [0, 1, 2, 3];
  const c = new VectorCode(f);
  const sums = f.localsOf("v128", 4);
  const [vf, vw] = f.localsOf("v128", 2) as [number, number];
  for (let l = 0; l < 4; l++)
    f.get(acc)
      .simdMem(Simd.load, 4, 16 * l)
      .set(sums[l]!);
  c.loop(n, [fp, w], () => {
    f.get(fp).simdMem(Simd.load, 0, 0).set(vf);
    for (let l = 0; l < 4; l++) {
      c.load(w, l * EXT_STRIDE_BYTES);
      f.set(vw);
      f.get(sums[l]!);
      c.mont(vf, vw);
      c.add();
      f.set(sums[l]!);
    }
  });
  for (let l = 0; l < 4; l++)
    f.get(acc)
      .get(sums[l]!)
      .simdMem(Simd.store, 4, 16 * l);
  return f;
}

/** The generated module's bytes (deterministic). */
export function montgomeryWasmBytes(): Uint8Array<ArrayBuffer> {
  const m = new ModuleBuilder();
  m.add(
    binary((c, a, b) => c.mont(a, b)),
    "mul",
  );
  m.add(
    binary((c, a, b) => {
      c.f.get(a).get(b);
      c.add();
    }),
    "add",
  );
  m.add(
    binary((c, a, b) => {
      c.f.get(a).get(b);
      c.sub();
    }),
    "sub",
  );
  m.add(neg(), "neg");
  m.add(mulConst(), "mulConst");
  m.add(maddConst(), "maddConst");
  m.add(mulExt(), "mulExt");
  m.add(maddExtConst(), "maddExtConst");
  m.add(maddExtBase(false), "maddExtBase");
  m.add(maddExtBase(true), "msubExtBase");
  m.add(prefixExt(), "prefixExt");
  m.add(backExt(), "backExt");
  m.add(dotBase4(), "dotBase4");
  return m.encode(1);
}

/**
 * The kernel's entry points: byte offsets into its memory, `n` counts of 4-element vectors. In-place
 * calls (o equal to an input) are allowed; other overlaps are not.
 */
export interface MontgomeryArrays {
  mul(o: number, a: number, b: number, n: number): void;
  add(o: number, a: number, b: number, n: number): void;
  sub(o: number, a: number, b: number, n: number): void;
  neg(o: number, a: number, n: number): void;
  /** o ← mont(a, c) for a scalar c (c = {@link MONT_R2} enters Montgomery form, c = 1 leaves it). */
  mulConst(o: number, a: number, c: number, n: number): void;
  /** acc ← acc + mont(v, c) for a scalar c. */
  maddConst(acc: number, v: number, c: number, n: number): void;
  /** Extension arrays (coordinates {@link EXT_STRIDE_BYTES} apart): o ← a·b. */
  mulExt(o: number, a: number, b: number, n: number): void;
  /** Extension arrays: acc ← acc + v·(c0, c1, c2, c3), the constant's coordinates in Montgomery form. */
  maddExtConst(acc: number, v: number, c0: number, c1: number, c2: number, c3: number, n: number): void;
  /** Extension arrays acc, e and a base array b: acc ← acc + e·b. */
  maddExtBase(acc: number, e: number, b: number, n: number): void;
  /** Extension arrays acc, e and a base array b: acc ← acc − e·b. */
  msubExtBase(acc: number, e: number, b: number, n: number): void;
  /**
   * First pass of a batch inversion in four chains (lane k: elements k mod 4): prefix[t] ← carry, then
   * carry ← carry·x[t]; `carry` is four vectors (the chains' products by coordinate, 64 bytes).
   */
  prefixExt(prefix: number, x: number, carry: number, n: number): void;
  /** Second pass, from the last vector down: out[t] ← carry·prefix[t], then carry ← carry·x[t]. */
  backExt(out: number, x: number, prefix: number, carry: number, n: number): void;
  /**
   * For the extension array w: acc[l] ← acc[l] + f·w_l lane by lane, for l = 0…3 (acc: four vectors, 64
   * bytes; f may be unaligned). With w in Montgomery form and f canonical, the sums are canonical.
   */
  dotBase4(acc: number, f: number, w: number, n: number): void;
  /** The memory as 32-bit words, grown to at least `bytes`; a new view after growth. */
  words(bytes: number): Uint32Array;
}

let cached: MontgomeryArrays | null | undefined;

/** The kernel, compiled on first use (once per thread); null where WebAssembly SIMD is unavailable. */
export function montgomeryArrays(): MontgomeryArrays | null {
  if (cached !== undefined) return cached;
  const kernel = instantiateKernel(montgomeryWasmBytes());
  if (!kernel) return (cached = null);
  const { exports: e, memory } = kernel;
  let view = new Uint32Array(memory.buffer);
  cached = {
    mul: e.mul!,
    add: e.add!,
    sub: e.sub!,
    neg: e.neg!,
    mulConst: e.mulConst!,
    maddConst: e.maddConst!,
    mulExt: e.mulExt!,
    maddExtConst: e.maddExtConst!,
    maddExtBase: e.maddExtBase!,
    msubExtBase: e.msubExtBase!,
    prefixExt: e.prefixExt!,
    backExt: e.backExt!,
    dotBase4: e.dotBase4!,
    words(bytes) {
      growMemory(memory, bytes);
      if (view.buffer !== memory.buffer) view = new Uint32Array(memory.buffer);
      return view;
    },
  };
  return cached;
}

/**
 * Inverts extension arrays in the kernel's memory together (Montgomery's trick in four chains, lane k holding
 * the elements whose index is k mod 4): for each [x, inverse] pair of byte offsets, inverse ← 1/x on the first
 * `len` elements, in Montgomery form (x in Montgomery form). Lanes of x at or past `len` (up to 4·n4) are set
 * to one first, so that stale values cannot vanish. One extension inversion per chain, whatever the number of
 * arrays. Returns false if an element is zero (a chain's product vanishes); the inverses are then undefined.
 * `carry` is 64 bytes of scratch.
 */
export function invertExtArrays(
  kernel: MontgomeryArrays,
  arrays: readonly (readonly [x: number, inverse: number])[],
  len: number,
  n4: number,
  carry: number,
): boolean {
  const words = kernel.words(carry + 64);
  for (const [x] of arrays)
    for (let k = len; k < 4 * n4; k++)
      for (let l = 0; l < 4; l++) words[((x + l * EXT_STRIDE_BYTES) >> 2) + k] = l === 0 ? MONT_R : 0;
  const c = carry >> 2;
  words.fill(0, c, c + 16);
  words.fill(MONT_R, c, c + 4);
  for (const [x, inverse] of arrays) kernel.prefixExt(inverse, x, carry, n4);
  for (let lane = 0; lane < 4; lane++) {
    const product = [0, 1, 2, 3].map((l) => fromMontgomery(words[c + 4 * l + lane]!)) as Ext;
    if (product[0] === 0 && product[1] === 0 && product[2] === 0 && product[3] === 0) return false;
    const inverse = extInv(product);
    for (let l = 0; l < 4; l++) words[c + 4 * l + lane] = toMontgomery(inverse[l]);
  }
  for (let i = arrays.length - 1; i >= 0; i--) {
    const [x, inverse] = arrays[i]!;
    kernel.backExt(inverse, x, inverse, carry, n4);
  }
  return true;
}
