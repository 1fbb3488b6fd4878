import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { QueueEvents } from "bullmq";
import { toFunctionSelector } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imageIdOf } from "../../src/relay/images.ts";
import { BullProver, redisConnection } from "../../src/relay/proving/bullmq-prover.ts";
import { deployStack, EVEN_IMAGE_ID, evenInput, relayConfig, startService, until } from "./harness.ts";
import { startRedis } from "./redis.ts";

/**
 * The scale-out path with real parts: a private redis-server, two `zkvm relay worker` processes with
 * sandboxed processors, and the relay service queueing proofs through BullMQ.
 */
let redis: Awaited<ReturnType<typeof startRedis>>;
const workers: ChildProcess[] = [];
const workerLogs: string[] = ["", ""];
const QUEUE = "zkvm-proofs-test";

beforeAll(async () => {
  redis = await startRedis();
  for (let i = 0; i < 2; i++) {
    const child = spawn(
      process.execPath,
      [
        join(import.meta.dirname, "../../src/cli/main.ts"),
        "relay",
        "worker",
        "--redis",
        redis.url,
        "--queue",
        QUEUE,
        "--lock-ms",
        "2000",
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    workers.push(child);
    await new Promise<void>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (d) => {
        out += d;
        workerLogs[i] += d;
        if (out.includes("worker ready")) resolve();
      });
      child.on("exit", (code) => reject(new Error(`worker exited with ${code}: ${out}`)));
    });
  }
});

afterAll(async () => {
  for (const w of workers) {
    if (w.exitCode !== null) continue;
    const exited = new Promise((r) => w.once("exit", r));
    w.kill("SIGTERM");
    await exited;
  }
  await redis?.stop();
});

describe("BullMQ proving", () => {
  it("a CPU-bound proof (~5 s) longer than the lock duration runs once (sandboxed processor keeps the lock)", async () => {
    const prover = new BullProver({ redisUrl: redis.url, queue: QUEUE, mode: "dev" });
    const events = new QueueEvents(QUEUE, { connection: redisConnection(redis.url) });
    await events.waitUntilReady();
    const stalled: string[] = [];
    events.on("stalled", ({ jobId }) => stalled.push(jobId));
    try {
      expect((await prover.healthy()).detail).toBe("2 BullMQ worker(s)");
      const elf = new Uint8Array(readFileSync(join(import.meta.dirname, "../../guests/examples/sha.elf")));
      const input = new Uint8Array(6 << 20).fill(7);
      const started = performance.now();
      const heavy = {
        jobId: "heavy-1",
        imageId: imageIdOf(elf),
        elf,
        input,
        mode: "dev" as const,
        cycleLimit: 1 << 30,
      };
      const result = await prover.prove(heavy);
      const ms = performance.now() - started;
      expect(ms).toBeGreaterThan(2000); // past the 2 s lock: renewals had to happen
      expect(result.journal.length).toBe(32);
      expect((await prover.queue.getJob("heavy-1"))!.attemptsMade).toBe(1);
      expect(stalled).toEqual([]);
      // Queueing the same job id again (a restarted relay) re-attaches to the finished job.
      const again = await prover.prove(heavy);
      expect(again.journal).toEqual(result.journal);
      expect((await prover.queue.getJob("heavy-1"))!.attemptsMade).toBe(1);
    } finally {
      await events.close();
      await prover.close();
    }
  });

  it("the relay service proves through the queue on both workers and delivers every request", async () => {
    const stack = await deployStack();
    const s = startService(
      stack,
      relayConfig(stack, { prover: { kind: "bullmq", proofs: "dev", redisUrl: redis.url, queue: QUEUE } }),
    );
    await s.service.start();
    try {
      expect((await s.service.health()).prover.detail).toBe("2 BullMQ worker(s)");
      // All requests in one transaction, so that jobs queue up and both workers are busy.
      const target = await stack.viem.deployContract("FaultyCallback", []);
      const batcher = await stack.viem.deployContract("RequestBatcher", []);
      const deadline = (await stack.publicClient.getBlock()).timestamp + 3600n;
      const items = Array.from({ length: 12 }, (_, i) => ({
        input: evenInput(BigInt(2 * i)),
        callback: target.address,
        gasLimit: 120_000n,
      }));
      const selector = toFunctionSelector("handleProof(bytes32,bytes32,bytes)");
      await batcher.write.requestMany([stack.relay.address, EVEN_IMAGE_ID, selector, deadline, items]);
      await until(
        "all requests confirmed",
        () => (s.service.store.countByState().confirmed === items.length ? true : undefined),
        60_000,
      );
      for (const r of s.service.store.requestsIn("confirmed")) expect(r.outcome).toBe("delivered");
      expect(await s.service.prover.depth()).toBe(0);
      // Both worker processes took jobs.
      for (const log of workerLogs) expect(log).toMatch(/"msg":"proof done"/);
    } finally {
      await s.service.stop();
    }
  });
});
