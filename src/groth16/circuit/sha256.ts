import type { CircuitBuilder } from "./builder.ts";
import { combine, Lc, ONE, ZERO } from "./lc.ts";

/**
 * SHA-256 (FIPS 180-4) as R1CS on the circuit builder: the wrap circuit computes RISC Zero's ReceiptClaim
 * digest with it (docs/wrap-circuit.md §4b). A 32-bit word is 32 bits, least significant first; every bit is
 * a constant or a wire constrained to {0, 1}, so linear combinations of bits are exact integers.
 *
 * Costs per bit, for variable operands (constants fold to nothing): XOR of two bits 1 constraint (the product),
 * of three 2; Ch(e, f, g) = e·(f − g) + g 1; Maj(a, b, c) = Ch(b ⊕ c, a, b) 1, with b ⊕ c the XOR of two
 * consecutive `a` words, computed once and used by the next round too. A sum of words mod 2^32 is one
 * decomposition of the integer sum: 32 result bits and ⌈log2(addends)⌉ carry bits, each boolean, and one linear
 * equality. About 26 k constraints per compression of a variable block (circomlib's: ~29.4 k).
 */
export type Word = readonly Lc[];

const MASK = 0xffffffff;

/** SHA-256 round constants. */
const K = Uint32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

/** The initial hash value H(0). */
export const SHA256_IV = Uint32Array.from([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

export function constantWord(x: number): Word {
  return Array.from({ length: 32 }, (_, i) => ((x >>> i) & 1 ? ONE : ZERO));
}

/** 32 hinted bits of `value`, each constrained boolean. */
export function wordHint(c: CircuitBuilder, value: number, kind: string): Word {
  return Array.from({ length: 32 }, (_, i) => bitHint(c, (value >>> i) & 1, kind));
}

function bitHint(c: CircuitBuilder, bit: number, kind: string): Lc {
  const b = c.hint(BigInt(bit), kind);
  c.enforce(b, ONE.sub(b), ZERO, "sha256: a bit is 0 or 1");
  return b;
}

const isConst = (x: Lc) => x.isConstant;
const constBit = (x: Lc) => x.k === 1n;

/** x·y for bits: one constraint unless a factor is constant. */
function and(c: CircuitBuilder, x: Lc, y: Lc): Lc {
  if (isConst(x)) return constBit(x) ? y : ZERO;
  if (isConst(y)) return constBit(y) ? x : ZERO;
  const z = c.hint(x.value * y.value, "sha256-and");
  c.enforce(x, y, z, "sha256: bit product");
  return z;
}

/** x ⊕ y = x + y − 2xy. */
function xor(c: CircuitBuilder, x: Lc, y: Lc): Lc {
  if (isConst(x) && isConst(y)) return constBit(x) !== constBit(y) ? ONE : ZERO;
  if (isConst(x)) return constBit(x) ? ONE.sub(y) : y;
  if (isConst(y)) return constBit(y) ? ONE.sub(x) : x;
  return x.add(y).sub(and(c, x, y).scale(2n));
}

const rotr = (w: Word, n: number): Word => w.map((_, i) => w[(i + n) % 32]!);
const shr = (w: Word, n: number): Word => w.map((_, i) => (i + n < 32 ? w[i + n]! : ZERO));

function xor3(c: CircuitBuilder, x: Word, y: Word, z: Word): Word {
  return x.map((b, i) => xor(c, xor(c, b, y[i]!), z[i]!));
}

/** The integer a word stands for. */
const wordValue = (w: Word): Lc => combine(w.map((b, i) => [b, 1n << BigInt(i)] as const));

const known = (w: Word): number | null =>
  w.every(isConst) ? w.reduce((acc, b, i) => (constBit(b) ? acc | (1 << i) : acc), 0) >>> 0 : null;

/**
 * Σ words mod 2^32: the integer sum decomposed into 32 result bits and the carry bits its bound needs, all
 * boolean, with one linear equality. Constant addends fold; an all-constant sum costs nothing.
 */
export function addWords(c: CircuitBuilder, words: readonly Word[]): Word {
  let constant = 0;
  const variable: Word[] = [];
  for (const w of words) {
    const k = known(w);
    if (k === null) variable.push(w);
    else constant = (constant + k) >>> 0;
  }
  if (variable.length === 0) return constantWord(constant);
  const sum = variable.reduce((acc, w) => acc.add(wordValue(w)), Lc.constant(BigInt(constant)));
  const total = sum.value;
  const bound = BigInt(variable.length) * BigInt(MASK) + BigInt(constant);
  const carryBits = bound >> 32n === 0n ? 0 : (bound >> 32n).toString(2).length;
  const low = Number(total & BigInt(MASK));
  const out = wordHint(c, low, "sha256-sum");
  const carry = Array.from({ length: carryBits }, (_, i) =>
    bitHint(c, Number((total >> BigInt(32 + i)) & 1n), "sha256-carry"),
  );
  const recomposed = wordValue(out).add(combine(carry.map((b, i) => [b, 1n << BigInt(32 + i)] as const)));
  c.enforceEqual(recomposed, sum, "sha256: sum mod 2^32");
  return out;
}

/**
 * One compression: 64 rounds on `state` (8 words) and `block` (16 big-endian words), plus the feed-forward.
 * Every output bit is constrained boolean (or constant when everything was).
 */
export function sha256Compress(c: CircuitBuilder, state: readonly Word[], block: readonly Word[]): Word[] {
  if (state.length !== 8 || block.length !== 16)
    throw new RangeError(
      `a compression takes 8 state words and 16 block words, got ${state.length} and ${block.length}`,
    );
  const w: Word[] = [...block];
  for (let t = 16; t < 64; t++) {
    const s0 = xor3(c, rotr(w[t - 15]!, 7), rotr(w[t - 15]!, 18), shr(w[t - 15]!, 3));
    const s1 = xor3(c, rotr(w[t - 2]!, 17), rotr(w[t - 2]!, 19), shr(w[t - 2]!, 10));
    w.push(addWords(c, [s1, w[t - 7]!, s0, w[t - 16]!]));
  }
  let [a, b, cc, d, e, f, g, h] = state as Word[];
  // b ⊕ c of the round: the XOR of the two previous `a` words, each computed once.
  let bXorC = a!.map((x, i) => xor(c, x, b![i]!)); // for the first round: a ⊕ b, shifted in below
  let prevXor = b!.map((x, i) => xor(c, x, cc![i]!));
  for (let t = 0; t < 64; t++) {
    const S1 = xor3(c, rotr(e!, 6), rotr(e!, 11), rotr(e!, 25));
    const ch = e!.map((x, i) => ch1(c, x, f![i]!, g![i]!));
    const S0 = xor3(c, rotr(a!, 2), rotr(a!, 13), rotr(a!, 22));
    // Maj(a, b, c) = (b ⊕ c) ? a : b.
    const maj = prevXor.map((s, i) => ch1(c, s, a![i]!, b![i]!));
    const t1 = [h!, S1, ch, constantWord(K[t]!), w[t]!];
    const newE = addWords(c, [d!, ...t1]);
    const newA = addWords(c, [...t1, S0, maj]);
    h = g;
    g = f;
    f = e;
    e = newE;
    d = cc;
    cc = b;
    b = a;
    a = newA;
    prevXor = bXorC; // now b ⊕ c for the next round (old a ⊕ old b)
    if (t < 63) bXorC = a.map((x, i) => xor(c, x, b![i]!));
  }
  const out = [a, b, cc, d, e, f, g, h] as Word[];
  return out.map((x, i) => addWords(c, [state[i]!, x]));
}

/** Ch(x, y, z) = x ? y : z = x·(y − z) + z for bits. */
function ch1(c: CircuitBuilder, x: Lc, y: Lc, z: Lc): Lc {
  if (isConst(x)) return constBit(x) ? y : z;
  if (isConst(y) && isConst(z)) {
    if (constBit(y) === constBit(z)) return y;
    return constBit(y) ? x : ONE.sub(x);
  }
  const diff = y.sub(z);
  const v = c.hint(x.value * diff.value + z.value, "sha256-choose");
  c.enforce(x, diff, v.sub(z), "sha256: choose");
  return v;
}

/**
 * sha256(prefix ‖ bytes) as 8 digest words: `prefix` is a constant whose length is a multiple of 64, compressed
 * natively; `bytes` are 8 bits each, least significant first. Padding is constant.
 */
export function sha256Message(
  c: CircuitBuilder,
  bytes: readonly (readonly Lc[])[],
  options: { readonly prefix?: Uint8Array } = {},
): Word[] {
  const prefix = options.prefix ?? new Uint8Array(0);
  if (prefix.length % 64 !== 0) throw new RangeError("a constant prefix is a whole number of 64-byte blocks");
  let native: Uint32Array = SHA256_IV.slice();
  for (let at = 0; at < prefix.length; at += 64)
    native = compressNative(native, prefix.subarray(at, at + 64));
  const totalBits = BigInt(8 * (prefix.length + bytes.length));
  const constByte = (v: number) => Array.from({ length: 8 }, (_, k) => ((v >> k) & 1 ? ONE : ZERO));
  const padded: (readonly Lc[])[] = [...bytes, constByte(0x80)];
  while (padded.length % 64 !== 56) padded.push(constByte(0));
  for (let i = 7; i >= 0; i--) padded.push(constByte(Number((totalBits >> BigInt(8 * i)) & 0xffn)));
  let state: Word[] = Array.from(native, (x) => constantWord(x));
  for (let at = 0; at < padded.length; at += 64) {
    const block = Array.from({ length: 16 }, (_, j) => {
      // Big-endian: byte 0 of the word is its most significant.
      const bs = padded.slice(at + 4 * j, at + 4 * j + 4);
      return [...bs[3]!, ...bs[2]!, ...bs[1]!, ...bs[0]!];
    });
    state = sha256Compress(c, state, block);
  }
  return state;
}

/** The digest's 32 bytes (each 8 bits, least significant first), in SHA-256's byte order. */
export function digestBytes(words: readonly Word[]): Lc[][] {
  return words.flatMap((w) => [3, 2, 1, 0].map((j) => w.slice(8 * j, 8 * j + 8)));
}

/** The compression function natively (for constant prefixes; noble does not expose midstates). */
export function compressNative(state: Uint32Array, block: Uint8Array): Uint32Array {
  const w = new Uint32Array(64);
  const view = new DataView(block.buffer, block.byteOffset, 64);
  for (let t = 0; t < 16; t++) w[t] = view.getUint32(4 * t);
  const r = (x: number, n: number) => (x >>> n) | (x << (32 - n));
  for (let t = 16; t < 64; t++) {
    const s0 = r(w[t - 15]!, 7) ^ r(w[t - 15]!, 18) ^ (w[t - 15]! >>> 3);
    const s1 = r(w[t - 2]!, 17) ^ r(w[t - 2]!, 19) ^ (w[t - 2]! >>> 10);
    w[t] = (s1 + w[t - 7]! + s0 + w[t - 16]!) >>> 0;
  }
  let [a, b, c, d, e, f, g, h] = state;
  for (let t = 0; t < 64; t++) {
    const t1 = (h! + (r(e!, 6) ^ r(e!, 11) ^ r(e!, 25)) + ((e! & f!) ^ (~e! & g!)) + K[t]! + w[t]!) >>> 0;
    const t2 = ((r(a!, 2) ^ r(a!, 13) ^ r(a!, 22)) + ((a! & b!) ^ (a! & c!) ^ (b! & c!))) >>> 0;
    h = g;
    g = f;
    f = e;
    e = (d! + t1) >>> 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) >>> 0;
  }
  return Uint32Array.from([a!, b!, c!, d!, e!, f!, g!, h!].map((x, i) => (x + state[i]!) >>> 0));
}
