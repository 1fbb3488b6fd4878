import type { StarkHash } from "./hash-config.ts";

/**
 * Verifier side of the mixed-height Merkle commitment: recomputes the root from opened rows (one per
 * matrix, in commitment order) and the sibling path. Returns false on any mismatch.
 */
export function mmcsVerify(
  hash: StarkHash,
  root: Uint32Array,
  heights: readonly number[],
  index: number,
  rows: readonly Uint32Array[],
  path: readonly Uint32Array[],
): boolean {
  const maxHeight = Math.max(...heights);
  const logMax = Math.log2(maxHeight);
  if (path.length !== logMax || rows.length !== heights.length) return false;
  if (!(index >= 0 && index < maxHeight)) return false;
  const rowOf = (h: number): Uint32Array => {
    const parts = heights.flatMap((hh, m) => (hh === h ? [rows[m]!] : []));
    const total = parts.reduce((s, r) => s + r.length, 0);
    const out = new Uint32Array(total);
    let o = 0;
    for (const r of parts) {
      out.set(r, o);
      o += r.length;
    }
    return out;
  };
  let node = new Uint32Array(8);
  hash.hashRow(rowOf(maxHeight), node);
  const leaf = new Uint32Array(8);
  let i = index;
  let h = maxHeight;
  for (const sibling of path) {
    const next = new Uint32Array(8);
    if (i & 1) hash.compress(sibling, node, next);
    else hash.compress(node, sibling, next);
    node = next;
    i >>>= 1;
    h >>>= 1;
    if (heights.includes(h)) {
      hash.hashRow(rowOf(h), leaf);
      const injected = new Uint32Array(8);
      hash.compress(node, leaf, injected);
      node = injected;
    }
  }
  for (let k = 0; k < 8; k++) if (node[k] !== root[k]) return false;
  return true;
}
