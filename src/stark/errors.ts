import { ZkvmError } from "../errors.ts";
/** The proof does not verify: a check failed (the message names which). */
export class InvalidProofError extends ZkvmError {
  override name = "InvalidProofError";
}

/** The prover was given a witness that does not satisfy the AIR, or inputs of the wrong shape. */
export class ProverInputError extends ZkvmError {
  override name = "ProverInputError";
}
