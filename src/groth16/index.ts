/**
 * Groth16 over BN254. `verify.ts` and `types.ts` run anywhere (@noble/curves); compilation, setup and
 * proving use Node (child processes, worker threads, files) and snarkjs.
 */

export * from "./circuit/stark-verifier.ts";
export * from "./compile.ts";
export * from "./dev-setup.ts";
export * from "./errors.ts";
export * from "./export.ts";
export * from "./prove.ts";
export type { Groth16ProvePhase } from "./prover.ts";
export * from "./ptau-setup.ts";
export * from "./types.ts";
export * from "./verify.ts";
export * from "./witness.ts";
export * from "./wrap/p254-circuit.ts";
export * from "./wrap/release.ts";
export { RECEIPT_STATEMENT } from "./wrap/statement.ts";
export * from "./wrap/wrap.ts";
