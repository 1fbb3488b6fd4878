/**
 * Multi-scalar multiplication on BN254's G1 and G2 across the process's worker threads: the points are cut
 * into one contiguous share per thread, each thread runs Pippenger's method on its share (pippenger.ts), and
 * the partial sums are added here. Layouts are the .zkey's and ffjavascript's (see pippenger.ts), so the
 * result drops into snarkjs-shaped proving code.
 */
import { availableParallelism } from "node:os";
import { siblingModule, workerPool } from "../../parallel/pool.ts";
import { FP_BYTES } from "./field-wasm.ts";
import type { MsmJob } from "./msm-task.ts";
import { groupOps, instantiateMsm, type MsmInstance } from "./msm-wasm.ts";
import { exportJacobian, type Group, importJacobian } from "./pippenger.ts";

export type { Group } from "./pippenger.ts";

export interface MsmOptions {
  /** Worker threads; defaults to the number of CPUs. */
  threads?: number;
}

const TASK = siblingModule(import.meta.url, "msm-task");
/** Below this many points a share is not worth a thread. */
const MIN_SHARE = 1 << 12;

let local: MsmInstance | undefined;

/**
 * Σ sᵢ·Pᵢ for affine points (64 bytes each in G1, 128 in G2, the .zkey layout) and 32-byte little-endian
 * scalars below the group order; returns the Jacobian sum in ffjavascript's layout.
 */
export async function multiExp(
  group: Group,
  points: Uint8Array,
  scalars: Uint8Array,
  options: MsmOptions = {},
): Promise<Uint8Array> {
  const n = scalars.length / 32;
  const pointBytes = 64 * group;
  if (!Number.isInteger(n) || points.length !== n * pointBytes) {
    throw new RangeError(`${points.length} bytes of points do not match ${scalars.length / 32} scalars`);
  }
  const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), Math.ceil(n / MIN_SHARE)));
  const share = Math.ceil(n / threads);
  const jobs: Promise<Uint8Array>[] = [];
  for (let t = 0; t * share < n; t++) {
    const [from, to] = [t * share, Math.min(n, (t + 1) * share)];
    // Copies with their own buffers, to transfer.
    const job: MsmJob = {
      group,
      points: Uint8Array.prototype.slice.call(points, from * pointBytes, to * pointBytes),
      scalars: Uint8Array.prototype.slice.call(scalars, from * 32, to * 32),
    };
    const transfer = [job.points.buffer as ArrayBuffer, job.scalars.buffer as ArrayBuffer];
    jobs.push(workerPool().run<Uint8Array>(t, TASK, "multiExp", job, transfer));
  }
  return sumJacobian(group, await Promise.all(jobs));
}

/** The sum of Jacobian points given in ffjavascript's layout. */
export function sumJacobian(group: Group, parts: readonly Uint8Array[]): Uint8Array {
  local ??= instantiateMsm();
  const jacobian = 3 * group * FP_BYTES;
  const [acc, next] = [local.heapStart, local.heapStart + jacobian];
  if (local.memory.buffer.byteLength < next + jacobian) local.memory.grow(1);
  new Uint8Array(local.memory.buffer).fill(0, acc, acc + jacobian);
  const { add } = groupOps(local.exports, group);
  for (const part of parts) {
    importJacobian(local, group, next, part);
    add(acc, next);
  }
  return exportJacobian(local, group, acc);
}

/** Frees the threads' curve instances and their memory (the threads stay in the pool). */
export async function releaseMsmThreads(): Promise<void> {
  const pool = workerPool();
  await Promise.all(Array.from({ length: pool.size }, (_, i) => pool.run(i, TASK, "release", null)));
}
