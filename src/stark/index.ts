/**
 * The STARK engine (docs/proof-system.md). Browser code that only verifies should import
 * `zkvm-kit/stark/verifier` instead: this entry point includes the prover, which uses Node worker threads.
 */
export {
  type Air,
  AirDefinitionError,
  type AirSpec,
  defineAir,
  type Interaction,
  type InteractionKind,
  type InteractionOptions,
  type MultiplicityBound,
  PublicInteractionBuilder,
  type Table,
  TableBuilder,
} from "./air.ts";
export * from "./config.ts";
export * from "./errors.ts";
export type { ColumnKind, Expr, ExprGraph, Node } from "./expr.ts";
export type { Challenger, StarkHash } from "./hash-config.ts";
export type { CommitmentLayout, FriLayout, OpeningGroup, ProofLayout, Round, TableLayout } from "./layout.ts";
export { proofLayout } from "./layout.ts";
export { shutdownWorkers } from "./parallel.ts";
export { poseidonBn254Hash } from "./poseidon-bn254-hash.ts";
export { poseidon2Hash } from "./poseidon2-hash.ts";
export type * from "./proof.ts";
export * from "./proof-codec.ts";
export { airDigest, airStructureDigest } from "./protocol.ts";
export { type ProveOptions, preprocessedRoot, proveStark, type Witness } from "./prover.ts";
export * from "./security.ts";
export { countVerifierOperations, type OperationCounts } from "./verifier/counting.ts";
export { type VerifiedProof, type VerifyingKey, verifyStark, verifyStarkBytes } from "./verifier.ts";
