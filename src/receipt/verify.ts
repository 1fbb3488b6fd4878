import { decodeReceipt as decodeReceiptText, type Receipt } from "./receipt.ts";
import {
  decodeReceipt as decodeBinaryReceipt,
  isBinaryReceipt,
  ReceiptFormatError,
} from "./receipt-codec.ts";

/**
 * The browser-safe entry point for checking receipts off chain: no prover code, no Node API. Receipts of
 * every kind dispatch through receipt.ts; this module adds the reader of every encoding.
 */
export { type Receipt, type VerifyReceiptOptions, verifyReceipt } from "./receipt.ts";

/** Decodes any receipt encoding: the binary composite format ("ZKVR"), or the JSON of any kind. */
export function readReceipt(bytes: Uint8Array): Receipt {
  if (isBinaryReceipt(bytes)) return decodeBinaryReceipt(bytes);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ReceiptFormatError("magic", "not a receipt: neither the binary format nor UTF-8 JSON");
  }
  return decodeReceiptText(text);
}
