import { poseidon2Compress, poseidon2PageDigest } from "../hash/poseidon2.ts";
import { zeroDigests } from "../zkvm/image-id.ts";
import { MERKLE_DEPTH, PAGE_WORDS } from "../zkvm/memory-map.ts";
import { Space } from "./buses.ts";

/**
 * Memory as the machine sees it: 2^22 pages of 256 words under one Poseidon2 Merkle tree (docs/abi.md §4).
 * Guest memory is the bottom of the address space; the register file (x0..x31 and the sink register 32
 * that absorbs writes to x0) is the last page, which no guest access can reach. The image's root with the
 * entry pc gives the ImageID; every segment's pre- and post-state root is the root of this tree.
 */
export const REGISTER_PAGE = 2 ** MERKLE_DEPTH - 1;

/** Merkle leaf (page index) of a memory-bus word. */
export function leafOf(space: number, index: number): number {
  return space === Space.REGISTER ? REGISTER_PAGE : index >>> 8;
}

/** The whole memory between segments: non-zero pages and a cache of Merkle node digests. */
export class MemoryImage {
  readonly pages = new Map<number, Uint32Array>();
  /** levels[l] maps a node index at height l (0 = leaves) to its digest; absent = all-zero subtree. */
  private readonly levels: Map<number, Uint32Array>[] = Array.from(
    { length: MERKLE_DEPTH + 1 },
    () => new Map(),
  );
  private readonly dirty = new Set<number>();

  constructor(pages: Map<number, Uint32Array>) {
    for (const [p, w] of pages) this.pages.set(p, w.slice());
    for (const p of this.pages.keys()) this.dirty.add(p);
  }

  /** A copy of page p (zeros if never written). */
  page(p: number): Uint32Array {
    const w = this.pages.get(p);
    return w ? w.slice() : new Uint32Array(PAGE_WORDS);
  }

  setPage(p: number, words: Uint32Array): void {
    this.pages.set(p, words.slice());
    this.dirty.add(p);
  }

  /** Digest of the node at height `level` and index `i` (level 0 = page digests). */
  node(level: number, i: number): Uint32Array {
    this.flush();
    return this.levels[level]!.get(i) ?? zeroDigests()[level]!;
  }

  root(): Uint32Array {
    return this.node(MERKLE_DEPTH, 0);
  }

  private flush(): void {
    if (this.dirty.size === 0) return;
    const zero = zeroDigests();
    let changed = new Set<number>();
    for (const p of this.dirty) {
      const w = this.pages.get(p)!;
      if (w.every((x) => x === 0)) {
        this.pages.delete(p);
        this.levels[0]!.delete(p);
      } else this.levels[0]!.set(p, poseidon2PageDigest(w));
      changed.add(p);
    }
    this.dirty.clear();
    for (let l = 1; l <= MERKLE_DEPTH; l++) {
      const next = new Set<number>();
      for (const i of changed) next.add(i >>> 1);
      for (const j of next) {
        const left = this.levels[l - 1]!.get(2 * j);
        const right = this.levels[l - 1]!.get(2 * j + 1);
        if (!left && !right) this.levels[l]!.delete(j);
        else this.levels[l]!.set(j, poseidon2Compress(left ?? zero[l - 1]!, right ?? zero[l - 1]!));
      }
      changed = next;
    }
  }
}

/** A page touched in a segment: its content when paged in, its current content and last access times. */
export interface TouchedPage {
  readonly leaf: number;
  readonly init: Uint32Array;
  readonly cur: Uint32Array;
  readonly ts: Uint32Array;
}

/**
 * The memory of one segment during witness generation: pages are paged in from the image on first touch
 * (timestamp 0), and every access returns the previous value and timestamp of its word.
 */
export class SegmentMemory {
  readonly touched = new Map<number, TouchedPage>();
  private readonly image: MemoryImage;
  constructor(image: MemoryImage) {
    this.image = image;
  }

  private pageOf(space: number, index: number): TouchedPage {
    const leaf = leafOf(space, index);
    let p = this.touched.get(leaf);
    if (!p) {
      const init = this.image.page(leaf);
      p = { leaf, init, cur: init.slice(), ts: new Uint32Array(PAGE_WORDS) };
      this.touched.set(leaf, p);
    }
    return p;
  }

  /** Value of a word without accessing it. */
  peek(space: number, index: number): number {
    return this.pageOf(space, index).cur[index & 255]!;
  }

  /** Accesses a word at time ts, writing `value` (or keeping it); returns the previous value and time. */
  access(space: number, index: number, ts: number, value?: number): { prev: number; prevTs: number } {
    const p = this.pageOf(space, index);
    const o = index & 255;
    const prev = p.cur[o]!;
    const prevTs = p.ts[o]!;
    if (value !== undefined) p.cur[o] = value >>> 0;
    p.ts[o] = ts;
    return { prev, prevTs };
  }

  /** Writes the segment's final page contents back into the image. */
  commit(): void {
    for (const p of this.touched.values()) this.image.setPage(p.leaf, p.cur);
  }
}
