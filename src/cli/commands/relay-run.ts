import { existsSync } from "node:fs";
import { resolve } from "node:path";
import pino from "pino";
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  getAddress,
  http,
  isAddress,
  isHex,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { startApi } from "../../relay/api.ts";
import { loadRelayConfig } from "../../relay/config.ts";
import { deployRelay } from "../../relay/deploy.ts";
import { GROTH16_KEY_ENV, startBullWorker } from "../../relay/proving/bullmq-prover.ts";
import { RelayService } from "../../relay/service.ts";
import { CliError } from "../errors.ts";
import { PRIVATE_KEY_ENV } from "../key.ts";

/** The actions of `zkvm relay` (loaded when a subcommand runs: the service pulls in SQLite, fastify, BullMQ). */

export async function runRelayStart(opts: { config: string }): Promise<void> {
  const config = loadRelayConfig(opts.config);
  const logger = pino({ level: config.log.level });
  const service = new RelayService(config, { logger });
  await service.start();
  const apiKeys = config.api.apiKeysEnv
    ? (process.env[config.api.apiKeysEnv] ?? "")
        .split(",")
        .map((k) => k.trim())
        .filter(Boolean)
    : [];
  const { app, url } = await startApi(service, {
    host: config.api.host,
    port: config.api.port,
    apiKeys,
    logger,
  });
  logger.info({ url }, "HTTP API listening (/health, /metrics, proving API)");
  const shutdown = async (signal: string) => {
    logger.info({ signal }, "stopping");
    await app.close();
    await service.stop();
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
}

export async function runRelayDeploy(opts: {
  rpc: string;
  router: string;
  maxCallbackGas: string;
  maxInlineInput: string;
}): Promise<void> {
  const key = process.env[PRIVATE_KEY_ENV];
  if (!key || !isHex(key) || key.length !== 66) {
    throw new CliError(`set ${PRIVATE_KEY_ENV} to the deployer's 0x-prefixed 32-byte private key`, 2);
  }
  if (!isAddress(opts.router)) throw new CliError(`--router ${opts.router} is not an address`, 2);
  const int = (v: string, what: string) => {
    if (!/^[1-9][0-9]*$/.test(v)) throw new CliError(`${what} must be a positive integer`, 2);
    return BigInt(v);
  };
  const maxCallbackGas = int(opts.maxCallbackGas, "--max-callback-gas");
  const maxInlineInputBytes = int(opts.maxInlineInput, "--max-inline-input");
  const transport = http(opts.rpc, { retryCount: 2, timeout: 60_000 });
  let chainId: number;
  try {
    chainId = await createPublicClient({ transport }).getChainId();
  } catch (err) {
    throw new CliError(`cannot reach ${opts.rpc}: ${(err as Error).message.split("\n")[0]}`, 2);
  }
  const chain = defineChain({
    id: chainId,
    name: `chain ${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [opts.rpc] } },
  });
  const publicClient = createPublicClient({ chain, transport });
  const code = await publicClient.getCode({ address: getAddress(opts.router) });
  if (!code || code === "0x") throw new CliError(`there is no contract at --router ${opts.router}`, 2);
  const walletClient = createWalletClient({ account: privateKeyToAccount(key), chain, transport });
  const address = await deployRelay({
    publicClient: publicClient as never,
    walletClient,
    verifier: getAddress(opts.router),
    maxCallbackGas,
    maxInlineInputBytes,
  });
  console.log(
    JSON.stringify({
      chainId,
      relay: address,
      router: getAddress(opts.router),
      maxCallbackGas: String(maxCallbackGas),
    }),
  );
}

export async function runRelayWorker(opts: {
  redis: string;
  queue: string;
  concurrency: string;
  lockMs: string;
  groth16Key?: string;
}): Promise<void> {
  const concurrency = Number(opts.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new CliError("--concurrency must be a positive integer", 2);
  const logger = pino();
  const lockDurationMs = Number(opts.lockMs);
  if (!Number.isInteger(lockDurationMs) || lockDurationMs < 100)
    throw new CliError("--lock-ms must be an integer ≥ 100", 2);
  if (opts.groth16Key !== undefined) {
    if (!existsSync(opts.groth16Key))
      throw new CliError(`--groth16-key ${opts.groth16Key}: no such proving key`, 2);
    // The sandboxed proving processes inherit it (bullmq-processor.ts).
    process.env[GROTH16_KEY_ENV] = resolve(opts.groth16Key);
  }
  const worker = startBullWorker({
    redisUrl: opts.redis,
    queue: opts.queue,
    concurrency,
    lockDurationMs,
  });
  worker.on("completed", (job) => logger.info({ jobId: job.id }, "proof done"));
  worker.on("failed", (job, err) => logger.warn({ jobId: job?.id, err: err.message }, "proving job failed"));
  await worker.waitUntilReady();
  logger.info({ queue: opts.queue, concurrency }, "BullMQ proving worker ready");
  const shutdown = async () => {
    await worker.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown());
  process.once("SIGTERM", () => void shutdown());
}
