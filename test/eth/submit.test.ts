/**
 * Submitting receipts to consumer contracts: submitCall (simulate, send, gas; reverts decoded with hints),
 * the arguments inferred from a receipt, and `zkvm submit` / `zkvm verify --rpc` with a dev-mode receipt
 * through the router and the mock verifier.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Address, encodeAbiParameters, hexToBytes, parseAbiItem, toHex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evenNumberAbi } from "../../src/eth/contracts.ts";
import { deployVerifierStack } from "../../src/eth/deploy.ts";
import { CallArgumentsError, receiptCallArgs } from "../../src/eth/receipt-call.ts";
import { revertHint } from "../../src/eth/revert-hints.ts";
import { CallRevertedError, submitCall } from "../../src/eth/submit.ts";
import { encodeReceipt, type Receipt, receiptSeal } from "../../src/receipt/receipt.ts";
import { computeImageId } from "../../src/zkvm/image-id.ts";
import { loadProgram } from "../../src/zkvm/program.ts";
import { prove } from "../../src/zkvm/prove.ts";
import { zkvm } from "../cli/run-zkvm.ts";
import { connectChain } from "../contracts/chain.ts";
import { REAL_RECEIPTS } from "./fixtures.ts";
import { serveProvider } from "./rpc-bridge.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const DEV_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const elf = new Uint8Array(readFileSync(join(ROOT, "guests/examples/even-number.elf")));
const imageId = toHex(computeImageId(loadProgram(elf)));
const uint256 = (x: bigint) => hexToBytes(encodeAbiParameters([{ type: "uint256" }], [x]));
const proveEven = (x: bigint): Receipt =>
  prove(elf, { input: uint256(x), dev: true, warn: () => {} }).receipt;

type Chain = Awaited<ReturnType<typeof connectChain>>;
let chain: Chain;
let rpc: { url: string; close(): Promise<void> };
let router: Address;
let even: Address;

beforeAll(async () => {
  chain = await connectChain();
  rpc = await serveProvider(chain.provider);
  const [owner] = await chain.viem.getWalletClients();
  ({ router } = await deployVerifierStack({
    publicClient: await chain.viem.getPublicClient(),
    walletClient: owner!,
    mock: true,
    deploymentsDir: null,
  }));
  even = (await chain.viem.deployContract("EvenNumber", [router, imageId])).address;
});
afterAll(async () => {
  await rpc?.close();
});

describe("receiptCallArgs", () => {
  const receipt = proveEven(42n);
  const seal = toHex(receiptSeal(receipt));
  it("fills the seal and the journal's ABI decoding, or the journal itself", () => {
    const set = parseAbiItem("function set(uint256 x, bytes seal)");
    expect(receiptCallArgs(set, receipt)).toEqual([42n, seal]);
    const submit = parseAbiItem("function submit(bytes journal, bytes seal)");
    expect(receiptCallArgs(submit, receipt)).toEqual([toHex(receipt.journal), seal]);
    const sealFirst = parseAbiItem("function f(bytes seal, uint256 x)");
    expect(receiptCallArgs(sealFirst, receipt)).toEqual([seal, 42n]);
  });
  it("takes explicit arguments with placeholders, and explains what it cannot infer", () => {
    const f = parseAbiItem("function f(bytes32 image, uint256 x, bytes s, bool b)");
    expect(receiptCallArgs(f, receipt, ["$imageId", "7", "$seal", "true"])).toEqual([
      imageId,
      7n,
      seal,
      true,
    ]);
    expect(() => receiptCallArgs(f, receipt, ["$imageId"])).toThrow(/takes 4 arguments; 1 were given/);
    expect(() => receiptCallArgs(f, receipt, ["x", "7", "$seal", "true"])).toThrow(/0x-prefixed hex/);
    const mismatch = parseAbiItem("function g(address a, uint256 b, bytes seal)");
    expect(() => receiptCallArgs(mismatch, receipt)).toThrow(CallArgumentsError);
    expect(() => receiptCallArgs(mismatch, receipt)).toThrow(/pass every argument with --args/i);
  });
});

describe("submitCall", () => {
  it("simulates, sends and reports the gas of a successful call", async () => {
    const [sender] = await chain.viem.getWalletClients();
    const publicClient = await chain.viem.getPublicClient();
    const result = await submitCall({
      publicClient,
      walletClient: sender!,
      address: even,
      abi: evenNumberAbi,
      functionName: "set",
      args: [42n, toHex(receiptSeal(proveEven(42n)))],
    });
    const tx = await publicClient.getTransactionReceipt({ hash: result.hash });
    expect(tx.status).toBe("success");
    expect(result.gasUsed).toBe(tx.gasUsed);
    expect(result.blockNumber).toBe(tx.blockNumber);
    expect(
      await publicClient.readContract({ address: even, abi: evenNumberAbi, functionName: "number" }),
    ).toBe(42n);
  });

  it("decodes a revert in simulation (nothing sent) with a hint", async () => {
    const [sender] = await chain.viem.getWalletClients();
    const publicClient = await chain.viem.getPublicClient();
    const nonce = await publicClient.getTransactionCount({ address: sender!.account.address });
    const err = await submitCall({
      publicClient,
      walletClient: sender!,
      address: even,
      abi: evenNumberAbi,
      functionName: "set",
      args: [44n, toHex(receiptSeal(proveEven(42n)))],
    }).catch((e) => e);
    expect(err).toBeInstanceOf(CallRevertedError);
    expect(err.stage).toBe("simulation");
    expect(err.errorName).toBe("VerificationFailed");
    expect(err.hint).toMatch(/ImageID/);
    expect(await publicClient.getTransactionCount({ address: sender!.account.address })).toBe(nonce);
  });

  it("hints how to deploy a missing verifier for a known selector", () => {
    expect(revertHint("SelectorUnknown", ["0xffffffff"], { rpcUrl: "http://x" })).toContain(
      "zkvm deploy --rpc http://x --mock",
    );
    expect(revertHint("SelectorUnknown", [REAL_RECEIPTS[0]!.hex.selector])).toContain("--control-root v1.2");
    expect(revertHint("SelectorUnknown", ["0x12345678"])).toMatch(/does not know/);
  });
});

describe("zkvm submit and zkvm verify --receipt --rpc", () => {
  let file: string;
  beforeAll(() => {
    file = join(mkdtempSync(join(tmpdir(), "zkvm-submit-")), "receipt.json");
    writeFileSync(file, encodeReceipt(proveEven(64n)));
  });

  it("submits a dev-mode receipt in dev mode only, printing the transaction and its gas", async () => {
    const args = [
      "submit",
      "--receipt",
      file,
      "--rpc",
      rpc.url,
      "--contract",
      even,
      "--function",
      "set(uint256,bytes)",
    ];
    const refused = await zkvm(args, { ZKVM_PRIVATE_KEY: DEV_KEY });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/fake \(dev-mode\) receipt.*ZKVM_DEV_MODE=1/);
    const r = await zkvm([...args, "--json"], { ZKVM_PRIVATE_KEY: DEV_KEY, ZKVM_DEV_MODE: "1" });
    expect(r.stderr).toMatch(/simulating set/);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.transaction).toMatch(/^0x[0-9a-f]{64}$/);
    expect(Number(out.gasUsed)).toBeGreaterThan(21_000);
    const publicClient = await chain.viem.getPublicClient();
    expect(
      await publicClient.readContract({ address: even, abi: evenNumberAbi, functionName: "number" }),
    ).toBe(64n);
  });

  it("explains a revert and exits 1 without sending; explains a missing key, contract and bad signature", async () => {
    const env = { ZKVM_PRIVATE_KEY: DEV_KEY, ZKVM_DEV_MODE: "1" };
    const base = ["submit", "--receipt", file, "--rpc", rpc.url, "--contract", even];
    const wrong = await zkvm([...base, "--function", "set(uint256,bytes)", "--args", "66", "$seal"], env);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/would revert \(simulated; nothing was sent\): VerificationFailed\nhint: /);
    expect(
      (await zkvm([...base, "--function", "set(uint256,bytes)"], { ZKVM_DEV_MODE: "1" })).stderr,
    ).toMatch(/ZKVM_PRIVATE_KEY/);
    const noCode = await zkvm(
      [
        "submit",
        "--receipt",
        file,
        "--rpc",
        rpc.url,
        "--contract",
        `0x${"77".repeat(20)}`,
        "--function",
        "set(uint256,bytes)",
      ],
      env,
    );
    expect(noCode.code).toBe(2);
    expect(noCode.stderr).toMatch(/no contract at/);
    const badSig = await zkvm([...base, "--function", "set(uint256"], env);
    expect(badSig.code).toBe(2);
  });

  it("verify --receipt --rpc accepts the fake receipt through the router's mock in dev mode", async () => {
    const args = ["verify", "--receipt", file, "--image-id", imageId, "--rpc", rpc.url, "--router", router];
    expect((await zkvm(args)).code).toBe(1);
    const ok = await zkvm(args, { ZKVM_DEV_MODE: "1" });
    expect(ok.stderr).toMatch(/WARNING: dev mode/);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/accepted the receipt/);
  });

  it("a RISC Zero v1.2 receipt through a router without that verifier says how to deploy it", async () => {
    const v12 = REAL_RECEIPTS[0]!;
    const r = await zkvm([
      "verify",
      ...["--seal", v12.hex.seal, "--image-id", v12.hex.imageId, "--journal", v12.hex.journal],
      ...["--rpc", rpc.url, "--router", router],
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("SelectorUnknown");
    expect(r.stderr).toContain(`hint: the router has no verifier for RISC Zero v1.2 Groth16 receipts`);
    expect(r.stderr).toContain(`zkvm deploy --rpc ${rpc.url} --control-root v1.2`);
  });
});
