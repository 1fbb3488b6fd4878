/**
 * The STARK engine (docs/proof-system.md). Browser code that only verifies should import
 * `src/stark/verifier.ts` instead: this entry point includes the prover, which uses Node worker threads.
 */
export * from "./air.ts";
export * from "./config.ts";
export * from "./errors.ts";
export type { ColumnKind, Expr, ExprGraph, Node } from "./expr.ts";
export * from "./hash-config.ts";
export { poseidonBn254Hash } from "./poseidon-bn254-hash.ts";
export { poseidon2Hash } from "./poseidon2-hash.ts";
export type * from "./proof.ts";
export * from "./proof-codec.ts";
export { airDigest } from "./protocol.ts";
export { type ProveOptions, proveStark, type Witness } from "./prover.ts";
export * from "./security.ts";
export { verifyStark, verifyStarkBytes } from "./verifier.ts";
