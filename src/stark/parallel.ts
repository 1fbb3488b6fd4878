import { sharedColumn } from "../field/shared-columns.ts";
import { siblingModule, workerPool } from "../parallel/pool.ts";
import type { StarkHash } from "./hash-config.ts";
import { type Kernel, kernelSize, runKernel, workerHash } from "./kernels.ts";

export { defaultWorkerCount, shutdownWorkers } from "../parallel/pool.ts";

/**
 * The prover's data-parallel phases on the process's worker pool (src/parallel): the calling thread takes a
 * share of each kernel itself and then blocks until the threads are done, so the prover stays synchronous.
 * Typed arrays handed to threads must be backed by SharedArrayBuffer (see `shared`).
 */
const KERNELS = siblingModule(import.meta.url, "kernels");
/**
 * POSEIDON_BN254_HASH_ID spelled out, so that Poseidon2-only provers never load the BN254 module; its type
 * makes the compiler check that it is the same string.
 */
const BN254_HASH_ID: typeof import("./poseidon-bn254-hash.ts").POSEIDON_BN254_HASH_ID =
  "poseidon-bn254-circomlib-4ary-fused-hashed-transcript";
/** Hash configurations whose kernels run in a module of their own (imported by threads only when used). */
const HASH_KERNELS: Record<string, URL> = {
  [BN254_HASH_ID]: siblingModule(import.meta.url, "kernels-bn254"),
};

/** A zeroed column in shared memory (src/field/shared-columns.ts: it may reuse a recycled buffer). */
export function shared(length: number): Uint32Array {
  return sharedColumn(length);
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
 * hashes that threads cannot rebuild (neither in kernels.ts nor in HASH_KERNELS) run on the caller.
 */
export function parallelExecutor(workerCount: number, minUnits = 1024): Executor {
  return {
    run(kernel, hash) {
      const size = kernelSize(kernel);
      const hashId = "hash" in kernel ? kernel.hash : undefined;
      const own = hashId === undefined ? undefined : HASH_KERNELS[hashId];
      const portable = hashId === undefined || workerHash(hashId) !== undefined || own !== undefined;
      const threshold =
        kernel.kind === "lde" ||
        kernel.kind === "transform" ||
        kernel.kind === "open" ||
        kernel.kind === "grind"
          ? 2
          : minUnits;
      if (workerCount === 0 || size < threshold || !portable) {
        runKernel(kernel, 0, size, hash);
        return;
      }
      const parts = workerCount + 1;
      const bounds = Array.from({ length: parts + 1 }, (_, i) => Math.floor((i * size) / parts));
      const shares = Array.from({ length: workerCount }, (_, i) => ({
        kernel,
        start: bounds[i]!,
        end: bounds[i + 1]!,
      }));
      workerPool().runBlocking(own ?? KERNELS, "runKernelShare", shares, () =>
        runKernel(kernel, bounds[parts - 1]!, bounds[parts]!, hash),
      );
    },
  };
}
