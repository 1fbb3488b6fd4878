/**
 * Bulk fixed-base scalar multiplication s_i·G on BN254 on the process's worker pool, each thread holding a
 * precomputed window table of the generator (fixed-base-task.ts). Used by the development setup, which
 * needs a few million such multiplications for a 2^20-constraint circuit.
 */
import { availableParallelism } from "node:os";
import { buildBn128 } from "ffjavascript";
import { siblingModule, workerPool } from "../parallel/pool.ts";
import type { FixedBaseJob } from "./fixed-base-task.ts";

/** 1 = G1, 2 = G2 (BN254). */
export type Group = 1 | 2;

export interface FixedBaseOptions {
  /** Worker threads; defaults to the number of CPUs. */
  threads?: number;
}

const TASK = siblingModule(import.meta.url, "fixed-base-task");

/** Bytes of one affine point in the .zkey layout (little-endian Montgomery x‖y). */
export const affineBytes = (group: Group) => 64 * group;

interface CurveModule {
  code: Uint8Array;
  pG1gen: number;
  pG2gen: number;
}
let curveModule: Promise<CurveModule> | undefined;

/**
 * ffjavascript's BN254 WebAssembly module. Built in the main thread and handed to the threads as bytes:
 * importing ffjavascript inside a worker thread trips its web-worker shim.
 */
function loadCurveModule(): Promise<CurveModule> {
  curveModule ??= (async () => {
    const curve = await buildBn128(true);
    const m = { code: curve.tm.code.slice(), pG1gen: curve.tm.pG1gen, pG2gen: curve.tm.pG2gen };
    await curve.terminate();
    return m;
  })();
  return curveModule;
}

export class FixedBasePool {
  readonly threads: number;

  constructor(options: FixedBaseOptions = {}) {
    this.threads = Math.max(1, options.threads ?? availableParallelism());
  }

  /**
   * Returns s_i·G for every 32-byte little-endian scalar (each < r) in `scalars`, as concatenated affine
   * points in the .zkey layout. The scalar buffer is handed over to the threads and wiped there.
   */
  async multiply(group: Group, scalars: Uint8Array): Promise<Uint8Array> {
    const curve = await loadCurveModule();
    const n = scalars.length / 32;
    if (!Number.isInteger(n)) throw new RangeError("scalars must be a multiple of 32 bytes");
    const perWorker = Math.ceil(n / this.threads);
    // A 16-bit window table costs 2^20 additions to build but halves the additions per point; it pays off
    // once a thread has a few hundred thousand points.
    const window = perWorker >= 1 << 17 ? 16 : 8;
    const jobs: Promise<Uint8Array>[] = [];
    for (let w = 0; w < this.threads && w * perWorker < n; w++) {
      // A copy with its own ArrayBuffer, to transfer (Buffer#slice would share, and transfer, the parent's).
      const part = Uint8Array.prototype.slice.call(
        scalars,
        w * perWorker * 32,
        Math.min(n, (w + 1) * perWorker) * 32,
      );
      const job: FixedBaseJob = { curve, group, window, scalars: part };
      jobs.push(workerPool().run<Uint8Array>(w, TASK, "multiply", job, [part.buffer as ArrayBuffer]));
    }
    const parts = await Promise.all(jobs);
    scalars.fill(0);
    const out = new Uint8Array(n * affineBytes(group));
    let offset = 0;
    for (const p of parts) {
      out.set(p, offset);
      offset += p.length;
    }
    return out;
  }

  /** Frees the threads' curve instances and window tables (the threads stay in the pool). */
  async close(): Promise<void> {
    const pool = workerPool();
    await Promise.all(
      Array.from({ length: Math.min(this.threads, pool.size) }, (_, i) => pool.run(i, TASK, "release", null)),
    );
  }
}
