import { CONFIG_BLOWUP_2, type StarkConfig } from "../stark/config.ts";
import { VerificationError } from "../stark/errors.ts";
import { poseidon2Hash } from "../stark/poseidon2-hash.ts";
import { decodeProof } from "../stark/proof-codec.ts";
import { verifyStark } from "../stark/verifier.ts";
import { machineFor } from "./air.ts";
import { MAX_SEGMENT_PO2, MIN_SEGMENT_PO2, segmentPo2Of, segmentShape } from "./shapes.ts";
import { type SegmentStatement, statementPublics } from "./statement.ts";

/**
 * Verification of one segment proof against its statement. Browser-safe: it needs only the AIR, the STARK
 * verifier and the verifying key below (no prover code).
 */

/** Security configuration of segment proofs: blowup 2 (all constraints have degree ≤ 3), 100 bits. */
export const MACHINE_CONFIG: StarkConfig = CONFIG_BLOWUP_2;

/**
 * Roots of the machine's preprocessed columns (its fixed lookup tables) under Poseidon2, by log blowup:
 * the verifying key. test/machine/verifying-key.test.ts recomputes them with the prover.
 */
const PREPROCESSED_ROOTS: Record<number, readonly number[]> = {
  1: [352344350, 1361435515, 1163538853, 773136523, 724576144, 379100749, 1467166104, 1067138084],
  2: [1306584079, 1948613945, 1761263489, 1825672664, 764320887, 710029007, 1801604116, 1525188451],
};

export function machinePreprocessedRoot(config: StarkConfig): Uint32Array {
  const r = PREPROCESSED_ROOTS[config.logBlowup];
  if (!r) throw new RangeError(`no machine verifying key for log blowup ${config.logBlowup}`);
  return Uint32Array.from(r);
}

/**
 * Verifies a segment's seal (an encoded STARK proof) for its statement; returns the segment po2. The
 * proof's table heights must be a published segment shape (shapes.ts), and the verifier pins them. Throws
 * StatementError for a statement the proof cannot express, ProofFormatError for malformed bytes,
 * VerificationError otherwise (reason "heights" for a shape that is not published).
 */
export function verifySegmentSeal(
  statement: SegmentStatement,
  seal: Uint8Array,
  config: StarkConfig = MACHINE_CONFIG,
): { po2: number } {
  const publics = statementPublics(statement);
  const air = machineFor(config).air;
  const proof = decodeProof(seal, air, config, poseidon2Hash);
  const po2 = segmentPo2Of(config, proof.logHeights);
  if (po2 === undefined)
    throw new VerificationError(
      "heights",
      `the segment proof's table heights [${proof.logHeights.join(", ")}] are not a published segment shape (po2 ${MIN_SEGMENT_PO2}–${MAX_SEGMENT_PO2}, docs/machine.md "Segment shapes"); prove it with this version's prover`,
    );
  verifyStark(air, config, poseidon2Hash, publics, proof, {
    preprocessedRoot: machinePreprocessedRoot(config),
    logHeights: segmentShape(config, po2),
  });
  return { po2 };
}
