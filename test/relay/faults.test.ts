import { createServer, type Server } from "node:http";
import { sha256 } from "@noble/hashes/sha2.js";
import { encodeFunctionData, type Hex, parseEventLogs, toFunctionSelector, toHex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { zkvmRelayAbi } from "../../src/relay/contracts.ts";
import { OnChainStatus } from "../../src/relay/types.ts";
import {
  deployStack,
  EVEN_IMAGE_ID,
  evenInput,
  relayConfig,
  type Stack,
  startService,
  until,
} from "./harness.ts";

/** The relay's fault suite with real parts: the in-process EDR chain, worker threads, SQLite on disk. */
let stack: Stack;
let s: ReturnType<typeof startService>;
let faulty: Awaited<ReturnType<Stack["viem"]["deployContract"]>>;
let inputServer: Server;
let inputUrl: string;
const HOUR = 3600n;
const HANDLE_PROOF = toFunctionSelector("handleProof(bytes32,bytes32,bytes)");
const now = async () => (await stack.publicClient.getBlock()).timestamp;

beforeAll(async () => {
  stack = await deployStack();
  faulty = await stack.viem.deployContract("FaultyCallback", []);
  s = startService(
    stack,
    relayConfig(stack, {
      submission: { batchSize: 20, bumpAfterMs: 400 },
      prover: { kind: "threads", proofs: "dev", workers: 1, maxProofAttempts: 2 },
      inputs: { maxBytes: 64, fetchTimeoutMs: 2000 },
      chain: {
        rpcUrl: "http://unused",
        confirmations: 1,
        pollIntervalMs: 20,
        fromBlock: Number(stack.start),
        watchdogMs: 400,
        reorgGraceBlocks: 3,
      },
    }),
  );
  await s.service.start();
  inputServer = createServer((req, res) => {
    if (req.url === "/even") res.end(Buffer.from(evenInput(8n).slice(2), "hex"));
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => inputServer.listen(0, "127.0.0.1", r));
  inputUrl = `http://127.0.0.1:${(inputServer.address() as { port: number }).port}`;
});

afterAll(async () => {
  await s?.service.stop();
  inputServer?.close();
});

/** A request to FaultyCallback for the even-number guest on x; returns its request id. */
async function request(
  x: bigint,
  opts: { gasLimit?: bigint; imageId?: Hex; input?: Hex } = {},
): Promise<Hex> {
  const deadline = (await now()) + HOUR;
  const args = [
    opts.imageId ?? EVEN_IMAGE_ID,
    opts.input ?? evenInput(x),
    faulty.address,
    HANDLE_PROOF,
    opts.gasLimit ?? 300_000n,
    deadline,
  ] as const;
  return submitRequest(() =>
    stack.relay.write.requestCallback(args as never, { account: stack.requester.account }),
  );
}

async function submitRequest(send: () => Promise<Hex>): Promise<Hex> {
  const hash = await send();
  const receipt = await stack.publicClient.waitForTransactionReceipt({ hash });
  const log = receipt.logs.find((l) => l.address.toLowerCase() === stack.relay.address.toLowerCase())!;
  return log.topics[1]!;
}

const settled = (id: Hex, ms = 30_000) =>
  until(
    `request ${id} to settle`,
    () => {
      const r = s.service.store.getRequest(id);
      return r && ["confirmed", "failed", "expired"].includes(r.state) ? r : undefined;
    },
    ms,
  );

describe("callbacks that misbehave", () => {
  it("a reverting callback is recorded (state, metrics, chain) and a retry delivers it once fixed", async () => {
    await faulty.write.setMode([1]);
    const before = (await s.service.metrics.callbackFailures.get()).values[0]?.value ?? 0;
    const id = await request(2n);
    const r = await settled(id);
    expect(r.state).toBe("confirmed");
    expect(r.outcome).toBe("callback-failed");
    expect(r.outcomeReason).toContain(toFunctionSelector("Refused(bytes32)"));
    expect((await s.service.metrics.callbackFailures.get()).values[0]!.value).toBe(before + 1);
    expect(await stack.relay.read.statusOf([id])).toBe(OnChainStatus.CallbackFailed);
    await faulty.write.setMode([0]);
    await stack.relay.write.retryCallback([{ ...r.request } as never, evenInput(2n)]);
    expect(await stack.relay.read.statusOf([id])).toBe(OnChainStatus.Delivered);
    expect(await faulty.read.deliveries([id])).toBe(1n);
  });

  it("a callback that burns all its gas fails alone; the relay's transaction does not", async () => {
    await faulty.write.setMode([2]);
    const id = await request(4n, { gasLimit: 1_000_000n });
    const r = await settled(id);
    expect(r.outcome).toBe("callback-failed");
    const receipt = await stack.publicClient.getTransactionReceipt({ hash: r.fulfilTx as Hex });
    expect(receipt.status).toBe("success");
    await faulty.write.setMode([0]);
  });

  it("a callback that re-enters the relay cannot deliver twice", async () => {
    // Hold deliveries back (RPC down) while the callback is armed to re-enter with retryCallback of the very
    // request being delivered (fulfil would be refused the same way: the request is no longer pending).
    s.provider.down = true;
    const id = await request(6n);
    const [event] = parseEventLogs({
      abi: zkvmRelayAbi,
      eventName: "RequestSubmitted",
      logs: await stack.publicClient.getLogs({ address: stack.relay.address, fromBlock: "latest" }),
    });
    await faulty.write.setReentry([
      stack.relay.address,
      encodeFunctionData({
        abi: zkvmRelayAbi,
        functionName: "retryCallback",
        args: [event!.args.request, evenInput(6n)],
      }),
    ]);
    s.provider.down = false;
    const r = await settled(id);
    expect(r.outcome).toBe("delivered");
    expect(await faulty.read.reentrySucceeded()).toBe(false);
    expect(await faulty.read.deliveries([id])).toBe(1n);
    await faulty.write.setMode([0]);
  });
});

describe("chain faults", () => {
  it("duplicate events (a backfill over blocks already read) change nothing", async () => {
    const id = await request(10n);
    await settled(id);
    const counts = s.service.store.countByState();
    const dupBefore = (await s.service.metrics.duplicateEvents.get()).values[0]?.value ?? 0;
    s.service.store.setCursor(Number(stack.start));
    await until("the backfill", async () =>
      ((await s.service.metrics.duplicateEvents.get()).values[0]?.value ?? 0) > dupBefore ? true : undefined,
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(s.service.store.countByState()).toEqual(counts);
    expect(await faulty.read.deliveries([id])).toBe(1n);
  });

  it("RPC down and back: health degrades, errors are counted, the request is delivered after", async () => {
    const errorsBefore = (await s.service.metrics.rpcErrors.get()).values.reduce((a, v) => a + v.value, 0);
    const id = await request(12n);
    s.provider.down = true;
    const degraded = await until("degraded health", async () => {
      const h = await s.service.health();
      return h.status === "degraded" ? h : undefined;
    });
    expect(degraded.problems.join(" ")).toMatch(/stalled/);
    const errors = async () =>
      (await s.service.metrics.rpcErrors.get()).values.reduce((a, v) => a + v.value, 0);
    await until("failed RPC calls to be counted", async () =>
      (await errors()) > errorsBefore ? true : undefined,
    );
    s.provider.down = false;
    const r = await settled(id);
    expect(r.outcome).toBe("delivered");
    expect((await s.service.health()).status).toBe("ok");
    expect((await s.service.metrics.rpcErrors.get()).values.reduce((a, v) => a + v.value, 0)).toBeGreaterThan(
      errorsBefore,
    );
    expect(await faulty.read.deliveries([id])).toBe(1n);
  });

  it("a stuck transaction is replaced with higher fees (≥ 10 %) and delivered once", async () => {
    const provider = stack.connection.provider;
    await provider.request({ method: "evm_setAutomine", params: [false] });
    try {
      const deadline = (await now()) + HOUR;
      const hash = await stack.relay.write.requestCallback(
        [EVEN_IMAGE_ID, evenInput(14n), faulty.address, HANDLE_PROOF, 300_000n, deadline],
        { account: stack.requester.account },
      );
      await provider.request({ method: "evm_mine", params: [] });
      const receipt = await stack.publicClient.waitForTransactionReceipt({ hash });
      const id = receipt.logs[0]!.topics[1]!;
      const bumpsBefore = (await s.service.metrics.feeBumps.get()).values[0]?.value ?? 0;
      const nonce = await until("two attempts of the fulfilment", () => {
        const n = s.service.store.getRequest(id)?.txNonce;
        return n != null && s.service.store.attempts(n).length >= 2 ? n : undefined;
      });
      const [first, second] = s.service.store.attempts(nonce);
      expect(second!.maxFee * 100n).toBeGreaterThanOrEqual(first!.maxFee * 110n);
      expect(second!.priorityFee * 100n).toBeGreaterThanOrEqual(first!.priorityFee * 110n);
      expect((await s.service.metrics.feeBumps.get()).values[0]!.value).toBeGreaterThan(bumpsBefore);
      await provider.request({ method: "evm_mine", params: [] });
      await provider.request({ method: "evm_setAutomine", params: [true] });
      const r = await settled(id);
      expect(r.outcome).toBe("delivered");
      const hashes = s.service.store.attempts(nonce).map((a) => a.hash);
      expect(hashes).toContain(r.fulfilTx);
      expect(await faulty.read.deliveries([id])).toBe(1n);
    } finally {
      await provider.request({ method: "evm_setAutomine", params: [true] });
    }
  });

  it("a reorg that removes a delivered request rolls it back, and it is delivered again on the new chain", async () => {
    const provider = stack.connection.provider;
    const snapshot = (await provider.request({ method: "evm_snapshot", params: [] })) as string;
    const x = 16n;
    const hash = await stack.consumer.write.requestNumber([x, (await now()) + HOUR], {
      account: stack.requester.account,
    });
    const receipt = await stack.publicClient.waitForTransactionReceipt({ hash });
    const id = receipt.logs.find((l) => l.address.toLowerCase() === stack.relay.address.toLowerCase())!
      .topics[1]!;
    const first = await settled(id);
    expect(first.outcome).toBe("delivered");
    expect(await stack.consumer.read.number()).toBe(x);
    const reorgsBefore = (await s.service.metrics.reorgs.get()).values[0]?.value ?? 0;

    // Revert to before the request, then build a different chain: other blocks, and the request again later.
    await provider.request({ method: "evm_revert", params: [snapshot] });
    await provider.request({ method: "hardhat_mine", params: ["0x3"] });
    expect(await stack.consumer.read.number()).not.toBe(x);
    const again = await stack.consumer.write.requestNumber([x, (await now()) + HOUR], {
      account: stack.requester.account,
    });
    const receipt2 = await stack.publicClient.waitForTransactionReceipt({ hash: again });
    expect(
      receipt2.logs.find((l) => l.address.toLowerCase() === stack.relay.address.toLowerCase())!.topics[1],
    ).toBe(id);

    await until("the reorg to be noticed", async () =>
      ((await s.service.metrics.reorgs.get()).values[0]?.value ?? 0) > reorgsBefore ? true : undefined,
    );
    const r = await until("redelivery on the new chain", async () => {
      const row = s.service.store.getRequest(id)!;
      return row.state === "confirmed" && row.fulfilBlock! > Number(receipt2.blockNumber) - 1
        ? row
        : undefined;
    });
    expect(r.outcome).toBe("delivered");
    expect(await stack.consumer.read.number()).toBe(x);
    const block = await stack.publicClient.getBlock({ blockNumber: BigInt(r.fulfilBlock!) });
    expect(block.hash).toBe(r.fulfilBlockHash);
    const path = s.service.store.transitions(id).map((t) => t.to);
    expect(path.filter((t) => t === "confirmed").length).toBeGreaterThanOrEqual(2);
  });

  it("a nonce used outside the relay, and a counter left above the chain, are both reconciled", async () => {
    const { createWalletClient, custom } = await import("viem");
    const { privateKeyToAccount } = await import("viem/accounts");
    const { RELAY_KEY } = await import("./harness.ts");
    const wallet = createWalletClient({
      account: privateKeyToAccount(RELAY_KEY),
      chain: {
        id: 31337,
        name: "edr",
        nativeCurrency: { name: "E", symbol: "E", decimals: 18 },
        rpcUrls: { default: { http: [] } },
      },
      transport: custom(stack.connection.provider),
    });
    await stack.publicClient.waitForTransactionReceipt({
      hash: await wallet.sendTransaction({ to: wallet.account.address, value: 0n }),
    });
    const a = await request(18n);
    expect((await settled(a)).outcome).toBe("delivered");
    s.service.store.setMeta("next_nonce", String(Number(s.service.store.getMeta("next_nonce")) + 5));
    const b = await request(20n);
    expect((await settled(b)).outcome).toBe("delivered");
  });
});

describe("bad input: each a recorded failure with a reason, never a crash", () => {
  it("unknown ImageID, input too large, odd number (guest fails), unreachable URL, digest mismatch, bad URL", async () => {
    const unknown = await request(2n, { imageId: `0x${"ab".repeat(32)}` });
    const large = await request(2n, { input: `0x${"00".repeat(100)}` });
    const odd = await request(3n);
    const deadline = (await now()) + HOUR;
    const url = (u: string, digest: Hex) =>
      submitRequest(() =>
        stack.relay.write.requestCallbackWithUrl(
          [EVEN_IMAGE_ID, u, digest, faulty.address, HANDLE_PROOF, 300_000n, deadline],
          { account: stack.requester.account },
        ),
      );
    const evenDigest = toHex(sha256(Buffer.from(evenInput(8n).slice(2), "hex")));
    const unreachable = await url("http://127.0.0.1:1/input", evenDigest);
    const mismatch = await url(`${inputUrl}/even`, `0x${"00".repeat(32)}`);
    const notFound = await url(`${inputUrl}/missing`, evenDigest);
    const badUrl = await url("not a url", evenDigest);
    const good = await url(`${inputUrl}/even`, evenDigest);
    const expected: Array<[Hex, string]> = [
      [unknown, "unknown-image"],
      [large, "input-too-large"],
      [odd, "guest-failed"],
      [unreachable, "input-unreachable"],
      [mismatch, "input-digest-mismatch"],
      [notFound, "input-unreachable"],
      [badUrl, "input-url-invalid"],
    ];
    for (const [id, code] of expected) {
      const r = await settled(id);
      expect([r.state, r.reasonCode], id).toEqual(["failed", code]);
      expect(r.reason!.length).toBeGreaterThan(10);
    }
    expect((await settled(good)).outcome).toBe("delivered");
    const failures = await s.service.metrics.failures.get();
    for (const code of [
      "unknown-image",
      "input-too-large",
      "guest-failed",
      "input-unreachable",
      "input-digest-mismatch",
    ]) {
      expect(failures.values.find((v) => v.labels.code === code)?.value ?? 0, code).toBeGreaterThan(0);
    }
    expect((await s.service.health()).status).toBe("ok");
  });
});
