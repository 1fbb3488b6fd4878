import { ZkvmError } from "../errors.ts";

/** The receipt does not support the expected statement (wrong ImageID, exit code, or journal), or its seal does not verify. */
export class ReceiptVerificationError extends ZkvmError {
  override name = "ReceiptVerificationError";
}

/** Encoded receipt bytes that cannot be decoded. */
export class ReceiptDecodeError extends ZkvmError {
  override name = "ReceiptDecodeError";
}
