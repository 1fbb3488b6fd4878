import { hexToBytes } from "@noble/hashes/utils.js";
import type { Hex } from "viem";
import claimVectors from "../fixtures/claim-digests.json" with { type: "json" };
import receipts from "../fixtures/risc0-groth16-receipts.json" with { type: "json" };

/** RISC Zero's real Groth16 receipts from the shared vectors, as bytes and as 0x-hex. */
export const REAL_RECEIPTS = receipts.receipts.map((r) => ({
  name: r.name,
  seal: hexToBytes(r.seal),
  journal: hexToBytes(r.journal),
  imageId: hexToBytes(r.imageId),
  controlRoot: hexToBytes(r.controlRoot),
  bn254ControlId: hexToBytes(r.bn254ControlId),
  claimDigest: hexToBytes(r.claimDigest),
  selector: hexToBytes(r.selector),
  hex: {
    seal: `0x${r.seal}` as Hex,
    journal: `0x${r.journal}` as Hex,
    imageId: `0x${r.imageId}` as Hex,
    controlRoot: `0x${r.controlRoot}` as Hex,
    bn254ControlId: `0x${r.bn254ControlId}` as Hex,
    claimDigest: `0x${r.claimDigest}` as Hex,
    selector: `0x${r.selector}` as Hex,
  },
}));

export const RISC0_VK_JSON = receipts.verificationKey;
export const PARAMS_VECTOR = claimVectors.groth16ReceiptVerifierParametersV3_0;
export const CLAIM_VECTORS = claimVectors;
