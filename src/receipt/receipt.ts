import type { Digest } from "../hash/digest.ts";
import { RECURSION_RELEASE } from "../recursion/release.ts";
import type { ReceiptClaim } from "./claim.ts";
import {
  type CompositeReceipt,
  compositeClaim,
  type VerifyOptions as VerifyCompositeOptions,
  verifyComposite,
} from "./composite-receipt.ts";
import { ReceiptDecodeError, ReceiptVerificationError } from "./errors.ts";
import {
  encodeFakeReceipt,
  type FakeReceipt,
  fakeReceiptFromJson,
  fakeReceiptSeal,
  type VerifyFakeOptions,
  verifyFakeReceipt,
} from "./fake-receipt.ts";
import {
  type Groth16Receipt,
  type KnownGroth16Verifier,
  RISC0_GROTH16_VERIFIERS,
  verifyGroth16ReceiptFor,
} from "./groth16-receipt.ts";
import { decodeReceiptJson, encodeReceiptJson } from "./receipt-codec.ts";
import { decodeReceiptFields, hex, hexField, parseReceiptJson, receiptJsonFields } from "./receipt-json.ts";
import {
  decodeSuccinctReceipt,
  encodeSuccinctReceipt,
  type RecursionRelease,
  recursionClaim,
  type SuccinctReceipt,
  verifySuccinct,
} from "./succinct-receipt.ts";

/**
 * Receipts of every kind, and the one place that dispatches on the kind: encoding, decoding, verification
 * and the on-chain seal. A new kind (the STARK prover's segment and succinct receipts) adds its case to
 * {@link Receipt} and an entry to {@link RECEIPT_KINDS}; the CLI (`zkvm prove`, `verify --receipt`,
 * `submit`) and the library then handle it without further changes.
 */
export type Receipt = FakeReceipt | Groth16Receipt | CompositeReceipt | SuccinctReceipt;
export type ReceiptKind = Receipt["kind"];

export interface VerifyReceiptOptions extends VerifyFakeOptions, VerifyCompositeOptions {
  /** Groth16 verifiers a seal may name (default: RISC Zero's releases). */
  groth16Verifiers?: readonly KnownGroth16Verifier[];
  /**
   * The recursion release a succinct receipt must come from (its shape, configuration and control root);
   * default: the release this version publishes (RECURSION_RELEASE).
   */
  recursionRelease?: RecursionRelease;
}

interface KindHandler<R extends Receipt> {
  /** JSON text (docs/receipts.md). */
  encode(receipt: R): string;
  /** From the parsed JSON object, whose `kind` has been checked. */
  decode(json: Record<string, unknown>): R;
  /**
   * Throws unless the receipt proves that `imageId` halted with exit code 0 and committed `journal`;
   * returns the verified claim.
   */
  verify(receipt: R, imageId: Digest, journal: Uint8Array, options: VerifyReceiptOptions): ReceiptClaim;
  /**
   * The seal to pass to `IReceiptVerifier.verify(seal, imageId, sha256(journal))`; a kind that no contract
   * can check (a STARK receipt before compression) throws, saying how to get one that can.
   */
  seal(receipt: R): Uint8Array;
}

/** The handlers, one per receipt kind. */
export const RECEIPT_KINDS: { readonly [K in ReceiptKind]: KindHandler<Extract<Receipt, { kind: K }>> } = {
  fake: {
    encode: encodeFakeReceipt,
    decode: fakeReceiptFromJson,
    verify: (r, imageId, journal, options) => {
      verifyFakeReceipt({ ...r, journal }, imageId, options);
      return r.claim;
    },
    seal: fakeReceiptSeal,
  },
  groth16: {
    encode: (r) =>
      JSON.stringify({ ...receiptJsonFields(r.claim, r.journal), kind: "groth16", seal: hex(r.seal) }),
    decode: (json) => ({ kind: "groth16", ...decodeReceiptFields(json), seal: hexField(json, "seal") }),
    verify: (r, imageId, journal, options) => {
      verifyGroth16ReceiptFor(
        { ...r, journal },
        imageId,
        options.groth16Verifiers ?? RISC0_GROTH16_VERIFIERS,
      );
      return r.claim;
    },
    seal: (r) => r.seal,
  },
  composite: {
    encode: encodeReceiptJson,
    decode: (json) => decodeReceiptJson(JSON.stringify(json)),
    verify: (r, imageId, journal, options) => verifyComposite(r, imageId, journal, options),
    seal: () => {
      throw new ReceiptVerificationError(
        "a composite receipt (STARK segment proofs) cannot be checked by a contract; it needs compression to a Groth16 seal: prove with `zkvm prove --groth16 <wrap.zkey>` (docs/cli.md)",
      );
    },
  },
  succinct: {
    encode: encodeSuccinctReceipt,
    decode: decodeSuccinctReceipt,
    verify: (r, imageId, journal, options) =>
      verifySuccinct(r, imageId, journal, options.recursionRelease ?? RECURSION_RELEASE),
    seal: () => {
      throw new ReceiptVerificationError(
        "a succinct receipt (a recursion STARK proof) cannot be checked by a contract; it needs compression to a Groth16 seal: compressReceipt(), or prove with `zkvm prove --groth16 <wrap.zkey>` (docs/cli.md)",
      );
    },
  },
};

function handler<R extends Receipt>(receipt: R): KindHandler<R> {
  return RECEIPT_KINDS[receipt.kind] as unknown as KindHandler<R>;
}

export function encodeReceipt(receipt: Receipt): string {
  return handler(receipt).encode(receipt);
}

/** Decodes a receipt file of any kind; throws {@link ReceiptDecodeError} for anything else. */
export function decodeReceipt(text: string): Receipt {
  const { kind, json } = parseReceiptJson(text);
  if (!Object.hasOwn(RECEIPT_KINDS, kind)) {
    throw new ReceiptDecodeError(
      `unknown receipt kind ${JSON.stringify(kind)} (this version reads ${Object.keys(RECEIPT_KINDS).join(", ")})`,
    );
  }
  return RECEIPT_KINDS[kind as ReceiptKind].decode(json);
}

/**
 * Verifies any receipt: that `imageId` ran, halted with exit code 0 and committed `journal` (the receipt's
 * own when omitted). Returns the verified claim; throws `ReceiptVerificationError` (or a subclass naming a
 * segment or the chain), or `DevModeRequiredError` for a fake receipt outside dev mode.
 */
export function verifyReceipt(
  receipt: Receipt,
  imageId: Digest,
  journal?: Uint8Array,
  options: VerifyReceiptOptions = {},
): ReceiptClaim {
  return handler(receipt).verify(receipt, imageId, journal ?? receipt.journal, options);
}

/** The claim a receipt states (unverified: {@link verifyReceipt} checks it). */
export function receiptClaim(receipt: Receipt): ReceiptClaim {
  if (receipt.kind === "composite") return compositeClaim(receipt);
  if (receipt.kind === "succinct") return recursionClaim(receipt.publics);
  return receipt.claim;
}

/** The seal a contract checks for this receipt (the mock seal for a fake receipt). */
export function receiptSeal(receipt: Receipt): Uint8Array {
  return handler(receipt).seal(receipt);
}
