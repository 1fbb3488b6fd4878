import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Hex, toFunctionSelector } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAILPOINT_ENV, FAILPOINTS } from "../../src/relay/failpoints.ts";
import { serveProvider } from "../eth/rpc-bridge.ts";
import {
  deployStack,
  EVEN_ELF_PATH,
  EVEN_IMAGE_ID,
  evenInput,
  flaky,
  RELAY_KEY,
  type Stack,
  until,
} from "./harness.ts";
import { freePort } from "./redis.ts";

/**
 * kill -9 of the relay process at every state transition: `zkvm relay start` runs as a child process
 * against the in-process chain (served over HTTP); a failpoint makes it SIGKILL itself right after a
 * transition was committed; the next run must finish every request, each delivered exactly once.
 */
let stack: Stack;
let rpc: { url: string; close(): Promise<void> };
let faulty: Awaited<ReturnType<Stack["viem"]["deployContract"]>>;
let dir: string;
let apiPort: number;
const children: ChildProcess[] = [];
const HANDLE_PROOF = toFunctionSelector("handleProof(bytes32,bytes32,bytes)");

beforeAll(async () => {
  stack = await deployStack();
  faulty = await stack.viem.deployContract("FaultyCallback", []);
  rpc = await serveProvider(flaky(stack.connection.provider as never));
  dir = mkdtempSync(join(tmpdir(), "zkvm-relay-crash-"));
  apiPort = await freePort();
  writeFileSync(
    join(dir, "relay.json"),
    JSON.stringify({
      chain: { rpcUrl: rpc.url, confirmations: 1, pollIntervalMs: 25, fromBlock: Number(stack.start) },
      relay: stack.relay.address,
      signer: { privateKeyEnv: "TEST_RELAY_KEY" },
      prover: { kind: "threads", proofs: "dev", workers: 1 },
      images: [EVEN_ELF_PATH],
      api: { host: "127.0.0.1", port: apiPort },
      database: "relay.db",
      dataDir: ".",
      log: { level: "info" },
    }),
  );
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  await rpc?.close();
});

function startRelay(failpoint?: string): {
  child: ChildProcess;
  exited: Promise<NodeJS.Signals | number | null>;
  log: () => string;
} {
  const child = spawn(
    process.execPath,
    [
      join(import.meta.dirname, "../../src/cli/main.ts"),
      "relay",
      "start",
      "--config",
      join(dir, "relay.json"),
    ],
    {
      env: { ...process.env, TEST_RELAY_KEY: RELAY_KEY, [FAILPOINT_ENV]: failpoint ?? "" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  children.push(child);
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<NodeJS.Signals | number | null>((r) =>
    child.on("exit", (code, signal) => r(signal ?? code)),
  );
  return { child, exited, log: () => out };
}

async function request(x: bigint): Promise<Hex> {
  const deadline = (await stack.publicClient.getBlock()).timestamp + 3600n;
  const hash = await stack.relay.write.requestCallback(
    [EVEN_IMAGE_ID, evenInput(x), faulty.address, HANDLE_PROOF, 300_000n, deadline],
    { account: stack.requester.account },
  );
  const receipt = await stack.publicClient.waitForTransactionReceipt({ hash });
  return receipt.logs[0]!.topics[1]!;
}

const requestState = async (id: Hex) => {
  try {
    const res = await fetch(`http://127.0.0.1:${apiPort}/relay/requests/${id}`);
    return res.ok
      ? ((await res.json()) as { state: string; outcome: string | null; transitions: Array<{ to: string }> })
      : undefined;
  } catch {
    return undefined;
  }
};

describe("kill -9 at every state transition", () => {
  it("every request is finished after a restart, each delivered exactly once", {
    timeout: 240_000,
  }, async () => {
    const ids: Hex[] = [];
    for (const [i, fp] of FAILPOINTS.entries()) {
      const run = startRelay(fp);
      ids.push(await request(BigInt(2 * (i + 1))));
      const how = await Promise.race([run.exited, new Promise((r) => setTimeout(() => r("alive"), 60_000))]);
      expect(how, `relay with failpoint ${fp}:\n${run.log().slice(-3000)}`).toBe("SIGKILL");
    }
    const run = startRelay();
    for (const id of ids) {
      const r = await until(
        `request ${id} confirmed`,
        async () => {
          const s = await requestState(id);
          return s?.state === "confirmed" ? s : undefined;
        },
        60_000,
      ).catch((err) => {
        throw new Error(`${err.message}\n${run.log().slice(-4000)}`);
      });
      expect(r.outcome).toBe("delivered");
      expect(await faulty.read.deliveries([id])).toBe(1n);
    }
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(0);
  });
});
