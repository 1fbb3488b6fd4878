import { SHA256_BLOCK_BYTES, SHA256_K, sha256Midstate } from "../../hash/sha256-block.ts";
import { BN254_R as R } from "../types.ts";
import type { CircuitBuilder } from "./builder.ts";
import { combine, type Lc, ONE, ZERO } from "./lc.ts";

/**
 * SHA-256 as R1CS (FIPS 180-4), for the ReceiptClaim digest the wrap circuit computes.
 *
 * Words are bits. A {@link Word} is 32 bits, least significant first; a bit is a linear combination whose
 * value is 0 or 1: a constant, or an affine function (x or 1 − x) of a wire constrained boolean. The bitwise
 * functions cost, per variable bit: XOR of two bits 1 constraint, of three 2 (Σ0, Σ1, σ0, σ1), Ch 1, Maj 2;
 * a constant operand folds (XOR with a constant is x or 1 − x, Ch with a constant selector picks an operand),
 * so a constant IV, a constant block or the padding cost nothing where they reach.
 *
 * Additions mod 2^32 are integer sums of words (linear, free) decomposed once into n bits, n = 32 + carry
 * bits, with n the bit length of the sum's bound (< 2^36 for up to 16 addends): n boolean constraints and the
 * linear equality sum = Σ bits·2^i. Soundness of the equality needs no range argument beyond the booleans:
 * both sides are integers below 2^n ≪ r. The equalities are packed several to a constraint (see
 * {@link PackedEqualities}), and words that are only ever added are never decomposed on their own: the
 * schedule words W62 and W63 join their rounds' sums, and the last round's a and e absorb the feed-forward.
 */
export type Word = readonly Lc[];

const WORD_BITS = 32;
const WORD_MOD = 1n << 32n;
const BIT = [ZERO, ONE] as const;
const POW2 = Array.from({ length: 256 }, (_, i) => 1n << BigInt(i));

function checkU32(x: number, what: string): void {
  if (!Number.isInteger(x) || x < 0 || x >= 2 ** 32)
    throw new RangeError(`${what} must be an integer in [0, 2^32), got ${x}`);
}

function checkWords(words: readonly Word[], count: number, what: string): void {
  if (words.length !== count)
    throw new RangeError(`a SHA-256 ${what} has ${count} words, got ${words.length}`);
  words.forEach((w, i) => {
    if (w.length !== WORD_BITS) throw new RangeError(`${what} word ${i} has ${w.length} bits; a word has 32`);
  });
}

/** A constant word: free everywhere it goes. */
export function constantWord(x: number): Word {
  checkU32(x, "a constant word");
  return Array.from({ length: WORD_BITS }, (_, i) => BIT[(x >>> i) & 1]!);
}

/** A private word: 32 hinted bits, each constrained boolean (32 constraints). */
export function wordHint(c: CircuitBuilder, value: number, kind: string): Word {
  checkU32(value, "a hinted word");
  return Array.from({ length: WORD_BITS }, (_, i) => booleanHint(c, BigInt((value >>> i) & 1), kind));
}

function booleanHint(c: CircuitBuilder, value: bigint, kind: string): Lc {
  const b = c.hint(value, kind);
  c.enforce(b, b.addConstant(-1n), ZERO, "sha256 boolean");
  return b;
}

// ---- bitwise functions, one bit at a time, folding constants ----

/** p ⊕ q: 2p·q = p + q − t (1 constraint); free when either is constant. */
function xor(c: CircuitBuilder, p: Lc, q: Lc): Lc {
  if (p.isConstant) return p.k === 0n ? q : ONE.sub(q);
  if (q.isConstant) return q.k === 0n ? p : ONE.sub(p);
  const t = c.hint(p.value + q.value - 2n * p.value * q.value, "sha256 xor");
  c.enforce(p.scale(2n), q, p.add(q).sub(t), "sha256 xor");
  return t;
}

/**
 * Ch(e, f, g) = e ? f : g = g + e·(f − g) for bits: 1 constraint; free for a constant e or constant f and g.
 * Also the select other gadgets use on bits (`kind` names their hints).
 */
export function ch(c: CircuitBuilder, e: Lc, f: Lc, g: Lc, kind = "sha256 ch"): Lc {
  if (e.isConstant) return e.k === 1n ? f : g;
  if (f.isConstant && g.isConstant) {
    if (f.k === g.k) return f;
    return f.k === 1n ? e : ONE.sub(e);
  }
  const d = f.sub(g);
  const out = c.hint(g.value + e.value * d.value, kind);
  c.enforce(e, d, out.sub(g), kind);
  return out;
}

/**
 * Maj(a, b, d), the majority. Three variables: m = b·d, then Maj = m + a·(b + d − 2m) (2 constraints).
 * With one constant it is x∧y or x∨y = x + y − x·y (1 constraint); with two, a constant or the variable.
 */
function maj(c: CircuitBuilder, a: Lc, b: Lc, d: Lc): Lc {
  const vars = [a, b, d].filter((x) => !x.isConstant);
  const ones = [a, b, d].filter((x) => x.isConstant && x.k === 1n).length;
  if (vars.length === 0) return BIT[ones >= 2 ? 1 : 0]!;
  if (vars.length === 1) return ones === 1 ? vars[0]! : BIT[ones === 2 ? 1 : 0]!;
  if (vars.length === 2) {
    const [x, y] = vars as [Lc, Lc];
    const xy = x.value * y.value;
    if (ones === 0) {
      const and = c.hint(xy, "sha256 maj");
      c.enforce(x, y, and, "sha256 maj");
      return and;
    }
    const or = c.hint(x.value + y.value - xy, "sha256 maj");
    c.enforce(x, y, x.add(y).sub(or), "sha256 maj");
    return or;
  }
  const m = c.hint(b.value * d.value, "sha256 maj and");
  c.enforce(b, d, m, "sha256 maj and");
  const spread = b.add(d).addScaled(m, -2n);
  const out = c.hint(m.value + a.value * spread.value, "sha256 maj");
  c.enforce(a, spread, out.sub(m), "sha256 maj");
  return out;
}

const rotr = (w: Word, n: number): Word =>
  Array.from({ length: WORD_BITS }, (_, i) => w[(i + n) % WORD_BITS]!);
const shr = (w: Word, n: number): Word => Array.from({ length: WORD_BITS }, (_, i) => w[i + n] ?? ZERO);

function xor3(c: CircuitBuilder, x: Word, y: Word, z: Word): Word {
  return x.map((bit, i) => xor(c, xor(c, bit, y[i]!), z[i]!));
}

const bigSigma0 = (c: CircuitBuilder, x: Word) => xor3(c, rotr(x, 2), rotr(x, 13), rotr(x, 22));
const bigSigma1 = (c: CircuitBuilder, x: Word) => xor3(c, rotr(x, 6), rotr(x, 11), rotr(x, 25));
// The shifted-in zeros make a third of σ's bits two-input XORs (1 constraint instead of 2).
const smallSigma0 = (c: CircuitBuilder, x: Word) => xor3(c, rotr(x, 7), rotr(x, 18), shr(x, 3));
const smallSigma1 = (c: CircuitBuilder, x: Word) => xor3(c, rotr(x, 17), rotr(x, 19), shr(x, 10));

// ---- additions mod 2^32 ----

/** How far equalities are packed: below 2^252 < r (see {@link PackedEqualities}). */
const PACKED_BITS = 252;

/**
 * Linear equalities L = 0 where, whenever the bits L combines are boolean, L is an integer in (−2^n, 2^n):
 * several become one constraint Σ_k 2^(o_k)·L_k = 0 with o_{k+1} = o_k + n_k + 1 and o_K ≤ 252 (bellman's
 * MultiEq idea). Sound: |Σ| < 2^252 < r, so the field equation holds over the integers; modulo 2^(o_1) it
 * gives L_0 ≡ 0 mod 2^(n_0 + 1), hence L_0 = 0 as |L_0| < 2^(n_0), and so on for each L_k. About seven of
 * SHA-256's 36-bit sums share a constraint, which saves ~150 constraints per compression.
 */
class PackedEqualities {
  private terms: (readonly [Lc, bigint])[] = [];
  private constant = 0n;
  private offset = 0;
  private readonly c: CircuitBuilder;

  constructor(c: CircuitBuilder) {
    this.c = c;
  }

  add(terms: readonly (readonly [Lc, bigint])[], constant: bigint, bits: number): void {
    if (this.offset + bits + 1 > PACKED_BITS) this.flush();
    const shift = POW2[this.offset]!;
    for (const [lc, f] of terms) this.terms.push([lc, f * shift]);
    this.constant += constant * shift;
    this.offset += bits + 1;
  }

  flush(): void {
    if (this.offset === 0) return;
    this.c.enforceEqual(combine(this.terms, this.constant), ZERO, "sha256 sums");
    this.terms = [];
    this.constant = 0n;
    this.offset = 0;
  }
}

/** An addition mod 2^32 being assembled: words and a constant, added as integers until {@link settle}. */
class Sum {
  readonly words: Word[] = [];
  constant = 0n;

  add(x: Word | Sum): this {
    if (x instanceof Sum) {
      this.words.push(...x.words);
      this.constant += x.constant;
    } else this.words.push(x);
    return this;
  }

  addConstant(k: number): this {
    this.constant += BigInt(k);
    return this;
  }
}

/**
 * The sum mod 2^32 as a word: all constant, computed natively; one variable word plus a multiple of 2^32,
 * that word; otherwise the sum's n bits hinted (32 result bits, n − 32 carries), each boolean, with the
 * equality sum = Σ bits·2^i packed into `eqs`. n + a share of one constraint.
 */
function settle(c: CircuitBuilder, eqs: PackedEqualities, sum: Sum): Word {
  const terms: (readonly [Lc, bigint])[] = [];
  let constant = sum.constant;
  let bound = 0n;
  let value = 0n;
  const variable: { word: Word; constant: bigint }[] = [];
  for (const word of sum.words) {
    let wordConstant = 0n;
    let isVariable = false;
    for (let i = 0; i < WORD_BITS; i++) {
      const bit = word[i]!;
      if (bit.isConstant) wordConstant += bit.k << BigInt(i);
      else {
        terms.push([bit, POW2[i]!]);
        bound += POW2[i]!;
        value += bit.value << BigInt(i);
        isVariable = true;
      }
    }
    constant += wordConstant;
    if (isVariable) variable.push({ word, constant: wordConstant });
  }
  constant %= WORD_MOD;
  if (variable.length === 0) return constantWord(Number(constant));
  if (variable.length === 1 && (constant - variable[0]!.constant) % WORD_MOD === 0n) return variable[0]!.word;
  bound += constant;
  // The sum's value in the field (honestly an integer below 2^n; a tampered witness may make it anything).
  value = (value + constant) % R;
  const n = Math.max(WORD_BITS, bound.toString(2).length);
  const bits = Array.from({ length: n }, (_, i) =>
    booleanHint(c, (value >> BigInt(i)) & 1n, i < WORD_BITS ? "sha256 sum" : "sha256 carry"),
  );
  bits.forEach((b, i) => terms.push([b, -POW2[i]!]));
  eqs.add(terms, constant, n);
  return bits.slice(0, WORD_BITS);
}

// ---- the compression function and whole messages ----

/**
 * One SHA-256 compression: the chaining value after `block` (16 big-endian words, as SHA-256 reads them)
 * from `state` (8 words), i.e. the 64 rounds and the feed-forward. Every output bit is constant or
 * constrained boolean. A fully variable state and block cost 26,128 constraints (docs/wrap-circuit.md §4b).
 */
export function sha256Compress(c: CircuitBuilder, state: readonly Word[], block: readonly Word[]): Word[] {
  checkWords(state, 8, "state");
  checkWords(block, 16, "block");
  const eqs = new PackedEqualities(c);
  const word = (s: Sum) => settle(c, eqs, s);

  // W62 and W63 feed no σ: they stay sums and are settled as part of their rounds' sums.
  const w: (Word | Sum)[] = [...block];
  for (let t = 16; t < 64; t++) {
    const s = new Sum()
      .add(smallSigma1(c, w[t - 2] as Word))
      .add(w[t - 7]!)
      .add(smallSigma0(c, w[t - 15] as Word))
      .add(w[t - 16]!);
    w.push(t < 62 ? word(s) : s);
  }

  let [a, b, d0, d, e, f, g, h] = state as [Word, Word, Word, Word, Word, Word, Word, Word];
  for (let t = 0; t < 64; t++) {
    const t1 = new Sum()
      .add(h)
      .add(bigSigma1(c, e))
      .add(ch3(c, e, f, g))
      .addConstant(SHA256_K[t]!)
      .add(w[t]!);
    const t2 = new Sum().add(bigSigma0(c, a)).add(maj3(c, a, b, d0));
    const nextE = new Sum().add(d).add(t1);
    const nextA = new Sum().add(t1).add(t2);
    if (t === 63) {
      // The last a and e are only fed forward: one decomposition each instead of two.
      nextE.add(state[4]!);
      nextA.add(state[0]!);
    }
    h = g;
    g = f;
    f = e;
    e = word(nextE);
    d = d0;
    d0 = b;
    b = a;
    a = word(nextA);
  }
  const working = [a, b, d0, d, e, f, g, h];
  const out = working.map((x, i) => (i === 0 || i === 4 ? x : word(new Sum().add(state[i]!).add(x))));
  eqs.flush();
  return out;
}

const ch3 = (c: CircuitBuilder, e: Word, f: Word, g: Word): Word =>
  e.map((bit, i) => ch(c, bit, f[i]!, g[i]!));
const maj3 = (c: CircuitBuilder, a: Word, b: Word, d: Word): Word =>
  a.map((bit, i) => maj(c, bit, b[i]!, d[i]!));

/** A constant byte as 8 bits, least significant first. */
export const constantByte = (x: number): readonly Lc[] =>
  Array.from({ length: 8 }, (_, i) => BIT[(x >> i) & 1]!);

/** A big-endian word from four bytes of 8 bits (least significant first). */
const wordOfBytes = (bytes: readonly (readonly Lc[])[]): Word =>
  Array.from({ length: WORD_BITS }, (_, i) => bytes[3 - (i >> 3)]![i & 7]!);

export interface Sha256MessageOptions {
  /**
   * A constant prefix of whole 64-byte blocks: the digest is sha256(prefix ‖ bytes), with the prefix's blocks
   * compressed natively (free) into the starting state.
   */
  readonly prefix?: Uint8Array;
}

/**
 * The SHA-256 digest of a message of fixed length, as 8 words (the digest bytes are their big-endian bytes,
 * see {@link digestBytes}). Each byte is 8 bits, least significant first; constant bytes fold. Padding is
 * constant, so the cost is that of ⌈(|bytes| + 9)/64⌉ compressions, less what folds.
 */
export function sha256Message(
  c: CircuitBuilder,
  bytes: readonly (readonly Lc[])[],
  options: Sha256MessageOptions = {},
): Word[] {
  const prefix = options.prefix ?? new Uint8Array(0);
  bytes.forEach((byte, i) => {
    if (byte.length !== 8) throw new RangeError(`message byte ${i} has ${byte.length} bits; a byte has 8`);
  });
  let state = sha256Midstate(prefix).map(constantWord);
  const bitLength = BigInt(prefix.length + bytes.length) * 8n;
  const padded = [...bytes, constantByte(0x80)];
  while (padded.length % SHA256_BLOCK_BYTES !== SHA256_BLOCK_BYTES - 8) padded.push(constantByte(0));
  for (let i = 7; i >= 0; i--) padded.push(constantByte(Number((bitLength >> BigInt(8 * i)) & 0xffn)));
  for (let at = 0; at < padded.length; at += SHA256_BLOCK_BYTES) {
    const block = Array.from({ length: 16 }, (_, j) => wordOfBytes(padded.slice(at + 4 * j, at + 4 * j + 4)));
    state = sha256Compress(c, state, block);
  }
  return state;
}

/** The 32 digest bytes (8 bits each, least significant first) of a digest's 8 words, in SHA-256's byte order. */
export function digestBytes(words: readonly Word[]): Lc[][] {
  checkWords(words, 8, "digest");
  return words.flatMap((w) => [3, 2, 1, 0].map((k) => w.slice(8 * k, 8 * k + 8)));
}
