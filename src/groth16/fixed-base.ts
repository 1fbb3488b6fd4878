/**
 * Bulk fixed-base scalar multiplication s_i·G on BN254 over a pool of worker threads, each holding a
 * precomputed window table of the generator (fixed-base-worker.ts). Used by the development setup, which
 * needs a few million such multiplications for a 2^20-constraint circuit.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { buildBn128 } from "ffjavascript";

/** 1 = G1, 2 = G2 (BN254). */
export type Group = 1 | 2;

export interface FixedBaseOptions {
  /** Worker threads; defaults to the number of CPUs. */
  threads?: number;
}

interface Reply {
  id?: number;
  ready?: boolean;
  points?: Uint8Array;
  error?: string;
}

const workerUrl = new URL(
  import.meta.url.endsWith(".ts") ? "./fixed-base-worker.ts" : "./fixed-base-worker.js",
  import.meta.url,
);

/** Bytes of one affine point in the .zkey layout (little-endian Montgomery x‖y). */
export const affineBytes = (group: Group) => 64 * group;

interface CurveModule {
  code: Uint8Array;
  pG1gen: number;
  pG2gen: number;
}
let curveModule: Promise<CurveModule> | undefined;

/**
 * ffjavascript's BN254 WebAssembly module. Built in the main thread and handed to the workers as bytes:
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
  private readonly workers: Worker[] = [];
  private readonly ready: Promise<void>[] = [];
  private readonly pending = new Map<
    number,
    { resolve: (p: Uint8Array) => void; reject: (e: Error) => void }
  >();
  private nextId = 0;

  constructor(options: FixedBaseOptions = {}) {
    this.threads = Math.max(1, options.threads ?? availableParallelism());
  }

  private async start(): Promise<void> {
    if (this.workers.length) return;
    const workerData = await loadCurveModule();
    for (let i = 0; i < this.threads; i++) {
      const worker = new Worker(workerUrl, { workerData });
      this.ready.push(
        new Promise((resolve, reject) => {
          worker.once("error", reject);
          worker.on("message", (m: Reply) => {
            if (m.ready) return resolve();
            const p = this.pending.get(m.id!);
            if (!p) return;
            this.pending.delete(m.id!);
            if (m.error !== undefined) p.reject(new Error(`fixed-base worker failed: ${m.error}`));
            else p.resolve(m.points!);
          });
        }),
      );
      worker.on("error", (err) => {
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
      });
      this.workers.push(worker);
    }
  }

  private run(worker: number, group: Group, window: 8 | 16, scalars: Uint8Array): Promise<Uint8Array> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.workers[worker]!.postMessage({ id, group, window, scalars }, [scalars.buffer as ArrayBuffer]);
    });
  }

  /**
   * Returns s_i·G for every 32-byte little-endian scalar (each < r) in `scalars`, as concatenated affine
   * points in the .zkey layout. The scalar buffer is handed over to the workers and wiped there.
   */
  async multiply(group: Group, scalars: Uint8Array): Promise<Uint8Array> {
    await this.start();
    await Promise.all(this.ready);
    const n = scalars.length / 32;
    if (!Number.isInteger(n)) throw new RangeError("scalars must be a multiple of 32 bytes");
    const perWorker = Math.ceil(n / this.threads);
    // A 16-bit window table costs 2^20 additions to build but halves the additions per point; it pays off
    // once a worker has a few hundred thousand points.
    const window = perWorker >= 1 << 17 ? 16 : 8;
    const jobs: Promise<Uint8Array>[] = [];
    for (let w = 0; w < this.threads && w * perWorker < n; w++) {
      // A copy with its own ArrayBuffer, to transfer (Buffer#slice would share, and transfer, the parent's).
      const part = Uint8Array.prototype.slice.call(
        scalars,
        w * perWorker * 32,
        Math.min(n, (w + 1) * perWorker) * 32,
      );
      jobs.push(this.run(w, group, window, part));
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

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
