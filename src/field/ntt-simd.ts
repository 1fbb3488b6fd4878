import { FunctionBuilder, ModuleBuilder, Op, Simd } from "../wasm/builder.ts";
import { growMemory, instantiateKernel } from "../wasm/instance.ts";
import { inv, mul, rootOfUnity } from "./babybear.ts";
import { MONT_R, toMontgomery, VectorCode } from "./montgomery-wasm.ts";

/**
 * The coset low-degree extension on WebAssembly's 128-bit vectors, four butterflies an instruction. The data
 * stays canonical: twiddles are stored in Montgomery form, and the Montgomery product of a canonical
 * value and a Montgomery-form one is the canonical product. Nothing is bit-reversed: the inverse transform
 * is decimation in frequency (natural order in, bit-reversed out), the forward one decimation in time
 * (bit-reversed in, natural out), and the coefficients between them are scaled and spread in bit-reversed
 * order. Zero-padding to the LDE size puts coefficient i at b·bitrev(i) with zeros between, and the first
 * log2(b) forward stages only copy each value over its block of b: the spread writes those copies and the
 * forward transform starts after them.
 */

/** Bytes of a 4-lane vector. */
const V = 16;

/** Byte indices of an i8x16 shuffle that takes lane `lanes[k]` (0–3 first operand, 4–7 second) into lane k. */
function lanes(picks: readonly number[]): number[] {
  return picks.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]);
}

/** Stages of width half = 1 and 2 (within one vector), where lanes pair with lanes of the same vector. */
function smallStage(
  c: VectorCode,
  half: 1 | 2,
  forward: boolean,
  ptr: number,
  end: number,
  tw: number,
): void {
  const { f } = c;
  const [v, u, t, s, d, w] = f.localsOf("v128", 6) as [number, number, number, number, number, number];
  if (half === 2) {
    // Lanes 0 and 1 pair with lanes 2 and 3: twiddles 1 and ω_4^{±1}, from the table (stage 2 starts at word 2).
    f.get(tw).simdMem(Simd.load64_zero, 3, 2 * 4);
    f.tee(w)
      .get(w)
      .shuffle(lanes([0, 1, 0, 1]))
      .set(w);
  }
  f.block().loop();
  f.get(ptr).get(end).op(Op.i32_ge_u).brIf(1);
  f.get(ptr).simdMem(Simd.load, 4, 0).set(v);
  const [lo, hi] =
    half === 1
      ? [
          [0, 0, 2, 2],
          [1, 1, 3, 3],
        ]
      : [
          [0, 1, 0, 1],
          [2, 3, 2, 3],
        ];
  f.get(v).get(v).shuffle(lanes(lo!)).set(u);
  f.get(v).get(v).shuffle(lanes(hi!)).set(t);
  if (half === 2 && forward) {
    c.mont(t, w);
    f.set(t);
  }
  f.get(u).get(t);
  c.add();
  f.set(s);
  f.get(u).get(t);
  c.sub();
  f.set(d);
  if (half === 2 && !forward) {
    c.mont(d, w);
    f.set(d);
  }
  f.get(ptr).get(s).get(d);
  f.shuffle(lanes(half === 1 ? [0, 5, 2, 7] : [0, 1, 6, 7]));
  f.simdMem(Simd.store, 4, 0);
  f.get(ptr).i32(V).op(Op.i32_add).set(ptr);
  f.br(0).end().end();
}

/**
 * One transform over n words at `data`: forward (decimation in time, stages half = first … n/2) or inverse
 * (decimation in frequency, half = n/2 … 1). The twiddles of stage `half` are words half … 2·half − 1 of the
 * table: w_{2·half}^j in Montgomery form.
 */
function transform(forward: boolean): FunctionBuilder {
  const params: "i32"[] = forward ? ["i32", "i32", "i32", "i32"] : ["i32", "i32", "i32"];
  const f = new FunctionBuilder(params);
  const [data, tw, n] = [0, 1, 2];
  const c = new VectorCode(f);
  const [half, end, start, i0, i1, twp, stop, ptr] = f.localsOf("i32", 8) as number[];
  const [u, v, w, t] = f.localsOf("v128", 4) as [number, number, number, number];
  f.get(data).get(n).i32(2).op(Op.i32_shl, Op.i32_add).set(end!);

  const wideStage = () => {
    f.get(data).set(start!);
    f.block().loop(); // blocks of 2·half words
    f.get(start!).get(end!).op(Op.i32_ge_u).brIf(1);
    f.get(start!).set(i0!);
    f.get(start!).get(half!).i32(2).op(Op.i32_shl, Op.i32_add).tee(i1!).set(stop!);
    f.get(tw).get(half!).i32(2).op(Op.i32_shl, Op.i32_add).set(twp!);
    f.block().loop(); // four butterflies at a time
    f.get(i0!).get(stop!).op(Op.i32_ge_u).brIf(1);
    f.get(i0!).simdMem(Simd.load, 4, 0).set(u);
    f.get(i1!).simdMem(Simd.load, 4, 0).set(v);
    f.get(twp!).simdMem(Simd.load, 4, 0).set(w);
    if (forward) {
      c.mont(v, w);
      f.set(t);
      f.get(i0!).get(u).get(t);
      c.add();
      f.simdMem(Simd.store, 4, 0);
      f.get(i1!).get(u).get(t);
      c.sub();
      f.simdMem(Simd.store, 4, 0);
    } else {
      f.get(i0!).get(u).get(v);
      c.add();
      f.simdMem(Simd.store, 4, 0);
      f.get(u).get(v);
      c.sub();
      f.set(t);
      f.get(i1!);
      c.mont(t, w);
      f.simdMem(Simd.store, 4, 0);
    }
    for (const p of [i0!, i1!, twp!]) f.get(p).i32(V).op(Op.i32_add).set(p);
    f.br(0).end().end();
    f.get(start!).get(half!).i32(3).op(Op.i32_shl, Op.i32_add).set(start!);
    f.br(0).end().end();
  };
  const small = (h: 1 | 2) => {
    f.get(data).set(ptr!);
    smallStage(c, h, forward, ptr!, end!, tw);
  };

  if (forward) {
    // Stages from `first` (a parameter: the spread already did the ones below it) up to n/2.
    f.get(3).set(half!);
    f.get(half!).i32(1).op(Op.i32_eq).if();
    small(1);
    f.i32(2).set(half!);
    f.end();
    f.get(half!).i32(2).op(Op.i32_eq).if();
    small(2);
    f.i32(4).set(half!);
    f.end();
    f.block().loop();
    f.get(half!).get(n).op(Op.i32_ge_u).brIf(1);
    wideStage();
    f.get(half!).i32(1).op(Op.i32_shl).set(half!);
    f.br(0).end().end();
  } else {
    f.get(n).i32(1).op(Op.i32_shr_u).set(half!);
    f.block().loop();
    f.get(half!).i32(4).op(Op.i32_lt_u).brIf(1);
    wideStage();
    f.get(half!).i32(1).op(Op.i32_shr_u).set(half!);
    f.br(0).end().end();
    small(2);
    small(1);
  }
  return f;
}

/**
 * spread(dst, src, scale, n) for a blowup b = 2^logB: dst[b·j + r] = src[j]·scale[j] for r < b (scale in
 * Montgomery form, so the product is canonical).
 */
function spread(logB: number): FunctionBuilder {
  const f = new FunctionBuilder(["i32", "i32", "i32", "i32"]);
  const [dst, src, scale, n] = [0, 1, 2, 3];
  const c = new VectorCode(f);
  const [x, s, y] = f.localsOf("v128", 3) as [number, number, number];
  const b = 1 << logB;
  f.get(n).i32(2).op(Op.i32_shr_u).set(n); // vectors
  c.loop(n, [src, scale], () => {
    f.get(src).simdMem(Simd.load, 4, 0).set(x);
    f.get(scale).simdMem(Simd.load, 4, 0).set(s);
    c.mont(x, s);
    f.set(y);
    // The four values, each over b words: 4·b words, written as b vectors.
    if (b === 2) {
      f.get(dst)
        .get(y)
        .get(y)
        .shuffle(lanes([0, 0, 1, 1]))
        .simdMem(Simd.store, 4, 0);
      f.get(dst)
        .get(y)
        .get(y)
        .shuffle(lanes([2, 2, 3, 3]))
        .simdMem(Simd.store, 4, V);
    } else
      for (let k = 0; k < 4; k++)
        for (let r = 0; r < b / 4; r++)
          f.get(dst)
            .get(y)
            .get(y)
            .shuffle(lanes([k, k, k, k]))
            .simdMem(Simd.store, 4, V * (k * (b / 4) + r));
    f.get(dst)
      .i32(16 * b)
      .op(Op.i32_add)
      .set(dst);
  });
  return f;
}

const MAX_LOG_BLOWUP = 5;

function nttSimdBytes(): Uint8Array<ArrayBuffer> {
  const m = new ModuleBuilder();
  m.add(transform(false), "inverse");
  m.add(transform(true), "forward");
  for (let k = 1; k <= MAX_LOG_BLOWUP; k++) m.add(spread(k), `spread${k}`);
  return m.encode(1);
}

/** Stage twiddles of a transform of 2^logN points: word half + j is w_{2·half}^j (Montgomery form). */
function stageTwiddles(logN: number, inverse: boolean): Uint32Array {
  const n = 1 << logN;
  const t = new Uint32Array(n);
  for (let half = 1; half < n; half <<= 1) {
    const root = rootOfUnity(Math.log2(2 * half));
    const w = inverse ? inv(root) : root;
    let x = 1;
    for (let j = 0; j < half; j++) {
      t[half + j] = toMontgomery(x);
      x = mul(x, w);
    }
  }
  t[0] = MONT_R;
  return t;
}

/**
 * The scale of bit-reversed coefficient position j: shift^bitrev(j), divided by n after an inverse transform
 * (whose output is n times the coefficients), in Montgomery form.
 */
function spreadScales(logN: number, shift: number, afterInverse: boolean): Uint32Array {
  const n = 1 << logN;
  const t = new Uint32Array(n);
  const powers = new Uint32Array(n);
  for (let i = 0, x = afterInverse ? inv(n) : 1; i < n; i++, x = mul(x, shift)) powers[i] = x;
  for (let j = 0; j < n; j++) t[j] = toMontgomery(powers[bitReversed(j, logN)]!);
  return t;
}

/** j with its low `bits` bits in reverse order. */
function bitReversed(j: number, bits: number): number {
  let x = j;
  x = ((x >>> 1) & 0x55555555) | ((x & 0x55555555) << 1);
  x = ((x >>> 2) & 0x33333333) | ((x & 0x33333333) << 2);
  x = ((x >>> 4) & 0x0f0f0f0f) | ((x & 0x0f0f0f0f) << 4);
  x = ((x >>> 8) & 0x00ff00ff) | ((x & 0x00ff00ff) << 8);
  return ((x >>> 16) | (x << 16)) >>> (32 - bits);
}

const tables = new Map<string, Uint32Array>();

/** A table built once per thread and key (twiddles and scales are reused by every column of a size). */
function table(key: string, build: () => Uint32Array): Uint32Array {
  let t = tables.get(key);
  if (!t) tables.set(key, (t = build()));
  return t;
}

export interface CosetLdeKernel {
  /**
   * The evaluations on shift·⟨ω_{n·2^logBlowup}⟩ (natural order) of the polynomial whose evaluations on
   * ⟨ω_n⟩ are `evals`, written into `out` (length n·2^logBlowup).
   */
  lde(evals: Uint32Array, out: Uint32Array, logBlowup: number, shift: number): void;
  /** The same from the polynomial's n coefficients (lowest first). */
  ldeOfCoefficients(coefficients: Uint32Array, out: Uint32Array, logBlowup: number, shift: number): void;
}

/** Whether the kernel takes n points to an LDE of blowup 2^logBlowup. */
export function kernelFits(n: number, logBlowup: number): boolean {
  return (
    Number.isInteger(logBlowup) &&
    logBlowup >= 1 &&
    logBlowup <= MAX_LOG_BLOWUP &&
    n >= 16 &&
    (n & (n - 1)) === 0
  );
}

let cached: CosetLdeKernel | null | undefined;

/** The kernel, compiled on first use (once per thread); null where WebAssembly SIMD is unavailable. */
export function cosetLdeKernel(): CosetLdeKernel | null {
  if (cached !== undefined) return cached;
  const kernel = instantiateKernel(nttSimdBytes());
  if (!kernel) return (cached = null);
  const { exports: e, memory } = kernel;
  let resident = "";
  const run = (
    input: Uint32Array,
    out: Uint32Array,
    logBlowup: number,
    shift: number,
    evaluations: boolean,
  ) => {
    const n = input.length;
    const logN = Math.log2(n);
    const big = n << logBlowup;
    if (out.length !== big || !kernelFits(n, logBlowup))
      throw new RangeError(`cosetLdeKernel: ${n} points to ${out.length} at blowup 2^${logBlowup}`);
    // Layout (words): the n inputs, the LDE, the inverse and forward stage twiddles, the scales.
    const A = 0;
    const B = n;
    const twInv = B + big;
    const twFwd = twInv + n;
    const scales = twFwd + big;
    const words = scales + n;
    growMemory(memory, 4 * words);
    const mem = new Uint32Array(memory.buffer);
    const key = `${logN}/${logBlowup}/${shift}/${evaluations}`;
    if (resident !== key) {
      if (evaluations)
        mem.set(
          table(`i${logN}`, () => stageTwiddles(logN, true)),
          twInv,
        );
      const logBig = logN + logBlowup;
      mem.set(
        table(`f${logBig}`, () => stageTwiddles(logBig, false)),
        twFwd,
      );
      mem.set(
        table(`s${logN}/${shift}/${evaluations}`, () => spreadScales(logN, shift, evaluations)),
        scales,
      );
      resident = key;
    }
    if (evaluations) {
      mem.set(input, A);
      e.inverse!(4 * A, 4 * twInv, n);
    } else for (let j = 0; j < n; j++) mem[A + j] = input[bitReversed(j, logN)]!;
    e[`spread${logBlowup}`]!(4 * B, 4 * A, 4 * scales, n);
    e.forward!(4 * B, 4 * twFwd, big, 1 << logBlowup);
    out.set(mem.subarray(B, B + big));
  };
  cached = {
    lde: (evals, out, logBlowup, shift) => run(evals, out, logBlowup, shift, true),
    ldeOfCoefficients: (coefficients, out, logBlowup, shift) =>
      run(coefficients, out, logBlowup, shift, false),
  };
  return cached;
}
