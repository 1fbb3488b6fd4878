import type { Digest } from "../hash/digest.ts";
import { digestToBytes, poseidon2Compress, poseidon2PageDigest } from "../hash/poseidon2.ts";
import { MERKLE_DEPTH, PAGE_BYTES, PAGE_WORDS } from "./memory-map.ts";
import type { Program } from "./program.ts";

/**
 * The ImageID: a Poseidon2 commitment to a program's initial memory and entry point (docs/abi.md).
 *
 *   leaf(p)   = pageDigest(the 256 little-endian words of page p)        p in [0, 2^22), 1 KiB pages
 *   node      = compress(left child, right child)                        22 levels over the 2^32 bytes
 *   ImageID   = bytes(compress(root, [pc & 0xffff, pc >>> 16, 0, 0, 0, 0, 0, 0]))
 *
 * Memory is sparse, so subtrees that hold only zero pages take precomputed zero digests.
 */

let zeroCache: Uint32Array[] | undefined;

/** `zeroDigests()[k]` is the digest of a subtree of 2^k all-zero pages (k = 0 … 22). */
export function zeroDigests(): readonly Uint32Array[] {
  if (!zeroCache) {
    const z = [poseidon2PageDigest(new Uint32Array(PAGE_WORDS))];
    for (let k = 0; k < MERKLE_DEPTH; k++) z.push(poseidon2Compress(z[k]!, z[k]!));
    zeroCache = z;
  }
  return zeroCache;
}

/**
 * The initial contents of every page that holds non-zero bytes of a loaded segment, keyed by page index.
 * All-zero pages (bss) are left out: their digest is the zero-page digest either way.
 */
export function imagePages(program: Pick<Program, "segments">): Map<number, Uint32Array> {
  const pages = new Map<number, Uint32Array>();
  for (const s of program.segments) {
    const end = s.vaddr + s.data.length;
    for (let p = Math.floor(s.vaddr / PAGE_BYTES); p * PAGE_BYTES < s.vaddr + s.memsz; p++) {
      let words = pages.get(p);
      if (!words) pages.set(p, (words = new Uint32Array(PAGE_WORDS)));
      const bytes = new Uint8Array(words.buffer);
      const lo = Math.max(s.vaddr, p * PAGE_BYTES);
      const hi = Math.min(end, (p + 1) * PAGE_BYTES);
      if (hi > lo) bytes.set(s.data.subarray(lo - s.vaddr, hi - s.vaddr), lo - p * PAGE_BYTES);
    }
  }
  for (const [p, words] of pages) if (words.every((w) => w === 0)) pages.delete(p);
  return pages;
}

/** Root of the Merkle tree over all 2^22 pages of the image, as 8 field elements. */
export function memoryRoot(pages: Map<number, Uint32Array>): Uint32Array {
  const zero = zeroDigests();
  let level = new Map<number, Uint32Array>();
  for (const [p, words] of pages) level.set(p, poseidon2PageDigest(words));
  for (let k = 0; k < MERKLE_DEPTH; k++) {
    const next = new Map<number, Uint32Array>();
    for (const i of level.keys()) {
      const parent = i >>> 1;
      if (next.has(parent)) continue;
      const left = level.get(2 * parent) ?? zero[k]!;
      const right = level.get(2 * parent + 1) ?? zero[k]!;
      next.set(parent, poseidon2Compress(left, right));
    }
    level = next;
  }
  return level.get(0) ?? zero[MERKLE_DEPTH]!;
}

/** Binds the entry pc to a memory root: compress(root, [pc low 16 bits, pc high 16 bits, 0 × 6]). */
export function imageIdFromRoot(root: Uint32Array, entry: number): Digest {
  const pcLanes = new Uint32Array(8);
  pcLanes[0] = entry & 0xffff;
  pcLanes[1] = entry >>> 16;
  return digestToBytes(poseidon2Compress(root, pcLanes));
}

const idCache = new WeakMap<object, Digest>();

/** The ImageID of a loaded program (cached per program). */
export function computeImageId(program: Pick<Program, "segments" | "entry">): Digest {
  let id = idCache.get(program);
  if (!id) {
    id = imageIdFromRoot(memoryRoot(imagePages(program)), program.entry);
    idCache.set(program, id);
  }
  return id.slice();
}
