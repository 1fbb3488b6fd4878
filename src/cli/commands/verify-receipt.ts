import { existsSync, readFileSync, statSync } from "node:fs";
import { bytesToHex } from "@noble/hashes/utils.js";
import type { Digest } from "../../hash/digest.ts";
import { journalDigest } from "../../receipt/claim.ts";
import {
  DevModeRequiredError,
  ReceiptDecodeError,
  ReceiptVerificationError,
} from "../../receipt/fake-receipt.ts";
import { readReceipt, verifyReceipt } from "../../receipt/verify.ts";
import { CliError } from "../errors.ts";

/**
 * `zkvm verify --receipt <file>`: checks a receipt file off chain, whatever its kind (a real composite
 * receipt, or a dev-mode fake that only dev mode accepts). Exit code 1 for an invalid receipt, 2 for a
 * file that is not a receipt.
 */
export function verifyReceiptFile(path: string, imageId: Digest, journal: Uint8Array | undefined): void {
  if (!existsSync(path) || !statSync(path).isFile())
    throw new CliError(`--receipt ${path}: no such file (write one with: zkvm prove <elf> -o <file>)`, 2);
  let receipt: ReturnType<typeof readReceipt>;
  try {
    receipt = readReceipt(new Uint8Array(readFileSync(path)));
  } catch (e) {
    if (e instanceof ReceiptDecodeError) throw new CliError(`--receipt ${path}: ${e.message}`, 2);
    throw e;
  }
  try {
    const claim = verifyReceipt(receipt, imageId, journal, { warn: (m) => console.error(m) });
    const j = journal ?? receipt.journal;
    const segments = receipt.kind === "composite" ? `, ${receipt.segments.length} segment proof(s)` : "";
    console.log(
      `valid: ${receipt.kind === "fake" ? "FAKE (dev-mode) " : ""}receipt for image 0x${bytesToHex(imageId)}, ` +
        `journal digest 0x${bytesToHex(journalDigest(j))}${segments}; claim output 0x${bytesToHex(claim.output)}`,
    );
  } catch (e) {
    if (e instanceof ReceiptVerificationError || e instanceof DevModeRequiredError)
      throw new CliError(`invalid receipt: ${e.message}`, 1);
    throw e;
  }
}
