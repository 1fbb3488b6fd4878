import type { StarkHash } from "./hash-config.ts";
import type { MerkleOpening } from "./proof.ts";
import { reverseBits } from "./protocol.ts";

/**
 * Prover side of the mixed-height Merkle commitment (docs/proof-system.md §3). A matrix is a list of
 * base-field columns of one power-of-two height, in natural order; matrices of lower height are injected at
 * the tree level of their height. Leaf j of a level of height h holds matrix row bitrev_{log h}(j), so that
 * leaf j >> k of a matrix 2^k times shorter holds the point whose natural index is congruent to the tall
 * matrix's modulo the shorter height — what FRI folding in natural order needs.
 */
export interface Matrix {
  readonly height: number;
  readonly columns: readonly Uint32Array[];
}

export interface MmcsData {
  readonly matrices: readonly Matrix[];
  /** layers[0] has maxHeight nodes, layers[last] the root; 8 words per node. */
  readonly layers: readonly Uint32Array[];
  readonly root: Uint32Array;
}

/** Matrix indices grouped by height, tallest first, in input order within a group. */
export function groupByHeight(heights: readonly number[]): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  const sorted = [...new Set(heights)].sort((a, b) => b - a);
  for (const h of sorted) groups.set(h, []);
  heights.forEach((h, i) => groups.get(h)!.push(i));
  return groups;
}

function hashGroupRows(
  hash: StarkHash,
  matrices: readonly Matrix[],
  group: readonly number[],
  height: number,
  layer: Uint32Array,
  inject: boolean,
): void {
  const cols: Uint32Array[] = [];
  for (const m of group) for (const c of matrices[m]!.columns) cols.push(c);
  const w = cols.length;
  const row = new Uint32Array(w);
  const leaf = new Uint32Array(8);
  const node = new Uint32Array(8);
  const bits = Math.log2(height);
  for (let j = 0; j < height; j++) {
    const src = reverseBits(j, bits);
    for (let c = 0; c < w; c++) row[c] = cols[c]![src]!;
    if (!inject) {
      hash.hashRow(row, layer.subarray(8 * j, 8 * j + 8));
    } else {
      hash.hashRow(row, leaf);
      node.set(layer.subarray(8 * j, 8 * j + 8));
      hash.compress(node, leaf, layer.subarray(8 * j, 8 * j + 8));
    }
  }
}

export function mmcsCommit(hash: StarkHash, matrices: readonly Matrix[]): MmcsData {
  if (matrices.length === 0) throw new RangeError("nothing to commit");
  const groups = groupByHeight(matrices.map((m) => m.height));
  const maxHeight = Math.max(...matrices.map((m) => m.height));
  let layer = new Uint32Array(8 * maxHeight);
  hashGroupRows(hash, matrices, groups.get(maxHeight)!, maxHeight, layer, false);
  const layers = [layer];
  for (let h = maxHeight >>> 1; h >= 1; h >>>= 1) {
    const prev = layer;
    layer = new Uint32Array(8 * h);
    for (let j = 0; j < h; j++) {
      hash.compress(
        prev.subarray(16 * j, 16 * j + 8),
        prev.subarray(16 * j + 8, 16 * j + 16),
        layer.subarray(8 * j, 8 * j + 8),
      );
    }
    const g = groups.get(h);
    if (g) hashGroupRows(hash, matrices, g, h, layer, true);
    layers.push(layer);
  }
  return { matrices, layers, root: layer.slice(0, 8) };
}

/** Opens leaf `index` (in leaf order, i.e. bit-reversed row order) of the tallest level. */
export function mmcsOpen(data: MmcsData, index: number): MerkleOpening {
  const maxHeight = data.layers[0]!.length / 8;
  const rows = data.matrices.map((m) => {
    const r = reverseBits(index >>> Math.log2(maxHeight / m.height), Math.log2(m.height));
    return Uint32Array.from(m.columns, (c) => c[r]!);
  });
  const path: Uint32Array[] = [];
  let i = index;
  for (let l = 0; l + 1 < data.layers.length; l++) {
    const s = i ^ 1;
    path.push(data.layers[l]!.slice(8 * s, 8 * s + 8));
    i >>>= 1;
  }
  return { rows, path };
}
