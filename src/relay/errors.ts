/** Typed errors of the relay service. Each message says what was wrong and what to do. */

/** The relay configuration is missing a field or has an invalid value. */
export class RelayConfigError extends Error {
  override name = "RelayConfigError";
}

/** The database belongs to another chain, relay contract or signer, or its schema is newer than this build. */
export class RelayStoreError extends Error {
  override name = "RelayStoreError";
}

/** A state change that the request state machine does not allow (a bug, or a stale writer). */
export class InvalidTransitionError extends Error {
  override name = "InvalidTransitionError";
}

/**
 * A request that cannot be served, with a stable machine-readable `code` that is recorded with the
 * request (and counted in metrics) as the reason it failed.
 */
export class RequestRejectedError extends Error {
  override name = "RequestRejectedError";
  readonly code: RejectionCode;
  constructor(code: RejectionCode, message: string) {
    super(message);
    this.code = code;
  }
}

export type RejectionCode =
  | "unknown-image"
  | "input-too-large"
  | "input-unreachable"
  | "input-digest-mismatch"
  | "input-url-invalid"
  | "guest-failed"
  | "guest-error"
  | "prover-unavailable"
  | "proof-attempts-exhausted"
  | "invalid-proof"
  | "request-mismatch"
  | "request-not-on-chain"
  | "reorged-out"
  | "submission-attempts-exhausted"
  | "malformed-request";

/** The prover could not run a job for a reason unrelated to the request (worker died, queue unreachable). */
export class ProverInfrastructureError extends Error {
  override name = "ProverInfrastructureError";
}
