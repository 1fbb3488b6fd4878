import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import { type ConnectionOptions, Queue, QueueEvents, Worker } from "bullmq";
import { ProverInfrastructureError } from "../errors.ts";
import type { ProofJob, ProofMode, ProofResult, WireOutcome } from "./job.ts";
import { fromWire, type Prover } from "./prover.ts";

/** What a proving job carries through Redis: everything a worker on another machine needs, nothing else. */
export interface BullJobData {
  jobId: string;
  imageId: `0x${string}`;
  /** base64 */
  elf: string;
  /** base64 */
  input: string;
  mode: ProofMode;
  /** groth16 mode: the wrap key's path on the worker machine (a worker's GROTH16_KEY_ENV overrides it). */
  groth16Key?: string;
  cycleLimit?: number;
}

/** Environment variable through which `zkvm relay worker --groth16-key` gives its processes the wrap key. */
export const GROTH16_KEY_ENV = "ZKVM_RELAY_GROTH16_KEY";

/** Path of the sandboxed processor file that BullMQ forks for each worker (.ts from source, .js from dist). */
export const PROCESSOR_FILE = fileURLToPath(
  new URL(`./bullmq-processor${extname(fileURLToPath(import.meta.url))}`, import.meta.url),
);

/** Parses `redis://host:port[/db]` into BullMQ connection options. */
export function redisConnection(url: string): ConnectionOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    // BullMQ workers block on Redis; commands must wait for a reconnect rather than fail.
    maxRetriesPerRequest: null,
  };
}

export interface BullProverOptions {
  redisUrl: string;
  queue: string;
  mode: ProofMode;
  /** Retries of a job after a prover failure (not after a request rejection). */
  attempts?: number;
  /** Milliseconds a job may take before the service gives up waiting (it stays in Redis). */
  timeoutMs?: number;
}

/**
 * Proves through a BullMQ queue on Redis: the relay adds jobs (job id = the request's attempt id, so a
 * restarted relay re-attaches to the job it had queued instead of queueing it twice) and any number of
 * `zkvm relay worker` processes, on any machines, prove them in sandboxed child processes.
 */
export class BullProver implements Prover {
  readonly kind = "bullmq";
  readonly mode: ProofMode;
  readonly queue: Queue;
  private events: QueueEvents;
  private ready: Promise<unknown>;
  private options: BullProverOptions;

  constructor(options: BullProverOptions) {
    this.options = options;
    this.mode = options.mode;
    const connection = redisConnection(options.redisUrl);
    this.queue = new Queue(options.queue, { connection });
    this.events = new QueueEvents(options.queue, { connection });
    // Errors surface through prove() and healthy(); an unhandled 'error' event would crash the process.
    this.queue.on("error", () => {});
    // Every waiting prove() listens for the queue closing; many proofs in flight are normal.
    this.queue.setMaxListeners(0);
    this.events.setMaxListeners(0);
    this.events.on("error", () => {});
    this.ready = this.events.waitUntilReady().catch(() => {});
  }

  async prove(job: ProofJob): Promise<ProofResult> {
    await this.ready;
    let added: Awaited<ReturnType<Queue["add"]>>;
    try {
      const data: BullJobData = {
        jobId: job.jobId,
        imageId: job.imageId,
        elf: Buffer.from(job.elf).toString("base64"),
        input: Buffer.from(job.input).toString("base64"),
        mode: job.mode,
        groth16Key: job.groth16Key,
        cycleLimit: job.cycleLimit,
      };
      added = await this.queue.add("prove", data, {
        jobId: job.jobId,
        attempts: this.options.attempts ?? 3,
        backoff: { type: "exponential", delay: 1000 },
        removeOnComplete: { age: 24 * 3600 },
        removeOnFail: { age: 7 * 24 * 3600 },
      });
    } catch (err) {
      throw new ProverInfrastructureError(`cannot queue the proving job in Redis: ${(err as Error).message}`);
    }
    let outcome: WireOutcome;
    try {
      outcome = (await added.waitUntilFinished(
        this.events,
        this.options.timeoutMs ?? 30 * 60_000,
      )) as WireOutcome;
    } catch (err) {
      throw new ProverInfrastructureError(`proving job ${job.jobId} failed: ${(err as Error).message}`);
    }
    return fromWire(outcome);
  }

  async depth(): Promise<number> {
    try {
      const c = await this.queue.getJobCounts("waiting", "active", "delayed", "prioritized");
      return Object.values(c).reduce((a, b) => a + b, 0);
    } catch {
      return -1;
    }
  }

  async healthy(): Promise<{ ok: boolean; detail: string }> {
    try {
      const workers = await this.queue.getWorkers();
      return {
        ok: workers.length > 0,
        detail:
          workers.length > 0
            ? `${workers.length} BullMQ worker(s)`
            : "no BullMQ worker is connected to the queue",
      };
    } catch (err) {
      return { ok: false, detail: `Redis unreachable: ${(err as Error).message}` };
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.events.close(), this.queue.close()]);
  }
}

/**
 * A BullMQ worker with the sandboxed processor: `concurrency` child processes prove jobs of `queue`.
 * Run it in as many processes or on as many machines as needed (`zkvm relay worker`).
 */
export function startBullWorker(options: {
  redisUrl: string;
  queue: string;
  concurrency: number;
  /** How long a job's lock lasts without renewal (renewed every half of it); default 60 s. */
  lockDurationMs?: number;
}): Worker {
  const worker = new Worker(options.queue, PROCESSOR_FILE, {
    connection: redisConnection(options.redisUrl),
    concurrency: options.concurrency,
    useWorkerThreads: false,
    // Proofs take long; the lock is renewed by this (idle) process every lockDuration / 2.
    lockDuration: options.lockDurationMs ?? 60_000,
    maxStalledCount: 2,
  });
  worker.on("error", () => {});
  return worker;
}
