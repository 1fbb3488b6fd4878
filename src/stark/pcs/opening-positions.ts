import type { CommitmentLayout, FriLayerLayout } from "../layout.ts";
import { reverseBits } from "../protocol.ts";
import { type MerkleArity, merkleSteps } from "./merkle-shape.ts";

/**
 * Where a query opens each tree (docs/proof-system.md §3, §6). A query draws one index in the tallest LDE
 * domain; every commitment and FRI layer opens the leaf that index selects, and each opening's rows and
 * sibling digests sit at positions that follow from that leaf alone. Two queries whose positions coincide
 * open the same row or the same sibling: the proof encoding sends it once (proof-codec.ts).
 */

/** The leaf a query index opens in a commitment: index mod 2^(tree height), bit-reversed. */
export function commitmentLeaf(index: number, logMaxLdeHeight: number, c: CommitmentLayout): number {
  return reverseBits(index, logMaxLdeHeight) >>> (logMaxLdeHeight - c.logMaxHeight);
}

/** The leaf a query index opens in a FRI layer's tree (one row per coset of `arity` values). */
export function friLeaf(index: number, layer: FriLayerLayout): number {
  const rowBits = layer.logSize - layer.logArity;
  return reverseBits(index & ((1 << rowBits) - 1), rowBits);
}

/**
 * Identifiers of an opening's parts within its tree, equal for two openings exactly where they hold the same
 * value: `rows[m]` for matrix m's opened row (matrix and row position), `siblings[k]` for the path's k-th
 * digest (tree level and node position). Positions are below 2^27 (the largest LDE), so every identifier is
 * an exact integer.
 */
export interface OpeningSlots {
  readonly rows: number[];
  readonly siblings: number[];
}

const LEVEL = 2 ** 28;

/** The slots of the opening of `leaf` in a mixed-height tree with these matrix heights (and cap height). */
export function openingSlots(
  logHeights: readonly number[],
  arity: MerkleArity,
  leaf: number,
  capHeight = 0,
): OpeningSlots {
  const logMax = Math.max(...logHeights);
  const rows = logHeights.map((h, m) => m * LEVEL + (leaf >>> (logMax - h)));
  const siblings: number[] = [];
  let depth = 0;
  for (const step of merkleSteps(logHeights, arity, capHeight)) {
    const node = leaf >>> depth;
    const group = node & ~((1 << step) - 1);
    for (let j = 0; j < 1 << step; j++) if (group + j !== node) siblings.push(depth * LEVEL + group + j);
    depth += step;
  }
  return { rows, siblings };
}
