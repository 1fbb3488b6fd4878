/**
 * The verifier's cost model next to what the recursion programs became (bench/recursion.bench.ts): the
 * counting backend's operations (src/stark/verifier/counting.ts) for what a lift verifies (one segment proof)
 * and what a join verifies (two recursion proofs of the release's shape), to print beside the programs'
 * instructions per chip. The counts are of the abstract verifier on symbolic values; the builder folds
 * constants and shares repeated work, so the instructions a chip gets can be fewer than the operations of
 * its kind.
 */
import { machine } from "../src/machine/air.ts";
import { MACHINE_CONFIG } from "../src/machine/verify.ts";
import { recursionTemplate, shapeHeights } from "../src/recursion/programs.ts";
import type { RecursionSystem } from "../src/recursion/system.ts";
import { poseidon2Hash } from "../src/stark/poseidon2-hash.ts";
import { countVerifierOperations, type OperationCounts } from "../src/stark/verifier/counting.ts";

const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);

/** The counted operations by kind, `times` verifications. */
function byKind(c: OperationCounts, times: number) {
  return {
    baseArithmetic: times * sum(c.base),
    extArithmetic: times * sum(c.ext),
    bitDecompositions: times * c.bits.decompositions,
    selects: times * sum(c.select),
    rowHashes: times * c.hash.rows,
    rowHashElements: times * c.hash.rowElements,
    compressions: times * (c.hash.compress + c.hash.compress4 + c.hash.inject2 + c.hash.inject4),
    transcriptPermutations: times * c.transcript.permutations,
    assertions: times * sum(c.assert),
  };
}

/** What the lift (one segment proof of `segmentHeights`) and the join (two recursion proofs) verify, counted. */
export function verifierCounts(
  sys: Pick<RecursionSystem, "shape" | "config">,
  segmentHeights: readonly number[],
) {
  const segment = countVerifierOperations(machine().air, MACHINE_CONFIG, poseidon2Hash, segmentHeights);
  const recursion = countVerifierOperations(
    recursionTemplate(sys.shape),
    sys.config,
    poseidon2Hash,
    shapeHeights(sys.shape),
  );
  return {
    lift: byKind(segment, 1),
    join: byKind(recursion, 2),
  };
}
