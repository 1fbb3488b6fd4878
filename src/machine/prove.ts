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
import { MAX_SEGMENT_CYCLES, type SegmentStatement } from "./statement.ts";
import { MACHINE_CONFIG } from "./verify.ts";
import { segmentWitness } from "./witness.ts";

/**
 * Proving a session (docs/machine.md §8): execute with the recording executor (a guest fault ends here,
 * with the executor's GuestFault), cut the run into segments of at most `segmentCycles` cycles, and prove
 * each one. Segment k's post-state is segment k + 1's pre-state; the first pre-state digest is the
 * ImageID.
 */
export const DEFAULT_SEGMENT_CYCLES = 2 ** 20;

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
  /** Largest number of cycles per segment (default 2^20). */
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
  const limit = options.segmentCycles ?? DEFAULT_SEGMENT_CYCLES;
  if (!(Number.isInteger(limit) && limit >= 1 && limit <= MAX_SEGMENT_CYCLES))
    throw new RangeError(`segmentCycles must be an integer in [1, ${MAX_SEGMENT_CYCLES}], got ${limit}`);
  const config = options.config ?? MACHINE_CONFIG;
  const run = executeRecording(program, options);
  const total = Math.ceil(run.cycles / limit);
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
    const start = index * limit;
    const sw = segmentWitness(run.trace, start, Math.min(start + limit, run.cycles), image, m);
    if (options.timings) options.timings.witness = (options.timings.witness ?? 0) + (performance.now() - t0);
    progress("prove");
    const proof = proveStark(m.air, config, poseidon2Hash, sw.witness, {
      workers: options.workers,
      timings: options.timings,
    });
    segments.push({ index, statement: sw.statement, seal: encodeProof(proof, m.air, config) });
    progress("done");
  }
  const { trace: _trace, ...result } = run;
  return { imageId: computeImageId(program), result, segments };
}
