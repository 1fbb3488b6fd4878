import { recycleColumns } from "../../field/shared-columns.ts";
import type { StarkHash } from "../hash-config.ts";
import { type Executor, serialExecutor, shared } from "../parallel.ts";
import type { MerkleCap, MerkleOpening } from "../proof.ts";
import { reverseBits } from "../protocol.ts";
import { merkleSteps } from "./merkle-shape.ts";

/**
 * Prover side of the mixed-height Merkle commitment (docs/proof-system.md §3). A matrix is a list of
 * base-field columns of one power-of-two height, in natural order; matrices of lower height are injected at
 * the tree level of their height. Leaf j of a level of height h holds matrix row bitrev_{log h}(j), so that
 * leaf j >> k of a matrix 2^k times shorter holds the point whose natural index is congruent to the tall
 * matrix's modulo the shorter height — what FRI folding in natural order needs. Nodes join 2 or 4 children
 * per step as the hash configuration's Merkle arity and the heights say (merkle-shape.ts); a node on an
 * injected level hashes the injected row with its children where the configuration fuses injections
 * (`StarkHash.injectNode`), else is compressed with the row's hash after the step.
 */
export interface Matrix {
  readonly height: number;
  readonly columns: readonly Uint32Array[];
}

export interface MmcsData {
  /** The hash the tree was built with (an opening rehashes the leaves it needs). */
  readonly hash: StarkHash;
  readonly matrices: readonly Matrix[];
  /** Rows of the tallest matrices: the number of leaves. */
  readonly maxHeight: number;
  /** log2 of each step's arity, leaves to root (merkle-shape.ts). */
  readonly steps: readonly number[];
  /**
   * layers[i] holds the nodes after step i (8 words per node; layers[last] is the cap). The leaf digests
   * are not kept once the first step is built: they are the largest layer (a quarter of a binary tree's
   * memory, three quarters of a 4-ary one's), and an opening needs only its arity group's, rehashed from the
   * rows (`mmcsOpen`).
   */
  readonly layers: readonly Uint32Array[];
  /** The commitment: the nodes of the cap level in node order (merkle-shape.ts) — the root alone without a cap. */
  readonly cap: MerkleCap;
}

/** Matrix indices grouped by height, tallest first, in input order within a group. */
export function groupByHeight(heights: readonly number[]): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  const sorted = [...new Set(heights)].sort((a, b) => b - a);
  for (const h of sorted) groups.set(h, []);
  heights.forEach((h, i) => groups.get(h)!.push(i));
  return groups;
}

function groupColumns(matrices: readonly Matrix[], group: readonly number[]): Uint32Array[] {
  const cols: Uint32Array[] = [];
  for (const m of group) for (const c of matrices[m]!.columns) cols.push(c);
  return cols;
}

/**
 * Commits matrices (columns in natural row order) up to a cap of `capHeight` levels (lowered as
 * merkle-shape.ts says; 0: the root). With an executor other than the serial one, columns must be
 * SharedArrayBuffer-backed; the tree layers always are.
 */
export function mmcsCommit(
  hash: StarkHash,
  matrices: readonly Matrix[],
  exec: Executor = serialExecutor,
  capHeight = 0,
): MmcsData {
  if (matrices.length === 0) throw new RangeError("nothing to commit");
  const groups = groupByHeight(matrices.map((m) => m.height));
  const maxHeight = Math.max(...matrices.map((m) => m.height));
  let layer = shared(8 * maxHeight);
  exec.run(
    {
      kind: "hashRows",
      hash: hash.id,
      columns: groupColumns(matrices, groups.get(maxHeight)!),
      layer,
      inject: false,
    },
    hash,
  );
  const leaves = layer;
  const layers: Uint32Array[] = [];
  const steps = merkleSteps(
    matrices.map((m) => Math.log2(m.height)),
    hash.merkleArity,
    capHeight,
  );
  let h = maxHeight;
  for (const step of steps) {
    const prev = layer;
    const arity = step === 1 ? 2 : 4;
    h >>>= step;
    layer = shared(8 * h);
    const g = groups.get(h);
    if (g && hash.injectNode)
      exec.run(
        { kind: "inject", hash: hash.id, arity, prev, columns: groupColumns(matrices, g), layer },
        hash,
      );
    else {
      exec.run({ kind: "compress", hash: hash.id, arity, prev, layer }, hash);
      if (g)
        exec.run(
          { kind: "hashRows", hash: hash.id, columns: groupColumns(matrices, g), layer, inject: true },
          hash,
        );
    }
    layers.push(layer);
    if (layers.length === 1) recycleColumns([leaves]);
  }
  const cap = Array.from({ length: h }, (_, i) => layer.slice(8 * i, 8 * i + 8));
  return { hash, matrices, maxHeight, steps, layers, cap };
}

/** Opens leaf `index` (in leaf order, i.e. bit-reversed row order) of the tallest level. */
export function mmcsOpen(data: MmcsData, index: number): MerkleOpening {
  const { maxHeight } = data;
  const rows = data.matrices.map((m) => {
    const r = reverseBits(index >>> Math.log2(maxHeight / m.height), Math.log2(m.height));
    return Uint32Array.from(m.columns, (c) => c[r]!);
  });
  const path: Uint32Array[] = [];
  let i = index;
  data.steps.forEach((step, l) => {
    const first = (i >>> step) << step;
    for (let s = first; s < first + (1 << step); s++)
      if (s !== i) path.push(l === 0 ? leafDigest(data, s) : data.layers[l - 1]!.slice(8 * s, 8 * s + 8));
    i >>>= step;
  });
  return { rows, path };
}

/** Leaf `leaf`'s digest: the hash of the tallest matrices' row bitrev(leaf), as `mmcsCommit` computed it. */
function leafDigest(data: MmcsData, leaf: number): Uint32Array {
  const r = reverseBits(leaf, Math.log2(data.maxHeight));
  const columns = groupColumns(
    data.matrices,
    groupByHeight(data.matrices.map((m) => m.height)).get(data.maxHeight)!,
  );
  const digest = new Uint32Array(8);
  data.hash.hashRow(
    Uint32Array.from(columns, (c) => c[r]!),
    digest,
  );
  return digest;
}
