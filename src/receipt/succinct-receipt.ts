import { ZERO_DIGEST } from "../hash/digest.ts";
import { digestToBytes } from "../hash/poseidon2.ts";
import type { RecursionShape } from "../recursion/air.ts";
import { type ControlInclusion, controlRootOf } from "../recursion/control.ts";
import {
  Claim,
  CONTROL_DEPTH,
  RECURSION_PUBLIC_COUNT,
  recursionTemplate,
  shapeHeights,
} from "../recursion/programs.ts";
import type { StarkConfig } from "../stark/config.ts";
import { VerificationError } from "../stark/errors.ts";
import { poseidon2Hash } from "../stark/poseidon2-hash.ts";
import { ProofFormatError } from "../stark/proof-codec.ts";
import { verifyStarkBytes } from "../stark/verifier.ts";
import { type ExitCode, type ReceiptClaim, receiptClaimDigest, SYSTEM_STATE_ZERO_DIGEST } from "./claim.ts";
import { ReceiptDecodeError, ReceiptVerificationError } from "./errors.ts";
import { expectOkClaim } from "./expect-claim.ts";
import { decodeReceiptFields, hex, hexField, receiptJsonFields } from "./receipt-json.ts";

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
  // The wrap circuit range-checks these fields the same way: each claim has exactly one reading.
  const flag = publics[Claim.HALTED]!;
  if (flag !== 0 && flag !== 1)
    throw new ReceiptVerificationError(`a recursion claim's halted flag is 0 or 1, got ${flag}`);
  for (const at of [Claim.EXIT_LO, Claim.EXIT_HI, ...Array.from({ length: 16 }, (_, k) => Claim.OUTPUT + k)])
    if (!(publics[at]! >= 0 && publics[at]! < 0x10000))
      throw new ReceiptVerificationError(
        `a recursion claim's value ${at} is a 16-bit half, got ${publics[at]}`,
      );
  const halted = flag === 1;
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
  // The cheap check first: a receipt of another release would otherwise fail as "does not verify".
  if (r.publics.length !== RECURSION_PUBLIC_COUNT)
    throw new ReceiptVerificationError(
      `a succinct receipt has ${RECURSION_PUBLIC_COUNT} public values, got ${r.publics.length}`,
    );
  const root = digestAt(r.publics, Claim.CONTROL_ROOT);
  if (!root.every((x, i) => x === release.controlRoot[i]))
    throw new ReceiptVerificationError("the receipt names another control root than this release's");
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
  const inRoot = controlRootOf(verified.airDigest, r.inclusion);
  if (!inRoot.every((x, i) => x === root[i]))
    throw new ReceiptVerificationError("the proving program is not in the release's allowed set");
  const claim = recursionClaim(r.publics);
  expectOkClaim(claim, imageId, journal);
  return claim;
}

const P = 2013265921;

function elements(v: unknown, n: number, what: string): number[] {
  if (!Array.isArray(v) || v.length !== n || !v.every((x) => Number.isInteger(x) && x >= 0 && x < P))
    throw new ReceiptDecodeError(`${what} must be ${n} canonical BabyBear elements`);
  return v as number[];
}

/**
 * JSON form (docs/receipts.md): the common fields (claim, journal), the seal as hex, the public values, the
 * proving program's preprocessed root and its inclusion in the control tree as arrays of field elements.
 */
export function encodeSuccinctReceipt(r: SuccinctReceipt): string {
  return JSON.stringify({
    ...receiptJsonFields(recursionClaim(r.publics), r.journal),
    kind: "succinct",
    seal: hex(r.seal),
    publics: [...r.publics],
    preprocessedRoot: [...r.preprocessedRoot],
    inclusion: { index: r.inclusion.index, path: r.inclusion.path.map((d) => [...d]) },
  });
}

/** From parsed JSON whose kind is "succinct"; refuses a claim that the public values do not state. */
export function decodeSuccinctReceipt(json: Record<string, unknown>): SuccinctReceipt {
  const { claim, journal } = decodeReceiptFields(json);
  const publics = elements(json.publics, RECURSION_PUBLIC_COUNT, "publics");
  const inc = json.inclusion as { index?: unknown; path?: unknown } | undefined;
  const index = inc?.index;
  if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index >= 2 ** CONTROL_DEPTH)
    throw new ReceiptDecodeError(`inclusion.index must be an integer in [0, ${2 ** CONTROL_DEPTH})`);
  if (!Array.isArray(inc?.path) || inc.path.length !== CONTROL_DEPTH)
    throw new ReceiptDecodeError(`inclusion.path must hold ${CONTROL_DEPTH} digests`);
  const path = inc.path.map((d, i) => Uint32Array.from(elements(d, 8, `inclusion.path[${i}]`)));
  const stated = recursionClaim(publics);
  if (!receiptClaimDigest(stated).every((b, i) => b === receiptClaimDigest(claim)[i]))
    throw new ReceiptDecodeError("the claim differs from the one the public values state");
  return {
    kind: "succinct",
    journal,
    seal: hexField(json, "seal"),
    publics,
    preprocessedRoot: Uint32Array.from(elements(json.preprocessedRoot, 8, "preprocessedRoot")),
    inclusion: { index, path },
  };
}
