import type { VerifierBackend } from "../verifier/backend.ts";
import { capLevel, type MerkleScheme, merklePathLength, merkleSteps } from "./merkle-shape.ts";

/** The cap node at index Σ bits_i·2^i (bits least significant first, one per cap level): cap[0] for none. */
function selectCapNode<F, E, D>(b: VerifierBackend<F, E, D>, cap: readonly D[], bits: readonly F[]): D {
  let nodes = cap;
  for (const bit of bits) {
    const next: D[] = [];
    for (let i = 0; i < nodes.length; i += 2) next.push(b.digestSelect(bit, nodes[i + 1]!, nodes[i]!));
    nodes = next;
  }
  return nodes[0]!;
}

/**
 * Verifier side of the mixed-height Merkle commitment (docs/proof-system.md §3), over any backend: hashes the
 * opened rows (one per matrix, in commitment order), walks the sibling path with the leaf index's bits (a
 * binary step takes one bit and one sibling, a 4-ary step two bits and three siblings: merkle-shape.ts),
 * injects the shorter matrices' rows at their levels, and requires the root. A step onto an injected level
 * is one `merkleInjectStep` where the scheme fuses injections, else the step and then
 * compress(node, hashRow(row)). With a Merkle cap the walk stops at the cap level and the node must equal
 * the cap node that the index's remaining bits select (a tree of digest selects, none without a cap). A
 * backend with `deferOpening` runs the check when it chooses (the native verifier batches the hashing of
 * all openings).
 *
 * @param cap the commitment: the cap's digests in node order (one, the root, for cap height 0)
 * @param capHeight the commitment's cap height (lowered to the tree as merkle-shape.ts says)
 * @param logHeights log2 of each matrix's height, in commitment order (fixed by the proof layout)
 * @param leafBits the leaf index, least significant bit first, one bit per tree level
 */
export function verifyMmcsOpening<F, E, D>(
  b: VerifierBackend<F, E, D>,
  scheme: MerkleScheme,
  cap: readonly D[],
  capHeight: number,
  logHeights: readonly number[],
  leafBits: readonly F[],
  rows: readonly ArrayLike<F>[],
  path: readonly D[],
  what: string,
): void {
  const logMax = Math.max(...logHeights);
  const capBits = capLevel(logHeights, capHeight);
  if (
    leafBits.length !== logMax ||
    path.length !== merklePathLength(logHeights, scheme.arity, capHeight) ||
    cap.length !== 1 << capBits ||
    rows.length !== logHeights.length
  )
    throw new RangeError(`${what}: opening does not match the commitment layout`);
  const check = (c: VerifierBackend<F, E, D>) => {
    /** The rows of the matrices of height 2^logH, concatenated (one array of its final length). */
    const rowAt = (logH: number): F[] => {
      let length = 0;
      for (let m = 0; m < logHeights.length; m++) if (logHeights[m] === logH) length += rows[m]!.length;
      const out = new Array<F>(length);
      let k = 0;
      for (let m = 0; m < logHeights.length; m++)
        if (logHeights[m] === logH) for (let i = 0; i < rows[m]!.length; i++) out[k++] = rows[m]![i]!;
      return out;
    };
    let node = c.hashRow(rowAt(logMax));
    let level = 0;
    let p = 0;
    for (const step of merkleSteps(logHeights, scheme.arity, capHeight)) {
      const h = logMax - level - step;
      const injected = logHeights.includes(h);
      if (injected && scheme.fusedInjection)
        node = c.merkleInjectStep(
          leafBits.slice(level, level + step),
          node,
          path.slice(p, p + (1 << step) - 1),
          rowAt(h),
        );
      else {
        if (step === 1) node = c.merkleStep(leafBits[level]!, node, path[p]!);
        else
          node = c.merkleStep4([leafBits[level]!, leafBits[level + 1]!], node, [
            path[p]!,
            path[p + 1]!,
            path[p + 2]!,
          ]);
        if (injected) node = c.compress(node, c.hashRow(rowAt(h)));
      }
      level += step;
      p += (1 << step) - 1;
    }
    c.assertDigestEqual(
      node,
      selectCapNode(c, cap, leafBits.slice(level)),
      "merkle-path",
      `${what}: Merkle path does not lead to the commitment`,
    );
  };
  if (b.deferOpening) b.deferOpening(check);
  else check(b);
}
