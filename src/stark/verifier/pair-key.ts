/**
 * A 30-bit mix of a compression's 16 input words (two digests): the lookup key under which the native
 * verifier finds a compression it already made. A key only narrows the search: an entry is used only if all
 * 16 words are equal. Masked to 30 bits so that keys stay small integers (cheap map keys, no allocation).
 */
export function pairKey(left: Uint32Array, right: Uint32Array): number {
  return pairKeyAt(left, 0, right, 0);
}

/** {@link pairKey} of the digests at word offsets `l` of `left` and `r` of `right`. */
export function pairKeyAt(left: Uint32Array, l: number, right: Uint32Array, r: number): number {
  let key = 0;
  for (let i = 0; i < 8; i++) {
    key = Math.imul(key ^ left[l + i]!, 0x9e3779b1);
    key = Math.imul(key ^ right[r + i]!, 0x85ebca6b);
  }
  return key & 0x3fffffff;
}
