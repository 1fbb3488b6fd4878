/**
 * `npm run bench -- relay [requests]` (default 200): throughput and latency of the whole relay loop in dev
 * mode on the in-process chain — request → proof → delivery → callback — first with the in-process
 * worker-thread prover (one thread per core), then through BullMQ with 2 `zkvm relay worker` processes on a
 * private redis-server. Latency is measured from the block that carried the request to the confirmed
 * delivery. Throughput comes from a burst of N requests; latency from requests sent one at a time, where
 * "overhead" is the latency minus the proving time the prover reported (polling at 20 ms, 1 confirmation,
 * automining chain). Last line: JSON.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { cpus } from "node:os";
import { join } from "node:path";
import { toFunctionSelector } from "viem";
import type { RelayConfig } from "../src/relay/config.ts";
import { deployStack, EVEN_IMAGE_ID, evenInput, relayConfig, startService } from "../test/relay/harness.ts";
import { startRedis } from "../test/relay/redis.ts";
import { report } from "./util.ts";

const N = Number(process.argv[2] ?? 200);
/** Requests sent one at a time for the latency figures. */
const PACED = 30;
const root = join(import.meta.dirname, "..");

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
};

/** Relay-added latency of one request: request block → confirmed delivery, minus the prover's own time. */
function timings(service: ReturnType<typeof startService>["service"]) {
  const latency: number[] = [];
  const overhead: number[] = [];
  for (const r of service.store.requestsIn("confirmed")) {
    const t = service.store.transitions(r.id);
    const received = t.find((x) => x.to === "received")!.at;
    const confirmed = t.findLast((x) => x.to === "confirmed")!.at;
    const provingMs = Number(/, (\d+) ms/.exec(t.find((x) => x.to === "proved")?.reason ?? "")?.[1] ?? 0);
    latency.push(confirmed - received);
    overhead.push(confirmed - received - provingMs);
  }
  return { latency, overhead };
}

async function waitConfirmed(service: ReturnType<typeof startService>["service"], n: number, label: string) {
  const started = Date.now();
  while (service.store.countByState().confirmed < n) {
    if (Date.now() - started > 600_000) throw new Error(`${label}: not all requests confirmed in 10 minutes`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function run(label: string, prover: Record<string, unknown>) {
  const selector = toFunctionSelector("handleProof(bytes32,bytes32,bytes)");
  // Throughput: N requests at once (100 per transaction), until all are delivered.
  const burst = await (async () => {
    const stack = await deployStack();
    const target = await stack.viem.deployContract("FaultyCallback", []);
    const batcher = await stack.viem.deployContract("RequestBatcher", []);
    const config: RelayConfig = relayConfig(stack, {
      prover,
      submission: { batchSize: 50, bumpAfterMs: 60_000 },
    });
    const { service } = startService(stack, config);
    await service.start();
    const deadline = (await stack.publicClient.getBlock()).timestamp + 3600n;
    const started = Date.now();
    for (let i = 0; i < N; i += 100) {
      const items = Array.from({ length: Math.min(100, N - i) }, (_, j) => ({
        input: evenInput(BigInt(2 * (i + j))),
        callback: target.address,
        gasLimit: 120_000n,
      }));
      await stack.publicClient.waitForTransactionReceipt({
        hash: await batcher.write.requestMany([
          stack.relay.address,
          EVEN_IMAGE_ID,
          selector,
          deadline,
          items,
        ]),
      });
    }
    await waitConfirmed(service, N, label);
    const seconds = (Date.now() - started) / 1000;
    const { latency } = timings(service);
    await service.stop();
    return {
      requestsPerSecond: Number((N / seconds).toFixed(1)),
      burstLatencyMs: { p50: quantile(latency, 0.5), p99: quantile(latency, 0.99) },
    };
  })();
  // Latency: PACED requests one at a time, so no request waits behind another.
  const paced = await (async () => {
    const stack = await deployStack();
    const { service } = startService(stack, relayConfig(stack, { prover }));
    await service.start();
    const deadline = (await stack.publicClient.getBlock()).timestamp + 3600n;
    for (let i = 0; i < PACED; i++) {
      await stack.consumer.write.requestNumber([BigInt(2 * i), deadline], {
        account: stack.requester.account,
      });
      await waitConfirmed(service, i + 1, label);
    }
    const { latency, overhead } = timings(service);
    await service.stop();
    return {
      latencyMs: { p50: quantile(latency, 0.5), p99: quantile(latency, 0.99) },
      relayOverheadMs: { p50: quantile(overhead, 0.5), p99: quantile(overhead, 0.99) },
    };
  })();
  const figures = { ...burst, ...paced };
  console.log(`${label}: ${JSON.stringify(figures)}`);
  return figures;
}

const threads = await run("threads", { kind: "threads", proofs: "dev", workers: cpus().length });

const redis = await startRedis();
const workers: ChildProcess[] = [];
try {
  for (let i = 0; i < 2; i++) {
    const child = spawn(
      process.execPath,
      [join(root, "src/cli/main.ts"), "relay", "worker", "--redis", redis.url, "--queue", "bench"],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    workers.push(child);
    await new Promise<void>((resolve) =>
      child.stdout!.on("data", (d) => String(d).includes("worker ready") && resolve()),
    );
  }
  const bullmq = await run("bullmq (2 workers)", {
    kind: "bullmq",
    proofs: "dev",
    redisUrl: redis.url,
    queue: "bench",
  });
  report("relay", { requests: N, paced: PACED, pollIntervalMs: 20, mode: "dev", threads, bullmq2: bullmq });
} finally {
  for (const w of workers) w.kill("SIGTERM");
  await redis.stop();
}
process.exit(0);
