import { ZkvmError, type ZkvmErrorOptions } from "../errors.ts";
import type { VerificationReason } from "./verifier/backend.ts";

export type { VerificationReason } from "./verifier/backend.ts";

/**
 * The proof does not verify. `reason` names the check that failed; the message says where. Only checks of
 * the verifier raise it: a bug inside the verifier surfaces as the error it is, never as a rejected proof.
 */
export class VerificationError extends ZkvmError {
  override name = "VerificationError";
  readonly reason: VerificationReason;
  constructor(reason: VerificationReason, shortMessage: string, options: ZkvmErrorOptions = {}) {
    super(shortMessage, options);
    this.reason = reason;
  }
}

/** The prover was given a witness that does not satisfy the AIR, or inputs of the wrong shape. */
export class ProverInputError extends ZkvmError {
  override name = "ProverInputError";
}
