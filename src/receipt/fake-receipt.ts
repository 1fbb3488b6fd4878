import { bytesToHex } from "@noble/hashes/utils.js";
import { ZkvmError } from "../errors.ts";
import { type Digest, digestsEqual } from "../hash/digest.ts";
import { type ReceiptClaim, receiptClaimDigest } from "./claim.ts";
import { ReceiptDecodeError } from "./errors.ts";
import { expectOkClaim } from "./expect-claim.ts";
import { decodeReceiptFields, hex, hexField, parseReceiptJson, receiptJsonFields } from "./receipt-json.ts";
import { encodeMockSeal } from "./seal.ts";

export { ReceiptDecodeError, ReceiptVerificationError } from "./errors.ts";

/**
 * Dev-mode ("fake") receipts: the claim and journal of an execution, with no proof. They prove nothing;
 * they exist so that applications can be developed without waiting for the prover. Producing one and
 * accepting one both require dev mode, and both say so loudly. On chain a fake receipt is presented with
 * its mock seal ({@link fakeReceiptSeal}), which only the dev-mode MockReceiptVerifier accepts.
 */
export interface FakeReceipt {
  kind: "fake";
  claim: ReceiptClaim;
  journal: Uint8Array;
}

/** Environment variable that enables dev mode (`1`, `true` or `yes`). */
export const DEV_MODE_ENV = "ZKVM_DEV_MODE";

/** A fake receipt was presented while dev mode is off. */
export class DevModeRequiredError extends ZkvmError {
  override name = "DevModeRequiredError";
}

/** An invalid ZKVM_DEV_MODE value (a typo must not silently turn dev mode off or on). */
export class DevModeConfigError extends ZkvmError {
  override name = "DevModeConfigError";
}

/** Whether dev mode is on: `ZKVM_DEV_MODE` is 1/true/yes (on) or unset/empty/0/false/no (off). */
export function devModeEnabled(env: Record<string, string | undefined> = processEnv()): boolean {
  const v = env[DEV_MODE_ENV]?.trim().toLowerCase();
  if (v === undefined || v === "" || v === "0" || v === "false" || v === "no") return false;
  if (v === "1" || v === "true" || v === "yes") return true;
  throw new DevModeConfigError(
    `${DEV_MODE_ENV}=${JSON.stringify(env[DEV_MODE_ENV])} is not understood; use 1 (dev mode on) or 0 (off)`,
  );
}

function processEnv(): Record<string, string | undefined> {
  return typeof process === "undefined" ? {} : process.env;
}

export type Warn = (message: string) => void;
const defaultWarn: Warn = (m) => console.warn(m);

export const FAKE_RECEIPT_WARNING =
  "WARNING: dev mode (ZKVM_DEV_MODE) is on: this is a FAKE receipt (no proof, a mock seal); it proves nothing";

/** Wraps an execution's claim and journal in a fake receipt. Warns, because nothing in dev mode is silent. */
export function fakeReceipt(claim: ReceiptClaim, journal: Uint8Array, warn: Warn = defaultWarn): FakeReceipt {
  warn(`${FAKE_RECEIPT_WARNING}. Claim digest 0x${bytesToHex(receiptClaimDigest(claim))}.`);
  return { kind: "fake", claim, journal: journal.slice() };
}

export interface VerifyFakeOptions {
  /** Defaults to {@link devModeEnabled} on the process environment. */
  devMode?: boolean;
  warn?: Warn;
}

/**
 * Checks a fake receipt against an ImageID like a real verifier would (exit code 0, journal matching
 * the claim's Output), but only in dev mode: otherwise it throws {@link DevModeRequiredError}.
 */
export function verifyFakeReceipt(
  receipt: FakeReceipt,
  imageId: Digest,
  options: VerifyFakeOptions = {},
): void {
  const dev = options.devMode ?? devModeEnabled();
  if (!dev) {
    throw new DevModeRequiredError(
      "this is a dev-mode (fake) receipt: it has no proof (only a mock seal) and proves nothing, so it is rejected unless " +
        `dev mode is on. Set ${DEV_MODE_ENV}=1 (or pass --dev) to accept it during development; ` +
        "in production, prove without dev mode to get a real receipt",
    );
  }
  expectOkClaim(receipt.claim, imageId, receipt.journal);
  (options.warn ?? defaultWarn)(
    `WARNING: dev mode (${DEV_MODE_ENV}) is on: accepted a FAKE receipt for ImageID 0x${bytesToHex(imageId)} without any proof`,
  );
}

/**
 * The seal a fake receipt stands for on chain: `0xFFFFFFFF ‖ claimDigest`, which only the dev-mode
 * MockReceiptVerifier accepts (and only for the claim whose digest it holds).
 */
export function fakeReceiptSeal(r: FakeReceipt): Uint8Array {
  return encodeMockSeal(receiptClaimDigest(r.claim));
}

/** JSON encoding of a fake receipt (docs/receipts.md), with its mock seal. */
export function encodeFakeReceipt(r: FakeReceipt): string {
  return JSON.stringify({
    ...receiptJsonFields(r.claim, r.journal),
    kind: "fake",
    seal: hex(fakeReceiptSeal(r)),
  });
}

/** Decodes {@link encodeFakeReceipt}'s JSON; a `seal` field, when present, must be the receipt's mock seal. */
export function decodeFakeReceipt(text: string): FakeReceipt {
  const { kind, json } = parseReceiptJson(text);
  if (kind !== "fake") throw new ReceiptDecodeError(`not a fake receipt (kind ${JSON.stringify(kind)})`);
  return fakeReceiptFromJson(json);
}

export function fakeReceiptFromJson(json: Record<string, unknown>): FakeReceipt {
  const receipt: FakeReceipt = { kind: "fake", ...decodeReceiptFields(json) };
  if (json.seal !== undefined && !digestsEqual(hexField(json, "seal"), fakeReceiptSeal(receipt))) {
    throw new ReceiptDecodeError(
      "seal is not the mock seal of this receipt's claim (0xffffffff ‖ claimDigest)",
    );
  }
  return receipt;
}
