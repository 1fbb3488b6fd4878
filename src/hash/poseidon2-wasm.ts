import { P } from "../field/babybear.ts";
import { FunctionBuilder, ModuleBuilder, Op } from "../wasm/builder.ts";
import { FULL_ROUND_CONSTANTS, INTERNAL_DIAGONAL, PARTIAL_ROUND_CONSTANTS } from "./poseidon2-constants.ts";

/**
 * The Poseidon2 permutation of poseidon2.ts compiled to WebAssembly: the 24 lanes live in i64 locals,
 * every round is unrolled, and products are reduced with `i64.rem_u` by the constant p (which engines
 * lower to a multiply-high sequence). 64-bit integer products are what plain JavaScript lacks; they make
 * the permutation about 1.5× faster than the double-precision version.
 *
 * The module is generated at load time from the same constants (no binary is shipped) and compiled
 * synchronously; where synchronous compilation of a module this size is not allowed (a browser's main
 * thread) {@link loadPoseidon2Wasm} returns null and callers keep the JavaScript permutation.
 */

const WIDTH = 24;
const p = BigInt(P);

function permutation(): FunctionBuilder {
  const f = new FunctionBuilder(["i32"]);
  const ptr = 0;
  const lane = f.locals64(WIDTH);
  const t = f.locals64(8); // t0..t7 of M4
  const col = f.locals64(4); // column sums of the external layer
  const [sum, x, x3] = f.locals64(3);
  const mod = () => f.i64(p).op(Op.i64_rem_u);

  /** lane ← (lane + rc)^7 mod p; lane + rc < 2^32, so every product fits in 64 bits. */
  const sbox = (i: number, rc: number) => {
    f.get(lane[i]!);
    if (rc !== 0) f.i64(BigInt(rc)).op(Op.i64_add);
    f.tee(x!).get(x!).op(Op.i64_mul);
    mod(); // x^2
    f.get(x!).op(Op.i64_mul);
    mod(); // x^3
    f.tee(x3!).get(x3!).op(Op.i64_mul);
    mod(); // x^6
    f.get(x!).op(Op.i64_mul);
    mod(); // x^7
    f.set(lane[i]!);
  };

  /** M4 on each block of four (sums stay below 2^36), then add the column sums and reduce. */
  const externalLayer = () => {
    for (const c of col) f.i64(0n).set(c);
    for (let b = 0; b < WIDTH; b += 4) {
      const [x0, x1, x2, x3] = [lane[b]!, lane[b + 1]!, lane[b + 2]!, lane[b + 3]!];
      f.get(x0).get(x1).op(Op.i64_add).set(t[0]!); // t0 = x0 + x1
      f.get(x2).get(x3).op(Op.i64_add).set(t[1]!); // t1 = x2 + x3
      f.get(x1).get(x1).op(Op.i64_add).get(t[1]!).op(Op.i64_add).set(t[2]!); // t2 = 2x1 + t1
      f.get(x3).get(x3).op(Op.i64_add).get(t[0]!).op(Op.i64_add).set(t[3]!); // t3 = 2x3 + t0
      f.get(t[1]!).i64(2n).op(Op.i64_shl).get(t[3]!).op(Op.i64_add).set(t[4]!); // t4 = 4t1 + t3
      f.get(t[0]!).i64(2n).op(Op.i64_shl).get(t[2]!).op(Op.i64_add).set(t[5]!); // t5 = 4t0 + t2
      f.get(t[3]!).get(t[5]!).op(Op.i64_add).set(x0); // t6 = t3 + t5
      f.get(t[5]!).set(x1);
      f.get(t[2]!).get(t[4]!).op(Op.i64_add).set(x2); // t7 = t2 + t4
      f.get(t[4]!).set(x3);
      for (let j = 0; j < 4; j++)
        f.get(col[j]!)
          .get(lane[b + j]!)
          .op(Op.i64_add)
          .set(col[j]!);
    }
    for (let i = 0; i < WIDTH; i++) {
      f.get(lane[i]!)
        .get(col[i % 4]!)
        .op(Op.i64_add);
      mod();
      f.set(lane[i]!);
    }
  };

  /** lane_i ← (Σ lanes + D_i·lane_i) mod p; the unreduced value is below 2^63. */
  const internalLayer = () => {
    f.get(lane[0]!);
    for (let i = 1; i < WIDTH; i++) f.get(lane[i]!).op(Op.i64_add);
    f.set(sum!);
    for (let i = 0; i < WIDTH; i++) {
      f.get(sum!).get(lane[i]!).i64(BigInt(INTERNAL_DIAGONAL[i]!)).op(Op.i64_mul, Op.i64_add);
      mod();
      f.set(lane[i]!);
    }
  };

  const fullRound = (r: number) => {
    for (let i = 0; i < WIDTH; i++) sbox(i, FULL_ROUND_CONSTANTS[r * WIDTH + i]!);
    externalLayer();
  };

  for (let i = 0; i < WIDTH; i++)
    f.get(ptr)
      .load32u(4 * i)
      .set(lane[i]!);
  externalLayer();
  for (let r = 0; r < 4; r++) fullRound(r);
  for (let r = 0; r < PARTIAL_ROUND_CONSTANTS.length; r++) {
    sbox(0, PARTIAL_ROUND_CONSTANTS[r]!);
    internalLayer();
  }
  for (let r = 4; r < 8; r++) fullRound(r);
  for (let i = 0; i < WIDTH; i++)
    f.get(ptr)
      .get(lane[i]!)
      .store32(4 * i);
  return f;
}

/** The generated module's bytes (deterministic). */
export function poseidon2WasmBytes(): Uint8Array<ArrayBuffer> {
  const m = new ModuleBuilder();
  m.add(permutation(), "permute");
  return m.encode(1);
}

export interface Poseidon2Wasm {
  /** The module's memory as 32-bit words; the state of {@link permuteAt} lives at word `offset`. */
  readonly words: Uint32Array;
  /** Permutes the 24 words at word offset `offset` of {@link words} in place. */
  permuteAt(offset: number): void;
}

/** Compiles the module synchronously; null where the engine refuses (no WebAssembly, or size limits). */
export function loadPoseidon2Wasm(): Poseidon2Wasm | null {
  try {
    if (typeof WebAssembly === "undefined") return null;
    const module = new WebAssembly.Module(poseidon2WasmBytes());
    const instance = new WebAssembly.Instance(module);
    const memory = instance.exports.memory as WebAssembly.Memory;
    const permute = instance.exports.permute as (ptr: number) => void;
    return { words: new Uint32Array(memory.buffer), permuteAt: (offset) => permute(offset * 4) };
  } catch {
    return null;
  }
}
