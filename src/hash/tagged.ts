import { sha256 } from "@noble/hashes/sha2.js";
import { assertDigest, type Digest, ZERO_DIGEST } from "./digest.ts";

/**
 * RISC Zero's tagged struct hash:
 * `sha256(sha256(tag) ‖ down[0] ‖ … ‖ down[n-1] ‖ data[0] as u32 LE ‖ … ‖ n as u16 LE)`.
 * Matching it bit for bit is what makes our claim digests interchangeable with RISC Zero's.
 */
export function taggedStruct(tag: string, down: readonly Digest[], data: readonly number[] = []): Digest {
  if (down.length > 0xffff) throw new RangeError(`tagged struct has ${down.length} digests; at most 65535`);
  const tagDigest = sha256(new TextEncoder().encode(tag));
  const buf = new Uint8Array(32 + 32 * down.length + 4 * data.length + 2);
  const view = new DataView(buf.buffer);
  buf.set(tagDigest, 0);
  let at = 32;
  for (const d of down) {
    assertDigest(d, `digest in tagged struct "${tag}"`);
    buf.set(d, at);
    at += 32;
  }
  for (const word of data) {
    if (!Number.isInteger(word) || word < 0 || word > 0xffffffff) {
      throw new RangeError(`tagged struct "${tag}" data must be u32 values, got ${word}`);
    }
    view.setUint32(at, word, true);
    at += 4;
  }
  view.setUint16(at, down.length, true);
  return sha256(buf);
}

/**
 * RISC Zero's tagged list: a right fold of `cons(head, tail) = taggedStruct(tag, [head, tail])`
 * starting from the zero digest, so the empty list hashes to zero.
 */
export function taggedList(tag: string, items: readonly Digest[]): Digest {
  let acc: Digest = ZERO_DIGEST;
  for (let i = items.length - 1; i >= 0; i--) acc = taggedStruct(tag, [items[i]!, acc]);
  return acc;
}
