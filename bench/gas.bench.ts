/**
 * Gas of receipt verification on Hardhat's in-process EDR chain (Cancun rules, EIP-1108 precompile prices).
 * Figures are `gasUsed` of real transactions (view functions sent as transactions), so they include the
 * 21 000 base cost and calldata — what a caller pays. `gasLimit` is what `eth_estimateGas` asks for; it is
 * higher because a precompile call needs 64/63 of its gas available (EIP-150).
 *
 *   npm run bench -- gas
 */

import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import hre from "hardhat";
import { encodeAbiParameters, encodeFunctionData, type Hex, parseAbiParameters, sha256 } from "viem";
import { okClaim, receiptClaimDigest } from "../src/receipt/claim.ts";
import { encodeMockSeal } from "../src/receipt/seal.ts";
import fixtures from "../test/fixtures/risc0-groth16-receipts.json" with { type: "json" };

await hre.tasks.getTask("build").run({ quiet: true, noTests: true });
const { viem } = await hre.network.connect();
const publicClient = await viem.getPublicClient();
const [owner] = await viem.getWalletClients();
const hex = (s: string) => `0x${s}` as Hex;

async function txGas(to: Hex, data: Hex): Promise<{ gasUsed: number; gasLimit: number }> {
  const gasLimit = await publicClient.estimateGas({ account: owner!.account, to, data });
  const hash = await owner!.sendTransaction({ to, data });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error(`transaction to ${to} reverted`);
  return { gasUsed: Number(receipt.gasUsed), gasLimit: Number(gasLimit) };
}

async function deployGas(hash: Hex): Promise<number> {
  return Number((await publicClient.waitForTransactionReceipt({ hash })).gasUsed);
}

const router = await viem.deployContract("ReceiptVerifierRouter", [owner!.account.address]);
const mock = await viem.deployContract("MockReceiptVerifier", [false]);
const mockStop = await viem.deployContract("EmergencyStopVerifier", [mock.address, owner!.account.address]);
await router.write.addVerifier(["0xffffffff", mockStop.address]);

const figures: Record<string, number> = {};
for (const r of fixtures.receipts) {
  const { contract: verifier, deploymentTransaction } = await viem.sendDeploymentTransaction(
    "RiscZeroGroth16Verifier",
    [hex(r.controlRoot), hex(r.bn254ControlId)],
  );
  figures[`deployVerifier_${r.name}`] = await deployGas(deploymentTransaction.hash);
  const estop = await viem.deployContract("EmergencyStopVerifier", [
    verifier.address,
    owner!.account.address,
  ]);
  await router.write.addVerifier([hex(r.selector), estop.address]);
  const data = encodeFunctionData({
    abi: verifier.abi,
    functionName: "verify",
    args: [hex(r.seal), hex(r.imageId), sha256(hex(r.journal))],
  });
  const direct = await txGas(verifier.address, data);
  figures[`verifyDirect_${r.name}`] = direct.gasUsed;
  figures[`verifyDirectGasLimit_${r.name}`] = direct.gasLimit;
  figures[`verifyViaEmergencyStop_${r.name}`] = (await txGas(estop.address, data)).gasUsed;
  figures[`verifyViaRouter_${r.name}`] = (await txGas(router.address, data)).gasUsed;
}

// EvenNumber behind the router. No real Groth16 receipt of the even-number guest exists yet, so the call is
// measured with a dev-mode seal and the Groth16 figure is derived: (set with mock) − (router verify with
// mock) + (router verify with Groth16).
const imageId = hex("11".repeat(32));
const even = await viem.deployContract("EvenNumber", [router.address, imageId]);
const mockSealFor = (value: bigint) => {
  const journal = encodeAbiParameters(parseAbiParameters("uint256"), [value]);
  const claim = receiptClaimDigest(
    okClaim(hexToBytes(imageId.slice(2)), hexToBytes(sha256(journal).slice(2))),
  );
  return { journalDigest: sha256(journal), seal: hex(bytesToHex(encodeMockSeal(claim))) };
};
const x = 1_000_000n;
figures.evenNumberSetMock = (
  await txGas(
    even.address,
    encodeFunctionData({ abi: even.abi, functionName: "set", args: [x, mockSealFor(x).seal] }),
  )
).gasUsed;
const routerMock = (
  await txGas(
    router.address,
    encodeFunctionData({
      abi: router.abi,
      functionName: "verify",
      args: [mockSealFor(x).seal, imageId, mockSealFor(x).journalDigest],
    }),
  )
).gasUsed;
figures.evenNumberSetGroth16Estimate = figures.evenNumberSetMock - routerMock + figures.verifyViaRouter_V3_0!;

for (const [k, v] of Object.entries(figures)) console.log(`${k.padEnd(36)} ${v.toLocaleString("en-US")}`);
console.log(JSON.stringify({ bench: "gas", ...figures }));
