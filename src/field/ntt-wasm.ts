import { FunctionBuilder, ModuleBuilder, Op } from "../wasm/builder.ts";
import { growMemory, instantiateKernel } from "../wasm/instance.ts";
import { P } from "./babybear.ts";

/**
 * The butterfly passes of the NTT as a generated WebAssembly kernel. JavaScript has no 64-bit integer
 * product, so its butterfly estimates quotients in floating point; here x·w is one `i64.mul` and the
 * reduction one `i64.rem_u` by the constant p (lowered to a multiply-high sequence), about twice as fast.
 * Inputs must already be in bit-reversed order; ntt.ts does that and owns the twiddle tables.
 */

const p = BigInt(P);

/** butterflies(dataPtr, twiddlePtr, n): every radix-2 stage, decimation in time, byte pointers. */
function butterflies(): FunctionBuilder {
  const f = new FunctionBuilder(["i32", "i32", "i32"]);
  const [data, tw, n] = [0, 1, 2];
  const [len, half, stride, start, end, i0, i1, twp, rowEnd] = f.localsOf("i32", 9);
  const [u, v, t] = f.locals64(3);
  /** Leaves t ≥ p ? t − p : t on the stack, for t < 2p. */
  const reduceOnce = () => f.get(t!).i64(p).op(Op.i64_sub).get(t!).get(t!).i64(p).op(Op.i64_ge_u, Op.select);

  f.get(data).get(n).i32(2).op(Op.i32_shl, Op.i32_add).set(end!);
  f.i32(2).set(len!);
  // Byte distance between the twiddles of one row: (n/len)·4. Start at 4n; each stage halves it first.
  f.get(n).i32(2).op(Op.i32_shl).set(stride!);
  f.block().loop(); // stages
  f.get(len!).get(n).op(Op.i32_gt_u).brIf(1);
  f.get(len!).i32(1).op(Op.i32_shr_u).set(half!);
  f.get(stride!).i32(1).op(Op.i32_shr_u).set(stride!);
  f.get(data).set(start!);
  f.block().loop(); // groups of len elements
  f.get(start!).get(end!).op(Op.i32_ge_u).brIf(1);
  f.get(start!).set(i0!);
  f.get(start!).get(half!).i32(2).op(Op.i32_shl, Op.i32_add).tee(i1!).set(rowEnd!);
  f.get(tw).set(twp!);
  f.block().loop(); // butterflies
  f.get(i0!).get(rowEnd!).op(Op.i32_ge_u).brIf(1);
  f.get(i1!).load32u(0).get(twp!).load32u(0).op(Op.i64_mul).i64(p).op(Op.i64_rem_u).set(v!);
  f.get(i0!).load32u(0).set(u!);
  f.get(i0!).get(u!).get(v!).op(Op.i64_add).set(t!);
  reduceOnce().store32(0);
  f.get(i1!).get(u!).i64(p).op(Op.i64_add).get(v!).op(Op.i64_sub).set(t!);
  reduceOnce().store32(0);
  f.get(i0!).i32(4).op(Op.i32_add).set(i0!);
  f.get(i1!).i32(4).op(Op.i32_add).set(i1!);
  f.get(twp!).get(stride!).op(Op.i32_add).set(twp!);
  f.br(0).end().end();
  f.get(start!).get(len!).i32(2).op(Op.i32_shl, Op.i32_add).set(start!);
  f.br(0).end().end();
  f.get(len!).i32(1).op(Op.i32_shl).set(len!);
  f.br(0).end().end();
  return f;
}

export interface NttWasm {
  /** Runs the butterflies on n bit-reversed elements at word `dataWord` using n/2 twiddles at `twiddleWord`. */
  butterflies(dataWord: number, twiddleWord: number, n: number): void;
  /** Grows memory so that `words` 32-bit words fit, and returns the current view. */
  view(words: number): Uint32Array;
}

/** Compiles the kernel; null where WebAssembly is unavailable. */
export function loadNttWasm(): NttWasm | null {
  const m = new ModuleBuilder();
  m.add(butterflies(), "butterflies");
  const kernel = instantiateKernel(m.encode(1));
  if (!kernel) return null;
  const { exports, memory } = kernel;
  const run = exports.butterflies!;
  return {
    butterflies: (dataWord, twiddleWord, n) => run(dataWord * 4, twiddleWord * 4, n),
    view(words) {
      growMemory(memory, words * 4);
      return new Uint32Array(memory.buffer);
    },
  };
}
