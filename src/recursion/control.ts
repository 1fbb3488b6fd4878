import { ZkvmError } from "../errors.ts";
import { poseidon2Compress } from "../hash/poseidon2.ts";

/**
 * Control IDs and the control root (docs/recursion.md §4). A recursion program's control ID is its AIR
 * digest (8 elements: the structure digest of the recursion AIR at the release's shape, then the program's
 * preprocessed root). The allowed set is a Poseidon2 Merkle tree over the control IDs, padded with zero
 * digests to a power of two; its root — the control root — is a public value of every recursion proof, and a
 * program that verifies a recursion proof checks the inner control ID's membership in it.
 */
export type ControlId = Uint32Array;

export class ControlRootError extends ZkvmError {
  override name = "ControlRootError";
}

export interface ControlInclusion {
  /** The leaf's index. */
  readonly index: number;
  /** Siblings from the leaf up. */
  readonly path: readonly Uint32Array[];
}

export interface ControlTree {
  readonly root: Uint32Array;
  readonly ids: readonly ControlId[];
  /** The levels from the leaves (padded) up to the root. */
  readonly levels: readonly (readonly Uint32Array[])[];
}

const key = (d: Uint32Array) => Array.from(d).join(",");

/** The tree over `ids`, padded with zero digests to 2^depth leaves (default: the smallest that holds them). */
export function controlTree(ids: readonly ControlId[], depth?: number): ControlTree {
  if (ids.length === 0) throw new ControlRootError("an allowed set needs at least one control ID");
  const seen = new Set<string>();
  for (const id of ids) {
    if (id.length !== 8) throw new ControlRootError("a control ID is 8 field elements");
    if (seen.has(key(id))) throw new ControlRootError("control IDs must be distinct");
    seen.add(key(id));
  }
  const need = Math.max(1, Math.ceil(Math.log2(ids.length)));
  const d = depth ?? need;
  if (!Number.isInteger(d) || d < need)
    throw new ControlRootError(`${ids.length} control IDs need a depth of at least ${need}`);
  let level: Uint32Array[] = Array.from({ length: 2 ** d }, (_, i) => ids[i] ?? new Uint32Array(8));
  const levels: Uint32Array[][] = [level];
  while (level.length > 1) {
    const next: Uint32Array[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(poseidon2Compress(level[i]!, level[i + 1]!));
    levels.push(next);
    level = next;
  }
  return { root: level[0]!, ids: [...ids], levels };
}

export function controlInclusion(tree: ControlTree, id: ControlId): ControlInclusion {
  const index = tree.ids.findIndex((x) => key(x) === key(id));
  if (index < 0) throw new ControlRootError("the control ID is not in the allowed set");
  const path = tree.levels.slice(0, -1).map((level, l) => level[(index >> l) ^ 1]!);
  return { index, path };
}

/** Recomputes the root from a leaf and its inclusion proof (what a verifier checks natively). */
export function controlRootOf(id: ControlId, inclusion: ControlInclusion): Uint32Array {
  let node = id;
  inclusion.path.forEach((sibling, l) => {
    node = (inclusion.index >> l) & 1 ? poseidon2Compress(sibling, node) : poseidon2Compress(node, sibling);
  });
  return node;
}
