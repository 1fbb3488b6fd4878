import { poseidon2Compress } from "../../hash/poseidon2.ts";
import { MERKLE_DEPTH } from "../../zkvm/memory-map.ts";
import { Bus } from "../buses.ts";
import { type ChipContext, defineChip, Trace } from "../chip.ts";
import type { MemoryImage } from "../memory.ts";
import type { PageLeaf } from "./page.ts";

/**
 * The Merkle multi-proof of the pages a segment touches, for the pre-state tree (0) and the post-state
 * tree (1). A compute row consumes the tokens of two sibling nodes of one tree and issues their parent,
 * compress(left, right) looked up in the Poseidon2 table; a sibling row issues an untouched subtree's
 * digest into both trees (it is the same before and after the segment). The roots are consumed by the
 * public side, so every paged-in leaf is bound to the pre-state root and every paged-out leaf to the
 * post-state root; a node issued twice could only be consumed by a second root.
 */
export function merkleChip() {
  return defineChip("merkle", (c: ChipContext) => {
    const isCompute = c.col("is_compute");
    const isSibling = c.col("is_sibling");
    const tree = c.col("tree");
    const level = c.col("level");
    const index = c.col("index");
    const left = c.cols("left", 8);
    const right = c.cols("right", 8);
    const node = c.cols("node", 8);
    const t = c.t;
    for (const x of [isCompute, isSibling, tree]) c.bool(x.e);
    c.bool(isCompute.e.add(isSibling.e));
    const ex = (cols: readonly { e: ReturnType<typeof c.k> }[]) => cols.map((x) => x.e);
    const child = level.e.sub(1);
    const b = { bound: 1 } as const;
    t.receive(Bus.MERKLE, [tree.e, child, index.e.mul(2), ...ex(left)], isCompute.e, b);
    t.receive(Bus.MERKLE, [tree.e, child, index.e.mul(2).add(1), ...ex(right)], isCompute.e, b);
    t.send(Bus.MERKLE, [tree.e, level.e, index.e, ...ex(node)], isCompute.e, b);
    t.send(Bus.P2_COMPRESS, [...ex(left), ...ex(right), ...ex(node)], isCompute.e, b);
    t.send(Bus.MERKLE, [0, level.e, index.e, ...ex(node)], isSibling.e, b);
    t.send(Bus.MERKLE, [1, level.e, index.e, ...ex(node)], isSibling.e, b);
    c.pin(tree, isCompute.e);
    c.pin([...left, ...right], isCompute.e);
    c.pin([level, index, ...node], isCompute.e.add(isSibling.e));
    return { isCompute, isSibling, tree, level, index, left, right, node };
  });
}

export type MerkleChip = ReturnType<typeof merkleChip>;

/**
 * Rows for the paths from the touched leaves to the roots. Sibling digests come from the image (their
 * subtrees are untouched, so pre and post agree). Returns the trace, the compressions looked up, and the
 * two roots.
 */
export function merkleTrace(
  chip: MerkleChip,
  leaves: readonly PageLeaf[],
  image: MemoryImage,
): { trace: Trace; compressInputs: Uint32Array[]; preRoot: Uint32Array; postRoot: Uint32Array } {
  const L = chip.cols;
  type Row = {
    kind: "compute" | "sibling";
    tree: number;
    level: number;
    index: number;
    l?: Uint32Array;
    r?: Uint32Array;
    d: Uint32Array;
  };
  const rows: Row[] = [];
  const compressInputs: Uint32Array[] = [];
  let pre = new Map<number, Uint32Array>(leaves.map((x) => [x.leaf, x.pre]));
  let post = new Map<number, Uint32Array>(leaves.map((x) => [x.leaf, x.post]));
  for (let level = 1; level <= MERKLE_DEPTH; level++) {
    const parents = [...new Set([...pre.keys()].map((i) => i >>> 1))].sort((a, b) => a - b);
    const np = new Map<number, Uint32Array>();
    const nq = new Map<number, Uint32Array>();
    for (const j of parents) {
      for (const c of [2 * j, 2 * j + 1]) {
        if (!pre.has(c)) {
          const d = image.node(level - 1, c);
          rows.push({ kind: "sibling", tree: 0, level: level - 1, index: c, d });
          pre.set(c, d);
          post.set(c, d);
        }
      }
      for (const [tree, from, to] of [
        [0, pre, np],
        [1, post, nq],
      ] as const) {
        const l = from.get(2 * j)!;
        const r = from.get(2 * j + 1)!;
        const d = poseidon2Compress(l, r);
        const input = new Uint32Array(24);
        input.set(l, 0);
        input.set(r, 8);
        compressInputs.push(input);
        rows.push({ kind: "compute", tree, level, index: j, l, r, d });
        to.set(j, d);
      }
    }
    pre = np;
    post = nq;
  }
  const tr = new Trace(chip.width, rows.length);
  rows.forEach((x, i) => {
    tr.set(x.kind === "compute" ? L.isCompute : L.isSibling, i, 1);
    tr.set(L.tree, i, x.tree);
    tr.set(L.level, i, x.level);
    tr.set(L.index, i, x.index);
    for (let k = 0; k < 8; k++) {
      if (x.l) tr.set(L.left[k]!, i, x.l[k]!);
      if (x.r) tr.set(L.right[k]!, i, x.r[k]!);
      tr.set(L.node[k]!, i, x.d[k]!);
    }
  });
  return { trace: tr, compressInputs, preRoot: pre.get(0)!, postRoot: post.get(0)! };
}
