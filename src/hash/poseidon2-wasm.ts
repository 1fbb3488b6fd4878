import { P } from "../field/babybear.ts";
import { FunctionBuilder, ModuleBuilder, Op, Simd } from "../wasm/builder.ts";
import { instantiateKernel } from "../wasm/instance.ts";
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

/** The rounds in order: the initial external layer, 4 full rounds, the partial rounds, 4 full rounds. */
function schedule(
  externalLayer: () => void,
  fullRound: (r: number) => void,
  partialRound: (r: number) => void,
): void {
  externalLayer();
  for (let r = 0; r < 4; r++) fullRound(r);
  for (let r = 0; r < PARTIAL_ROUND_CONSTANTS.length; r++) partialRound(r);
  for (let r = 4; r < 8; r++) fullRound(r);
}

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
  schedule(externalLayer, fullRound, (r) => {
    sbox(0, PARTIAL_ROUND_CONSTANTS[r]!);
    internalLayer();
  });
  for (let i = 0; i < WIDTH; i++)
    f.get(ptr)
      .get(lane[i]!)
      .store32(4 * i);
  return f;
}

/** Montgomery radix 2^32 mod p, R² mod p and p⁻¹ mod 2^32 for the four-lane kernel. */
const R = (1n << 32n) % p;
const R2 = (R * R) % p;
const P_INV = (() => {
  let inv = 1n; // Newton's iteration doubles the correct low bits: 1, 2, 4, …, 32.
  for (let i = 0; i < 5; i++) inv = (inv * (2n - p * inv)) & 0xffffffffn;
  return inv;
})();
const toMontgomery = (c: number) => (BigInt(c) * R) % p;

/** Byte offset of lane `i` of the four interleaved states: state k's lane i is word 4·i + k. */
export const LANES4_WORDS = 4 * WIDTH;

/**
 * Four permutations at once on WebAssembly's 128-bit vectors: one vector holds lane i of four states, so
 * every step of the permutation is one vector instruction for the four. Elements are kept in Montgomery
 * form (x·2^32 mod p) between the load and the store, because the vector unit multiplies 32-bit lanes into
 * 64-bit products (two per instruction) and Montgomery reduction needs nothing wider; additions reduce at
 * once (a + b − p where that is smaller, as unsigned), so every lane stays canonical and below 2^31.
 */
function permutation4(): FunctionBuilder {
  const f = new FunctionBuilder(["i32"]);
  const ptr = 0;
  const lane = f.localsOf("v128", WIDTH);
  const t = f.localsOf("v128", 8);
  const col = f.localsOf("v128", 4);
  const [x, x2, x3, q, sum, a, b, vp, vpInv] = f.localsOf("v128", 9);
  const splat = (c: bigint) => {
    const w = c | (c << 32n);
    return f.v128(w, w);
  };
  splat(p);
  f.set(vp);
  splat(P_INV);
  f.set(vpInv);
  const simd = (...codes: number[]) => {
    for (const c of codes) f.simd(c);
  };

  /** Pushes a·b·2^-32 mod p (canonical) for canonical lanes a, b. */
  const mont = (u: number, v: number) => {
    f.get(u).get(v);
    simd(Simd.i32x4_mul);
    f.get(vpInv);
    simd(Simd.i32x4_mul);
    f.set(q); // q·p ≡ a·b (mod 2^32), so a·b − q·p is d·2^32 with d in (−p, p)
    f.get(u).get(v);
    simd(Simd.i64x2_extmul_low_i32x4_u);
    f.get(q);
    f.get(vp);
    simd(Simd.i64x2_extmul_low_i32x4_u, Simd.i64x2_sub);
    f.get(u).get(v);
    simd(Simd.i64x2_extmul_high_i32x4_u);
    f.get(q);
    f.get(vp);
    simd(Simd.i64x2_extmul_high_i32x4_u, Simd.i64x2_sub);
    f.shuffle([4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31]); // the four d
    f.tee(a).get(a);
    f.get(vp);
    simd(Simd.i32x4_add, Simd.i32x4_min_u); // d, or d + p where d < 0
  };
  /** Pushes (top of stack + local v) mod p; both canonical. */
  const addTo = (v: number) => {
    f.get(v);
    simd(Simd.i32x4_add);
    f.tee(b).get(b);
    f.get(vp);
    simd(Simd.i32x4_sub, Simd.i32x4_min_u);
  };
  const add = (u: number, v: number) => {
    f.get(u);
    addTo(v);
  };

  const sbox = (i: number, rc: number) => {
    if (rc !== 0) {
      splat(toMontgomery(rc));
      addTo(lane[i]!);
      f.set(x);
    } else f.get(lane[i]!).set(x);
    mont(x, x);
    f.set(x2);
    mont(x2, x);
    f.set(x3);
    mont(x3, x3);
    f.set(x2); // x^6
    mont(x2, x);
    f.set(lane[i]!);
  };

  const externalLayer = () => {
    for (let b4 = 0; b4 < WIDTH; b4 += 4) {
      const [x0, x1, y2, y3] = [lane[b4]!, lane[b4 + 1]!, lane[b4 + 2]!, lane[b4 + 3]!];
      add(x0, x1);
      f.set(t[0]!);
      add(y2, y3);
      f.set(t[1]!);
      add(x1, x1);
      addTo(t[1]!);
      f.set(t[2]!); // 2x1 + t1
      add(y3, y3);
      addTo(t[0]!);
      f.set(t[3]!); // 2x3 + t0
      add(t[1]!, t[1]!);
      f.set(t[4]!);
      add(t[4]!, t[4]!);
      addTo(t[3]!);
      f.set(t[4]!); // 4t1 + t3
      add(t[0]!, t[0]!);
      f.set(t[5]!);
      add(t[5]!, t[5]!);
      addTo(t[2]!);
      f.set(t[5]!); // 4t0 + t2
      add(t[3]!, t[5]!);
      f.set(x0); // t6
      f.get(t[5]!).set(x1);
      add(t[2]!, t[4]!);
      f.set(y2); // t7
      f.get(t[4]!).set(y3);
      for (let j = 0; j < 4; j++) {
        if (b4 === 0) f.get(lane[j]!).set(col[j]!);
        else {
          add(col[j]!, lane[b4 + j]!);
          f.set(col[j]!);
        }
      }
    }
    for (let i = 0; i < WIDTH; i++) {
      add(lane[i]!, col[i % 4]!);
      f.set(lane[i]!);
    }
  };

  const internalLayer = () => {
    f.get(lane[0]!);
    for (let i = 1; i < WIDTH; i++) addTo(lane[i]!);
    f.set(sum);
    for (let i = 0; i < WIDTH; i++) {
      splat(toMontgomery(INTERNAL_DIAGONAL[i]!));
      f.set(x);
      mont(lane[i]!, x);
      addTo(sum);
      f.set(lane[i]!);
    }
  };

  const fullRound = (r: number) => {
    for (let i = 0; i < WIDTH; i++) sbox(i, FULL_ROUND_CONSTANTS[r * WIDTH + i]!);
    externalLayer();
  };

  // Load and enter Montgomery form (·R² then reduce = ·R).
  splat(R2);
  f.set(x3);
  for (let i = 0; i < WIDTH; i++) {
    f.get(ptr)
      .simdMem(Simd.load, 4, 16 * i)
      .set(lane[i]!);
    mont(lane[i]!, x3);
    f.set(lane[i]!);
  }
  schedule(externalLayer, fullRound, (r) => {
    sbox(0, PARTIAL_ROUND_CONSTANTS[r]!);
    internalLayer();
  });
  // Leave Montgomery form (·1 then reduce) and store.
  splat(1n);
  f.set(x3);
  for (let i = 0; i < WIDTH; i++) {
    f.get(ptr);
    mont(lane[i]!, x3);
    f.simdMem(Simd.store, 4, 16 * i);
  }
  return f;
}

/** The generated module's bytes (deterministic). */
export function poseidon2WasmBytes(vector = true): Uint8Array<ArrayBuffer> {
  const m = new ModuleBuilder();
  m.add(permutation(), "permute");
  if (vector) m.add(permutation4(), "permute4");
  return m.encode(1);
}

export interface Poseidon2Wasm {
  /** The module's memory as 32-bit words; the state of {@link permuteAt} lives at word `offset`. */
  readonly words: Uint32Array;
  /** Permutes the 24 words at word offset `offset` of {@link words} in place. */
  permuteAt(offset: number): void;
  /**
   * Permutes four states in place, interleaved from word offset `offset` (a multiple of 4): lane i of
   * state k is word offset + 4·i + k. Null where the engine has no WebAssembly SIMD.
   */
  readonly permute4At: ((offset: number) => void) | null;
}

/**
 * Compiles the module synchronously (without the vector permutation where the engine lacks WebAssembly
 * SIMD); null where the engine refuses (no WebAssembly, or size limits).
 */
export function loadPoseidon2Wasm(): Poseidon2Wasm | null {
  if (typeof WebAssembly === "undefined") return null; // not worth generating the module
  for (const vector of [true, false]) {
    const kernel = instantiateKernel(poseidon2WasmBytes(vector));
    if (!kernel) continue;
    const { exports, memory } = kernel;
    const permute = exports.permute!;
    const permute4 = exports.permute4;
    return {
      words: new Uint32Array(memory.buffer),
      permuteAt: (offset) => permute(offset * 4),
      permute4At: permute4 ? (offset) => permute4(offset * 4) : null,
    };
  }
  return null;
}
