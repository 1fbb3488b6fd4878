import type { Digest } from "../hash/digest.ts";
import { haltedClaim, journalDigest, type ReceiptClaim, receiptClaimDigest } from "../receipt/claim.ts";
import { type ExecuteOptions, type ExecutionResult, execute } from "./executor.ts";
import { computeImageId } from "./image-id.ts";
import { loadProgram, type Program } from "./program.ts";

/** An execution together with the statement it supports: the ImageID and the receipt claim. */
export interface Session extends ExecutionResult {
  imageId: Digest;
  journalDigest: Digest;
  /** `ReceiptClaim` of a halted run: ok(imageId, sha256(journal)) when the exit code is 0. */
  claim: ReceiptClaim;
  claimDigest: Digest;
}

/** Builds the claim of a finished execution of `program`. */
export function sessionFromResult(program: Program, result: ExecutionResult): Session {
  const imageId = computeImageId(program);
  const jd = journalDigest(result.journal);
  const claim = haltedClaim(imageId, jd, result.exitCode);
  return { ...result, imageId, journalDigest: jd, claim, claimDigest: receiptClaimDigest(claim) };
}

/** Loads an ELF (or a loaded program), executes it and returns the session with its claim. */
export function executeSession(elf: Uint8Array | Program, options: ExecuteOptions = {}): Session {
  const program = elf instanceof Uint8Array ? loadProgram(elf) : elf;
  return sessionFromResult(program, execute(program, options));
}
