import type { Ext } from "../../field/extension.ts";
import { VerificationError } from "../errors.ts";
import type { StarkHash } from "../hash-config.ts";
import type { VerificationReason, VerifierBackend } from "./backend.ts";
import { pairKeyAt } from "./pair-key.ts";

type NativeOps = VerifierBackend<number, Ext, Uint32Array>;

/** A Merkle opening check as pcs/mmcs-verify.ts states it, over whatever backend runs it. */
export type OpeningCheck = (b: NativeOps) => void;

/**
 * The native verifier's Merkle openings, checked together (docs/proof-system.md §3). A verifier opens every
 * commitment at every query, one path after the other, and a path is a chain: each hash waits for the one
 * before it. Recorded instead of run, the hashes of all openings form levels of independent work — the
 * leaf rows, then each tree level across all queries — which the hash's batched entry points
 * (`hashRows`, `compressPairs`: four Poseidon2 permutations at once on the vector kernel) take four at a
 * time, computing the nodes where paths meet only once.
 *
 * The checks are the same code (`verifyMmcsOpening`'s, run on a recording backend), so what is computed
 * and compared does not change, only when: the failures are reported by {@link DeferredOpenings.flush} in
 * the order the checks were made, and the verifier flushes before it reports any other failure, so the
 * first failing check in program order is still the one reported.
 *
 * The record is flat: rows are copied into one word array, every digest the recording makes is a slot of
 * a few large word arrays (the recorder hands out views of its slot), and each hash is three integers. A
 * verification records some 20,000 hashes; as objects (a record, a digest array and a map entry each,
 * alive until the end) they outlived the garbage collector's young generation, which copied them and
 * then promoted them: collection was ~20 % of a machine segment's verification (docs/proof-system.md §10).
 *
 * Only for hashes of binary trees without fused injections that have both batched entry points (the
 * Poseidon2 configuration); {@link deferredOpenings} returns null for the others.
 */
export interface DeferredOpenings {
  /** Records a check; its hashes run at the next flush. */
  defer(check: OpeningCheck): void;
  /** Runs every recorded check; throws VerificationError for the first that fails. */
  flush(): void;
}

export function deferredOpenings(base: NativeOps, hash: StarkHash): DeferredOpenings | null {
  const { hashRows, compressPairs } = hash;
  if (hash.merkleArity !== 2 || hash.injectNode || !hashRows || !compressPairs) return null;
  let checks: OpeningCheck[] = [];

  const run = (pending: readonly OpeningCheck[]) => {
    const batch = new Batch();
    const recorder: NativeOps = {
      ...base,
      hashRow: (row) => batch.row(row),
      compress: (left, right) => batch.pair(left, right),
      merkleStep: (bit, node, sibling) => (bit ? batch.pair(sibling, node) : batch.pair(node, sibling)),
      assertDigestEqual: (a, b, reason, what) => batch.compare(a, b, reason, what),
    };
    for (const check of pending) check(recorder);
    batch.compute(hashRows, compressPairs);
    batch.verdict();
  };

  return {
    defer(check) {
      checks.push(check);
    },
    flush() {
      const pending = checks;
      checks = [];
      if (pending.length > 0) run(pending);
    },
  };
}

/** log2 of the digests per slot array. */
const SLOT_LOG = 12;
const SLOT_MASK = (1 << SLOT_LOG) - 1;

/** One comparison: a side is a slot of the batch, or a digest from outside it (the proof's root). */
interface Comparison {
  readonly a: number | Uint32Array;
  readonly b: number | Uint32Array;
  readonly reason: VerificationReason;
  readonly what: string;
}

/**
 * The hashes of one flush. Slot s holds a digest in `words[s >> SLOT_LOG]` at 8·(s & SLOT_MASK), with its
 * level (one more than its inputs'; −1 for a digest copied from outside) beside it, so that every hash of a
 * level depends only on earlier levels. Slot 0 of each array is never used: a view the recorder handed out
 * therefore has a non-zero byte offset, and a digest with offset 0 is known to come from outside without
 * reading its `buffer` (which would move a small array's data off the heap).
 */
class Batch {
  private readonly words: Uint32Array[] = [];
  private readonly levels: Int32Array[] = [];
  private readonly arrayOf = new Map<ArrayBufferLike, number>();
  private next = 0;
  private rowWords = new Uint32Array(1 << 16);
  private rowEnd = 0;
  /** Per level: (row offset, row length, out slot) triples, and (left, right, out) slot triples. */
  private readonly rowsAt: number[][] = [];
  private readonly pairsAt: number[][] = [];
  private readonly comparisons: Comparison[] = [];

  row(row: readonly number[]): Uint32Array {
    if (this.rowEnd + row.length > this.rowWords.length) {
      const grown = new Uint32Array(Math.max(2 * this.rowWords.length, this.rowEnd + row.length));
      grown.set(this.rowWords.subarray(0, this.rowEnd));
      this.rowWords = grown;
    }
    this.rowWords.set(row, this.rowEnd);
    const out = this.slot(0);
    (this.rowsAt[0] ??= []).push(this.rowEnd, row.length, out);
    this.rowEnd += row.length;
    return this.view(out);
  }

  pair(left: Uint32Array, right: Uint32Array): Uint32Array {
    const l = this.own(left);
    const r = this.own(right);
    const level = 1 + Math.max(this.levelOf(l), this.levelOf(r));
    const out = this.slot(level);
    (this.pairsAt[level] ??= []).push(l, r, out);
    return this.view(out);
  }

  compare(a: Uint32Array, b: Uint32Array, reason: VerificationReason, what: string): void {
    const sa = this.slotOf(a);
    const sb = this.slotOf(b);
    this.comparisons.push({ a: sa >= 0 ? sa : a, b: sb >= 0 ? sb : b, reason, what });
  }

  /** Every level in order: rows grouped by length, then the distinct pairs, each compressed once. */
  compute(
    hashRows: NonNullable<StarkHash["hashRows"]>,
    compressPairs: NonNullable<StarkHash["compressPairs"]>,
  ): void {
    const levels = Math.max(this.rowsAt.length, this.pairsAt.length);
    for (let level = 0; level < levels; level++) {
      const rows = this.rowsAt[level];
      if (rows) this.hashRowsOf(rows, hashRows);
      const pairs = this.pairsAt[level];
      if (pairs) this.compressPairsOf(pairs, compressPairs);
    }
  }

  /** Throws VerificationError for the first comparison, in recording order, whose digests differ. */
  verdict(): void {
    for (const { a, b, reason, what } of this.comparisons) {
      const x = typeof a === "number" ? this.view(a) : a;
      const y = typeof b === "number" ? this.view(b) : b;
      for (let i = 0; i < 8; i++) if (x[i] !== y[i]) throw new VerificationError(reason, what);
    }
  }

  private hashRowsOf(rows: readonly number[], hashRows: NonNullable<StarkHash["hashRows"]>): void {
    const byLength = new Map<number, number[]>();
    for (let k = 0; k < rows.length; k += 3) {
      const same = byLength.get(rows[k + 1]!);
      if (same) same.push(k);
      else byLength.set(rows[k + 1]!, [k]);
    }
    for (const group of byLength.values())
      hashRows(
        group.map((k) => this.rowWords.subarray(rows[k]!, rows[k]! + rows[k + 1]!)),
        group.map((k) => this.view(rows[k + 2]!)),
      );
  }

  /** Paths of different queries meet below the root: each distinct (left, right) is compressed once. */
  private compressPairsOf(
    pairs: readonly number[],
    compressPairs: NonNullable<StarkHash["compressPairs"]>,
  ): void {
    // Candidates by `pairKey`; a candidate is used only if all 16 input words are equal.
    const firstByKey = new Map<number, number[]>();
    const distinct: number[] = [];
    const sameAs = new Int32Array(pairs.length / 3).fill(-1);
    for (let k = 0; k < pairs.length; k += 3) {
      const l = pairs[k]!;
      const r = pairs[k + 1]!;
      const key = this.pairKey(l, r);
      const candidates = firstByKey.get(key);
      const match = candidates?.find((d) => this.samePair(pairs, d, l, r));
      if (match !== undefined) sameAs[k / 3] = match;
      else {
        if (candidates) candidates.push(k);
        else firstByKey.set(key, [k]);
        distinct.push(k);
      }
    }
    compressPairs(
      distinct.map((k) => this.view(pairs[k]!)),
      distinct.map((k) => this.view(pairs[k + 1]!)),
      distinct.map((k) => this.view(pairs[k + 2]!)),
    );
    for (let j = 0; j < sameAs.length; j++)
      if (sameAs[j]! >= 0) this.copy(pairs[sameAs[j]! + 2]!, pairs[3 * j + 2]!);
  }

  private pairKey(l: number, r: number): number {
    const lw = this.words[l >> SLOT_LOG]!;
    const rw = this.words[r >> SLOT_LOG]!;
    return pairKeyAt(lw, (l & SLOT_MASK) << 3, rw, (r & SLOT_MASK) << 3);
  }

  private samePair(pairs: readonly number[], k: number, l: number, r: number): boolean {
    return this.sameDigest(pairs[k]!, l) && this.sameDigest(pairs[k + 1]!, r);
  }

  private sameDigest(s: number, t: number): boolean {
    const a = this.words[s >> SLOT_LOG]!;
    const b = this.words[t >> SLOT_LOG]!;
    const oa = (s & SLOT_MASK) << 3;
    const ob = (t & SLOT_MASK) << 3;
    for (let i = 0; i < 8; i++) if (a[oa + i] !== b[ob + i]) return false;
    return true;
  }

  private copy(from: number, to: number): void {
    const o = (from & SLOT_MASK) << 3;
    this.words[to >> SLOT_LOG]!.set(this.words[from >> SLOT_LOG]!.subarray(o, o + 8), (to & SLOT_MASK) << 3);
  }

  /** A new slot at `level`. */
  private slot(level: number): number {
    if ((this.next & SLOT_MASK) === 0) {
      const words = new Uint32Array(8 << SLOT_LOG);
      this.arrayOf.set(words.buffer, this.words.length);
      this.words.push(words);
      this.levels.push(new Int32Array(1 << SLOT_LOG));
      this.next++; // slot 0 of an array stays unused (see the class comment)
    }
    const s = this.next++;
    this.levels[s >> SLOT_LOG]![s & SLOT_MASK] = level;
    return s;
  }

  private view(s: number): Uint32Array {
    const o = (s & SLOT_MASK) << 3;
    return this.words[s >> SLOT_LOG]!.subarray(o, o + 8);
  }

  /** The slot of a view this batch handed out, or −1. */
  private slotOf(d: Uint32Array): number {
    if (d.byteOffset === 0 || d.length !== 8) return -1;
    const array = this.arrayOf.get(d.buffer);
    return array === undefined ? -1 : (array << SLOT_LOG) | (d.byteOffset >>> 5);
  }

  /** The digest's slot: its own, or a new one at level −1 holding a copy of a digest from outside. */
  private own(d: Uint32Array): number {
    const s = this.slotOf(d);
    if (s >= 0) return s;
    const t = this.slot(-1);
    const w = this.words[t >> SLOT_LOG]!;
    const o = (t & SLOT_MASK) << 3;
    for (let i = 0; i < 8; i++) w[o + i] = d[i]!;
    return t;
  }

  private levelOf(s: number): number {
    return this.levels[s >> SLOT_LOG]![s & SLOT_MASK]!;
  }
}
