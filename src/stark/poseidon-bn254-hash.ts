import { P } from "../field/babybear.ts";
import {
  BN254_R,
  poseidonBn254,
  poseidonBn254Permute,
  poseidonBn254PermuteBatch,
  poseidonBn254Words,
} from "../hash/poseidon-bn254.ts";
import { type Challenger, grindByRounds, grindBySearch, type StarkHash } from "./hash-config.ts";

/**
 * The Poseidon-BN254 configuration (circomlib's Poseidon), for STARKs that a BN254 circuit verifies.
 *
 * - Packing: up to 8 BabyBear elements e_0..e_7 become one BN254 element Σ e_i·p^i (p^8 < 2^248 < r, so
 *   packing is injective), as RISC Zero's poseidon_254 does. A row is packed in order, the last chunk
 *   possibly shorter (the row length is fixed by the AIR shape, so this is unambiguous).
 * - hashRow: k ≤ 16 packed elements → circomlib Poseidon(k); more → h = Poseidon(first 16), then
 *   h = Poseidon(h, next ≤ 15) until consumed.
 * - compress(a, b) = circomlib Poseidon(2)(a, b); compress4(a, b, c, d) = circomlib Poseidon(4)(a, b, c, d).
 * - Merkle trees are 4-ary (pcs/merkle-shape.ts): a node of four children costs a BN254 circuit one Poseidon(4)
 *   (301 constraints) instead of three Poseidon(2) over two binary levels' paths (2 × 243 per opening).
 * - Injections are fused (`injectNode`): a node on a level where shorter matrices are injected is
 *   Poseidon(children ‖ cells), the injected row's packed cells beside its 2 or 4 children, when they fit in
 *   circomlib's 16 inputs; else Poseidon(children ‖ hashRow(row)). Either way one Poseidon per injection
 *   fewer than compress(node, hashRow(row)), and the first also saves the row's own hash.
 * - Digest: one BN254 element, as 8 u32 words little-endian (32 bytes LE); canonical iff < r.
 * - Transcript: a duplex sponge on the width-3 permutation, capacity cell 0, rate cells 1 and 2, overwrite
 *   mode. Observed BabyBear elements are packed 8 per cell; a digest takes one cell of its own. The cells
 *   observed between two samples are absorbed when the next sample is drawn: as they are if fewer than 5,
 *   else hashed into one cell by `hashPackedRow` (commitments' caps, the openings at ζ). Each squeezed cell
 *   yields one BabyBear element, the cell's value mod p (statistical distance ≤ p/r < 2^-222).
 */
const PB = BigInt(P);
/** Nodes per batched call in `compressLevel` (the engine permutes them in pairs). */
const LEVEL_BATCH = 32;
const MASK32 = 0xffffffffn;
/** Nonces permuted per batched call while grinding. */
const GRIND_BATCH = 256;

function packChunk(row: ArrayLike<number>, start: number, end: number): bigint {
  let acc = 0n;
  for (let i = end - 1; i >= start; i--) acc = acc * PB + BigInt(row[i]!);
  return acc;
}

export function packElements(row: ArrayLike<number>): bigint[] {
  const out: bigint[] = [];
  for (let i = 0; i < row.length; i += 8) out.push(packChunk(row, i, Math.min(row.length, i + 8)));
  return out;
}

export function digestToBigint(d: Uint32Array): bigint {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 32n) | BigInt(d[i]!);
  return v;
}

export function bigintToDigest(v: bigint, out: Uint32Array): void {
  for (let i = 0; i < 8; i++) {
    out[i] = Number(v & MASK32);
    v >>= 32n;
  }
}

/** circomlib's Poseidon takes at most 16 inputs (width 17). */
export const POSEIDON_MAX_INPUTS = 16;

export function hashPackedRow(packed: readonly bigint[]): bigint {
  if (packed.length <= POSEIDON_MAX_INPUTS) return poseidonBn254(packed);
  let h = poseidonBn254(packed.slice(0, POSEIDON_MAX_INPUTS));
  for (let i = POSEIDON_MAX_INPUTS; i < packed.length; i += POSEIDON_MAX_INPUTS - 1)
    h = poseidonBn254([h, ...packed.slice(i, i + POSEIDON_MAX_INPUTS - 1)]);
  return h;
}

/**
 * Whether a fused injection absorbs the injected row's packed cells themselves (they fit beside the node's
 * `children` in one Poseidon) rather than the row's digest. Fixed by the layout, like the row's length.
 */
export function injectsCells(children: number, cells: number): boolean {
  return children + cells <= POSEIDON_MAX_INPUTS;
}

/** The Poseidon inputs of a fused injection's node: its children, then the row's cells or digest. */
function injectInputs(children: readonly Uint32Array[], cells: readonly bigint[], digest: () => bigint) {
  const tail = injectsCells(children.length, cells.length) ? cells : [digest()];
  return [...children.map(digestToBigint), ...tail];
}

/**
 * Cells observed between two samples that the transcript hashes before absorbing them, when there are at
 * least this many: all but the last become one cell (`hashPackedRow`, the leaf hash), absorbed with the
 * last. In a BN254 circuit k cells cost ⌈k/2⌉ width-3 permutations (242 constraints each) one by one, and
 * Poseidon(k − 1) plus one permutation so (Poseidon(15): ~600), which is cheaper from 5 cells on. The last
 * cell stays out of the hash so that a proof-of-work nonce, observed last, costs one permutation an attempt.
 */
export const TRANSCRIPT_HASHED_CELLS = 5;

/** The cells a run of observed cells is absorbed as: itself, or the hash of all but its last, then its last. */
export function transcriptCells<T>(run: readonly T[], hash: (cells: readonly T[]) => T): readonly T[] {
  return run.length >= TRANSCRIPT_HASHED_CELLS ? [hash(run.slice(0, -1)), run[run.length - 1]!] : run;
}

/**
 * `StarkHash.powScan` of this configuration, from `powState`'s 34 words: the state to permute (3 cells), the
 * nonce's cell's base and weight (cell = base + nonce·weight), and the slot it takes (1 or 2). Permutes a
 * batch of states at a time and checks cell 2 of the result, the sample.
 */
export function powScanBn254(state: Uint32Array, bits: number, from: number, count: number): number {
  const cell = (i: number) => digestToBigint(state.subarray(8 * i, 8 * i + 8));
  const start = [cell(0), cell(1), cell(2)];
  const base = cell(3);
  const slot = state[32]!;
  const weight = PB ** BigInt(state[33]!);
  const mask = bits === 0 ? 0n : (1n << BigInt(bits)) - 1n;
  for (let first = from; first < from + count; first += GRIND_BATCH) {
    const n = Math.min(GRIND_BATCH, from + count - first);
    const states = Array.from({ length: n }, (_, i) => {
      const s = [...start];
      s[slot] = base + BigInt(first + i) * weight;
      return s;
    });
    const out = poseidonBn254PermuteBatch(states);
    for (let i = 0; i < n; i++) if (((out[i]![2]! % PB) & mask) === 0n) return first + i;
  }
  return -1;
}

/** Bits per limb of `packRowWords`' accumulator: 8·(p − 1)·(2^19 − 1) plus a carry stays below 2^53. */
const PACK_LIMB_BITS = 19;
const PACK_LIMBS = 14; // 14·19 ≥ 248 bits: Σ e_i·p^i < p^8 < 2^248
const PACK_RADIX = 2 ** PACK_LIMB_BITS;
const PACK_INVERSE_RADIX = 2 ** -PACK_LIMB_BITS;
/** p^i (i < 8) in PACK_LIMB_BITS-bit limbs, least significant first, only up to its last non-zero limb. */
const P_POWER_LIMBS: readonly number[][] = Array.from({ length: 8 }, (_, i) => {
  const limbs: number[] = [];
  for (let v = PB ** BigInt(i); v > 0n; v >>= BigInt(PACK_LIMB_BITS))
    limbs.push(Number(v & BigInt(PACK_RADIX - 1)));
  return limbs;
});
const packAcc = new Float64Array(PACK_LIMBS);

/**
 * Packs row[start..end) into ⌈(end − start)/8⌉ cells of 8 words each at words[at…]: cell c is Σ_i e_i·p^i
 * over its (up to) 8 elements, as `packChunk` computes it on a bigint — here the products e_i·p^i are
 * summed limb by limb in doubles (exact: below 2^53), then the carries are propagated once.
 */
function packRowWords(
  row: ArrayLike<number>,
  start: number,
  end: number,
  words: Uint32Array,
  at: number,
): void {
  const acc = packAcc;
  for (let c = start, o = at; c < end; c += 8, o += 8) {
    acc.fill(0);
    const last = Math.min(end, c + 8);
    for (let i = c; i < last; i++) {
      const e = row[i]!;
      const limbs = P_POWER_LIMBS[i - c]!;
      for (let j = 0; j < limbs.length; j++) acc[j] = acc[j]! + e * limbs[j]!;
    }
    words.fill(0, o, o + 8);
    let carry = 0;
    for (let j = 0; j < PACK_LIMBS; j++) {
      const t = acc[j]! + carry;
      carry = Math.floor(t * PACK_INVERSE_RADIX);
      const limb = t - carry * PACK_RADIX;
      const bit = PACK_LIMB_BITS * j;
      const w = bit >>> 5;
      const shift = bit & 31;
      if (w < 8) words[o + w] = (words[o + w]! | (limb << shift)) >>> 0;
      if (shift + PACK_LIMB_BITS > 32 && w + 1 < 8)
        words[o + w + 1] = (words[o + w + 1]! | (limb >>> (32 - shift))) >>> 0;
    }
  }
}

/** `hashPackedRow` of each row into its 8-word digest, rows of one length, on words throughout. */
function hashRowsToWords(rows: readonly ArrayLike<number>[], outs: readonly Uint32Array[]): void {
  const n = rows.length;
  if (n === 0) return;
  const len = rows[0]!.length;
  const cells = Math.ceil(len / 8);
  const h = new Uint32Array(8 * n);
  // The first ≤ 16 cells, then chains of the digest and the next ≤ 15 cells (as `hashPackedRow`).
  let width = Math.min(cells, POSEIDON_MAX_INPUTS);
  let words = new Uint32Array(8 * n * width);
  for (let r = 0; r < n; r++) packRowWords(rows[r]!, 0, Math.min(len, 8 * width), words, 8 * r * width);
  poseidonBn254Words(words, n, width, h);
  for (let done = width; done < cells; done += width - 1) {
    width = Math.min(cells - done, POSEIDON_MAX_INPUTS - 1) + 1;
    words = new Uint32Array(8 * n * width);
    for (let r = 0; r < n; r++) {
      words.set(h.subarray(8 * r, 8 * r + 8), 8 * r * width);
      packRowWords(rows[r]!, 8 * done, Math.min(len, 8 * (done + width - 1)), words, 8 * r * width + 8);
    }
    poseidonBn254Words(words, n, width, h);
  }
  for (let r = 0; r < n; r++) outs[r]!.set(h.subarray(8 * r, 8 * r + 8));
}

export class PoseidonBn254Challenger implements Challenger {
  private state: bigint[];
  private pending: number[];
  private queue: bigint[];
  private input: bigint[];
  private output: bigint[];

  constructor(
    state: bigint[] = [0n, 0n, 0n],
    pending: number[] = [],
    queue: bigint[] = [],
    input: bigint[] = [],
    output: bigint[] = [],
  ) {
    this.state = state;
    this.pending = pending;
    this.queue = queue;
    this.input = input;
    this.output = output;
  }

  private flushPending(): void {
    if (this.pending.length === 0) return;
    this.queue.push(packChunk(this.pending, 0, this.pending.length));
    this.pending = [];
  }

  /** Absorbs the cells observed since the last sample, hashed into one if there are many. */
  private flushQueue(): void {
    if (this.queue.length === 0) return;
    for (const x of transcriptCells(this.queue, hashPackedRow)) this.absorb(x);
    this.queue = [];
  }

  /** One cell into the rate; a full rate permutes. */
  private absorb(x: bigint): void {
    this.input.push(x);
    if (this.input.length === 2) this.duplex();
  }

  private duplex(): void {
    const s = [...this.state];
    for (let i = 0; i < this.input.length; i++) s[1 + i] = this.input[i]!;
    this.input = [];
    this.state = poseidonBn254Permute(s);
    this.output = [this.state[1]!, this.state[2]!];
  }

  observe(x: number): void {
    if (!(x >= 0 && x < P && Number.isInteger(x))) throw new RangeError(`cannot observe non-element ${x}`);
    this.output = [];
    this.pending.push(x);
    if (this.pending.length === 8) this.flushPending();
  }

  observeDigest(d: Uint32Array): void {
    this.flushPending();
    this.output = [];
    this.queue.push(digestToBigint(d) % BN254_R);
  }

  sample(): number {
    this.flushPending();
    this.flushQueue();
    if (this.input.length > 0 || this.output.length === 0) this.duplex();
    return Number(this.output.pop()! % PB);
  }

  /**
   * Where observing a nonce and sampling leads, up to the nonce: the nonce joins the pending elements' cell
   * (weight p^k after k of them), the last cell of its run, so the sample permutes one state whose slot 1 or
   * 2 holds that cell and the rest is fixed. Computes the fixed part (the run's other cells absorbed or
   * hashed) on a copy; `powScanBn254` reads it.
   */
  powState(): Uint32Array | undefined {
    if (this.input.length > 0) return undefined;
    const k = this.pending.length;
    const base = packChunk(this.pending, 0, k);
    const probe = new PoseidonBn254Challenger([...this.state]);
    const NONCE = -1n;
    const cells = transcriptCells([...this.queue, NONCE], hashPackedRow);
    for (const x of cells.slice(0, -1)) probe.absorb(x);
    const slot = probe.input.length + 1;
    const start = [...probe.state];
    if (probe.input.length === 1) start[1] = probe.input[0]!;
    const words = new Uint32Array(34);
    [start[0]!, start[1]!, start[2]!, base].forEach((v, i) => {
      bigintToDigest(v, words.subarray(8 * i, 8 * i + 8));
    });
    words[32] = slot;
    words[33] = k;
    return words;
  }

  grindFast(bits: number): number {
    const state = this.powState();
    if (!state) return grindBySearch(this, bits);
    return grindByRounds(this, bits, GRIND_BATCH, (from) =>
      powScanBn254(state, bits, from, Math.min(GRIND_BATCH, P - from)),
    );
  }

  clone(): PoseidonBn254Challenger {
    return new PoseidonBn254Challenger(
      [...this.state],
      [...this.pending],
      [...this.queue],
      [...this.input],
      [...this.output],
    );
  }
}

/**
 * The configuration's name. "-fused" marks fused injections: proofs of the earlier shape
 * ("poseidon-bn254-circomlib-4ary", injections compressed apart) have other roots and another transcript;
 * "-hashed-transcript" the transcript that hashes long runs of observed cells (proofs before it,
 * "poseidon-bn254-circomlib-4ary-fused", absorbed every cell).
 */
export const POSEIDON_BN254_HASH_ID = "poseidon-bn254-circomlib-4ary-fused-hashed-transcript";

export const poseidonBn254Hash: StarkHash = {
  id: POSEIDON_BN254_HASH_ID,
  hashRow(row, out) {
    bigintToDigest(hashPackedRow(packElements(row)), out);
  },
  hashRows(rows, outs) {
    hashRowsToWords(rows, outs);
  },
  compress(a, b, out) {
    bigintToDigest(poseidonBn254([digestToBigint(a), digestToBigint(b)]), out);
  },
  merkleArity: 4,
  compress4(children, out) {
    if (children.length !== 4) throw new RangeError(`compress4 takes 4 children, got ${children.length}`);
    bigintToDigest(poseidonBn254(children.map(digestToBigint)), out);
  },
  compressLevel(below, level, start, end, arity) {
    // Node j's children are digests arity·j … of `below`, in order: the words' layout already.
    for (let first = start; first < end; first += LEVEL_BATCH) {
      const count = Math.min(end, first + LEVEL_BATCH) - first;
      poseidonBn254Words(
        below.subarray(8 * arity * first, 8 * arity * (first + count)),
        count,
        arity,
        level.subarray(8 * first, 8 * (first + count)),
      );
    }
  },
  injectNode(children, row, out) {
    const cells = packElements(row);
    bigintToDigest(poseidonBn254(injectInputs(children, cells, () => hashPackedRow(cells))), out);
  },
  injectNodes(children, rows, outs) {
    if (rows.length === 0) return;
    const n = rows.length;
    const arity = children[0]!.length;
    const cells = Math.ceil(rows[0]!.length / 8);
    // Rows have equal lengths, so either every node absorbs its cells or every one its row's digest.
    const own = injectsCells(arity, cells);
    const width = arity + (own ? cells : 1);
    const words = new Uint32Array(8 * n * width);
    let digests: Uint32Array[] = [];
    if (!own) {
      digests = rows.map(() => new Uint32Array(8));
      hashRowsToWords(rows, digests);
    }
    for (let i = 0; i < n; i++) {
      const at = 8 * i * width;
      children[i]!.forEach((c, k) => {
        words.set(c, at + 8 * k);
      });
      if (own) packRowWords(rows[i]!, 0, rows[i]!.length, words, at + 8 * arity);
      else words.set(digests[i]!, at + 8 * arity);
    }
    const out = new Uint32Array(8 * n);
    poseidonBn254Words(words, n, width, out);
    for (let i = 0; i < n; i++) outs[i]!.set(out.subarray(8 * i, 8 * i + 8));
  },
  powScan: powScanBn254,
  isCanonicalDigest: (d) => digestToBigint(d) < BN254_R,
  newChallenger: () => new PoseidonBn254Challenger(),
};
