import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { getAddress, isAddress } from "viem";
import { RelayConfigError } from "./errors.ts";
import type { ProofMode } from "./proving/job.ts";

/**
 * The relay's configuration (`zkvm relay start --config relay.json`). Paths are relative to the file.
 * Secrets are never in the file: the signer key and API keys are read from the environment variables the
 * file names.
 */
export interface RelayConfig {
  chain: {
    rpcUrl: string;
    /** Blocks a log or receipt must be buried under before it is acted on (1 = included). */
    confirmations: number;
    pollIntervalMs: number;
    /** First block to scan when the database is new (the relay's deployment block). */
    fromBlock: number;
    maxBlockRange: number;
    /** Block hashes remembered for reorg detection. */
    reorgDepth: number;
    /** A request removed by a reorg fails if its event has not reappeared this many blocks later. */
    reorgGraceBlocks: number;
    /** The event stream counts as stalled (health: degraded) after this long without a successful poll. */
    watchdogMs: number;
  };
  /** Address of the ZkvmRelay contract. */
  relay: `0x${string}`;
  signer: { privateKeyEnv: string };
  submission: {
    batchSize: number;
    /** A transaction not mined after this long gets a replacement with higher fees. */
    bumpAfterMs: number;
    /** Fee increase per replacement, percent (≥ 10, which nodes require). */
    bumpPercent: number;
    /** Cap on maxFeePerGas, in wei. */
    maxFeePerGas: bigint;
    /** Extra gas per item on top of the callback gas limits. */
    gasPerItem: number;
    maxSubmitAttempts: number;
    /** Below this signer balance (wei) /health reports degraded. */
    minBalance: bigint;
  };
  prover:
    | {
        kind: "threads";
        proofs: ProofMode;
        /** The wrap circuit's proving key (.zkey) for groth16 proofs; required iff proofs is "groth16". */
        groth16Key?: string;
        workers: number;
        maxProofAttempts: number;
        cycleLimit?: number;
      }
    | {
        kind: "bullmq";
        proofs: ProofMode;
        /** The wrap key's path on the worker machines (each `zkvm relay worker` may override it). */
        groth16Key?: string;
        redisUrl: string;
        queue: string;
        /** Worker processes the relay starts itself (0: only external `zkvm relay worker`s). */
        localWorkers: number;
        maxProofAttempts: number;
        cycleLimit?: number;
      };
  /** ELF files of the programs this relay proves (their ImageIDs are computed at start). */
  images: string[];
  inputs: { maxBytes: number; fetchTimeoutMs: number; allowFileUrls: boolean };
  api: { host: string; port: number; apiKeysEnv?: string };
  database: string;
  dataDir: string;
  log: { level: string };
}

type Json = Record<string, unknown>;

function obj(v: unknown, where: string): Json {
  if (v === undefined) return {};
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new RelayConfigError(`${where} must be an object`);
  return v as Json;
}

function num(o: Json, key: string, where: string, dflt: number | undefined, min = 0): number {
  const v = o[key] ?? dflt;
  if (typeof v !== "number" || !Number.isFinite(v) || v < min) {
    throw new RelayConfigError(
      `${where}.${key} must be a number ≥ ${min}${dflt === undefined ? " (required)" : ""}`,
    );
  }
  return v;
}

function str(o: Json, key: string, where: string, dflt?: string): string {
  const v = o[key] ?? dflt;
  if (typeof v !== "string" || v.length === 0) {
    throw new RelayConfigError(
      `${where}.${key} must be a non-empty string${dflt === undefined ? " (required)" : ""}`,
    );
  }
  return v;
}

/** Validates a parsed configuration object and fills in defaults. `baseDir` anchors relative paths. */
export function parseRelayConfig(raw: unknown, baseDir = process.cwd()): RelayConfig {
  const c = obj(raw, "config");
  const path = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  const chain = obj(c.chain, "chain");
  const relay = c.relay;
  if (typeof relay !== "string" || !isAddress(relay))
    throw new RelayConfigError("relay must be the ZkvmRelay address");
  const signer = obj(c.signer, "signer");
  const sub = obj(c.submission, "submission");
  const prover = obj(c.prover, "prover");
  // No default: dev mode (mock seals that prove nothing) must be chosen knowingly.
  const proofs = prover.proofs;
  if (proofs !== "dev" && proofs !== "groth16") {
    throw new RelayConfigError(
      'prover.proofs is required: "groth16" (real proofs) or "dev" (insecure mock seals)',
    );
  }
  let groth16Key: string | undefined;
  if (proofs === "groth16") {
    if (typeof prover.groth16Key !== "string" || prover.groth16Key.length === 0)
      throw new RelayConfigError(
        "prover.groth16Key is required for groth16 proofs: the wrap circuit's proving key (.zkey), made with " +
          '`zkvm groth16 wrap-circuit` and `zkvm groth16 setup` (docs/relay.md, "Groth16 proofs")',
      );
    groth16Key = path(prover.groth16Key);
  }
  const kind = prover.kind ?? "threads";
  const maxProofAttempts = num(prover, "maxProofAttempts", "prover", 3, 1);
  const cycleLimit =
    prover.cycleLimit === undefined ? undefined : num(prover, "cycleLimit", "prover", undefined, 1);
  let proverConfig: RelayConfig["prover"];
  if (kind === "threads") {
    proverConfig = {
      kind,
      proofs,
      groth16Key,
      workers: num(prover, "workers", "prover", 1, 1),
      maxProofAttempts,
      cycleLimit,
    };
  } else if (kind === "bullmq") {
    const redisUrl = str(prover, "redisUrl", "prover");
    if (!/^rediss?:\/\//.test(redisUrl)) throw new RelayConfigError("prover.redisUrl must be a redis:// URL");
    proverConfig = {
      kind,
      proofs,
      groth16Key,
      redisUrl,
      queue: str(prover, "queue", "prover", "zkvm-proofs"),
      localWorkers: num(prover, "localWorkers", "prover", 0),
      maxProofAttempts,
      cycleLimit,
    };
  } else {
    throw new RelayConfigError('prover.kind must be "threads" or "bullmq"');
  }
  const images = c.images ?? [];
  if (!Array.isArray(images) || images.some((p) => typeof p !== "string")) {
    throw new RelayConfigError("images must be a list of ELF file paths");
  }
  const inputs = obj(c.inputs, "inputs");
  const api = obj(c.api, "api");
  const log = obj(c.log, "log");
  const maxFee = sub.maxFeePerGas ?? "500000000000";
  if (typeof maxFee !== "string" && typeof maxFee !== "number") {
    throw new RelayConfigError("submission.maxFeePerGas must be a number of wei (string or number)");
  }
  const bumpPercent = num(sub, "bumpPercent", "submission", 12.5, 10);
  return {
    chain: {
      rpcUrl: str(chain, "rpcUrl", "chain"),
      confirmations: num(chain, "confirmations", "chain", 2, 1),
      pollIntervalMs: num(chain, "pollIntervalMs", "chain", 2000, 10),
      fromBlock: num(chain, "fromBlock", "chain", 0),
      maxBlockRange: num(chain, "maxBlockRange", "chain", 2000, 1),
      reorgDepth: num(chain, "reorgDepth", "chain", 128, 2),
      watchdogMs: num(chain, "watchdogMs", "chain", 60_000, 100),
      reorgGraceBlocks: num(chain, "reorgGraceBlocks", "chain", 12, 1),
    },
    relay: getAddress(relay),
    signer: { privateKeyEnv: str(signer, "privateKeyEnv", "signer", "ZKVM_RELAY_PRIVATE_KEY") },
    submission: {
      batchSize: num(sub, "batchSize", "submission", 20, 1),
      bumpAfterMs: num(sub, "bumpAfterMs", "submission", 30_000, 10),
      bumpPercent,
      maxFeePerGas: BigInt(maxFee),
      gasPerItem: num(sub, "gasPerItem", "submission", 120_000, 30_000),
      maxSubmitAttempts: num(sub, "maxSubmitAttempts", "submission", 5, 1),
      minBalance: BigInt(String(sub.minBalance ?? "50000000000000000")),
    },
    prover: proverConfig,
    images: (images as string[]).map(path),
    inputs: {
      maxBytes: num(inputs, "maxBytes", "inputs", 1 << 20, 1),
      fetchTimeoutMs: num(inputs, "fetchTimeoutMs", "inputs", 10_000, 1),
      allowFileUrls: inputs.allowFileUrls === true,
    },
    api: {
      host: str(api, "host", "api", "127.0.0.1"),
      port: num(api, "port", "api", 8080),
      ...(api.apiKeysEnv === undefined ? {} : { apiKeysEnv: str(api, "apiKeysEnv", "api") }),
    },
    database: path(str(c, "database", "config", "relay-data/relay.db")),
    dataDir: path(str(c, "dataDir", "config", "relay-data")),
    log: { level: str(log, "level", "log", "info") },
  };
}

export function loadRelayConfig(file: string): RelayConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new RelayConfigError(`cannot read the configuration ${file}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new RelayConfigError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  return parseRelayConfig(raw, dirname(resolve(file)));
}
