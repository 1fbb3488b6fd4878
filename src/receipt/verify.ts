import type { Digest } from "../hash/digest.ts";
import type { ReceiptClaim } from "./claim.ts";
import { type CompositeReceipt, type VerifyOptions, verifyComposite } from "./composite-receipt.ts";
import {
  decodeFakeReceipt,
  type FakeReceipt,
  type VerifyFakeOptions,
  verifyFakeReceipt,
} from "./fake-receipt.ts";
import { decodeReceipt, decodeReceiptJson, isBinaryReceipt, ReceiptFormatError } from "./receipt-codec.ts";

/**
 * The browser-safe entry point for checking receipts off chain: no prover code, no Node API. A receipt is
 * either real (a composite of segment proofs) or a dev-mode fake, which is accepted only in dev mode.
 */
export type Receipt = CompositeReceipt | FakeReceipt;

export interface VerifyReceiptOptions extends VerifyOptions, VerifyFakeOptions {}

/**
 * Verifies a receipt for a program: every proof and their chaining, the ImageID, exit code 0, and the
 * journal (the receipt's own unless one is given). Returns the verified claim; throws
 * ReceiptVerificationError (or a subclass naming the segment or the chain) when the receipt does not
 * support the statement, DevModeRequiredError for a fake receipt outside dev mode.
 */
export function verifyReceipt(
  receipt: Receipt,
  imageId: Digest,
  journal?: Uint8Array,
  options: VerifyReceiptOptions = {},
): ReceiptClaim {
  if (receipt.kind === "fake") {
    const r = journal === undefined ? receipt : { ...receipt, journal };
    verifyFakeReceipt(r, imageId, options);
    return r.claim;
  }
  return verifyComposite(receipt, imageId, journal ?? receipt.journal, options);
}

/** Decodes any receipt encoding: binary ("ZKVR"), or JSON of a composite or fake receipt. */
export function readReceipt(bytes: Uint8Array): Receipt {
  if (isBinaryReceipt(bytes)) return decodeReceipt(bytes);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ReceiptFormatError("magic", "not a receipt: neither the binary format nor UTF-8 JSON");
  }
  let kind: unknown;
  try {
    kind = (JSON.parse(text) as { kind?: unknown })?.kind;
  } catch (e) {
    throw new ReceiptFormatError("json", `not a receipt: ${(e as Error).message}`);
  }
  return kind === "fake" ? decodeFakeReceipt(text) : decodeReceiptJson(text);
}
