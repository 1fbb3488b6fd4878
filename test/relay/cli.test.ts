import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { getAddress } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { zkvmRelayAbi } from "../../src/relay/contracts.ts";
import { serveProvider } from "../eth/rpc-bridge.ts";
import { deployStack, type Stack } from "./harness.ts";

const MAIN = join(import.meta.dirname, "../../src/cli/main.ts");
const run = (args: string[], env: Record<string, string> = {}) =>
  promisify(execFile)(process.execPath, [MAIN, ...args], { env: { ...process.env, ...env } }).then(
    (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
  );

let stack: Stack;
let rpc: { url: string; close(): Promise<void> };
beforeAll(async () => {
  stack = await deployStack();
  rpc = await serveProvider(stack.connection.provider as never);
});
afterAll(async () => rpc?.close());

describe("zkvm relay", () => {
  it("deploy: a relay verifying through the given router", async () => {
    const key = generatePrivateKey();
    await stack.publicClient.waitForTransactionReceipt({
      hash: await stack.owner.sendTransaction({ to: privateKeyToAccount(key).address, value: 10n ** 19n }),
    });
    const r = await run(
      [
        "relay",
        "deploy",
        "--rpc",
        rpc.url,
        "--router",
        stack.router.address,
        "--max-callback-gas",
        "3000000",
      ],
      {
        ZKVM_PRIVATE_KEY: key,
      },
    );
    expect(r.code, r.err).toBe(0);
    const out = JSON.parse(r.out);
    const read = (functionName: "verifier" | "maxCallbackGas") =>
      stack.publicClient.readContract({ address: out.relay, abi: zkvmRelayAbi, functionName });
    expect(getAddress(String(await read("verifier")))).toBe(getAddress(stack.router.address));
    expect(await read("maxCallbackGas")).toBe(3_000_000n);
  });

  it("refuses bad arguments and configurations with a clear message", async () => {
    const key = { ZKVM_PRIVATE_KEY: generatePrivateKey() };
    const eoa = stack.requester.account.address;
    expect((await run(["relay", "deploy", "--rpc", rpc.url, "--router", eoa], key)).err).toMatch(
      /no contract at --router/,
    );
    expect((await run(["relay", "deploy", "--rpc", rpc.url, "--router", "0x12"], key)).code).toBe(2);
    expect((await run(["relay", "deploy", "--rpc", rpc.url, "--router", eoa])).err).toMatch(
      /ZKVM_PRIVATE_KEY/,
    );
    const missing = await run(["relay", "start", "--config", "/nonexistent/relay.json"]);
    expect([missing.code, missing.err]).toEqual([1, expect.stringMatching(/RelayConfigError: cannot read/)]);
    const dir = mkdtempSync(join(tmpdir(), "zkvm-relay-cli-"));
    writeFileSync(
      join(dir, "relay.json"),
      JSON.stringify({ chain: { rpcUrl: rpc.url }, relay: stack.relay.address, prover: { proofs: "dev" } }),
    );
    const noKey = await run(["relay", "start", "--config", join(dir, "relay.json")], {
      ZKVM_RELAY_PRIVATE_KEY: "",
    });
    expect(noKey.err).toMatch(/set ZKVM_RELAY_PRIVATE_KEY/);
    expect(
      (await run(["relay", "worker", "--redis", "redis://127.0.0.1:1", "--concurrency", "0"])).code,
    ).toBe(2);
  });
});
