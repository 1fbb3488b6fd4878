import { bytesToHex } from "@noble/hashes/utils.js";
import { assertDigest, type Digest, digestsEqual, ZERO_DIGEST } from "../hash/digest.ts";
import { type SegmentStatement, StatementError, stateDigest } from "../machine/statement.ts";
import { MACHINE_CONFIG, verifySegmentSeal } from "../machine/verify.ts";
import type { StarkConfig } from "../stark/config.ts";
import { VerificationError } from "../stark/errors.ts";
import { ProofFormatError } from "../stark/proof-codec.ts";
import {
  type ExitCode,
  journalDigest,
  outputDigest,
  type ReceiptClaim,
  SYSTEM_STATE_ZERO_DIGEST,
} from "./claim.ts";
import { ReceiptVerificationError } from "./fake-receipt.ts";

/**
 * Real receipts of the RV32IM machine (docs/machine.md §9). A segment receipt is one STARK proof (its seal)
 * with the statement it proves; its claim is RISC Zero's ReceiptClaim of the segment. A composite receipt
 * is the ordered segments of a session with the journal; verifying it checks every proof and that the
 * segments chain, and gives the session's claim: the same claim digest as the dev-mode (and RISC Zero)
 * receipt of the same execution.
 */
export interface SegmentReceipt {
  readonly kind: "segment";
  readonly index: number;
  readonly statement: SegmentStatement;
  readonly seal: Uint8Array;
}

export interface CompositeReceipt {
  readonly kind: "composite";
  /** The STARK configuration the segments were proven with (the verifier decides what it accepts). */
  readonly config: StarkConfig;
  readonly segments: readonly SegmentReceipt[];
  readonly journal: Uint8Array;
}

/** A segment's proof does not verify. */
export class InvalidSegmentProofError extends ReceiptVerificationError {
  override name = "InvalidSegmentProofError";
  readonly segment: number;
  constructor(segment: number, cause: Error) {
    super(`segment ${segment}: the proof does not verify`, { cause });
    this.segment = segment;
  }
}

/** The segments do not form one session (order, chaining, or where it starts and ends). */
export class SegmentChainError extends ReceiptVerificationError {
  override name = "SegmentChainError";
}

/** ReceiptClaim of one segment: split segments have no exit code or output. */
export function segmentClaim(st: SegmentStatement): ReceiptClaim {
  const exitCode: ExitCode = st.halted ? { kind: "halted", user: st.exitCode } : { kind: "system-split" };
  return {
    preStateDigest: stateDigest(st.pre),
    postStateDigest: st.halted ? SYSTEM_STATE_ZERO_DIGEST : stateDigest(st.post),
    exitCode,
    input: ZERO_DIGEST,
    output: st.halted ? st.output.slice() : ZERO_DIGEST,
  };
}

export interface VerifyOptions {
  /** STARK configuration the proofs must use (default: the machine's 100-bit configuration). */
  readonly config?: StarkConfig;
}

/** Verifies one segment receipt; returns its claim. */
export function verifySegmentReceipt(r: SegmentReceipt, options: VerifyOptions = {}): ReceiptClaim {
  try {
    verifySegmentSeal(r.statement, r.seal, options.config ?? MACHINE_CONFIG);
  } catch (e) {
    if (e instanceof VerificationError || e instanceof ProofFormatError || e instanceof StatementError)
      throw new InvalidSegmentProofError(r.index, e);
    throw e;
  }
  return segmentClaim(r.statement);
}

const stateKey = (s: SegmentStatement["pre"]) => `${s.pc}/${s.cycles}/${Array.from(s.root).join(",")}`;

/**
 * Verifies every segment and the chaining; returns the session's claim (whatever its exit code). Use
 * {@link verifyComposite} to also check the ImageID, a zero exit code and the journal.
 */
export function verifyCompositeIntegrity(r: CompositeReceipt, options: VerifyOptions = {}): ReceiptClaim {
  const config = options.config ?? MACHINE_CONFIG;
  const describe = (c: StarkConfig) =>
    `log blowup ${c.logBlowup}, ${c.numQueries} queries, ${c.powBits} PoW bits, FRI arity 2^${c.friLogArity}, final degree 2^${c.logFinalDegree}`;
  if (describe(r.config) !== describe(config))
    throw new ReceiptVerificationError(
      `the receipt was proven with ${describe(r.config)}; this verifier requires ${describe(config)}`,
    );
  const segs = r.segments;
  if (segs.length === 0) throw new SegmentChainError("the receipt has no segments");
  segs.forEach((s, i) => {
    if (s.index !== i) throw new SegmentChainError(`segment ${i} says it is segment ${s.index}`);
    if (i > 0 && stateKey(segs[i - 1]!.statement.post) !== stateKey(s.statement.pre))
      throw new SegmentChainError(`segment ${i} does not start where segment ${i - 1} ends`);
    if (i + 1 < segs.length && s.statement.halted)
      throw new SegmentChainError(`segment ${i} halts, but segments follow it`);
  });
  if (segs[0]!.statement.pre.cycles !== 0)
    throw new SegmentChainError("the first segment does not start at cycle 0");
  const last = segs[segs.length - 1]!;
  if (!last.statement.halted)
    throw new SegmentChainError("the last segment does not halt: the session is incomplete");
  for (const s of segs) verifySegmentReceipt(s, { config });
  return compositeClaim(r);
}

/**
 * The claim a composite receipt states: the first segment's pre-state and the last segment's end. Nothing
 * is verified: use {@link verifyComposite} for that.
 */
export function compositeClaim(r: CompositeReceipt): ReceiptClaim {
  if (r.segments.length === 0) throw new SegmentChainError("the receipt has no segments");
  const first = segmentClaim(r.segments[0]!.statement);
  const end = segmentClaim(r.segments[r.segments.length - 1]!.statement);
  return { ...end, preStateDigest: first.preStateDigest };
}

/**
 * Verifies a composite receipt for a program: every proof, the chaining, the ImageID, exit code 0 and
 * the journal (the receipt's own unless one is given). Returns the claim.
 */
export function verifyComposite(
  r: CompositeReceipt,
  imageId: Digest,
  journal: Uint8Array = r.journal,
  options: VerifyOptions = {},
): ReceiptClaim {
  assertDigest(imageId, "imageId");
  const claim = verifyCompositeIntegrity(r, options);
  if (!digestsEqual(claim.preStateDigest, imageId))
    throw new ReceiptVerificationError(
      `the receipt is for ImageID ${bytesToHex(claim.preStateDigest)}, not ${bytesToHex(imageId)}`,
    );
  if (claim.exitCode.kind !== "halted" || claim.exitCode.user !== 0)
    throw new ReceiptVerificationError(
      `the program did not halt with exit code 0 (exit code ${"user" in claim.exitCode ? claim.exitCode.user : claim.exitCode.kind})`,
    );
  const expected = outputDigest({ journalDigest: journalDigest(journal), assumptionsDigest: ZERO_DIGEST });
  if (!digestsEqual(claim.output, expected))
    throw new ReceiptVerificationError(
      "the journal does not match the receipt: its Output digest differs from the one the guest committed at HALT",
    );
  return claim;
}
