import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { ZkvmError } from "../errors.ts";

/** A 32-byte digest (SHA-256 output, Poseidon2 digest bytes, ImageID). */
export type Digest = Uint8Array;

export const DIGEST_BYTES = 32;

/** The all-zero digest, used by RISC Zero for "absent" (no input, no assumptions). */
export const ZERO_DIGEST: Digest = new Uint8Array(DIGEST_BYTES);

/** Thrown when a value that should be a 32-byte digest is not one. */
export class InvalidDigestError extends ZkvmError {
  override name = "InvalidDigestError";
}

/** Parses a 64-hex-character digest, with or without a `0x` prefix. */
export function digestFromHex(hex: string): Digest {
  const body = hex.startsWith("0x") || hex.startsWith("0X") ? hex.slice(2) : hex;
  if (!/^[0-9a-fA-F]{64}$/.test(body)) {
    throw new InvalidDigestError(
      `expected a 32-byte digest as 64 hex characters (optionally 0x-prefixed), got ${JSON.stringify(hex.slice(0, 80))}`,
    );
  }
  return hexToBytes(body.toLowerCase());
}

/** Lower-case hex of a digest, without prefix. */
export function digestToHex(digest: Digest): string {
  assertDigest(digest);
  return bytesToHex(digest);
}

export function assertDigest(value: Uint8Array, what = "digest"): void {
  if (!(value instanceof Uint8Array) || value.length !== DIGEST_BYTES) {
    throw new InvalidDigestError(
      `${what} must be ${DIGEST_BYTES} bytes, got ${value?.length ?? typeof value}`,
    );
  }
}

export function digestsEqual(a: Digest, b: Digest): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
