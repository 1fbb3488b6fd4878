import {
  encodeModule,
  I32,
  I64,
  i32Const,
  i64Const,
  memArg,
  Op,
  unsignedLeb128,
  type ValType,
  VOID_BLOCK,
} from "../wasm/encoder.ts";
import { P } from "./babybear.ts";

/**
 * The butterfly passes of the NTT as a generated WebAssembly kernel. JavaScript has no 64-bit integer
 * product, so its butterfly estimates quotients in floating point; here x·w is one `i64.mul` and the
 * reduction one `i64.rem_u` by the constant p (lowered to a multiply-high sequence), about twice as fast.
 * Inputs must already be in bit-reversed order; ntt.ts does that and owns the twiddle tables.
 */

const I32_SHL = 0x74;
const I32_SHR_U = 0x76;
const p = BigInt(P);

// Parameters: 0 dataPtr, 1 twiddlePtr, 2 n (i32). Locals: 3 len, 4 half, 5 stride (bytes), 6 start (bytes),
// 7 end (bytes), 8 i0 (byte ptr), 9 i1 (byte ptr), 10 twPtr, 11 rowEnd — all i32; 12 u, 13 v, 14 t (i64).
const [DATA, TW, N, LEN, HALF, STRIDE, START, END, I0, I1, TWP, ROW_END, U, V, T] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
];
const get = (i: number) => [Op.localGet, ...unsignedLeb128(i)];
const set = (i: number) => [Op.localSet, ...unsignedLeb128(i)];
const tee = (i: number) => [Op.localTee, ...unsignedLeb128(i)];
const load32 = (ptr: number) => [...get(ptr), Op.i64Load32U, ...memArg(2, 0)];
/** Leaves (t ≥ p ? t − p : t) on the stack, for t < 2p held in local T. */
const reduceOnce = () => [
  ...get(T),
  ...i64Const(p),
  Op.i64Sub,
  ...get(T),
  ...get(T),
  ...i64Const(p),
  Op.i64GeU,
  Op.select,
];

function kernel(): number[] {
  const stageLoop = [
    // half = len / 2 (elements), stride halves each stage
    ...get(LEN),
    ...i32Const(1),
    I32_SHR_U,
    ...set(HALF),
    ...get(STRIDE),
    ...i32Const(1),
    I32_SHR_U,
    ...set(STRIDE),
    ...get(DATA),
    ...set(START),
    Op.block,
    VOID_BLOCK,
    Op.loop,
    VOID_BLOCK, // for each group
    ...get(START),
    ...get(END),
    Op.i32GeU,
    Op.brIf,
    1,
    ...get(START),
    ...set(I0),
    ...get(START),
    ...get(HALF),
    ...i32Const(2),
    I32_SHL,
    Op.i32Add,
    ...tee(I1),
    ...set(ROW_END),
    ...get(TW),
    ...set(TWP),
    Op.block,
    VOID_BLOCK,
    Op.loop,
    VOID_BLOCK, // for each butterfly
    ...get(I0),
    ...get(ROW_END),
    Op.i32GeU,
    Op.brIf,
    1,
    ...load32(I1),
    ...load32(TWP),
    Op.i64Mul,
    ...i64Const(p),
    Op.i64RemU,
    ...set(V),
    ...load32(I0),
    ...set(U),
    ...get(I0),
    ...get(U),
    ...get(V),
    Op.i64Add,
    ...set(T),
    ...reduceOnce(),
    Op.i64Store32,
    ...memArg(2, 0),
    ...get(I1),
    ...get(U),
    ...i64Const(p),
    Op.i64Add,
    ...get(V),
    Op.i64Sub,
    ...set(T),
    ...reduceOnce(),
    Op.i64Store32,
    ...memArg(2, 0),
    ...get(I0),
    ...i32Const(4),
    Op.i32Add,
    ...set(I0),
    ...get(I1),
    ...i32Const(4),
    Op.i32Add,
    ...set(I1),
    ...get(TWP),
    ...get(STRIDE),
    Op.i32Add,
    ...set(TWP),
    Op.br,
    0,
    Op.end,
    Op.end,
    ...get(START),
    ...get(LEN),
    ...i32Const(2),
    I32_SHL,
    Op.i32Add,
    ...set(START),
    Op.br,
    0,
    Op.end,
    Op.end,
  ];
  return [
    ...get(DATA),
    ...get(N),
    ...i32Const(2),
    I32_SHL,
    Op.i32Add,
    ...set(END),
    ...i32Const(2),
    ...set(LEN),
    // stride in bytes between the twiddles of one butterfly row: starts at (n/2)·4 and halves per stage;
    // set to n·4 here because the loop halves it before use.
    ...get(N),
    ...i32Const(2),
    I32_SHL,
    ...set(STRIDE),
    Op.block,
    VOID_BLOCK,
    Op.loop,
    VOID_BLOCK,
    ...get(LEN),
    ...get(N),
    Op.i32GtU,
    Op.brIf,
    1,
    ...stageLoop,
    ...get(LEN),
    ...i32Const(1),
    I32_SHL,
    ...set(LEN),
    Op.br,
    0,
    Op.end,
    Op.end,
  ];
}

export interface NttWasm {
  /** Runs the butterflies on n bit-reversed elements at word `dataWord` using n/2 twiddles at `twiddleWord`. */
  butterflies(dataWord: number, twiddleWord: number, n: number): void;
  /** Grows memory so that `words` 32-bit words fit, and returns the current view. */
  view(words: number): Uint32Array;
}

/** Compiles the kernel; null where WebAssembly is unavailable. */
export function loadNttWasm(): NttWasm | null {
  try {
    if (typeof WebAssembly === "undefined") return null;
    const locals: ValType[] = [I32, I32, I32, I32, I32, I32, I32, I32, I32, I64, I64, I64];
    const bytes = encodeModule(
      [{ name: "butterflies", params: [I32, I32, I32], results: [], locals, body: kernel() }],
      1,
    );
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes));
    const memory = instance.exports.memory as WebAssembly.Memory;
    const run = instance.exports.butterflies as (data: number, tw: number, n: number) => void;
    return {
      butterflies: (dataWord, twiddleWord, n) => run(dataWord * 4, twiddleWord * 4, n),
      view(words) {
        const needed = Math.ceil((words * 4) / 65536) - memory.buffer.byteLength / 65536;
        if (needed > 0) memory.grow(needed);
        return new Uint32Array(memory.buffer);
      },
    };
  } catch {
    return null;
  }
}
