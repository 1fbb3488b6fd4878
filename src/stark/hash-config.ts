import { ZkvmError } from "../errors.ts";
import { P } from "../field/babybear.ts";
import type { Ext } from "../field/extension.ts";
import type { MerkleArity, MerkleScheme } from "./pcs/merkle-shape.ts";

/**
 * What the STARK needs from a hash: a leaf hash of a row of base-field elements, a 2-to-1 compression for
 * Merkle nodes (and a 4-to-1 one for 4-ary trees), and a duplex-sponge transcript. Digests are 8 u32 words (32 bytes little-endian); each
 * configuration says which words are canonical. Two configurations exist: Poseidon2 over BabyBear
 * (`poseidon2Hash`) and Poseidon over BN254 (for proofs that a BN254 circuit verifies).
 */
export interface StarkHash {
  /** Name recorded in the AIR digest and the transcript. */
  readonly id: string;
  /** Leaf digest of a row of canonical BabyBear elements; the row length is fixed by the AIR shape. */
  hashRow(row: ArrayLike<number>, out: Uint32Array): void;
  /**
   * `hashRow` of equal-length rows into `outs[i]` (optional): for hashes whose engine permutes several
   * states at once. Same digests as `hashRow` row by row.
   */
  hashRows?(rows: readonly ArrayLike<number>[], outs: readonly Uint32Array[]): void;
  compress(left: Uint32Array, right: Uint32Array, out: Uint32Array): void;
  /**
   * `compress` of several pairs (optional): for hashes whose engine permutes several states at once. Same
   * digests as `compress` pair by pair; `outs[i]` may be `lefts[i]` or `rights[i]`.
   */
  compressPairs?(
    lefts: readonly Uint32Array[],
    rights: readonly Uint32Array[],
    outs: readonly Uint32Array[],
  ): void;
  /**
   * Children per Merkle node (pcs/merkle-shape.ts): 2, or 4 — then `compress4` joins four children per step
   * and `compress` serves the binary steps a mixed-height tree needs and the injection of shorter matrices.
   */
  readonly merkleArity: MerkleArity;
  /** The 4-to-1 node hash of `merkleArity` 4: children in order (required by that arity). */
  compress4?(children: readonly Uint32Array[], out: Uint32Array): void;
  /**
   * One tree step (optional, same digests as `compress`/`compress4` node by node): for j in [start, end),
   * digest j of `level` = the `arity`-to-1 hash of digests arity·j … arity·j + arity − 1 of `below`, 8 words
   * per digest.
   */
  compressLevel?(
    below: Uint32Array,
    level: Uint32Array,
    start: number,
    end: number,
    arity: MerkleArity,
  ): void;
  /**
   * Fused injection (optional; docs/proof-system.md §3): the node of a step that lands on a level where
   * shorter matrices are injected, hashed from the step's children (2 or 4, in order) and the injected row
   * (those matrices' rows, concatenated) in one hash. Without it such a node is
   * compress(step's node, hashRow(row)).
   */
  injectNode?(children: readonly Uint32Array[], row: Uint32Array, out: Uint32Array): void;
  /**
   * `injectNode` of several nodes whose rows have equal lengths (optional): for hashes whose engine permutes
   * several states at once. Same digests as `injectNode` node by node.
   */
  injectNodes?(
    children: readonly (readonly Uint32Array[])[],
    rows: readonly Uint32Array[],
    outs: readonly Uint32Array[],
  ): void;
  /** Whether 8 words form a digest this configuration can produce (decoders reject the others). */
  isCanonicalDigest(d: Uint32Array): boolean;
  newChallenger(): Challenger;
  /**
   * Optional proof-of-work pre-check from a transcript's `powState` (which worker threads can receive): the
   * smallest of `count` nonces from `from` whose sample would have `bits` zero bits, or −1. The prover
   * splits the search across threads with it and confirms the nonce with the generic check.
   */
  readonly powScan?: PowScan;
}

/** Thrown where a hash configuration lacks what its Merkle arity, or the component given it, requires. */
export class UnsupportedHashError extends ZkvmError {
  override name = "UnsupportedHashError";
}

/** `hash.compress4`, which a configuration of Merkle arity 4 must have. */
export function compress4(hash: StarkHash, children: readonly Uint32Array[], out: Uint32Array): void {
  if (!hash.compress4)
    throw new UnsupportedHashError(`hash configuration ${hash.id} has no 4-to-1 compression (compress4)`);
  hash.compress4(children, out);
}

/** The shape and node hashing of the configuration's Merkle trees, as the verifier walks them. */
export function merkleScheme(hash: StarkHash): MerkleScheme {
  return { arity: hash.merkleArity, fusedInjection: hash.injectNode !== undefined };
}

/** Fiat–Shamir transcript: a duplex sponge (docs/proof-system.md §4). */
export interface Challenger {
  /** Absorbs one canonical BabyBear element. */
  observe(x: number): void;
  observeDigest(d: Uint32Array): void;
  /** Squeezes one uniformly distributed BabyBear element. */
  sample(): number;
  clone(): Challenger;
  /**
   * Optional fast search for the smallest proof-of-work nonce (see {@link grind}); must return what the
   * generic search returns.
   */
  grindFast?(bits: number): number;
  /**
   * Optional: the transcript state that `StarkHash.powScan` scans nonces from, as words a worker thread can
   * receive; undefined when this state has no such shortcut (the search is then `grindFast`'s or generic).
   */
  powState?(): Uint32Array | undefined;
}

/** The smallest of `count` nonces from `from` that pass a hash's `powScan` pre-check, or −1. */
export type PowScan = (state: Uint32Array, bits: number, from: number, count: number) => number;

export function observeMany(ch: Challenger, xs: ArrayLike<number>): void {
  for (let i = 0; i < xs.length; i++) ch.observe(xs[i]!);
}

/** Absorbs a commitment: its Merkle cap's digests in node order — one, the root, without a cap. */
export function observeCap(ch: Challenger, cap: readonly Uint32Array[]): void {
  for (const d of cap) ch.observeDigest(d);
}

export function observeExt(ch: Challenger, x: Readonly<Ext>): void {
  ch.observe(x[0]);
  ch.observe(x[1]);
  ch.observe(x[2]);
  ch.observe(x[3]);
}

export function sampleExt(ch: Challenger): Ext {
  return [ch.sample(), ch.sample(), ch.sample(), ch.sample()];
}

/**
 * The low `bits` bits (≤ 27) of one sampled element. No rejection step, so that a circuit or recursion
 * program draws exactly as many samples as the native verifier: the low bits of a uniform element of
 * [0, p), p = 15·2^27 + 1, are uniform up to one extra chance for the value 0 (statistical distance ≤ 1/p
 * per sample; docs/security.md).
 */
export function sampleBits(ch: Challenger, bits: number): number {
  if (!(Number.isInteger(bits) && bits >= 0 && bits <= 27))
    throw new RangeError(`cannot sample ${bits} bits`);
  const e = ch.sample();
  return bits === 0 ? 0 : e & ((1 << bits) - 1);
}

/** Absorbs a short ASCII string, one element per byte, preceded by its length. */
export function observeString(ch: Challenger, s: string): void {
  const bytes = new TextEncoder().encode(s);
  ch.observe(bytes.length);
  observeMany(ch, bytes);
}

/** Whether observing `nonce` and then sampling `bits` bits gives zero (the proof-of-work check). */
export function checkPow(ch: Challenger, nonce: number, bits: number): boolean {
  const c = ch.clone();
  c.observe(nonce);
  return sampleBits(c, bits) === 0;
}

/** The smallest nonce that passes the proof-of-work check from this transcript state. */
export function grind(ch: Challenger, bits: number): number {
  return ch.grindFast ? ch.grindFast(bits) : grindBySearch(ch, bits);
}

/**
 * `grind` through a pre-check that scans rounds of `roundSize` nonces (`scanRound(first)`: the smallest
 * candidate in [first, first + roundSize), or −1): the first candidate, confirmed by the generic check. A
 * candidate the check rejects (a pre-check that disagrees with it) leaves the search to `grindBySearch`.
 */
export function grindByRounds(
  ch: Challenger,
  bits: number,
  roundSize: number,
  scanRound: (first: number) => number,
): number {
  for (let first = 0; first < P; first += roundSize) {
    const nonce = scanRound(first);
    if (nonce >= 0) return checkPow(ch, nonce, bits) ? nonce : grindBySearch(ch, bits);
  }
  throw new RangeError("no proof-of-work nonce exists");
}

/** `grind` by the generic check, nonce after nonce (what a `grindFast` must agree with). */
export function grindBySearch(ch: Challenger, bits: number): number {
  for (let nonce = 0; nonce < P; nonce++) if (checkPow(ch, nonce, bits)) return nonce;
  throw new RangeError("no proof-of-work nonce exists");
}
