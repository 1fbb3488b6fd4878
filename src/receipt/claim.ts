import { sha256 } from "@noble/hashes/sha2.js";
import { assertDigest, type Digest, ZERO_DIGEST } from "../hash/digest.ts";
import { taggedList, taggedStruct } from "../hash/tagged.ts";

/**
 * Claim types with RISC Zero's digests (risc0-zkvm `ReceiptClaim`, `Output`, `SystemState`,
 * `Assumption`), so that a claim digest computed here is accepted by contracts written for RISC Zero.
 */

/** Machine state at the start or end of a segment: program counter and memory Merkle root. */
export interface SystemState {
  pc: number;
  merkleRoot: Digest;
}

export function systemStateDigest(state: SystemState): Digest {
  return taggedStruct("risc0.SystemState", [state.merkleRoot], [state.pc]);
}

/** Digest of the post-state of a halted program: `SystemState { pc: 0, merkleRoot: 0 }`. */
export const SYSTEM_STATE_ZERO_DIGEST: Digest = systemStateDigest({ pc: 0, merkleRoot: ZERO_DIGEST });

/** A receipt this one depends on (composition): the assumed claim and the control root it was proven under. */
export interface Assumption {
  claim: Digest;
  controlRoot: Digest;
}

export function assumptionDigest(a: Assumption): Digest {
  return taggedStruct("risc0.Assumption", [a.claim, a.controlRoot]);
}

export function assumptionsDigest(list: readonly Assumption[]): Digest {
  return taggedList("risc0.Assumptions", list.map(assumptionDigest));
}

/** What the guest committed: the journal digest and the digest of its assumptions list. */
export interface Output {
  journalDigest: Digest;
  assumptionsDigest: Digest;
}

export function outputDigest(output: Output): Digest {
  return taggedStruct("risc0.Output", [output.journalDigest, output.assumptionsDigest]);
}

/** How execution ended. `user` is the guest's exit code where the kind carries one. */
export type ExitCode =
  | { kind: "halted"; user: number }
  | { kind: "paused"; user: number }
  | { kind: "system-split" }
  | { kind: "session-limit" };

/** The (system, user) pair that RISC Zero hashes for an exit code. */
export function exitCodePair(code: ExitCode): [system: number, user: number] {
  switch (code.kind) {
    case "halted":
      return [0, code.user >>> 0];
    case "paused":
      return [1, code.user >>> 0];
    case "system-split":
      return [2, 0];
    case "session-limit":
      return [2, 2];
  }
}

/** The statement a receipt proves. `output` is the digest of an {@link Output}, or zero when there is none. */
export interface ReceiptClaim {
  preStateDigest: Digest;
  postStateDigest: Digest;
  exitCode: ExitCode;
  input: Digest;
  output: Digest;
}

export function receiptClaimDigest(claim: ReceiptClaim): Digest {
  const [system, user] = exitCodePair(claim.exitCode);
  return taggedStruct(
    "risc0.ReceiptClaim",
    [claim.input, claim.preStateDigest, claim.postStateDigest, claim.output],
    [system, user],
  );
}

/** The claim of a program with `imageId` that halted with exit code 0 and committed a journal with this digest. */
export function okClaim(imageId: Digest, journalDigest: Digest): ReceiptClaim {
  return haltedClaim(imageId, journalDigest, 0);
}

/** The claim of a program that halted with any user exit code. */
export function haltedClaim(imageId: Digest, journalDigest: Digest, userExit: number): ReceiptClaim {
  assertDigest(imageId, "imageId");
  assertDigest(journalDigest, "journalDigest");
  return {
    preStateDigest: imageId,
    postStateDigest: SYSTEM_STATE_ZERO_DIGEST,
    exitCode: { kind: "halted", user: userExit },
    input: ZERO_DIGEST,
    output: outputDigest({ journalDigest, assumptionsDigest: ZERO_DIGEST }),
  };
}

/** sha256 of the journal bytes, as RISC Zero and the on-chain verifier interface define it. */
export function journalDigest(journal: Uint8Array): Digest {
  return sha256(journal);
}
