import pino, { type Logger } from "pino";
import { type Account, createPublicClient, formatEther, http, type PublicClient, type Transport } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { RelayConfig } from "./config.ts";
import { ProverInfrastructureError, RelayConfigError, RequestRejectedError } from "./errors.ts";
import { failpoint } from "./failpoints.ts";
import { ImageRegistry } from "./images.ts";
import { resolveInput } from "./inputs.ts";
import { createRelayMetrics, type RelayMetrics } from "./metrics.ts";
import { BullProver, startBullWorker } from "./proving/bullmq-prover.ts";
import { DEV_SEAL_WARNING } from "./proving/job.ts";
import type { Prover } from "./proving/prover.ts";
import { ThreadProver } from "./proving/thread-prover.ts";
import { REQUEST_STATES } from "./states.ts";
import { RelayStore, type RequestRow } from "./store.ts";
import { Submitter } from "./submitter.ts";
import { Watcher } from "./watcher.ts";

/** Request rejections worth retrying (the input server may come back); the rest fail at once. */
const RETRYABLE = new Set(["input-unreachable"]);

export interface RelayHealth {
  status: "ok" | "degraded";
  problems: string[];
  devMode: boolean;
  chainId: number;
  relay: string;
  account: string;
  head: number;
  cursor: number | null;
  lastPollAgoMs: number | null;
  requests: Record<string, number>;
  pendingTransactions: number;
  prover: { kind: string; ok: boolean; detail: string; depth: number };
}

/**
 * The relay service: one loop that polls the chain for requests, starts proofs, submits proven requests and
 * reconciles transactions, each step driven by the persisted state of the requests (so a restart at any
 * point resumes where the database says). Proofs run concurrently on the prover; everything else is
 * sequential and idempotent.
 */
export class RelayService {
  readonly store: RelayStore;
  readonly metrics: RelayMetrics;
  readonly log: Logger;
  readonly prover: Prover;
  readonly images: ImageRegistry;
  readonly client: PublicClient;
  readonly account: Account;
  readonly watcher: Watcher;
  readonly submitter: Submitter;
  readonly config: RelayConfig;
  private chainId = 0;
  private inFlight = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private ticking: Promise<void> | undefined;
  private localWorkers: Array<{ close(): Promise<void> }> = [];
  private lastTickError: string | undefined;
  private balance: bigint | undefined;

  constructor(
    config: RelayConfig,
    options: {
      logger?: Logger;
      env?: Record<string, string | undefined>;
      /** Use this transport instead of HTTP to `chain.rpcUrl` (an in-process chain, a custom provider). */
      transport?: Transport;
    } = {},
  ) {
    this.config = config;
    const env = options.env ?? process.env;
    const key = env[config.signer.privateKeyEnv];
    if (!key || !/^0x[0-9a-fA-F]{64}$/.test(key)) {
      throw new RelayConfigError(
        `set ${config.signer.privateKeyEnv} to the relay signer's 0x-prefixed 32-byte private key`,
      );
    }
    this.account = privateKeyToAccount(key as `0x${string}`);
    this.log = (options.logger ?? pino({ level: config.log.level })).child({ relay: config.relay });
    this.metrics = createRelayMetrics();
    this.store = new RelayStore(config.database);
    this.store.onTransition((t) => {
      if (t.from) {
        this.metrics.timeInState.observe({ state: t.from }, t.secondsInPrevious);
        this.metrics.transitions.inc({ from: t.from, to: t.to });
      }
      const r = this.store.getRequest(t.id);
      if (t.to === "failed") this.metrics.failures.inc({ code: r?.reasonCode ?? "unknown" });
      const level = t.to === "failed" ? "warn" : "info";
      this.log[level](
        { requestId: t.id, from: t.from, to: t.to, reason: t.reason ?? undefined },
        `request ${t.to}`,
      );
    });
    this.images = new ImageRegistry(this.store);
    for (const path of config.images) {
      const imageId = this.images.addFile(path);
      this.log.info({ imageId, path }, "image registered");
    }
    this.client = createPublicClient({
      transport: options.transport ?? http(config.chain.rpcUrl, { timeout: 15_000, retryCount: 1 }),
      cacheTime: 0,
    }) as PublicClient;
    this.prover =
      config.prover.kind === "threads"
        ? new ThreadProver({ workers: config.prover.workers, mode: config.prover.proofs })
        : new BullProver({
            redisUrl: config.prover.redisUrl,
            queue: config.prover.queue,
            mode: config.prover.proofs,
          });
    if (config.prover.kind === "bullmq") {
      for (let i = 0; i < config.prover.localWorkers; i++) {
        this.localWorkers.push(
          startBullWorker({ redisUrl: config.prover.redisUrl, queue: config.prover.queue, concurrency: 1 }),
        );
      }
    }
    this.metrics.devMode.set(config.prover.proofs === "dev" ? 1 : 0);
    this.watcher = new Watcher(
      {
        relay: config.relay,
        confirmations: config.chain.confirmations,
        fromBlock: config.chain.fromBlock,
        maxBlockRange: config.chain.maxBlockRange,
        reorgDepth: config.chain.reorgDepth,
      },
      this.client,
      this.store,
      this.metrics,
      this.log,
    );
    this.submitter = new Submitter(
      {
        relay: config.relay,
        chainId: 0,
        confirmations: config.chain.confirmations,
        reorgDepth: config.chain.reorgDepth,
        ...config.submission,
      },
      this.client,
      this.account as never,
      this.store,
      this.metrics,
      this.log,
    );
  }

  /** Connects to the chain, binds the database to this deployment and starts the loop. */
  async start(): Promise<void> {
    if (this.prover.mode === "dev") {
      this.log.warn(DEV_SEAL_WARNING);
      console.error(`\n!!! ${DEV_SEAL_WARNING}\n`);
    }
    this.chainId = await this.client.getChainId();
    this.submitter.setChainId(this.chainId);
    const code = await this.client.getCode({ address: this.config.relay });
    if (!code || code === "0x") {
      throw new RelayConfigError(
        `there is no contract at relay address ${this.config.relay} on chain ${this.chainId}`,
      );
    }
    this.store.bind({
      chainId: String(this.chainId),
      relay: this.config.relay,
      account: this.account.address,
    });
    this.log.info(
      {
        chainId: this.chainId,
        account: this.account.address,
        prover: this.prover.kind,
        proofs: this.prover.mode,
      },
      "relay started",
    );
    this.running = true;
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.ticking = this.tick().finally(() => {
        this.ticking = undefined;
        this.schedule(this.config.chain.pollIntervalMs);
      });
    }, ms);
  }

  /** One round: poll events, expire, start proofs, reconcile transactions, submit. Never throws. */
  async tick(): Promise<void> {
    const stage = async (name: string, fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (err) {
        this.metrics.rpcErrors.inc({ operation: name });
        this.lastTickError = `${name}: ${(err as Error).message.split("\n")[0]}`;
        this.log.error(
          {
            stage: name,
            err: (err as Error).message.split("\n")[0],
            detail: (err as Error).message.slice(0, 2000),
          },
          "relay step failed; retrying next round",
        );
      }
    };
    await stage("poll", () => this.watcher.poll());
    await stage("expire", async () => {
      this.expire();
      this.failReorgedOut();
    });
    await stage("prove", () => this.startProofs());
    await stage("reconcile", () => this.submitter.reconcile(this.watcher.head.number));
    await stage("submit", () => this.submitter.submit(this.watcher.head.timestamp));
    await stage("balance", async () => {
      this.balance = await this.client.getBalance({ address: this.account.address });
      this.metrics.signerBalance.set(Number(formatEther(this.balance)));
    });
    this.updateGauges();
  }

  private updateGauges(): void {
    const counts = this.store.countByState();
    for (const s of REQUEST_STATES) this.metrics.requests.set({ state: s }, counts[s]);
    void this.prover.depth().then((d) => this.metrics.proverQueue.set(d));
  }

  /** Requests whose deadline passed before they were submitted can no longer be fulfilled. */
  private expire(): void {
    const now = this.watcher.head.timestamp;
    if (now === 0n) return;
    for (const state of ["received", "proving", "proved"] as const) {
      for (const r of this.store.requestsIn(state)) {
        if (r.request.deadline < now && !this.inFlight.has(r.id)) {
          this.store.tx(() =>
            this.store.transition(
              r.id,
              "expired",
              `deadline ${r.request.deadline} passed (chain time ${now})`,
            ),
          );
        }
      }
    }
  }

  /**
   * A request whose event a reorg removed and that did not come back within `reorgDepth` blocks of its old
   * position is not on the chain: it fails with `reorged-out` (it would fail on chain anyway).
   */
  private failReorgedOut(): void {
    const cursor = this.store.cursor();
    if (cursor === undefined) return;
    for (const state of ["received", "proving", "proved", "submitted"] as const) {
      for (const r of this.store.requestsIn(state)) {
        if (r.anchored || r.eventBlock === null || cursor < r.eventBlock + this.config.chain.reorgGraceBlocks)
          continue;
        if (state === "submitted" && r.txNonce !== null && this.store.getTx(r.txNonce)?.state === "pending")
          continue;
        this.store.tx(() =>
          this.store.transition(
            r.id,
            "failed",
            "its RequestSubmitted event was removed by a reorg and did not reappear",
            {
              reasonCode: "reorged-out",
            },
          ),
        );
      }
    }
  }

  /** Starts proofs for received requests, and re-attaches to proofs a previous run had started. */
  private async startProofs(): Promise<void> {
    const todo = [...this.store.requestsIn("proving"), ...this.store.requestsIn("received")].filter(
      (r) => r.anchored && !this.inFlight.has(r.id),
    );
    for (const r of todo) await this.startProof(r);
  }

  private async startProof(r: RequestRow): Promise<void> {
    let input: Uint8Array;
    let elf: Uint8Array;
    try {
      elf = this.images.elf(r.request.imageId);
      input = await resolveInput(r.inputKind, r.input, r.request.inputDigest, this.config.inputs);
    } catch (err) {
      this.onProofError(r.id, err);
      return;
    }
    if (r.state === "received") {
      this.store.tx(() => this.store.transition(r.id, "proving", null, { proofAttempt: true }));
      failpoint("after-proving");
    }
    const attempt = this.store.getRequest(r.id)!.proofAttempts;
    this.inFlight.add(r.id);
    this.prover
      .prove({
        jobId: `${r.id}-${attempt}`,
        imageId: r.request.imageId,
        elf,
        input,
        mode: this.prover.mode,
        groth16Key: this.config.prover.groth16Key,
        cycleLimit: this.config.prover.cycleLimit,
      })
      .then((result) => {
        const now = this.store.getRequest(r.id);
        if (now?.state !== "proving") return; // a reorg or expiry moved it meanwhile
        this.store.tx(() =>
          this.store.transition(
            r.id,
            "proved",
            `${result.cycles} cycles, ${result.provingMs.toFixed(0)} ms`,
            {
              journal: result.journal,
              seal: result.seal,
              cycles: result.cycles,
            },
          ),
        );
        failpoint("after-proved");
      })
      .catch((err) => this.onProofError(r.id, err))
      .finally(() => this.inFlight.delete(r.id));
  }

  private onProofError(id: string, err: unknown): void {
    const r = this.store.getRequest(id);
    if (!r || (r.state !== "received" && r.state !== "proving")) return;
    const exhausted = r.proofAttempts >= this.config.prover.maxProofAttempts;
    if (err instanceof RequestRejectedError && !(RETRYABLE.has(err.code) && !exhausted)) {
      this.store.tx(() => this.store.transition(id, "failed", err.message, { reasonCode: err.code }));
      return;
    }
    const message = (err as Error).message;
    if (!(err instanceof RequestRejectedError) && !(err instanceof ProverInfrastructureError)) {
      this.log.error({ requestId: id, err: message }, "unexpected proving error");
    }
    if (exhausted) {
      const code = err instanceof RequestRejectedError ? err.code : "proof-attempts-exhausted";
      this.store.tx(() =>
        this.store.transition(id, "failed", `${r.proofAttempts} attempts; last: ${message}`, {
          reasonCode: code,
        }),
      );
    } else if (r.state === "proving") {
      this.store.tx(() => this.store.transition(id, "received", `will retry: ${message}`));
    } else {
      // A retryable problem before proving started (input server down): count it as an attempt.
      this.store.db.prepare("UPDATE requests SET proof_attempts = proof_attempts + 1 WHERE id = ?").run(id);
      this.log.warn({ requestId: id, err: message }, "input not available yet; will retry");
    }
  }

  async health(): Promise<RelayHealth> {
    const problems: string[] = [];
    const ago = this.watcher.lastPollAt ? Date.now() - this.watcher.lastPollAt : null;
    if (ago === null || ago > this.config.chain.watchdogMs) {
      problems.push(
        ago === null
          ? "no successful chain poll yet"
          : `event stream stalled: last successful poll ${Math.round(ago / 1000)} s ago${this.lastTickError ? ` (${this.lastTickError})` : ""}`,
      );
    }
    if (this.balance !== undefined && this.balance < this.config.submission.minBalance) {
      problems.push(
        `signer ${this.account.address} has ${formatEther(this.balance)} ETH; fund it to keep delivering`,
      );
    }
    const prover = await this.prover.healthy();
    if (!prover.ok) problems.push(`prover: ${prover.detail}`);
    if (this.prover.mode === "dev") problems.push("dev mode: deliveries carry mock seals that prove nothing");
    const degraded = problems.some((p) => !p.startsWith("dev mode"));
    return {
      status: degraded ? "degraded" : "ok",
      problems,
      devMode: this.prover.mode === "dev",
      chainId: this.chainId,
      relay: this.config.relay,
      account: this.account.address,
      head: this.watcher.head.number,
      cursor: this.store.cursor() ?? null,
      lastPollAgoMs: ago,
      requests: this.store.countByState(),
      pendingTransactions: this.store.txsIn("pending").length,
      prover: { kind: this.prover.kind, ...prover, depth: await this.prover.depth() },
    };
  }

  /** Stops the loop after the current round, closes the prover and the database. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.ticking;
    await this.prover.close();
    await Promise.allSettled(this.localWorkers.map((w) => w.close()));
    this.store.close();
  }
}
