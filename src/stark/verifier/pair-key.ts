/**
 * A 30-bit mix of a compression's 16 input words (two digests): the lookup key under which the native
 * verifier finds a compression it already made. A key only narrows the search: an entry is used only if all
 * 16 words are equal. Masked to 30 bits so that keys stay small integers (cheap map keys, no allocation).
 */
export function pairKey(left: Uint32Array, right: Uint32Array): number {
  let key = 0;
  for (let i = 0; i < 8; i++) {
    key = Math.imul(key ^ left[i]!, 0x9e3779b1);
    key = Math.imul(key ^ right[i]!, 0x85ebca6b);
  }
  return key & 0x3fffffff;
}
