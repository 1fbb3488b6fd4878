import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { type Address, getAddress, sha256, zeroHash } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DeploymentRecord, deployVerifierStack, readDeployment } from "../../src/eth/deploy.ts";
import { DeploymentError } from "../../src/eth/errors.ts";
import { verifyOnChain } from "../../src/eth/verify.ts";
import { okClaim, receiptClaimDigest } from "../../src/receipt/claim.ts";
import { encodeMockSeal } from "../../src/receipt/seal.ts";
import { zkvm } from "../cli/run-zkvm.ts";
import { connectChain } from "../contracts/chain.ts";
import { REAL_RECEIPTS } from "./fixtures.ts";
import { serveProvider } from "./rpc-bridge.ts";

/** Hardhat's first default account (publicly known test key of the "test test … junk" mnemonic). */
const DEV_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

type Chain = Awaited<ReturnType<typeof connectChain>>;
let chain: Chain;
let rpc: { url: string; close(): Promise<void> };
let dir: string;

beforeAll(async () => {
  chain = await connectChain();
  rpc = await serveProvider(chain.provider);
  dir = mkdtempSync(join(tmpdir(), "zkvm-deploy-"));
});
afterAll(async () => {
  await rpc?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("zkvm deploy + zkvm verify --rpc against the in-process chain", () => {
  let record: DeploymentRecord;

  it("deploys router, emergency stops, both RISC Zero verifiers and the mock, and records them", async () => {
    const roots = REAL_RECEIPTS.flatMap((r) => ["--control-root", r.hex.controlRoot]);
    const out = await zkvm(["deploy", "--rpc", rpc.url, ...roots, "--mock", "--out", dir], {
      ZKVM_PRIVATE_KEY: DEV_KEY,
    });
    expect(out.stderr).toContain("deployed ReceiptVerifierRouter");
    expect(out.code).toBe(0);
    record = readDeployment(dir, 31337)!;
    expect(JSON.parse(out.stdout)).toEqual(record);
    expect(record.verifiers.map((v) => v.selector).sort()).toEqual(
      [...REAL_RECEIPTS.map((r) => r.hex.selector), "0xffffffff"].sort(),
    );
  });

  it("is idempotent: a second run sends no transaction and keeps the record", async () => {
    const client = await chain.viem.getPublicClient();
    const before = await client.getBlockNumber();
    const roots = REAL_RECEIPTS.flatMap((r) => ["--control-root", r.hex.controlRoot]);
    const out = await zkvm(["deploy", "--rpc", rpc.url, ...roots, "--mock", "--out", dir], {
      ZKVM_PRIVATE_KEY: DEV_KEY,
    });
    expect(out.code).toBe(0);
    expect(out.stderr).not.toContain("deployed");
    expect(await client.getBlockNumber()).toBe(before);
    expect(readDeployment(dir, 31337)).toEqual(record);
  });

  it("verify --rpc --router: exit 0 for the real receipts, 1 for modified ones", async () => {
    for (const r of REAL_RECEIPTS) {
      const ok = await zkvm([
        "verify",
        ...["--seal", r.hex.seal, "--image-id", r.hex.imageId, "--journal", r.hex.journal],
        ...["--rpc", rpc.url, "--router", record.router],
      ]);
      expect(ok.stdout + ok.stderr).toContain("valid");
      expect(ok.code).toBe(0);
    }
    const r = REAL_RECEIPTS[1]!;
    const journalFile = join(dir, "journal.bin");
    writeFileSync(journalFile, Buffer.from("just a simple receipu"));
    const bad = await zkvm([
      "verify",
      ...["--seal", r.hex.seal, "--image-id", r.hex.imageId, "--journal", journalFile],
      ...["--rpc", rpc.url, "--router", record.router],
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("VerificationFailed");
    const unknown = await zkvm([
      "verify",
      ...[
        "--seal",
        `0x00000000${r.hex.seal.slice(10)}`,
        "--image-id",
        r.hex.imageId,
        "--journal",
        r.hex.journal,
      ],
      ...["--rpc", rpc.url, "--router", record.router],
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("SelectorUnknown");
  });

  it("refuses to run without a key, and reports an unreachable RPC as bad input", async () => {
    const noKey = await zkvm(["deploy", "--rpc", rpc.url, "--out", dir], { ZKVM_PRIVATE_KEY: "" });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain("ZKVM_PRIVATE_KEY");
    const down = await zkvm([
      "verify",
      "--seal",
      "0x00",
      "--image-id",
      zeroHash,
      "--journal",
      "0x",
      "--rpc",
      "http://127.0.0.1:9",
      "--router",
      record.router,
    ]);
    expect(down.code).toBe(2);
  });
});

describe("zkvm verify off chain", () => {
  it("accepts both real receipts (with the matching control root) and rejects modifications", async () => {
    const [v12, v30] = REAL_RECEIPTS as [(typeof REAL_RECEIPTS)[0], (typeof REAL_RECEIPTS)[0]];
    const base = (r: typeof v12) => [
      "verify",
      "--seal",
      r.hex.seal,
      "--image-id",
      r.hex.imageId,
      "--journal",
      r.hex.journal,
    ];
    expect((await zkvm(base(v30))).code).toBe(0);
    expect((await zkvm([...base(v12), "--control-root", v12.hex.controlRoot])).code).toBe(0);
    const wrongRoot = await zkvm(base(v12));
    expect(wrongRoot.code).toBe(1);
    expect(wrongRoot.stderr).toContain("does not match");
    const seal = hexToBytes(v30.hex.seal.slice(2));
    seal[200]! ^= 1;
    const tampered = await zkvm([
      "verify",
      "--seal",
      `0x${bytesToHex(seal)}`,
      "--image-id",
      v30.hex.imageId,
      "--journal",
      v30.hex.journal,
    ]);
    expect(tampered.code).toBe(1);
    const badHex = await zkvm(["verify", "--seal", "0xzz", "--image-id", v30.hex.imageId, "--journal", "0x"]);
    expect(badHex.code).toBe(2);
  });
});

describe("deployVerifierStack (library)", () => {
  it("refuses the mock on a chain that is not a development chain unless forced", async () => {
    const { viem } = await connectChain({ chainId: 1 });
    const [deployer] = await viem.getWalletClients();
    const out = mkdtempSync(join(tmpdir(), "zkvm-deploy-mainnet-"));
    try {
      const opts = {
        publicClient: await viem.getPublicClient(),
        walletClient: deployer!,
        mock: true,
        deploymentsDir: out,
      };
      await expect(deployVerifierStack(opts)).rejects.toThrow(DeploymentError);
      const record = await deployVerifierStack({ ...opts, forceMock: true });
      expect(record.chainId).toBe(1);
      expect(record.verifiers.map((v) => v.kind).sort()).toEqual(["groth16", "mock"]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it("hands ownership over in two steps and verifies through the router with viem", async () => {
    const { viem } = await connectChain();
    const [deployer, newOwner] = await viem.getWalletClients();
    const publicClient = await viem.getPublicClient();
    const out = mkdtempSync(join(tmpdir(), "zkvm-deploy-lib-"));
    try {
      const record = await deployVerifierStack({
        publicClient,
        walletClient: deployer!,
        mock: true,
        owner: newOwner!.account.address,
        deploymentsDir: out,
      });
      expect(JSON.parse(readFileSync(join(out, "31337.json"), "utf8"))).toEqual(record);
      const router = await viem.getContractAt("ReceiptVerifierRouter", record.router);
      expect(getAddress((await router.read.pendingOwner()) as string)).toBe(
        getAddress(newOwner!.account.address),
      );
      expect(getAddress((await router.read.owner()) as string)).toBe(getAddress(deployer!.account.address));

      const r = REAL_RECEIPTS[1]!;
      const verify = (seal: Uint8Array | `0x${string}`, journal: `0x${string}`) =>
        verifyOnChain({
          client: publicClient,
          verifier: record.router as Address,
          seal,
          imageId: r.imageId,
          journalDigest: sha256(journal),
        });
      expect(await verify(r.hex.seal, r.hex.journal)).toEqual({ valid: true });
      expect(await verify(r.hex.seal, "0x00")).toEqual({ valid: false, error: "VerificationFailed" });
      const claim = receiptClaimDigest(okClaim(r.imageId, hexToBytes(sha256(r.hex.journal).slice(2))));
      expect(await verify(encodeMockSeal(claim), r.hex.journal)).toEqual({ valid: true });
      // The V1_2 receipt's control root was not deployed here.
      expect((await verify(REAL_RECEIPTS[0]!.hex.seal, r.hex.journal)).valid).toBe(false);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
