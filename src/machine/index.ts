/**
 * The RV32IM machine (docs/machine.md): its AIR, segment statements, proving sessions (Node: the prover
 * uses worker threads), the published segment shapes and the splitter, and segment verification. Receipts built on it are in src/receipt.
 */
export { type Machine, machine, machineFor } from "./air.ts";
export {
  DEFAULT_SEGMENT_CYCLES,
  DEFAULT_SEGMENT_PO2,
  type ProvenSegment,
  type ProvenSession,
  type ProveProgress,
  type ProveSessionOptions,
  proveSession,
} from "./prove.ts";
export {
  fitsPo2,
  MAX_SEGMENT_PO2,
  MIN_SEGMENT_PO2,
  SEGMENT_PO2S,
  type SegmentRows,
  segmentBudget,
  segmentCycleCapacity,
  segmentPo2Of,
  segmentShape,
  smallestPo2,
} from "./shapes.ts";
export { planSegments, SegmentCapacityError, type SegmentPlan } from "./split.ts";
export * from "./statement.ts";
export { MACHINE_CONFIG, machinePreprocessedRoot, verifySegmentSeal } from "./verify.ts";
