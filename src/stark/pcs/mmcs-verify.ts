import type { VerifierBackend } from "../verifier/backend.ts";

/**
 * Verifier side of the mixed-height Merkle commitment (docs/proof-system.md §3), over any backend: hashes the
 * opened rows (one per matrix, in commitment order), walks the sibling path with the leaf index's bits, injects
 * the shorter matrices' row hashes at their levels, and requires the root.
 *
 * @param logHeights log2 of each matrix's height, in commitment order (fixed by the proof layout)
 * @param leafBits the leaf index, least significant bit first, one bit per tree level
 */
export function verifyMmcsOpening<F, E, D>(
  b: VerifierBackend<F, E, D>,
  root: D,
  logHeights: readonly number[],
  leafBits: readonly F[],
  rows: readonly ArrayLike<F>[],
  path: readonly D[],
  what: string,
): void {
  const logMax = Math.max(...logHeights);
  if (leafBits.length !== logMax || path.length !== logMax || rows.length !== logHeights.length)
    throw new RangeError(`${what}: opening does not match the commitment layout`);
  const rowAt = (logH: number): F[] => {
    const out: F[] = [];
    logHeights.forEach((h, m) => {
      if (h === logH) for (let i = 0; i < rows[m]!.length; i++) out.push(rows[m]![i]!);
    });
    return out;
  };
  let node = b.hashRow(rowAt(logMax));
  for (let level = 0; level < logMax; level++) {
    const bit = leafBits[level]!;
    const sibling = path[level]!;
    node = b.merkleStep(bit, node, sibling);
    const h = logMax - level - 1;
    if (logHeights.includes(h)) node = b.compress(node, b.hashRow(rowAt(h)));
  }
  b.assertDigestEqual(node, root, "merkle-path", `${what}: Merkle path does not lead to the root`);
}
