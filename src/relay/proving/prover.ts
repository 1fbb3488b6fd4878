import { hexToBytes } from "@noble/hashes/utils.js";
import { ProverInfrastructureError, type RejectionCode, RequestRejectedError } from "../errors.ts";
import type { ProofJob, ProofMode, ProofResult, WireOutcome } from "./job.ts";

/**
 * Where proofs come from. The service only talks to this interface; which implementation runs is
 * configuration (`prover.kind`), and so is the kind of seal (`prover.proofs`: dev or groth16).
 */
export interface Prover {
  /** `threads` (in-process worker threads) or `bullmq` (Redis queue, sandboxed worker processes). */
  readonly kind: string;
  readonly mode: ProofMode;
  /**
   * Proves a job. Rejects with {@link RequestRejectedError} when the request cannot be proven (not retried)
   * or {@link ProverInfrastructureError} when the prover failed (the service retries).
   */
  prove(job: ProofJob): Promise<ProofResult>;
  /** Jobs waiting or running. */
  depth(): Promise<number>;
  /** Whether the prover can take work (for the health endpoint). */
  healthy(): Promise<{ ok: boolean; detail: string }>;
  close(): Promise<void>;
}

export function fromWire(outcome: WireOutcome): ProofResult {
  if (outcome.ok) {
    return {
      journal: hexToBytes(outcome.journal),
      seal: hexToBytes(outcome.seal),
      cycles: outcome.cycles,
      provingMs: outcome.provingMs,
    };
  }
  if (outcome.rejected) throw new RequestRejectedError(outcome.code as RejectionCode, outcome.message);
  throw new ProverInfrastructureError(outcome.message);
}
