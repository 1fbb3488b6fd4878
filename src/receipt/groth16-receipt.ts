import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { ZkvmError } from "../errors.ts";
import { BN254_R, type G1Affine, type G2Affine, type VerifyingKey } from "../groth16/types.ts";
import { verifyGroth16 } from "../groth16/verify.ts";
import { assertDigest, type Digest } from "../hash/digest.ts";
import { taggedList, taggedStruct } from "../hash/tagged.ts";
import { journalDigest as digestJournal, okClaim, type ReceiptClaim, receiptClaimDigest } from "./claim.ts";
import { ReceiptVerificationError } from "./errors.ts";
import { expectOkClaim } from "./expect-claim.ts";
import {
  RISC0_BN254_CONTROL_ID,
  RISC0_CONTROL_ROOTS,
  RISC0_DEFAULT_CONTROL_ROOT,
  RISC0_GROTH16_VERIFYING_KEY,
} from "./risc0.ts";
import { decodeGroth16Seal, SELECTOR_BYTES, SealFormatError, selectorToHex } from "./seal.ts";

/**
 * Groth16 receipts: a seal `selector ‖ proof` whose proof has the public inputs
 * `[controlRoot₀, controlRoot₁, claim₀, claim₁, bn254ControlId]` (digests split by {@link splitDigest}).
 * The selector is the first four bytes of the digest of the verifier parameters, computed as RISC Zero's
 * `Groth16ReceiptVerifierParameters` does, so a seal names exactly the key and control root it needs.
 */

/** Everything a Groth16 receipt verifier is built from. */
export interface Groth16ReceiptVerifierParameters {
  /** Root of the allowed recursion-circuit control ids. */
  controlRoot: Digest;
  /** The BN254 control id, as a big-endian field element (the way RISC Zero's ControlID.sol writes it). */
  bn254ControlId: Digest;
  verifyingKey: VerifyingKey;
}

/** Parameters for RISC Zero's verification key and a control root (default: the newest release we know). */
export function risc0Groth16Parameters(
  controlRoot: Digest = RISC0_DEFAULT_CONTROL_ROOT,
  bn254ControlId: Digest = RISC0_BN254_CONTROL_ID,
): Groth16ReceiptVerifierParameters {
  return { controlRoot, bn254ControlId, verifyingKey: RISC0_GROTH16_VERIFYING_KEY };
}

/** Thrown when a seal's selector names other verifier parameters than the ones given. */
export class SelectorMismatchError extends ZkvmError {
  override name = "SelectorMismatchError";
}

/** A 256-bit integer as 32 big-endian bytes (a field element as the EVM and ControlID.sol write it). */
export function be32(v: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** sha256(x ‖ y), 32-byte big-endian coordinates. */
function g1Digest(p: G1Affine): Digest {
  return sha256(concat([be32(p.x), be32(p.y)]));
}

/** sha256(x.c1 ‖ x.c0 ‖ y.c1 ‖ y.c0): the order in which Ethereum (and RISC Zero's Solidity) lists them. */
function g2Digest(p: G2Affine): Digest {
  return sha256(concat([be32(p.x.c1), be32(p.x.c0), be32(p.y.c1), be32(p.y.c0)]));
}

/** RISC Zero's digest of a Groth16 verifying key (`risc0_groth16::VerifyingKey::digest`). */
export function verifyingKeyDigest(vk: VerifyingKey): Digest {
  return taggedStruct("risc0_groth16.VerifyingKey", [
    g1Digest(vk.alpha),
    g2Digest(vk.beta),
    g2Digest(vk.gamma),
    g2Digest(vk.delta),
    taggedList("risc0_groth16.VerifyingKey.IC", vk.ic.map(g1Digest)),
  ]);
}

/** Digest of the verifier parameters; its first four bytes are the seal selector. */
export function groth16ParametersDigest(params: Groth16ReceiptVerifierParameters): Digest {
  assertDigest(params.controlRoot, "controlRoot");
  assertDigest(params.bn254ControlId, "bn254ControlId");
  return taggedStruct("risc0.Groth16ReceiptVerifierParameters", [
    params.controlRoot,
    // RISC Zero hashes the control id in the byte order of its Rust digest type: reversed from Solidity's.
    params.bn254ControlId.slice().reverse(),
    verifyingKeyDigest(params.verifyingKey),
  ]);
}

export function groth16Selector(params: Groth16ReceiptVerifierParameters): Uint8Array {
  return groth16ParametersDigest(params).slice(0, SELECTOR_BYTES);
}

/** RISC Zero's splitDigest: read the digest as a little-endian integer, return (low 128 bits, high 128 bits). */
export function splitDigest(digest: Digest): [low: bigint, high: bigint] {
  assertDigest(digest);
  const n = BigInt(`0x${bytesToHex(digest.slice().reverse())}`);
  return [n & ((1n << 128n) - 1n), n >> 128n];
}

/** The five public inputs of a Groth16 receipt for the claim with this digest. */
export function groth16ReceiptPublicInputs(
  params: Groth16ReceiptVerifierParameters,
  claimDigest: Digest,
): bigint[] {
  const id = BigInt(`0x${bytesToHex(params.bn254ControlId)}`);
  if (id >= BN254_R) throw new SealFormatError("bn254ControlId is not below the BN254 scalar field modulus");
  return [...splitDigest(params.controlRoot), ...splitDigest(claimDigest), id];
}

/**
 * Verifies a Groth16 receipt for the claim with digest `claimDigest`. Returns false for a well-formed seal
 * whose proof does not verify; throws {@link SealFormatError} for a malformed seal,
 * {@link SelectorMismatchError} for a seal made for other parameters, and `Groth16FormatError` for points
 * off the curve or outside the subgroup.
 */
export function verifyGroth16Receipt(
  seal: Uint8Array,
  claimDigest: Digest,
  params: Groth16ReceiptVerifierParameters = risc0Groth16Parameters(),
): boolean {
  assertDigest(claimDigest, "claimDigest");
  const { selector, proof } = decodeGroth16Seal(seal);
  const expected = groth16Selector(params);
  if (bytesToHex(selector) !== bytesToHex(expected)) {
    throw new SelectorMismatchError(
      `seal selector ${selectorToHex(selector)} does not match ${selectorToHex(expected)} of this verifier ` +
        "(different control root, BN254 control id or verifying key); pass the parameters the seal was made for",
    );
  }
  // The Solidity verifier rejects identity points as malformed; do the same here.
  const b = proof.b;
  if (
    (proof.a.x === 0n && proof.a.y === 0n) ||
    (proof.c.x === 0n && proof.c.y === 0n) ||
    (b.x.c0 === 0n && b.x.c1 === 0n && b.y.c0 === 0n && b.y.c1 === 0n)
  ) {
    throw new SealFormatError("a proof point is the point at infinity; a Groth16 seal never contains one");
  }
  return verifyGroth16(params.verifyingKey, proof, groth16ReceiptPublicInputs(params, claimDigest));
}

/**
 * Verifies that `seal` proves that the program `imageId` halted with exit code 0 and committed `journal`
 * (the bytes, or their SHA-256 digest when `journal` is a {@link Digest} passed as `{ digest }`).
 */
export function verifyGroth16ReceiptForJournal(
  seal: Uint8Array,
  imageId: Digest,
  journal: Uint8Array | { digest: Digest },
  params: Groth16ReceiptVerifierParameters = risc0Groth16Parameters(),
): boolean {
  const jd = journal instanceof Uint8Array ? digestJournal(journal) : journal.digest;
  return verifyGroth16Receipt(seal, receiptClaimDigest(okClaim(imageId, jd)), params);
}

/** A Groth16 receipt: the claim, the journal, and the seal that proves the claim (docs/receipts.md). */
export interface Groth16Receipt {
  kind: "groth16";
  claim: ReceiptClaim;
  journal: Uint8Array;
  seal: Uint8Array;
}

/** A Groth16 verifier configuration the kit knows by name (a RISC Zero release's control root). */
export interface KnownGroth16Verifier {
  release: string;
  parameters: Groth16ReceiptVerifierParameters;
  selector: Uint8Array;
}

/** RISC Zero's releases whose Groth16 receipts verify here, oldest first. */
export const RISC0_GROTH16_VERIFIERS: readonly KnownGroth16Verifier[] = RISC0_CONTROL_ROOTS.map(
  ({ release, controlRoot }) => {
    const parameters = risc0Groth16Parameters(controlRoot);
    return { release, parameters, selector: groth16Selector(parameters) };
  },
);

/** The known verifier with this selector, if any. */
export function knownGroth16Verifier(
  selector: Uint8Array,
  known: readonly KnownGroth16Verifier[] = RISC0_GROTH16_VERIFIERS,
): KnownGroth16Verifier | undefined {
  return known.find((k) => bytesToHex(k.selector) === bytesToHex(selector));
}

/**
 * Verifies a Groth16 receipt for `imageId`: its claim must be ok(imageId, sha256(journal)) and its seal a
 * valid proof of that claim under the verifier parameters its selector names (among `known`). Throws
 * {@link ReceiptVerificationError} otherwise.
 */
export function verifyGroth16ReceiptFor(
  receipt: Groth16Receipt,
  imageId: Digest,
  known: readonly KnownGroth16Verifier[] = RISC0_GROTH16_VERIFIERS,
): void {
  expectOkClaim(receipt.claim, imageId, receipt.journal);
  const selector = receipt.seal.slice(0, SELECTOR_BYTES);
  const verifier = knownGroth16Verifier(selector, known);
  if (!verifier) {
    throw new ReceiptVerificationError(
      `no known Groth16 verifier has selector ${selectorToHex(selector)} (known: ` +
        `${known.map((k) => `${k.release} ${selectorToHex(k.selector)}`).join(", ")}); pass the verifier parameters the seal was made for`,
    );
  }
  let valid: boolean;
  try {
    valid = verifyGroth16Receipt(receipt.seal, receiptClaimDigest(receipt.claim), verifier.parameters);
  } catch (err) {
    throw new ReceiptVerificationError(`malformed Groth16 seal: ${(err as Error).message}`, { cause: err });
  }
  if (!valid) {
    throw new ReceiptVerificationError(
      `the Groth16 seal (${verifier.release}) does not prove this receipt's claim`,
    );
  }
}
