import { type Address, getAddress, sha256, zeroHash } from "viem";
import { describe, expect, it } from "vitest";
import MockVerifier from "../../ignition/modules/MockVerifier.ts";
import ReceiptVerifierStack from "../../ignition/modules/ReceiptVerifierStack.ts";
import { REAL_RECEIPTS } from "../eth/fixtures.ts";
import { connectChain } from "./chain.ts";
import { outcome } from "./helpers.ts";

// Typed contract instances come from artifacts that do not exist at typecheck time in CI, so tests take the
// deployed addresses from Ignition and attach the ABIs through hardhat-viem.
type Deployed = Record<string, { address: Address }>;

describe("Hardhat Ignition modules", () => {
  it("ReceiptVerifierStack deploys a router that verifies RISC Zero's receipt for the chosen control root", async () => {
    const { ignition, viem } = await connectChain();
    const r = REAL_RECEIPTS[0]!;
    const deployed = (await ignition.deploy(ReceiptVerifierStack, {
      parameters: { ReceiptVerifierStack: { controlRoot: r.hex.controlRoot } },
    })) as unknown as Deployed;
    const router = await viem.getContractAt("ReceiptVerifierRouter", deployed.router!.address);
    const verifier = await viem.getContractAt("RiscZeroGroth16Verifier", deployed.verifier!.address);
    expect(await verifier.read.SELECTOR()).toBe(r.hex.selector);
    expect(getAddress((await router.read.getVerifier([r.hex.selector])) as string)).toBe(
      getAddress(deployed.emergencyStop!.address),
    );
    expect(await outcome(router.read.verify([r.hex.seal, r.hex.imageId, sha256(r.hex.journal)]))).toBe("ok");
  });

  it("MockVerifier adds the dev-mode verifier next to the default (newest) Groth16 verifier", async () => {
    const { ignition, viem } = await connectChain();
    const deployed = (await ignition.deploy(MockVerifier)) as unknown as Deployed;
    const router = await viem.getContractAt("ReceiptVerifierRouter", deployed.router!.address);
    const r = REAL_RECEIPTS[1]!;
    expect(await outcome(router.read.verify([r.hex.seal, r.hex.imageId, sha256(r.hex.journal)]))).toBe("ok");
    const zeroClaimSeal = `0xffffffff${"00".repeat(32)}` as const;
    expect(await outcome(router.read.verifyIntegrity([{ seal: zeroClaimSeal, claimDigest: zeroHash }]))).toBe(
      "ok",
    );
  });
});
