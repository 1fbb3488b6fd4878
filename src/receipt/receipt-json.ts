import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { type Digest, digestsEqual } from "../hash/digest.ts";
import { type ExitCode, type ReceiptClaim, receiptClaimDigest } from "./claim.ts";
import { ReceiptDecodeError } from "./errors.ts";

/**
 * The JSON form shared by every receipt kind (the files `zkvm prove` writes and `zkvm verify --receipt`
 * and `zkvm submit` read). Byte strings are 0x-prefixed lower-case hex, as viem and Solidity tools take
 * them. `imageId` and `claimDigest` repeat what the claim determines, for people and scripts; decoding
 * recomputes them and refuses a file where they disagree. Format: docs/receipts.md.
 *
 * ```json
 * { "version": 1, "kind": "fake", "imageId": "0x…", "claimDigest": "0x…", "journal": "0x…",
 *   "seal": "0x…", "claim": { "preStateDigest": "0x…", "postStateDigest": "0x…",
 *   "exitCode": { "kind": "halted", "user": 0 }, "input": "0x…", "output": "0x…" } }
 * ```
 */

export const RECEIPT_JSON_VERSION = 1;

export type Hex = `0x${string}`;

export const hex = (bytes: Uint8Array): Hex => `0x${bytesToHex(bytes)}`;

/** The fields every receipt kind has, encoded. */
export function receiptJsonFields(claim: ReceiptClaim, journal: Uint8Array): Record<string, unknown> {
  return {
    version: RECEIPT_JSON_VERSION,
    imageId: hex(claim.preStateDigest),
    claimDigest: hex(receiptClaimDigest(claim)),
    journal: hex(journal),
    claim: {
      preStateDigest: hex(claim.preStateDigest),
      postStateDigest: hex(claim.postStateDigest),
      exitCode: claim.exitCode,
      input: hex(claim.input),
      output: hex(claim.output),
    },
  };
}

/** Parses receipt JSON far enough to know its kind. */
export function parseReceiptJson(text: string): { kind: string; json: Record<string, unknown> } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ReceiptDecodeError(`receipt is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new ReceiptDecodeError("receipt must be a JSON object");
  }
  const o = v as Record<string, unknown>;
  if (o.version !== RECEIPT_JSON_VERSION) {
    throw new ReceiptDecodeError(`unsupported receipt version ${JSON.stringify(o.version)} (expected 1)`);
  }
  if (typeof o.kind !== "string") throw new ReceiptDecodeError("receipt has no kind");
  return { kind: o.kind, json: o };
}

/**
 * A hex field: 0x-prefixed or not (files written before the prefix was added still read), any case.
 * `bytes` fixes the length.
 */
export function hexField(o: Record<string, unknown>, name: string, bytes?: number): Uint8Array {
  const v = o[name];
  const body = typeof v === "string" ? v.replace(/^0x/i, "") : undefined;
  if (
    body === undefined ||
    !/^([0-9a-fA-F]{2})*$/.test(body) ||
    (bytes !== undefined && body.length !== 2 * bytes)
  ) {
    const what = bytes === undefined ? "hex bytes" : `${bytes} bytes of hex`;
    throw new ReceiptDecodeError(`${name} must be ${what} (0x-prefixed)`);
  }
  return hexToBytes(body.toLowerCase());
}

/** Decodes the claim and journal, and checks `imageId`/`claimDigest` when present. */
export function decodeReceiptFields(o: Record<string, unknown>): {
  claim: ReceiptClaim;
  journal: Uint8Array;
} {
  const c = o.claim as Record<string, unknown> | undefined;
  if (typeof c !== "object" || c === null) throw new ReceiptDecodeError("receipt has no claim object");
  const digest = (name: string): Digest => {
    try {
      return hexField(c, name, 32);
    } catch {
      throw new ReceiptDecodeError(`claim.${name} must be a 32-byte digest (0x + 64 hex characters)`);
    }
  };
  const claim: ReceiptClaim = {
    preStateDigest: digest("preStateDigest"),
    postStateDigest: digest("postStateDigest"),
    exitCode: decodeExitCode(c.exitCode),
    input: digest("input"),
    output: digest("output"),
  };
  const journal = hexField(o, "journal");
  if (o.imageId !== undefined && !digestsEqual(hexField(o, "imageId", 32), claim.preStateDigest)) {
    throw new ReceiptDecodeError("imageId differs from the claim's preStateDigest");
  }
  if (
    o.claimDigest !== undefined &&
    !digestsEqual(hexField(o, "claimDigest", 32), receiptClaimDigest(claim))
  ) {
    throw new ReceiptDecodeError("claimDigest is not the digest of the claim");
  }
  return { claim, journal };
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
