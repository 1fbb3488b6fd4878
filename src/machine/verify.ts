import { CONFIG_BLOWUP_2, type StarkConfig } from "../stark/config.ts";
import { poseidon2Hash } from "../stark/poseidon2-hash.ts";
import { verifyStarkBytes } from "../stark/verifier.ts";
import { machineFor } from "./air.ts";
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
 * Verifies a segment's seal (an encoded STARK proof) for its statement. Throws StatementError for a
 * statement the proof cannot express, ProofFormatError for malformed bytes, VerificationError otherwise.
 */
export function verifySegmentSeal(
  statement: SegmentStatement,
  seal: Uint8Array,
  config: StarkConfig = MACHINE_CONFIG,
): void {
  const publics = statementPublics(statement);
  verifyStarkBytes(machineFor(config).air, config, poseidon2Hash, publics, seal, {
    preprocessedRoot: machinePreprocessedRoot(config),
  });
}
