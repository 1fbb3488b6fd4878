import { ZkvmError } from "../errors.ts";
import { mul, P } from "../field/babybear.ts";
import { FULL_ROUND_CONSTANTS, INTERNAL_DIAGONAL, PARTIAL_ROUND_CONSTANTS } from "./poseidon2-constants.ts";
import { loadPoseidon2Wasm, type Poseidon2Wasm } from "./poseidon2-wasm.ts";

/**
 * Poseidon2 over BabyBear with RISC Zero's parameters: width 24, S-box x^7, 4 + 4 full rounds and
 * 21 partial rounds, external layer built from the 4×4 matrix M4, internal layer 1·1ᵀ + diag(D).
 *
 * Two implementations of the permutation agree bit for bit (tests check both against a BigInt
 * reference): a WebAssembly kernel generated at first use (poseidon2-wasm.ts, ~1.5× faster) and this file's
 * JavaScript one, used where WebAssembly cannot be compiled synchronously. The JavaScript permutation works
 * in place without allocating; linear layers add without reducing (intermediates stay below 2^53, exact in
 * doubles) and the S-box multiplies with the double-precision quotient trick of field/babybear.ts.
 */

export const POSEIDON2_WIDTH = 24;
/** Elements absorbed per permutation by the sponge modes (the remaining 8 are capacity). */
export const POSEIDON2_RATE = 16;
/** Elements in a digest (8 × 31 bits ≈ 248 bits). */
export const POSEIDON2_DIGEST_ELEMENTS = 8;

const INV_P = 1 / P;
const HALF_FULL_ROUNDS = 4;
const PARTIAL_ROUNDS = 21;
const work = new Float64Array(POSEIDON2_WIDTH);

/** Reduces a non-negative integer below 2^53 held in a double. */
function reduceWide(x: number): number {
  const r = x - Math.floor(x * INV_P) * P;
  return r < 0 ? r + P : r >= P ? r - P : r;
}

function sbox(x: number): number {
  const x2 = mul(x, x);
  const x3 = mul(x2, x);
  const x6 = mul(x3, x3);
  return mul(x6, x);
}

/** External linear layer: M4 on each block of four, then add the column sums across blocks. */
function externalLayer(s: Float64Array): void {
  let c0 = 0;
  let c1 = 0;
  let c2 = 0;
  let c3 = 0;
  for (let b = 0; b < POSEIDON2_WIDTH; b += 4) {
    const x0 = s[b]!;
    const x1 = s[b + 1]!;
    const x2 = s[b + 2]!;
    const x3 = s[b + 3]!;
    const t0 = x0 + x1;
    const t1 = x2 + x3;
    const t2 = 2 * x1 + t1;
    const t3 = 2 * x3 + t0;
    const t4 = 4 * t1 + t3;
    const t5 = 4 * t0 + t2;
    const t6 = t3 + t5;
    const t7 = t2 + t4;
    s[b] = t6;
    s[b + 1] = t5;
    s[b + 2] = t7;
    s[b + 3] = t4;
    c0 += t6;
    c1 += t5;
    c2 += t7;
    c3 += t4;
  }
  for (let b = 0; b < POSEIDON2_WIDTH; b += 4) {
    s[b] = reduceWide(s[b]! + c0);
    s[b + 1] = reduceWide(s[b + 1]! + c1);
    s[b + 2] = reduceWide(s[b + 2]! + c2);
    s[b + 3] = reduceWide(s[b + 3]! + c3);
  }
}

/** D[i]/p, so the quotient estimate of D[i]·x costs one multiplication. */
const DIAGONAL_OVER_P = Float64Array.from(INTERNAL_DIAGONAL, (d) => d * INV_P);

function internalLayer(s: Float64Array): void {
  let sum = 0;
  for (let i = 0; i < POSEIDON2_WIDTH; i++) sum += s[i]!;
  for (let i = 0; i < POSEIDON2_WIDTH; i++) {
    const x = s[i]!;
    // D[i]·x − q·p, exact modulo 2^32 and within (−2^12, p + 2^12): reduceWide absorbs the correction.
    const q = Math.floor(x * DIAGONAL_OVER_P[i]!);
    s[i] = reduceWide(sum + ((Math.imul(INTERNAL_DIAGONAL[i]!, x) - Math.imul(q, P)) | 0));
  }
}

function fullRound(s: Float64Array, round: number): void {
  const base = round * POSEIDON2_WIDTH;
  for (let i = 0; i < POSEIDON2_WIDTH; i++) {
    // The sum is below 2^32, which the S-box accepts unreduced (see field/babybear.ts mul).
    s[i] = sbox(s[i]! + FULL_ROUND_CONSTANTS[base + i]!);
  }
  externalLayer(s);
}

/** The JavaScript permutation, in place, on 24 canonical BabyBear elements. */
export function poseidon2PermuteJs(state: Uint32Array): void {
  const s = work;
  for (let i = 0; i < POSEIDON2_WIDTH; i++) s[i] = state[i]!;
  externalLayer(s);
  for (let r = 0; r < HALF_FULL_ROUNDS; r++) fullRound(s, r);
  for (let r = 0; r < PARTIAL_ROUNDS; r++) {
    s[0] = sbox(s[0]! + PARTIAL_ROUND_CONSTANTS[r]!);
    internalLayer(s);
  }
  for (let r = HALF_FULL_ROUNDS; r < 2 * HALF_FULL_ROUNDS; r++) fullRound(s, r);
  for (let i = 0; i < POSEIDON2_WIDTH; i++) state[i] = s[i]!;
}

interface Lanes {
  /** The 24 lanes the sponge modes write into and read from. */
  state: Uint32Array;
  /** Permutes {@link state} in place. */
  permute: () => void;
  backend: "wasm" | "js";
  /** Four interleaved states (lane i of state k at word 4·i + k) and their permutation; WebAssembly only. */
  four: Lanes4 | null;
}

/** Four states interleaved lane by lane, permuted together (see {@link poseidon2Lanes4}). */
export interface Lanes4 {
  /** 96 words: lane i of state k is word 4·i + k. */
  readonly state: Uint32Array;
  /** Permutes the four states in place. */
  readonly permute: () => void;
}

/** Word offset of the four-state block in the kernel's memory (after the single state's 24 words). */
const FOUR_OFFSET = 32;

let lanes: Lanes | undefined;
/** The permutation backend, chosen on first use: the WebAssembly kernel where it compiles, else JavaScript. */
function getLanes(): Lanes {
  if (lanes === undefined) {
    const w: Poseidon2Wasm | null = loadPoseidon2Wasm();
    if (w !== null) {
      const permute4 = w.permute4At;
      lanes = {
        state: w.words.subarray(0, POSEIDON2_WIDTH),
        permute: () => w.permuteAt(0),
        backend: "wasm",
        four: permute4
          ? {
              state: w.words.subarray(FOUR_OFFSET, FOUR_OFFSET + 4 * POSEIDON2_WIDTH),
              permute: () => permute4(FOUR_OFFSET),
            }
          : null,
      };
    } else {
      const state = new Uint32Array(POSEIDON2_WIDTH);
      lanes = { state, permute: () => poseidon2PermuteJs(state), backend: "js", four: null };
    }
  }
  return lanes;
}

/**
 * The permutation's own 24 lanes and its in-place permute, for loops that fill the lanes directly instead
 * of copying a state in and out per permutation (row hashing, Merkle compression). Shared by the process:
 * fill, permute and read back without calling anything else that hashes in between.
 */
export function poseidon2Lanes(): { readonly state: Uint32Array; readonly permute: () => void } {
  return getLanes();
}

/**
 * Four states permuted at once by the WebAssembly kernel's vector permutation (about twice the throughput
 * of four single permutations), or null under the JavaScript backend. Shares the process's kernel like
 * {@link poseidon2Lanes}.
 */
export function poseidon2Lanes4(): Lanes4 | null {
  return getLanes().four;
}

/** The Poseidon2 permutation, in place, on 24 canonical BabyBear elements. */
export function poseidon2Permute(state: Uint32Array): void {
  const l = getLanes();
  l.state.set(state.subarray(0, POSEIDON2_WIDTH));
  l.permute();
  state.set(l.state);
}

/** Which permutation this process uses. */
export function poseidon2Backend(): "wasm" | "js" {
  return getLanes().backend;
}

/** Thrown when a hash input is not a canonical field element or a digest has the wrong size. */
export class Poseidon2InputError extends ZkvmError {
  override name = "Poseidon2InputError";
}

/**
 * RISC Zero's `unpadded_hash`: overwrite the first 16 lanes with the next 16 inputs and permute; a final
 * partial block is zero-filled; the digest is lanes 0..8. The input length is not absorbed, so this is
 * only collision resistant among inputs of one fixed length (Merkle leaves of a given width, pages).
 */
export function poseidon2HashElements(elements: ArrayLike<number>, out = new Uint32Array(8)): Uint32Array {
  const { state, permute } = getLanes();
  state.fill(0);
  let lane = 0;
  for (let i = 0; i < elements.length; i++) {
    const e = elements[i]!;
    if (!(e >= 0 && e < P && Number.isInteger(e))) {
      throw new Poseidon2InputError(`element ${i} (${e}) is not a canonical BabyBear element`);
    }
    state[lane++] = e;
    if (lane === POSEIDON2_RATE) {
      permute();
      lane = 0;
    }
  }
  if (lane !== 0 || elements.length === 0) {
    state.fill(0, lane, POSEIDON2_RATE);
    permute();
  }
  out.set(state.subarray(0, POSEIDON2_DIGEST_ELEMENTS));
  return out;
}

/**
 * Two-to-one compression for Merkle nodes, RISC Zero's `hash_pair(a, b)`: lanes 0..8 = a, 8..16 = b,
 * 16..24 = 0, permute, output lanes 0..8.
 */
export function poseidon2Compress(a: Uint32Array, b: Uint32Array, out = new Uint32Array(8)): Uint32Array {
  if (a.length !== POSEIDON2_DIGEST_ELEMENTS || b.length !== POSEIDON2_DIGEST_ELEMENTS) {
    throw new Poseidon2InputError(
      `compression takes two digests of 8 elements, got ${a.length} and ${b.length}`,
    );
  }
  const { state, permute } = getLanes();
  state.set(a, 0);
  state.set(b, 8);
  state.fill(0, 16);
  permute();
  out.set(state.subarray(0, POSEIDON2_DIGEST_ELEMENTS));
  return out;
}

/** Words per memory page in RISC Zero's image Merkle tree (1 KiB pages). */
export const PAGE_WORDS = 256;

/**
 * RISC Zero's page digest: each 32-bit word is split into two 16-bit halves (low first) so that every
 * lane is canonical, and the 512 halves are hashed with {@link poseidon2HashElements}.
 */
export function poseidon2PageDigest(words: Uint32Array): Uint32Array {
  if (words.length !== PAGE_WORDS)
    throw new Poseidon2InputError(`a page has ${PAGE_WORDS} words, got ${words.length}`);
  const halves = new Uint32Array(2 * PAGE_WORDS);
  for (let i = 0; i < PAGE_WORDS; i++) {
    const w = words[i]!;
    halves[2 * i] = w & 0xffff;
    halves[2 * i + 1] = w >>> 16;
  }
  return poseidon2HashElements(halves);
}

/** A digest as 32 bytes: each of the 8 elements as a u32, little-endian (RISC Zero's Digest layout). */
export function digestToBytes(d: Uint32Array): Uint8Array {
  if (d.length !== POSEIDON2_DIGEST_ELEMENTS)
    throw new Poseidon2InputError(`a digest has 8 elements, got ${d.length}`);
  const out = new Uint8Array(32);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) view.setUint32(4 * i, d[i]!, true);
  return out;
}

/** Inverse of {@link digestToBytes}; rejects elements that are not canonical. */
export function digestFromBytes(bytes: Uint8Array): Uint32Array {
  if (bytes.length !== 32) throw new Poseidon2InputError(`a digest has 32 bytes, got ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, 32);
  const d = new Uint32Array(8);
  for (let i = 0; i < 8; i++) {
    const e = view.getUint32(4 * i, true);
    if (e >= P)
      throw new Poseidon2InputError(`digest element ${i} (${e}) is not a canonical BabyBear element`);
    d[i] = e;
  }
  return d;
}
