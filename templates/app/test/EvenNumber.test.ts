/**
 * EvenNumber end to end: prove with the guest, then call the contract with the receipt's seal.
 *
 * Runs in dev mode (fake receipts, accepted only by the mock verifier) unless ZKVM_DEV_MODE=0; proving for
 * real needs the STARK prover and Groth16 compression of zkvm-kit, and then runs against its Groth16
 * verifier with no other change.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { before, describe, it } from "node:test";
import { network } from "hardhat";
import { encodeAbiParameters, hexToBytes, toHex } from "viem";
import { receiptSeal } from "zkvm-kit";
import { deployVerifierStack } from "zkvm-kit/eth";
import { prove } from "zkvm-kit/zkvm";

const dev = process.env.ZKVM_DEV_MODE !== "0";
const elf = new Uint8Array(readFileSync(new URL("../build/is-even.elf", import.meta.url)));
const uint256 = (x: bigint) => hexToBytes(encodeAbiParameters([{ type: "uint256" }], [x]));

/** Proves the guest on input x; returns the seal for the contract and the guest's exit code. */
function proveEven(x: bigint) {
  const { receipt, session } = prove(elf, { input: uint256(x), dev, warn: () => {} });
  return { seal: toHex(receiptSeal(receipt)), exitCode: session.exitCode };
}

describe("EvenNumber", () => {
  let viem: Awaited<ReturnType<typeof network.create>>["viem"];
  let router: `0x${string}`;

  before(async () => {
    ({ viem } = await network.create());
    const [owner] = await viem.getWalletClients();
    // The router with the dev-mode mock verifier (dev) or the Groth16 verifier, as `zkvm deploy` deploys them.
    ({ router } = await deployVerifierStack({
      publicClient: await viem.getPublicClient(),
      walletClient: owner!,
      mock: dev,
      deploymentsDir: null,
    }));
  });

  it("sets an even number given a receipt of the guest for it", async () => {
    const even = await viem.deployContract("EvenNumber", [router]);
    const { seal, exitCode } = proveEven(42n);
    assert.equal(exitCode, 0);
    await even.write.set([42n, seal]);
    assert.equal(await even.read.number(), 42n);
  });

  it("refuses a number the receipt is not for, and an odd number (the guest fails)", async () => {
    const even = await viem.deployContract("EvenNumber", [router]);
    const { seal } = proveEven(42n);
    await assert.rejects(even.write.set([44n, seal]));
    const odd = proveEven(43n);
    assert.equal(odd.exitCode, 1);
    await assert.rejects(even.write.set([43n, odd.seal]));
    assert.equal(await even.read.number(), 0n);
  });
});
