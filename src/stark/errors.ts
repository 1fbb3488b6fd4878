/** The proof does not verify: a check failed (the message names which). */
export class InvalidProofError extends Error {
  override name = "InvalidProofError";
}

/** The prover was given a witness that does not satisfy the AIR, or inputs of the wrong shape. */
export class ProverInputError extends Error {
  override name = "ProverInputError";
}
