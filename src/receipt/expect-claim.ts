import { bytesToHex } from "@noble/hashes/utils.js";
import { assertDigest, type Digest, digestsEqual } from "../hash/digest.ts";
import { type ExitCode, journalDigest, okClaim, type ReceiptClaim, receiptClaimDigest } from "./claim.ts";
import { ReceiptVerificationError } from "./errors.ts";

/**
 * Checks that `claim` states what a verifier accepts for `imageId`: the program with that ImageID halted
 * with exit code 0 and committed `journal` (its Output digest is over sha256(journal), no assumptions).
 * Every receipt kind checks its claim this way before (or after) checking its seal.
 */
export function expectOkClaim(claim: ReceiptClaim, imageId: Digest, journal: Uint8Array): void {
  assertDigest(imageId, "imageId");
  if (!digestsEqual(claim.preStateDigest, imageId)) {
    throw new ReceiptVerificationError(
      `the receipt is for ImageID 0x${bytesToHex(claim.preStateDigest)}, not 0x${bytesToHex(imageId)}`,
    );
  }
  if (claim.exitCode.kind !== "halted" || claim.exitCode.user !== 0) {
    throw new ReceiptVerificationError(
      `the receipt's program did not halt with exit code 0 (${describeExit(claim.exitCode)})`,
    );
  }
  const expected = okClaim(imageId, journalDigest(journal));
  if (!digestsEqual(receiptClaimDigest(claim), receiptClaimDigest(expected))) {
    throw new ReceiptVerificationError(
      "the receipt's claim does not match its journal (the Output digest differs from sha256(journal))",
    );
  }
}

export function describeExit(e: ExitCode): string {
  return "user" in e ? `${e.kind} ${e.user}` : e.kind;
}
