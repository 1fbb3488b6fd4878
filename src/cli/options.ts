import { hexToBytes } from "@noble/hashes/utils.js";
import { type Digest, digestFromHex, digestToHex, InvalidDigestError } from "../hash/digest.ts";
import { RISC0_CONTROL_ROOTS } from "../receipt/risc0.ts";
import { usageError } from "./errors.ts";

/** Parsers of option values; each throws a usage error (exit code 2) that names the option. */

/** Parses a positive integer option. */
export function positiveInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < 1) throw usageError(`${name} must be a positive integer, got ${v}`);
    return n;
  };
}

/** Parses a duration in seconds (decimals allowed) into milliseconds. */
export function seconds(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0)
      throw usageError(`${name} must be a positive number of seconds, got ${v}`);
    return Math.round(n * 1000);
  };
}

/** `0x`-prefixed (or bare) hex bytes. */
export function hexBytes(value: string, name: string): Uint8Array {
  const body = value.replace(/^0x/i, "");
  if (body.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(body)) {
    throw usageError(`${name} must be 0x-prefixed hex with an even number of digits`);
  }
  return hexToBytes(body.toLowerCase());
}

/** A 32-byte digest in hex. */
export function digestOption(value: string, name: string): Digest {
  try {
    return digestFromHex(value);
  } catch (err) {
    if (err instanceof InvalidDigestError) throw usageError(`${name}: ${err.shortMessage}`);
    throw err;
  }
}

/** The RISC Zero releases whose control roots may be named instead of given in hex. */
export const CONTROL_ROOT_NAMES = RISC0_CONTROL_ROOTS.map(
  (r) => `${r.release} (0x${digestToHex(r.controlRoot)})`,
).join(", ");

/** A control root: a RISC Zero release name (`v1.2`, `v3.0`) or 32 bytes of hex. */
export function controlRootOption(value: string, name = "--control-root"): Digest {
  const release = RISC0_CONTROL_ROOTS.find(
    (r) => r.release.toLowerCase() === value.toLowerCase() || r.release.slice(1) === value,
  );
  if (release) return release.controlRoot;
  if (/^v?\d+(\.\d+)*$/i.test(value)) {
    throw usageError(`${name} ${value}: no such release; known control roots: ${CONTROL_ROOT_NAMES}`);
  }
  return digestOption(value, name);
}
