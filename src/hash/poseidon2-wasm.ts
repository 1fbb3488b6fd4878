import { P } from "../field/babybear.ts";
import { encodeModule, I32, I64, i64Const, memArg, Op, unsignedLeb128 } from "../wasm/encoder.ts";
import { FULL_ROUND_CONSTANTS, INTERNAL_DIAGONAL, PARTIAL_ROUND_CONSTANTS } from "./poseidon2-constants.ts";

/**
 * The Poseidon2 permutation of poseidon2.ts compiled to WebAssembly: the 24 lanes live in i64 locals,
 * every round is unrolled, and products are reduced with `i64.rem_u` by the constant p (which engines
 * lower to a multiply-high sequence). 64-bit integer products are what plain JavaScript lacks, and they
 * make the permutation about twice as fast as the double-precision version.
 *
 * The module is generated at load time from the same constants (no binary is shipped) and compiled
 * synchronously; where synchronous compilation of a module this size is not allowed (a browser's main
 * thread) {@link loadPoseidon2Wasm} returns null and callers keep the JavaScript permutation.
 */

const WIDTH = 24;
const p = BigInt(P);

// Local indices: 0 is the state pointer; lanes, temporaries and column sums follow.
const LANE = (i: number) => 1 + i;
const T = (i: number) => 1 + WIDTH + i; // t0..t7 of M4
const SUM = 1 + WIDTH + 8;
const COL = (j: number) => SUM + 1 + j;
const X = COL(4);
const X3 = X + 1;
const LOCAL_COUNT = X3; // locals after the parameter

const get = (i: number) => [Op.localGet, ...unsignedLeb128(i)];
const set = (i: number) => [Op.localSet, ...unsignedLeb128(i)];
const tee = (i: number) => [Op.localTee, ...unsignedLeb128(i)];
const mod = () => [...i64Const(p), Op.i64RemU];
const add = Op.i64Add;

/** lane ← (lane + rc)^7 mod p; lane + rc < 2^32 so every product fits in 64 bits. */
function sbox(lane: number, rc: number): number[] {
  return [
    ...get(LANE(lane)),
    ...(rc === 0 ? [] : [...i64Const(BigInt(rc)), add]),
    ...tee(X),
    ...get(X),
    Op.i64Mul,
    ...mod(), // x^2
    ...get(X),
    Op.i64Mul,
    ...mod(), // x^3
    ...tee(X3),
    ...get(X3),
    Op.i64Mul,
    ...mod(), // x^6
    ...get(X),
    Op.i64Mul,
    ...mod(), // x^7
    ...set(LANE(lane)),
  ];
}

/** External layer: M4 on each block of four (sums stay below 2^36), then add the column sums and reduce. */
function externalLayer(): number[] {
  const out: number[] = [];
  for (let j = 0; j < 4; j++) out.push(...i64Const(0n), ...set(COL(j)));
  for (let b = 0; b < WIDTH; b += 4) {
    const [x0, x1, x2, x3] = [LANE(b), LANE(b + 1), LANE(b + 2), LANE(b + 3)];
    out.push(...get(x0), ...get(x1), add, ...set(T(0))); // t0 = x0 + x1
    out.push(...get(x2), ...get(x3), add, ...set(T(1))); // t1 = x2 + x3
    out.push(...get(x1), ...get(x1), add, ...get(T(1)), add, ...set(T(2))); // t2 = 2x1 + t1
    out.push(...get(x3), ...get(x3), add, ...get(T(0)), add, ...set(T(3))); // t3 = 2x3 + t0
    out.push(...get(T(1)), ...i64Const(2n), Op.i64Shl, ...get(T(3)), add, ...set(T(4))); // t4 = 4t1 + t3
    out.push(...get(T(0)), ...i64Const(2n), Op.i64Shl, ...get(T(2)), add, ...set(T(5))); // t5 = 4t0 + t2
    out.push(...get(T(3)), ...get(T(5)), add, ...set(x0)); // t6 = t3 + t5
    out.push(...get(T(5)), ...set(x1));
    out.push(...get(T(2)), ...get(T(4)), add, ...set(x2)); // t7 = t2 + t4
    out.push(...get(T(4)), ...set(x3));
    for (let j = 0; j < 4; j++) out.push(...get(COL(j)), ...get(LANE(b + j)), add, ...set(COL(j)));
  }
  for (let i = 0; i < WIDTH; i++)
    out.push(...get(LANE(i)), ...get(COL(i % 4)), add, ...mod(), ...set(LANE(i)));
  return out;
}

/** Internal layer: lane_i ← (Σ lanes + D_i·lane_i) mod p; the unreduced value is below 2^63. */
function internalLayer(): number[] {
  const out: number[] = [...get(LANE(0))];
  for (let i = 1; i < WIDTH; i++) out.push(...get(LANE(i)), add);
  out.push(...set(SUM));
  for (let i = 0; i < WIDTH; i++) {
    out.push(
      ...get(SUM),
      ...get(LANE(i)),
      ...i64Const(BigInt(INTERNAL_DIAGONAL[i]!)),
      Op.i64Mul,
      add,
      ...mod(),
    );
    out.push(...set(LANE(i)));
  }
  return out;
}

function permutationBody(): number[] {
  const body: number[] = [];
  for (let i = 0; i < WIDTH; i++) body.push(...get(0), Op.i64Load32U, ...memArg(2, 4 * i), ...set(LANE(i)));
  body.push(...externalLayer());
  const fullRound = (r: number) => {
    for (let i = 0; i < WIDTH; i++) body.push(...sbox(i, FULL_ROUND_CONSTANTS[r * WIDTH + i]!));
    body.push(...externalLayer());
  };
  for (let r = 0; r < 4; r++) fullRound(r);
  for (let r = 0; r < PARTIAL_ROUND_CONSTANTS.length; r++) {
    body.push(...sbox(0, PARTIAL_ROUND_CONSTANTS[r]!), ...internalLayer());
  }
  for (let r = 4; r < 8; r++) fullRound(r);
  for (let i = 0; i < WIDTH; i++) body.push(...get(0), ...get(LANE(i)), Op.i64Store32, ...memArg(2, 4 * i));
  return body;
}

/** The generated module's bytes (deterministic). */
export function poseidon2WasmBytes(): Uint8Array<ArrayBuffer> {
  return encodeModule(
    [
      {
        name: "permute",
        params: [I32],
        results: [],
        locals: new Array(LOCAL_COUNT).fill(I64),
        body: permutationBody(),
      },
    ],
    1,
  );
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
