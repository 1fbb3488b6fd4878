import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { ZkvmError } from "../errors.ts";
import { assertDigest, type Digest, digestsEqual } from "../hash/digest.ts";
import { type ExitCode, journalDigest, okClaim, type ReceiptClaim, receiptClaimDigest } from "./claim.ts";

/**
 * Dev-mode ("fake") receipts: the claim and journal of an execution, with no seal. They prove nothing;
 * they exist so that applications can be developed without waiting for the prover. Producing one and
 * accepting one both require dev mode, and both say so loudly.
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

/** The receipt does not support the expected statement (wrong ImageID, exit code, or journal). */
export class ReceiptVerificationError extends ZkvmError {
  override name = "ReceiptVerificationError";
}

/** Encoded receipt bytes that cannot be decoded. */
export class ReceiptDecodeError extends ZkvmError {
  override name = "ReceiptDecodeError";
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
  "WARNING: dev mode (ZKVM_DEV_MODE) is on: this is a FAKE receipt with no seal; it proves nothing";

/** Wraps an execution's claim and journal in a fake receipt. Warns, because nothing in dev mode is silent. */
export function fakeReceipt(claim: ReceiptClaim, journal: Uint8Array, warn: Warn = defaultWarn): FakeReceipt {
  warn(`${FAKE_RECEIPT_WARNING}. Claim digest ${bytesToHex(receiptClaimDigest(claim))}.`);
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
      "this is a dev-mode (fake) receipt: it has no seal and proves nothing, so it is rejected unless " +
        `dev mode is on. Set ${DEV_MODE_ENV}=1 (or pass --dev) to accept it during development; ` +
        "in production, prove without dev mode to get a real receipt",
    );
  }
  assertDigest(imageId, "imageId");
  const c = receipt.claim;
  if (!digestsEqual(c.preStateDigest, imageId)) {
    throw new ReceiptVerificationError(
      `the receipt is for ImageID ${bytesToHex(c.preStateDigest)}, not ${bytesToHex(imageId)}`,
    );
  }
  if (c.exitCode.kind !== "halted" || c.exitCode.user !== 0) {
    throw new ReceiptVerificationError(
      `the receipt's program did not halt with exit code 0 (${describeExit(c.exitCode)})`,
    );
  }
  const expected = okClaim(imageId, journalDigest(receipt.journal));
  if (!digestsEqual(receiptClaimDigest(c), receiptClaimDigest(expected))) {
    throw new ReceiptVerificationError(
      "the receipt's claim does not match its journal (the Output digest differs from sha256(journal))",
    );
  }
  (options.warn ?? defaultWarn)(
    `WARNING: dev mode (${DEV_MODE_ENV}) is on: accepted a FAKE receipt for ImageID ${bytesToHex(imageId)} without any proof`,
  );
}

function describeExit(e: ExitCode): string {
  return "user" in e ? `${e.kind} ${e.user}` : e.kind;
}

/** JSON encoding of a fake receipt (hex digests and journal). */
export function encodeFakeReceipt(r: FakeReceipt): string {
  const c = r.claim;
  return JSON.stringify({
    version: 1,
    kind: "fake",
    claim: {
      preStateDigest: bytesToHex(c.preStateDigest),
      postStateDigest: bytesToHex(c.postStateDigest),
      exitCode: c.exitCode,
      input: bytesToHex(c.input),
      output: bytesToHex(c.output),
    },
    journal: bytesToHex(r.journal),
  });
}

export function decodeFakeReceipt(text: string): FakeReceipt {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ReceiptDecodeError(`receipt is not valid JSON: ${(e as Error).message}`);
  }
  const o = v as Record<string, unknown>;
  if (typeof o !== "object" || o === null) throw new ReceiptDecodeError("receipt must be a JSON object");
  if (o.version !== 1)
    throw new ReceiptDecodeError(`unsupported receipt version ${JSON.stringify(o.version)}`);
  if (o.kind !== "fake") throw new ReceiptDecodeError(`not a fake receipt (kind ${JSON.stringify(o.kind)})`);
  const c = o.claim as Record<string, unknown> | undefined;
  if (typeof c !== "object" || c === null) throw new ReceiptDecodeError("receipt has no claim object");
  const digest = (name: string): Digest => {
    const h = c[name];
    if (typeof h !== "string" || !/^[0-9a-f]{64}$/.test(h)) {
      throw new ReceiptDecodeError(`claim.${name} must be 64 lower-case hex characters`);
    }
    return hexToBytes(h);
  };
  const journal = o.journal;
  if (typeof journal !== "string" || !/^([0-9a-f]{2})*$/.test(journal)) {
    throw new ReceiptDecodeError("journal must be lower-case hex");
  }
  return {
    kind: "fake",
    claim: {
      preStateDigest: digest("preStateDigest"),
      postStateDigest: digest("postStateDigest"),
      exitCode: decodeExitCode(c.exitCode),
      input: digest("input"),
      output: digest("output"),
    },
    journal: hexToBytes(journal),
  };
}

function decodeExitCode(v: unknown): ExitCode {
  const e = v as Record<string, unknown>;
  const user = e?.user;
  const u32 = typeof user === "number" && Number.isInteger(user) && user >= 0 && user <= 0xffffffff;
  if (e?.kind === "halted" && u32) return { kind: "halted", user: user as number };
  if (e?.kind === "paused" && u32) return { kind: "paused", user: user as number };
  if (e?.kind === "system-split") return { kind: "system-split" };
  if (e?.kind === "session-limit") return { kind: "session-limit" };
  throw new ReceiptDecodeError(`claim.exitCode ${JSON.stringify(v)} is not a valid exit code`);
}
