import { bytesToHex } from "@noble/hashes/utils.js";
import { ZkvmError } from "../errors.ts";
import type { G1Affine, G2Affine, Groth16Proof } from "../groth16/types.ts";
import { assertDigest, type Digest } from "../hash/digest.ts";

/**
 * Seal encodings. A seal is a 4-byte selector (which verifier, with which parameters) followed by the
 * proof. Groth16 proof layout, as RISC Zero and the EVM pairing precompile lay it out (32-byte big-endian
 * words): A.x, A.y, B.x.c1, B.x.c0, B.y.c1, B.y.c0, C.x, C.y — G2 coordinates imaginary part first.
 */

export const SELECTOR_BYTES = 4;
export const GROTH16_PROOF_BYTES = 256;
export const GROTH16_SEAL_BYTES = SELECTOR_BYTES + GROTH16_PROOF_BYTES;

/** Selector of the development-mode mock verifier; its seal is this selector followed by the claim digest. */
export const MOCK_SELECTOR: Uint8Array = Uint8Array.of(0xff, 0xff, 0xff, 0xff);
export const MOCK_SEAL_BYTES = SELECTOR_BYTES + 32;

/** Thrown for a seal that cannot be decoded (wrong length, non-canonical coordinates). */
export class SealFormatError extends ZkvmError {
  override name = "SealFormatError";
}

/** A Groth16 seal decoded into its selector and proof; the points are not yet checked to be on the curve. */
export interface Groth16Seal {
  selector: Uint8Array;
  proof: Groth16Proof;
}

/** The selector of any seal (its first four bytes). */
export function sealSelector(seal: Uint8Array): Uint8Array {
  if (seal.length < SELECTOR_BYTES) {
    throw new SealFormatError(
      `a seal starts with a ${SELECTOR_BYTES}-byte selector; got ${seal.length} bytes`,
    );
  }
  return seal.slice(0, SELECTOR_BYTES);
}

export function selectorToHex(selector: Uint8Array): `0x${string}` {
  return `0x${bytesToHex(selector)}`;
}

const word = (bytes: Uint8Array, at: number): bigint => {
  let v = 0n;
  for (let i = 0; i < 32; i++) v = (v << 8n) | BigInt(bytes[at + i]!);
  return v;
};

function putWord(out: Uint8Array, at: number, v: bigint, what: string): void {
  if (v < 0n || v >= 1n << 256n) throw new SealFormatError(`${what} does not fit in 32 bytes`);
  for (let i = 31; i >= 0; i--) {
    out[at + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

/** Decodes `selector ‖ A ‖ B ‖ C`. Point validity is checked by the verifier, not here. */
export function decodeGroth16Seal(seal: Uint8Array): Groth16Seal {
  if (seal.length !== GROTH16_SEAL_BYTES) {
    throw new SealFormatError(
      `a Groth16 seal is ${GROTH16_SEAL_BYTES} bytes (4-byte selector + 256-byte proof); got ${seal.length}`,
    );
  }
  const w = (i: number) => word(seal, SELECTOR_BYTES + 32 * i);
  const a: G1Affine = { x: w(0), y: w(1) };
  const b: G2Affine = { x: { c1: w(2), c0: w(3) }, y: { c1: w(4), c0: w(5) } };
  const c: G1Affine = { x: w(6), y: w(7) };
  return { selector: seal.slice(0, SELECTOR_BYTES), proof: { a, b, c } };
}

export function encodeGroth16Seal(selector: Uint8Array, proof: Groth16Proof): Uint8Array {
  if (selector.length !== SELECTOR_BYTES) {
    throw new SealFormatError(`a selector is ${SELECTOR_BYTES} bytes; got ${selector.length}`);
  }
  const out = new Uint8Array(GROTH16_SEAL_BYTES);
  out.set(selector, 0);
  const words = [
    proof.a.x,
    proof.a.y,
    proof.b.x.c1,
    proof.b.x.c0,
    proof.b.y.c1,
    proof.b.y.c0,
    proof.c.x,
    proof.c.y,
  ];
  const names = ["A.x", "A.y", "B.x.c1", "B.x.c0", "B.y.c1", "B.y.c0", "C.x", "C.y"];
  words.forEach((v, i) => {
    putWord(out, SELECTOR_BYTES + 32 * i, v, names[i]!);
  });
  return out;
}

/** The development-mode seal for a claim: `0xFFFFFFFF ‖ claimDigest`. Accepted only by the mock verifier. */
export function encodeMockSeal(claimDigest: Digest): Uint8Array {
  assertDigest(claimDigest, "claimDigest");
  const out = new Uint8Array(MOCK_SEAL_BYTES);
  out.set(MOCK_SELECTOR, 0);
  out.set(claimDigest, SELECTOR_BYTES);
  return out;
}
