import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { type Transferable, Worker } from "node:worker_threads";
import { ZkvmError } from "../errors.ts";

/**
 * The process's worker threads, shared by every parallel phase (STARK kernels, BN254 fixed-base
 * multiplication). A task names a module and one of its exported functions; the thread imports the module
 * once and calls the function. Two ways to run tasks:
 *
 * - blocking (`runBlocking`): the caller posts a share to each thread, does its own share, and waits on
 *   shared flags with Atomics.wait — the STARK prover stays synchronous;
 * - asynchronous (`run`): a promise per task, results posted back (the Groth16 setup).
 *
 * Threads are unref'd (a process exits without shutting them down) and confirmed running before they get
 * work, so a thread that cannot start is an error instead of a caller blocked forever.
 */
export class WorkerPoolError extends ZkvmError {
  override name = "WorkerPoolError";
}

/** The URL of a module next to `from` in the same form: the `.ts` source, or the `.js` build in dist/. */
export function siblingModule(from: string, name: string): URL {
  return new URL(`./${name}${from.endsWith(".ts") ? ".ts" : ".js"}`, from);
}

const WORKER_SCRIPT = siblingModule(import.meta.url, "worker");
const START_TIMEOUT_MS = 30_000;
/** Bytes of a failed blocking task's error message passed back through shared memory. */
const ERROR_BYTES = 1024;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface Thread {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
}

/** Threads to use by default for work the calling thread shares: one fewer than the cores. */
export function defaultWorkerCount(): number {
  return Math.max(0, Math.min(7, availableParallelism() - 1));
}

export class WorkerPool {
  private threads: Thread[] = [];
  private nextId = 0;

  get size(): number {
    return this.threads.length;
  }

  /** Starts threads until there are `n`, each confirmed running. */
  ensure(n: number): void {
    while (this.threads.length < n) this.threads.push(this.spawn());
  }

  private spawn(): Thread {
    const script = fileURLToPath(WORKER_SCRIPT);
    if (!existsSync(script))
      throw new WorkerPoolError(`cannot start a worker thread: ${script} is missing`, {
        details: "the package is incomplete; reinstall it (or run `npm run build` in a checkout)",
      });
    // No inherited execArgv: test runners add loaders that would slow the thread down or break it.
    const worker = new Worker(WORKER_SCRIPT, { execArgv: [] });
    const thread: Thread = { worker, pending: new Map() };
    worker.on("message", (m: { id: number; result?: unknown; error?: string }) => {
      const p = thread.pending.get(m.id);
      if (!p) return;
      thread.pending.delete(m.id);
      if (thread.pending.size === 0) worker.unref();
      if (m.error !== undefined)
        p.reject(new WorkerPoolError("a worker thread's task failed", { details: m.error }));
      else p.resolve(m.result);
    });
    const fail = (e: Error) => {
      for (const p of thread.pending.values())
        p.reject(new WorkerPoolError("a worker thread stopped", { cause: e }));
      thread.pending.clear();
      this.threads = this.threads.filter((t) => t !== thread);
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`exit code ${code}`)));
    // After the listeners: adding a 'message' listener refs the thread's port again.
    worker.unref();
    const started = new Int32Array(new SharedArrayBuffer(4));
    worker.postMessage({ kind: "start", flag: started });
    const deadline = performance.now() + START_TIMEOUT_MS;
    while (Atomics.load(started, 0) === 0) {
      if (performance.now() > deadline) {
        void worker.terminate();
        throw new WorkerPoolError(`a worker thread did not start within ${START_TIMEOUT_MS / 1000} s`, {
          details: `script ${script}`,
        });
      }
      Atomics.wait(started, 0, 0, 50);
    }
    return thread;
  }

  /**
   * Runs `fn(args[i])` of `module` on thread i for every i while the caller runs `ownShare`, and returns
   * when all are done. Arrays the threads write must live in SharedArrayBuffers.
   */
  runBlocking(module: URL, fn: string, args: readonly unknown[], ownShare: () => void): void {
    this.ensure(args.length);
    const flags = args.map((a, i) => {
      const done = new Int32Array(new SharedArrayBuffer(4));
      const error = new Uint8Array(new SharedArrayBuffer(ERROR_BYTES));
      this.threads[i]!.worker.postMessage({
        kind: "blocking",
        module: module.href,
        fn,
        args: a,
        done,
        error,
      });
      return { done, error };
    });
    ownShare();
    for (const { done, error } of flags) {
      while (Atomics.load(done, 0) === 0) Atomics.wait(done, 0, 0, 1000);
      if (Atomics.load(done, 0) !== 1) {
        const text = new TextDecoder().decode(error.slice()).replace(/\0+$/, "");
        throw new WorkerPoolError("a worker thread's task failed", { details: text || "unknown error" });
      }
    }
  }

  /** Runs `fn(args)` of `module` on thread `index` (started if needed); resolves with its result. */
  run<T>(
    index: number,
    module: URL,
    fn: string,
    args: unknown,
    transfer: readonly Transferable[] = [],
  ): Promise<T> {
    this.ensure(index + 1);
    const thread = this.threads[index]!;
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      // A thread with a result still to deliver keeps the process alive; an idle one does not.
      if (thread.pending.size === 0) thread.worker.ref();
      thread.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      thread.worker.postMessage({ kind: "task", id, module: module.href, fn, args }, [...transfer]);
    });
  }

  /** Stops every thread. */
  async shutdown(): Promise<void> {
    const threads = this.threads;
    this.threads = [];
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }
}

let processPool: WorkerPool | undefined;

/** The process-wide pool. */
export function workerPool(): WorkerPool {
  processPool ??= new WorkerPool();
  return processPool;
}

/** Stops the process-wide pool's threads (optional: they do not keep a process alive). */
export async function shutdownWorkers(): Promise<void> {
  await processPool?.shutdown();
}
