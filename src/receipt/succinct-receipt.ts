import { ZERO_DIGEST } from "../hash/digest.ts";
import { digestToBytes } from "../hash/poseidon2.ts";
import type { RecursionShape } from "../recursion/air.ts";
import { type ControlInclusion, controlRootOf } from "../recursion/control.ts";
import { Claim, RECURSION_PUBLIC_COUNT, recursionTemplate, shapeHeights } from "../recursion/programs.ts";
import type { StarkConfig } from "../stark/config.ts";
import { VerificationError } from "../stark/errors.ts";
import { poseidon2Hash } from "../stark/poseidon2-hash.ts";
import { ProofFormatError } from "../stark/proof-codec.ts";
import { verifyStarkBytes } from "../stark/verifier.ts";
import { type ExitCode, type ReceiptClaim, SYSTEM_STATE_ZERO_DIGEST } from "./claim.ts";
import { ReceiptVerificationError } from "./errors.ts";
import { expectOkClaim } from "./expect-claim.ts";

/**
 * A succinct receipt (docs/recursion.md §5): one recursion proof of a whole session, whatever its number of
 * segments. Its public values are the control root and the structured claim; the program that made it is
 * identified by its preprocessed root (its control ID, the AIR digest, follows) and its membership in the
 * control root is shown by an inclusion proof.
 */
export interface SuccinctReceipt {
  readonly kind: "succinct";
  readonly journal: Uint8Array;
  /** The recursion proof (the STARK proof codec's bytes). */
  readonly seal: Uint8Array;
  /** The proof's public values: control root (8) and claim (35). */
  readonly publics: readonly number[];
  /** The preprocessed root of the recursion program that made the proof. */
  readonly preprocessedRoot: Uint32Array;
  readonly inclusion: ControlInclusion;
}

/** What a verifier of succinct receipts fixes: the recursion release. */
export interface RecursionRelease {
  readonly shape: RecursionShape;
  readonly config: StarkConfig;
  /** The allowed set's root the receipt must carry. */
  readonly controlRoot: Uint32Array;
}

const digestAt = (p: readonly number[], at: number) => Uint32Array.from(p.slice(at, at + 8));

/** The ReceiptClaim a recursion proof's public values state (RISC Zero's shape; SHA-256 digests apply). */
export function recursionClaim(publics: readonly number[]): ReceiptClaim {
  if (publics.length !== RECURSION_PUBLIC_COUNT)
    throw new ReceiptVerificationError(
      `a recursion claim has ${RECURSION_PUBLIC_COUNT} values, got ${publics.length}`,
    );
  const halted = publics[Claim.HALTED] === 1;
  const exitCode: ExitCode = halted
    ? { kind: "halted", user: (publics[Claim.EXIT_LO]! | (publics[Claim.EXIT_HI]! << 16)) >>> 0 }
    : { kind: "system-split" };
  const output = new Uint8Array(32);
  for (let k = 0; k < 16; k++) {
    output[2 * k] = publics[Claim.OUTPUT + k]! & 0xff;
    output[2 * k + 1] = publics[Claim.OUTPUT + k]! >>> 8;
  }
  return {
    preStateDigest: digestToBytes(digestAt(publics, Claim.PRE)),
    postStateDigest: halted ? SYSTEM_STATE_ZERO_DIGEST : digestToBytes(digestAt(publics, Claim.POST)),
    exitCode,
    input: ZERO_DIGEST,
    output: halted ? output : ZERO_DIGEST.slice(),
  };
}

/**
 * Checks the proof, that its program is in the release's allowed set, and the claim: `imageId` halted with
 * exit code 0 and committed `journal`. Returns the claim (its digest equals the composite receipt's of the
 * same session).
 */
export function verifySuccinct(
  r: SuccinctReceipt,
  imageId: Uint8Array,
  journal: Uint8Array,
  release: RecursionRelease,
): ReceiptClaim {
  let verified: { airDigest: Uint32Array };
  try {
    verified = verifyStarkBytes(
      recursionTemplate(release.shape),
      release.config,
      poseidon2Hash,
      r.publics,
      r.seal,
      // Every program of the release runs at its shape: pin the heights (the control ID covers the rest).
      { preprocessedRoot: r.preprocessedRoot, logHeights: shapeHeights(release.shape) },
    );
  } catch (e) {
    if (e instanceof VerificationError || e instanceof ProofFormatError)
      throw new ReceiptVerificationError("the succinct receipt's proof does not verify", { cause: e });
    throw e;
  }
  const root = digestAt(r.publics, Claim.CONTROL_ROOT);
  if (!root.every((x, i) => x === release.controlRoot[i]))
    throw new ReceiptVerificationError("the receipt names another control root than this release's");
  const inRoot = controlRootOf(verified.airDigest, r.inclusion);
  if (!inRoot.every((x, i) => x === root[i]))
    throw new ReceiptVerificationError("the proving program is not in the release's allowed set");
  const claim = recursionClaim(r.publics);
  expectOkClaim(claim, imageId, journal);
  return claim;
}
