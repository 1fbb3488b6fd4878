/**
 * deployVerifierStack and the defects found in `zkvm deploy`: a non-owner run must fail before it spends
 * gas and must not rewrite the record's owner; an emergency stop owned by another account is never
 * registered silently; entries the chain no longer holds (after a reset) are dropped.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getAddress } from "viem";
import { describe, expect, it } from "vitest";
import { deploymentPath, deployVerifierStack, readDeployment } from "../../src/eth/deploy.ts";
import { DeploymentError } from "../../src/eth/errors.ts";
import { connectChain } from "../contracts/chain.ts";

const newDir = () => mkdtempSync(join(tmpdir(), "zkvm-deploy-own-"));

async function setup() {
  const { viem } = await connectChain();
  const [owner, stranger, heir] = await viem.getWalletClients();
  return {
    viem,
    publicClient: await viem.getPublicClient(),
    owner: owner!,
    stranger: stranger!,
    heir: heir!,
  };
}

describe("deployVerifierStack ownership", () => {
  it("a run by a non-owner that would register a verifier fails before any transaction, keeping the record", async () => {
    const { publicClient, owner, stranger } = await setup();
    const dir = newDir();
    const first = await deployVerifierStack({ publicClient, walletClient: owner, deploymentsDir: dir });
    expect(first.owner).toBe(getAddress(owner.account.address));
    const recordText = readFileSync(deploymentPath(dir, 31337), "utf8");
    const block = await publicClient.getBlockNumber();
    const nonce = await publicClient.getTransactionCount({ address: stranger.account.address });
    const failed = deployVerifierStack({
      publicClient,
      walletClient: stranger,
      mock: true,
      deploymentsDir: dir,
    });
    await expect(failed).rejects.toThrow(DeploymentError);
    await expect(failed).rejects.toThrow(/owned by .*nothing was deployed/);
    expect(await publicClient.getBlockNumber()).toBe(block);
    expect(await publicClient.getTransactionCount({ address: stranger.account.address })).toBe(nonce);
    expect(readFileSync(deploymentPath(dir, 31337), "utf8")).toBe(recordText);
    // Nothing to register: a non-owner run is a no-op that reports the real owner.
    const noop = await deployVerifierStack({ publicClient, walletClient: stranger, deploymentsDir: dir });
    expect(noop.owner).toBe(getAddress(owner.account.address));
  });

  it("never registers a recorded emergency stop owned by another account; deploys its own and warns", async () => {
    const { viem, publicClient, owner, stranger } = await setup();
    const dir = newDir();
    await deployVerifierStack({ publicClient, walletClient: owner, deploymentsDir: dir });
    // A record left by an earlier version: the stranger's mock verifier and emergency stop, not yet registered.
    const mock = await viem.deployContract("MockReceiptVerifier", [false], { client: { wallet: stranger } });
    const stop = await viem.deployContract(
      "EmergencyStopVerifier",
      [mock.address, stranger.account.address],
      {
        client: { wallet: stranger },
      },
    );
    const record = readDeployment(dir, 31337)!;
    record.verifiers.push({
      kind: "mock",
      selector: "0xffffffff",
      verifier: mock.address,
      emergencyStop: stop.address,
    });
    writeFileSync(deploymentPath(dir, 31337), JSON.stringify(record));

    const log: string[] = [];
    const after = await deployVerifierStack({
      publicClient,
      walletClient: owner,
      mock: true,
      deploymentsDir: dir,
      log: (m) => log.push(m),
    });
    expect(log.join("\n")).toMatch(
      /WARNING: the recorded emergency stop .* is owned by .*not registering it/,
    );
    const registered = after.verifiers.find((v) => v.selector === "0xffffffff")!;
    expect(registered.emergencyStop).not.toBe(getAddress(stop.address));
    const router = await viem.getContractAt("ReceiptVerifierRouter", after.router);
    expect(getAddress((await router.read.getVerifier(["0xffffffff"])) as string)).toBe(
      registered.emergencyStop,
    );
    const newStop = await viem.getContractAt("EmergencyStopVerifier", registered.emergencyStop);
    expect(getAddress((await newStop.read.owner()) as string)).toBe(getAddress(owner.account.address));
  });

  it("records the on-chain owner and a pending owner after a two-step handover", async () => {
    const { publicClient, owner, heir } = await setup();
    const record = await deployVerifierStack({
      publicClient,
      walletClient: owner,
      owner: heir.account.address,
      deploymentsDir: newDir(),
    });
    expect(record.owner).toBe(getAddress(owner.account.address));
    expect(record.pendingOwner).toBe(getAddress(heir.account.address));
  });

  it("drops entries without code: a reset chain starts afresh", async () => {
    const dir = newDir();
    const a = await setup();
    const before = await deployVerifierStack({
      publicClient: a.publicClient,
      walletClient: a.owner,
      mock: true,
      deploymentsDir: dir,
    });
    const b = await setup(); // a fresh chain with the same id: nothing of the record exists there
    const log: string[] = [];
    const after = await deployVerifierStack({
      publicClient: b.publicClient,
      walletClient: b.owner,
      deploymentsDir: dir,
      log: (m) => log.push(m),
    });
    expect(log.join("\n")).toMatch(/no contract at the recorded router .*was the chain reset/);
    // Only what this run deployed is recorded (the mock was not asked for this time).
    expect(after.verifiers.map((v) => v.kind)).toEqual(["groth16"]);
    expect(await b.publicClient.getCode({ address: after.router })).toMatch(/^0x[0-9a-f]{10,}/);
    expect(before.verifiers.length).toBe(2);

    // A verifier entry whose contract is gone while the router remains is dropped too.
    const record = readDeployment(dir, 31337)!;
    record.verifiers.push({
      kind: "mock",
      selector: "0xffffffff",
      verifier: getAddress(`0x${"12".repeat(20)}`),
      emergencyStop: getAddress(`0x${"34".repeat(20)}`),
    });
    writeFileSync(deploymentPath(dir, 31337), JSON.stringify(record));
    const dropped: string[] = [];
    const again = await deployVerifierStack({
      publicClient: b.publicClient,
      walletClient: b.owner,
      deploymentsDir: dir,
      log: (m) => dropped.push(m),
    });
    expect(dropped.join("\n")).toMatch(/dropping mock verifier 0xffffffff .*no contract/);
    expect(again.verifiers.map((v) => v.kind)).toEqual(["groth16"]);
  });
});
