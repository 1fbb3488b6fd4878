/**
 * The README's TypeScript example runs as written (against a local chain with the router, the dev-mode
 * mock and an EvenNumber for the even-number guest); only its package imports are pointed at the sources.
 */
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { toHex } from "viem";
import { expect, it } from "vitest";
import { evenNumberAbi } from "../src/eth/contracts.ts";
import { deployVerifierStack } from "../src/eth/deploy.ts";
import { computeImageId } from "../src/zkvm/image-id.ts";
import { loadProgram } from "../src/zkvm/program.ts";
import { connectChain } from "./contracts/chain.ts";
import { serveProvider } from "./eth/rpc-bridge.ts";

const ROOT = resolve(import.meta.dirname, "..");

it("the README's TypeScript example executes, proves, verifies and submits", async () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## TypeScript"));
  const code = section.slice(
    section.indexOf("```ts\n") + 6,
    section.indexOf("\n```", section.indexOf("```ts")),
  );
  const runnable = code
    .replace('from "zkvm-kit"', `from "${join(ROOT, "src/index.ts")}"`)
    .replace('from "zkvm-kit/eth"', `from "${join(ROOT, "src/eth/index.ts")}"`)
    .replace('from "zkvm-kit/zkvm"', `from "${join(ROOT, "src/zkvm/index.ts")}"`);
  expect(runnable).not.toContain('"zkvm-kit');

  const chain = await connectChain();
  const rpc = await serveProvider(chain.provider);
  const file = join(ROOT, ".scratch", `readme-${process.pid}.ts`);
  try {
    const [owner] = await chain.viem.getWalletClients();
    const { router } = await deployVerifierStack({
      publicClient: await chain.viem.getPublicClient(),
      walletClient: owner!,
      mock: true,
      deploymentsDir: null,
    });
    const elf = new Uint8Array(readFileSync(join(ROOT, "guests/examples/even-number.elf")));
    const even = await chain.viem.deployContract("EvenNumber", [
      router,
      toHex(computeImageId(loadProgram(elf))),
    ]);

    mkdirSync(join(ROOT, ".scratch"), { recursive: true });
    writeFileSync(file, runnable);
    const { stdout } = await promisify(execFile)(process.execPath, [file], {
      cwd: ROOT,
      env: {
        ...process.env,
        ZKVM_PRIVATE_KEY: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        EVEN_NUMBER: even.address,
        RPC_URL: rpc.url,
      },
    });
    expect(stdout).toMatch(/^exit code 0, \d+ cycles; transaction 0x[0-9a-f]{64}, gas \d+\n$/);
    const publicClient = await chain.viem.getPublicClient();
    expect(
      await publicClient.readContract({ address: even.address, abi: evenNumberAbi, functionName: "number" }),
    ).toBe(42n);
  } finally {
    rmSync(file, { force: true });
    await rpc.close();
  }
});
