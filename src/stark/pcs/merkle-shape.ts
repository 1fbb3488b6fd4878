/**
 * The shape of a mixed-height Merkle tree (docs/proof-system.md §3) under a hash configuration's Merkle
 * arity. Binary trees compress two children per level. A 4-ary configuration compresses four children (two
 * levels) per step wherever it can: a step never skips a level where a shorter matrix is injected, so a
 * step that would is binary, and so is the last step of an odd stretch. From the leaves (level L, log2 of
 * the tallest matrix) towards the root (level 0), at level l:
 *
 *   4-ary step to l − 2  if l ≥ 2 and no matrix has height 2^(l − 1);   else a binary step to l − 1.
 *
 * So a single-height tree of odd height ends with one binary step at the root, and each stretch between two
 * injected heights of odd length ends with a binary step into the shorter matrix's level. No tree of 2- and
 * 4-ary nodes with a level at every injected height has fewer steps (a stretch of d levels takes ⌈d/2⌉).
 * The shape depends only on the heights (fixed by the proof layout), never on a value.
 *
 * With a Merkle cap (`StarkConfig.capHeight`), the walk stops at the cap level instead of the root: the
 * commitment is the 2^c nodes of level c, and an opening's node is compared with the cap node its remaining
 * index bits select. The cap level is the configured height lowered to the shortest matrix's level (no
 * matrix is injected above the cap) — so a 4-ary step never passes it either.
 *
 * A binary step's path element is the sibling; a 4-ary step's are the three other children of the node's
 * group, in child order. The node's position in its group is given by two index bits, least significant
 * first, exactly the two bits a binary tree would use at those two levels.
 */

/** Children per Merkle node: 2 for binary trees, 4 for 4-ary trees (with binary steps as above). */
export type MerkleArity = 2 | 4;

/**
 * What a verifier needs to walk a configuration's Merkle paths: the arity, and whether a step landing on an
 * injected level absorbs the injected row into the node's own hash (`StarkHash.injectNode`) instead of
 * compressing the row's hash into the node after the step. Fusion changes no path's length.
 */
export interface MerkleScheme {
  readonly arity: MerkleArity;
  readonly fusedInjection: boolean;
}

/** The level a tree's walk stops at: the cap height, lowered to the shortest matrix's level. */
export function capLevel(logHeights: readonly number[], capHeight = 0): number {
  return Math.min(capHeight, ...logHeights);
}

/** log2 of each step's arity (1: binary, 2: 4-ary), from the leaves to the cap level (the root for 0). */
export function merkleSteps(logHeights: readonly number[], arity: MerkleArity, capHeight = 0): number[] {
  const logMax = Math.max(...logHeights);
  const c = capLevel(logHeights, capHeight);
  const injected = new Set(logHeights);
  const steps: number[] = [];
  let l = logMax;
  while (l > c) {
    const s = arity === 4 && l - 2 >= c && !injected.has(l - 1) ? 2 : 1;
    steps.push(s);
    l -= s;
  }
  return steps;
}

/** Sibling digests in an opening's path: one per binary step, three per 4-ary step. */
export function merklePathLength(logHeights: readonly number[], arity: MerkleArity, capHeight = 0): number {
  return merkleSteps(logHeights, arity, capHeight).reduce((n, s) => n + (1 << s) - 1, 0);
}
