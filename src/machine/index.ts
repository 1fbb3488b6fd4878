/**
 * The RV32IM machine (docs/machine.md): its AIR, segment statements, proving sessions (Node: the prover
 * uses worker threads) and segment verification. Receipts built on it are in src/receipt.
 */
export { type Machine, machine, machineFor } from "./air.ts";
export {
  DEFAULT_SEGMENT_CYCLES,
  type ProvenSegment,
  type ProvenSession,
  type ProveProgress,
  type ProveSessionOptions,
  proveSession,
} from "./prove.ts";
export * from "./statement.ts";
export { MACHINE_CONFIG, machinePreprocessedRoot, verifySegmentSeal } from "./verify.ts";
