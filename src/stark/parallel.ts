import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { ZkvmError } from "../errors.ts";
import type { StarkHash } from "./hash-config.ts";
import { type Kernel, kernelSize, runKernel, workerHash } from "./kernels.ts";

/**
 * A pool of worker threads for the prover's data-parallel phases. The calling thread takes a share of
 * each kernel itself and then blocks (Atomics.wait) until the workers are done, so the prover stays
 * synchronous. Typed arrays handed to workers must be backed by SharedArrayBuffer (see `shared`).
 */
export class ParallelError extends ZkvmError {
  override name = "ParallelError";
}

let workers: Worker[] = [];

/** Worker threads to use by default: one fewer than the cores (the calling thread works too). */
export function defaultWorkerCount(): number {
  return Math.max(0, Math.min(7, availableParallelism() - 1));
}

function ensureWorkers(n: number): Worker[] {
  while (workers.length < n) {
    // No inherited execArgv: test runners add loaders that would slow the worker down or break it.
    const w = new Worker(new URL("./parallel-worker.ts", import.meta.url), { execArgv: [] });
    w.unref();
    workers.push(w);
  }
  return workers.slice(0, n);
}

/** Stops the pool's threads (they are unref'd, so a process exits without this). */
export async function shutdownWorkers(): Promise<void> {
  const ws = workers;
  workers = [];
  await Promise.all(ws.map((w) => w.terminate()));
}

export function shared(length: number): Uint32Array {
  return new Uint32Array(new SharedArrayBuffer(4 * length));
}

export function toShared(a: Uint32Array): Uint32Array {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const s = shared(a.length);
  s.set(a);
  return s;
}

export interface Executor {
  run(kernel: Kernel, hash?: StarkHash): void;
}

/** Runs everything on the calling thread. */
export const serialExecutor: Executor = {
  run(kernel, hash) {
    runKernel(kernel, 0, kernelSize(kernel), hash);
  },
};

/**
 * Splits kernels of at least `minUnits` units across `workerCount` threads plus the caller. Kernels for
 * hashes that workers cannot rebuild run on the caller.
 */
export function parallelExecutor(workerCount: number, minUnits = 1024): Executor {
  return {
    run(kernel, hash) {
      const size = kernelSize(kernel);
      const hashId = kernel.kind === "hashRows" || kernel.kind === "compress" ? kernel.hash : undefined;
      const portable = hashId === undefined || workerHash(hashId) !== undefined;
      const threshold = kernel.kind === "lde" || kernel.kind === "transform" ? 2 : minUnits;
      if (workerCount === 0 || size < threshold || !portable) {
        runKernel(kernel, 0, size, hash);
        return;
      }
      const ws = ensureWorkers(workerCount);
      const parts = ws.length + 1;
      const bounds = Array.from({ length: parts + 1 }, (_, i) => Math.floor((i * size) / parts));
      const flags = ws.map((w, i) => {
        const done = new Int32Array(new SharedArrayBuffer(4));
        w.postMessage({ kernel, start: bounds[i]!, end: bounds[i + 1]!, done });
        return done;
      });
      runKernel(kernel, bounds[parts - 1]!, bounds[parts]!, hash);
      for (const done of flags) {
        while (Atomics.load(done, 0) === 0) Atomics.wait(done, 0, 0, 1000);
        if (Atomics.load(done, 0) !== 1) throw new ParallelError("a prover worker thread failed");
      }
    },
  };
}
