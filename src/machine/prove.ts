import type { Digest } from "../hash/digest.ts";
import type { StarkConfig } from "../stark/config.ts";
import { poseidon2Hash } from "../stark/poseidon2-hash.ts";
import { encodeProof } from "../stark/proof-codec.ts";
import { proveStark } from "../stark/prover.ts";
import type { ExecuteOptions, ExecutionResult } from "../zkvm/executor.ts";
import { computeImageId, imagePages } from "../zkvm/image-id.ts";
import { loadProgram, type Program } from "../zkvm/program.ts";
import { executeRecording } from "../zkvm/recorder.ts";
import { machineFor } from "./air.ts";
import { MemoryImage } from "./memory.ts";
import { SEGMENT_PO2S, segmentCycleCapacity } from "./shapes.ts";
import { planSegments } from "./split.ts";
import { MAX_SEGMENT_CYCLES, type SegmentStatement } from "./statement.ts";
import { MACHINE_CONFIG } from "./verify.ts";
import { segmentWitness } from "./witness.ts";

/**
 * Proving a session (docs/machine.md §8): execute with the recording executor (a guest fault ends here,
 * with the executor's GuestFault), cut the run into segments that fit the published segment shapes
 * (split.ts), and prove each one at the smallest po2 it fits. Segment k's post-state is segment k + 1's
 * pre-state; the first pre-state digest is the ImageID.
 */
export const DEFAULT_SEGMENT_PO2 = 20;
export const DEFAULT_SEGMENT_CYCLES = 2 ** DEFAULT_SEGMENT_PO2;

export type ProveProgress =
  | { readonly stage: "executed"; readonly cycles: number; readonly segments: number }
  | {
      readonly stage: "segment";
      readonly index: number;
      readonly segments: number;
      readonly phase: "witness" | "prove" | "done";
      /** Milliseconds spent on this segment so far. */
      readonly elapsedMs: number;
    };

export interface ProveSessionOptions extends ExecuteOptions {
  /**
   * Largest segment po2 (default 20): segments end before they overflow a table budget of this po2
   * (shapes.ts); each is proven at the smallest po2 it fits.
   */
  readonly segmentPo2?: number;
  /** Largest number of cycles per segment (default: the capacity of `segmentPo2`). */
  readonly segmentCycles?: number;
  /** STARK configuration (default MACHINE_CONFIG; tests use a smaller one through the same code). */
  readonly config?: StarkConfig;
  /** Prover worker threads (default: the engine's choice). */
  readonly workers?: number;
  readonly onProgress?: (p: ProveProgress) => void;
  /** Accumulates milliseconds per phase over the segments: trace generation ("witness") and the engine's. */
  readonly timings?: Record<string, number>;
}

export interface ProvenSegment {
  readonly index: number;
  /** The segment po2: the proof's table heights are `segmentShape(config, po2)`. */
  readonly po2: number;
  readonly statement: SegmentStatement;
  readonly seal: Uint8Array;
}

export interface ProvenSession {
  readonly imageId: Digest;
  readonly result: ExecutionResult;
  readonly segments: ProvenSegment[];
}

export function proveSession(elf: Uint8Array | Program, options: ProveSessionOptions = {}): ProvenSession {
  const program = elf instanceof Uint8Array ? loadProgram(elf) : elf;
  const limit = options.segmentCycles ?? segmentCycleCapacity(options.segmentPo2 ?? DEFAULT_SEGMENT_PO2);
  if (!(Number.isInteger(limit) && limit >= 1 && limit <= MAX_SEGMENT_CYCLES))
    throw new RangeError(`segmentCycles must be an integer in [1, ${MAX_SEGMENT_CYCLES}], got ${limit}`);
  const maxPo2 =
    options.segmentPo2 ?? SEGMENT_PO2S.find((k) => segmentCycleCapacity(k) >= limit) ?? DEFAULT_SEGMENT_PO2;
  segmentCycleCapacity(maxPo2); // checks the po2
  const config = options.config ?? MACHINE_CONFIG;
  const run = executeRecording(program, options);
  const plan = planSegments(run.trace, maxPo2, limit);
  const total = plan.length;
  options.onProgress?.({ stage: "executed", cycles: run.cycles, segments: total });
  const m = machineFor(config);
  const image = new MemoryImage(imagePages(program));
  const segments: ProvenSegment[] = [];
  for (let index = 0; index < total; index++) {
    const t0 = performance.now();
    const progress = (phase: "witness" | "prove" | "done") =>
      options.onProgress?.({
        stage: "segment",
        index,
        segments: total,
        phase,
        elapsedMs: performance.now() - t0,
      });
    progress("witness");
    const { start, end, po2 } = plan[index]!;
    const sw = segmentWitness(run.trace, start, end, image, m, undefined, po2);
    if (options.timings) options.timings.witness = (options.timings.witness ?? 0) + (performance.now() - t0);
    progress("prove");
    // The prover reuses the witness's memory once it has built the LogUp trace: the segment's columns are
    // read by nothing else (src/field/shared-columns.ts).
    const proof = proveStark(m.air, config, poseidon2Hash, sw.witness, {
      workers: options.workers,
      timings: options.timings,
      recycleWitness: true,
    });
    segments.push({
      index,
      po2,
      statement: sw.statement,
      seal: encodeProof(proof, m.air, config, poseidon2Hash),
    });
    progress("done");
  }
  const { trace: _trace, ...result } = run;
  return { imageId: computeImageId(program), result, segments };
}
