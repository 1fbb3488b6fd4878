import { fork } from "node:child_process";
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { ProverInfrastructureError } from "../errors.ts";
import type { ProofJob, ProofMode, ProofResult, WireOutcome } from "./job.ts";
import { fromWire, type Prover } from "./prover.ts";

/** The worker entry next to this module (.ts when run from source, .js from dist). */
const WORKER_FILE = new URL(`./thread-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/** A worker thread or a child process, behind the few calls the prover makes. */
interface ProvingWorker {
  postMessage(msg: unknown): void;
  on(event: "message", listener: (msg: { seq: number; outcome: WireOutcome }) => void): void;
  on(event: "error", listener: (err: Error) => void): void;
  on(event: "exit", listener: (code: number | null) => void): void;
  ref(): void;
  unref(): void;
  terminate(): Promise<unknown>;
}

function spawnProcess(): ProvingWorker {
  const child = fork(fileURLToPath(WORKER_FILE), [], {
    serialization: "advanced",
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return {
    postMessage: (msg) => child.send(msg as never),
    // biome-ignore lint/suspicious/noExplicitAny: ChildProcess and Worker events share these signatures
    on: (event: string, listener: (...args: any[]) => void) => child.on(event, listener),
    ref: () => {
      child.ref();
      child.channel?.ref();
    },
    unref: () => {
      child.unref();
      child.channel?.unref();
    },
    terminate: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(undefined);
        child.once("exit", resolve);
        child.kill("SIGKILL");
      }),
  } as ProvingWorker;
}

interface Slot {
  worker: ProvingWorker;
  busy?: { seq: number; resolve: (r: ProofResult) => void; reject: (e: Error) => void };
}

/**
 * The default prover: a pool of workers beside the relay's event loop, so that CPU-bound proving never blocks
 * the loop that polls the chain and serves the API. Worker threads in dev mode; child processes in groth16
 * mode (snarkjs needs a main thread of its own, and a process keeps the ~14 GB peak of a compression apart
 * from the relay). A worker that dies fails its job with {@link ProverInfrastructureError} (the service
 * retries it) and is replaced.
 */
export class ThreadProver implements Prover {
  readonly kind = "threads";
  readonly mode: ProofMode;
  private slots: Slot[] = [];
  private queue: Array<{ job: ProofJob; resolve: (r: ProofResult) => void; reject: (e: Error) => void }> = [];
  private seq = 0;
  private closed = false;

  private readonly processes: boolean;

  /** `processes`: child processes instead of threads (default: in groth16 mode). */
  constructor(options: { workers: number; mode: ProofMode; processes?: boolean }) {
    this.mode = options.mode;
    this.processes = options.processes ?? options.mode === "groth16";
    for (let i = 0; i < Math.max(1, options.workers); i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const slot: Slot = { worker: this.processes ? spawnProcess() : new Worker(WORKER_FILE) };
    slot.worker.unref();
    slot.worker.on("message", (msg: { seq: number; outcome: WireOutcome }) => {
      const busy = slot.busy;
      if (!busy || busy.seq !== msg.seq) return;
      slot.busy = undefined;
      try {
        busy.resolve(fromWire(msg.outcome));
      } catch (err) {
        busy.reject(err as Error);
      }
      this.pump();
    });
    const onDeath = (why: string) => {
      const busy = slot.busy;
      slot.busy = undefined;
      busy?.reject(new ProverInfrastructureError(`a proving worker thread died: ${why}`));
      if (this.closed) return;
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots[i] = this.spawn();
      this.pump();
    };
    slot.worker.on("error", (err) => onDeath(err.message));
    slot.worker.on("exit", (code) => {
      if (!this.closed) onDeath(`exit code ${code}`);
    });
    return slot;
  }

  prove(job: ProofJob): Promise<ProofResult> {
    if (this.closed) return Promise.reject(new ProverInfrastructureError("the prover is closed"));
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.busy || this.queue.length === 0) continue;
      const next = this.queue.shift()!;
      const seq = ++this.seq;
      slot.busy = { seq, resolve: next.resolve, reject: next.reject };
      slot.worker.ref();
      slot.worker.postMessage({ seq, job: next.job });
    }
    for (const slot of this.slots) if (!slot.busy) slot.worker.unref();
  }

  async depth(): Promise<number> {
    return this.queue.length + this.slots.filter((s) => s.busy).length;
  }

  async healthy(): Promise<{ ok: boolean; detail: string }> {
    const kind = this.processes ? "worker process(es)" : "worker thread(s)";
    return { ok: !this.closed, detail: `${this.slots.length} ${kind}` };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const q of this.queue.splice(0)) q.reject(new ProverInfrastructureError("the prover is closed"));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
