import { hexToBytes } from "@noble/hashes/utils.js";
import { bytesToHex, type Hex, sha256 } from "viem";
import { beforeAll, describe, expect, it } from "vitest";
import { proofFromSnarkjs, type SnarkjsProof } from "../../src/groth16/types.ts";
import {
  groth16ReceiptPublicInputs,
  groth16Selector,
  verifyGroth16Receipt,
  verifyGroth16ReceiptForJournal,
} from "../../src/receipt/groth16-receipt.ts";
import { encodeGroth16Seal } from "../../src/receipt/seal.ts";
import { SNARKJS_FIXTURE as fx, TEST_VERIFIERS } from "../eth/test-verifiers.ts";
import { connectChain } from "./chain.ts";
import { flip, outcome } from "./helpers.ts";

/**
 * A key and proof made by circom + snarkjs (scripts/make-snarkjs-receipt-fixture.ts): the generator, the
 * seal codec and both verifiers must handle snarkjs-format keys, as our own compressed receipts will use.
 */
const params = {
  controlRoot: hexToBytes(fx.controlRoot),
  bn254ControlId: hexToBytes(fx.bn254ControlId),
  verifyingKey: TEST_VERIFIERS[0]!.verifyingKey,
};
const seal = encodeGroth16Seal(
  groth16Selector(params),
  proofFromSnarkjs(fx.proof as unknown as SnarkjsProof),
);
const sealHex = bytesToHex(seal);
const claimDigest = hexToBytes(fx.claimDigest);
type Viem = Awaited<ReturnType<typeof connectChain>>["viem"];
let verifier: Awaited<ReturnType<Viem["deployContract"]>>;

beforeAll(async () => {
  const { viem } = await connectChain();
  verifier = await viem.deployContract("SnarkjsFixtureGroth16Verifier", [
    `0x${fx.controlRoot}`,
    `0x${fx.bn254ControlId}`,
  ]);
});

describe("a verifier generated from a snarkjs verification key", () => {
  it("our public inputs are exactly snarkjs's public signals", () => {
    expect(groth16ReceiptPublicInputs(params, claimDigest).map(String)).toEqual(fx.publicSignals);
  });

  it("verifies the snarkjs proof off chain and rejects a changed claim", () => {
    expect(verifyGroth16Receipt(seal, claimDigest, params)).toBe(true);
    expect(verifyGroth16ReceiptForJournal(seal, hexToBytes(fx.imageId), hexToBytes(fx.journal), params)).toBe(
      true,
    );
    expect(verifyGroth16ReceiptForJournal(seal, hexToBytes(fx.imageId), new Uint8Array(3), params)).toBe(
      false,
    );
  });

  it("verifies it on chain, with the selector both sides compute", async () => {
    expect(await verifier.read.SELECTOR()).toBe(bytesToHex(groth16Selector(params)));
    const journalDigest = sha256(`0x${fx.journal}`);
    expect(await outcome(verifier.read.verify([sealHex, `0x${fx.imageId}`, journalDigest]))).toBe("ok");
    expect(await outcome(verifier.read.verify([sealHex, `0x${fx.imageId}`, flip(journalDigest, 5)]))).toBe(
      "VerificationFailed",
    );
    for (const byte of [4, 40, 70, 100, 130, 170, 200, 250]) {
      expect(
        await outcome(verifier.read.verify([flip(sealHex, byte) as Hex, `0x${fx.imageId}`, journalDigest])),
      ).not.toBe("ok");
    }
  });
});
