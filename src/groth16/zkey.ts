/**
 * Reads and validates a snarkjs Groth16 .zkey: its structure (every section present and of the size its
 * header implies) and its verifying key. Validating up front turns a truncated or foreign file into a
 * {@link Groth16FileError} instead of an exception deep inside snarkjs.
 */
import { readFileSync } from "node:fs";
import { bn254 } from "@noble/curves/bn254.js";
import { leToBigInt, readBinFile, section } from "./binfile.ts";
import { Groth16FileError } from "./errors.ts";
import { BN254_P, BN254_R, type G1Affine, type G2Affine, type VerifyingKey } from "./types.ts";
import { GROTH16_PROTOCOL_ID, ZKEY_SECTION } from "./zkey-file.ts";

export interface ZkeyInfo {
  nVars: number;
  nPublic: number;
  domainSize: number;
  vk: VerifyingKey;
  /** Number of phase-2 contributions recorded (0 for a development key or an unconstrained new key). */
  contributions: number;
}

/** Montgomery form → canonical: x = x̃·2^-256 mod p. */
const R_INV = bn254.fields.Fp.inv((1n << 256n) % BN254_P);

function fq(bytes: Uint8Array, what: string): bigint {
  const v = leToBigInt(bytes);
  if (v >= BN254_P) throw new Groth16FileError(`${what} is not a field element`);
  return (v * R_INV) % BN254_P;
}

export function g1FromZkey(b: Uint8Array, what: string): G1Affine {
  return { x: fq(b.subarray(0, 32), `${what}.x`), y: fq(b.subarray(32, 64), `${what}.y`) };
}

export function g2FromZkey(b: Uint8Array, what: string): G2Affine {
  return {
    x: { c0: fq(b.subarray(0, 32), `${what}.x.c0`), c1: fq(b.subarray(32, 64), `${what}.x.c1`) },
    y: { c0: fq(b.subarray(64, 96), `${what}.y.c0`), c1: fq(b.subarray(96, 128), `${what}.y.c1`) },
  };
}

export function readZkey(bytes: Uint8Array, what = "the .zkey file"): ZkeyInfo {
  const file = readBinFile(bytes, "zkey", what);
  const fail = (why: string) => new Groth16FileError(`${what}: ${why}`);
  const protocol = section(file, ZKEY_SECTION.protocol, what);
  if (protocol.length !== 4 || new DataView(protocol.buffer, protocol.byteOffset).getUint32(0, true) !== 1) {
    throw fail(`not a Groth16 proving key (protocol id ≠ ${GROTH16_PROTOCOL_ID})`);
  }
  const h = section(file, ZKEY_SECTION.header, what);
  const expectedHeader = 4 + 32 + 4 + 32 + 12 + 64 * 3 + 128 * 3;
  if (h.length !== expectedHeader)
    throw fail(`header section has ${h.length} bytes, expected ${expectedHeader}`);
  const v = new DataView(h.buffer, h.byteOffset, h.byteLength);
  if (v.getUint32(0, true) !== 32 || leToBigInt(h.subarray(4, 36)) !== BN254_P) throw fail("not over BN254");
  if (v.getUint32(36, true) !== 32 || leToBigInt(h.subarray(40, 72)) !== BN254_R)
    throw fail("not over BN254");
  const nVars = v.getUint32(72, true);
  const nPublic = v.getUint32(76, true);
  const domainSize = v.getUint32(80, true);
  if (nPublic + 1 > nVars || domainSize === 0 || (domainSize & (domainSize - 1)) !== 0) {
    throw fail("inconsistent header (wire counts or domain size)");
  }
  let p = 84;
  const next = (n: number) => h.subarray(p, (p += n));
  const alpha = g1FromZkey(next(64), "alpha1");
  next(64); // β₁ (prover only)
  const beta = g2FromZkey(next(128), "beta2");
  const gamma = g2FromZkey(next(128), "gamma2");
  next(64); // δ₁ (prover only)
  const delta = g2FromZkey(next(128), "delta2");

  const sizes: Array<[number, number, string]> = [
    [ZKEY_SECTION.ic, (nPublic + 1) * 64, "IC"],
    [ZKEY_SECTION.a, nVars * 64, "A"],
    [ZKEY_SECTION.b1, nVars * 64, "B1"],
    [ZKEY_SECTION.b2, nVars * 128, "B2"],
    [ZKEY_SECTION.c, (nVars - nPublic - 1) * 64, "C"],
    [ZKEY_SECTION.h, domainSize * 64, "H"],
  ];
  for (const [id, size, name] of sizes) {
    const s = section(file, id, what);
    if (s.length !== size) throw fail(`section ${id} (${name}) has ${s.length} bytes, expected ${size}`);
  }
  const coeffs = section(file, ZKEY_SECTION.coeffs, what);
  if (coeffs.length < 4) throw fail("coefficient section truncated");
  const nCoeffs = new DataView(coeffs.buffer, coeffs.byteOffset).getUint32(0, true);
  if (coeffs.length !== 4 + 44 * nCoeffs) throw fail("coefficient section has the wrong length");
  const contributions = section(file, ZKEY_SECTION.contributions, what);
  if (contributions.length < 68) throw fail("contributions section truncated");

  const icBytes = section(file, ZKEY_SECTION.ic, what);
  const ic = Array.from({ length: nPublic + 1 }, (_, i) => g1FromZkey(icBytes.subarray(64 * i), `IC[${i}]`));
  return {
    nVars,
    nPublic,
    domainSize,
    vk: { alpha, beta, gamma, delta, ic },
    contributions: new DataView(contributions.buffer, contributions.byteOffset).getUint32(64, true),
  };
}

export function readZkeyFile(path: string): ZkeyInfo {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new Groth16FileError(`cannot read ${path}: ${(err as Error).message}`);
  }
  return readZkey(bytes, path);
}
