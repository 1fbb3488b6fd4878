import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesToHex } from "@noble/hashes/utils.js";
import pino from "pino";
import { type Address, custom, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { parseRelayConfig, type RelayConfig } from "../../src/relay/config.ts";
import { imageIdOf } from "../../src/relay/images.ts";
import { RelayService } from "../../src/relay/service.ts";
import { connectChain } from "../contracts/chain.ts";

export const EVEN_ELF_PATH = join(import.meta.dirname, "../../guests/examples/even-number.elf");
export const EVEN_IMAGE_ID = imageIdOf(new Uint8Array(readFileSync(EVEN_ELF_PATH)));
/** The relay's signer in tests (funded by deployStack). */
export const RELAY_KEY = generatePrivateKey();
export const RELAY_ACCOUNT = privateKeyToAccount(RELAY_KEY).address;

export const evenInput = (x: bigint) => `0x${x.toString(16).padStart(64, "0")}` as Hex;

interface Eip1193 {
  request(args: { method: string; params?: unknown }): Promise<unknown>;
}

/**
 * An EIP-1193 provider in front of the chain that can be switched off: while `down`, every call fails like
 * an unreachable node (the relay's "RPC down and back" fault).
 */
export function flaky(provider: Eip1193): Eip1193 & { down: boolean; calls: number } {
  const p = {
    down: false,
    calls: 0,
    async request(args: { method: string; params?: unknown }) {
      p.calls++;
      if (p.down)
        throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:8545 (fault injected)"), {
          code: -32603,
        });
      return provider.request(args);
    },
  };
  return p;
}

/** The relay stack on a fresh in-process EDR chain: router + mock verifier, relay, consumers. */
export async function deployStack() {
  const connection = await connectChain();
  const { viem } = connection;
  const [owner, requester] = await viem.getWalletClients();
  const publicClient = await viem.getPublicClient();
  const router = await viem.deployContract("ReceiptVerifierRouter", [owner!.account.address]);
  const mock = await viem.deployContract("MockReceiptVerifier", [false]);
  await router.write.addVerifier(["0xffffffff", mock.address]);
  const relay = await viem.deployContract("ZkvmRelay", [router.address, 2_000_000n, 4096n]);
  const consumer = await viem.deployContract("EvenNumberConsumer", [relay.address, EVEN_IMAGE_ID]);
  await publicClient.waitForTransactionReceipt({
    hash: await owner!.sendTransaction({ to: RELAY_ACCOUNT, value: 1000n * 10n ** 18n }),
  });
  const start = await publicClient.getBlockNumber();
  return {
    connection,
    viem,
    owner: owner!,
    requester: requester!,
    publicClient,
    router,
    mock,
    relay,
    consumer,
    start,
  };
}

export type Stack = Awaited<ReturnType<typeof deployStack>>;

export function relayConfig(stack: Stack, overrides: Record<string, unknown> = {}): RelayConfig {
  const dir = mkdtempSync(join(tmpdir(), "zkvm-relay-"));
  return parseRelayConfig({
    chain: {
      rpcUrl: "http://unused",
      confirmations: 1,
      pollIntervalMs: 20,
      fromBlock: Number(stack.start),
      watchdogMs: 5_000,
    },
    relay: stack.relay.address,
    signer: { privateKeyEnv: "TEST_RELAY_KEY" },
    submission: { batchSize: 20, bumpAfterMs: 60_000 },
    prover: { kind: "threads", proofs: "dev", workers: 1 },
    images: [EVEN_ELF_PATH],
    database: join(dir, "relay.db"),
    dataDir: dir,
    log: { level: "silent" },
    ...overrides,
  });
}

/** A relay service on the stack's chain through a switchable provider. */
export function startService(stack: Stack, config: RelayConfig) {
  const provider = flaky(stack.connection.provider as unknown as Eip1193);
  const service = new RelayService(config, {
    env: { TEST_RELAY_KEY: RELAY_KEY },
    transport: custom(provider),
    logger: pino({ level: process.env.RELAY_TEST_LOG ?? "silent" }),
  });
  return { service, provider };
}

/** Polls `check` until it returns a value other than undefined, or fails after `ms`. */
export async function until<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const hex = (b: Uint8Array) => `0x${bytesToHex(b)}` as Hex;
export type { Address };
