/**
 * Development (single-party) Groth16 setup: draws the toxic waste τ, α, β, γ, δ in memory from the OS
 * CSPRNG, computes the proving key for one circuit directly, writes a snarkjs-compatible .zkey, and drops
 * the secrets. Whoever runs it (or reads its memory) can forge proofs for that key: use it for development
 * and tests, never for a deployment that protects value — those take a ceremony (ptau-setup.ts).
 *
 * No powers of tau are needed: with the secrets at hand, A_i(τ) = Σ_c a_{c,i}·L_c(τ) is a field element,
 * computed from the R1CS and the Lagrange basis at τ (O(n) with one batch inversion), and every key point
 * is one fixed-base multiplication of a generator, done in bulk on worker threads (fixed-base.ts).
 */
import { createHash, randomBytes } from "node:crypto";
import { closeSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { bigIntToLe, writeBinFile } from "./binfile.ts";
import { CircuitTooLargeError } from "./errors.ts";
import { affineBytes, FixedBasePool } from "./fixed-base.ts";
import { forEachConstraint, type LinearCombination, type R1cs, readR1cs } from "./r1cs.ts";
import {
  batchInvert,
  FR_TWO_ADICITY,
  frAdd,
  frInv,
  frMul,
  frPow,
  rootOfUnity,
  writeScalar,
} from "./scalar-field.ts";
import { BN254_P, BN254_R } from "./types.ts";
import { GROTH16_PROTOCOL_ID, ZKEY_SECTION } from "./zkey-file.ts";

export interface DevSetupOptions {
  /** Worker threads for the fixed-base multiplications (default: number of CPUs). */
  threads?: number;
  /** Called as each stage starts, for progress output. */
  onStage?: (stage: string) => void;
}

export interface DevSetupResult {
  nConstraints: number;
  nVars: number;
  nPublic: number;
  domainSize: number;
  g1Multiplications: number;
  g2Multiplications: number;
  zkeyBytes: number;
  /** Seconds per stage: read, scalars, g1g2 (multiplications), write. */
  seconds: Record<string, number>;
}

/** Smallest domain snarkjs accepts for the circuit: 2^(⌊log2(m + nPublic)⌋ + 1). */
export function domainPower(nConstraints: number, nPublic: number): number {
  return Math.floor(Math.log2(Math.max(1, nConstraints + nPublic))) + 1;
}

function randomScalar(): bigint {
  for (;;) {
    // 512 bits reduced mod r: statistically uniform.
    const v = BigInt(`0x${randomBytes(64).toString("hex")}`) % BN254_R;
    if (v !== 0n) return v;
  }
}

/** Runs the development setup for the circuit in `r1csPath` and writes the proving key to `zkeyPath`. */
export async function devSetup(
  r1csPath: string,
  zkeyPath: string,
  options: DevSetupOptions = {},
): Promise<DevSetupResult> {
  const seconds: Record<string, number> = {};
  let t = performance.now();
  const lap = (stage: string) => {
    const now = performance.now();
    seconds[stage] = (now - t) / 1000;
    t = now;
  };
  options.onStage?.("reading the circuit");
  const r1cs = readR1cs(readFileSync(r1csPath), r1csPath);
  lap("read");
  options.onStage?.("computing the key's scalars");
  const key = computeKeyScalars(r1cs);
  lap("scalars");
  options.onStage?.(`${key.g1.length / 32} G1 and ${key.g2.length / 32} G2 fixed-base multiplications`);
  const pool = new FixedBasePool({ threads: options.threads });
  let g1: Uint8Array;
  let g2: Uint8Array;
  const g1Count = key.g1.length / 32;
  const g2Count = key.g2.length / 32;
  try {
    [g1, g2] = await Promise.all([pool.multiply(1, key.g1), pool.multiply(2, key.g2)]);
  } finally {
    await pool.close();
  }
  lap("g1g2");
  options.onStage?.("writing the .zkey");
  const parts = zkeySections(r1cs, key.coeffs, g1, g2);
  const zkeyBytes = writeAtomically(zkeyPath, parts);
  lap("write");
  const { nConstraints, nVars, nPublic } = r1cs.header;
  return {
    nConstraints,
    nVars,
    nPublic,
    domainSize: key.domainSize,
    g1Multiplications: g1Count,
    g2Multiplications: g2Count,
    zkeyBytes,
    seconds,
  };
}

interface KeyScalars {
  domainSize: number;
  /** Scalars for G1, 32 bytes each: α, β, δ, IC…, A…, B…, C…, H… (in that order). */
  g1: Uint8Array;
  /** Scalars for G2: β, γ, δ, B…. */
  g2: Uint8Array;
  /** Section 4, complete. */
  coeffs: Uint8Array;
}

/** Everything the key needs, as field elements; the secrets live only inside this call. */
function computeKeyScalars(r1cs: R1cs): KeyScalars {
  const { nVars, nPublic, nConstraints } = r1cs.header;
  const power = domainPower(nConstraints, nPublic);
  if (power + 1 > FR_TWO_ADICITY) {
    throw new CircuitTooLargeError(
      `the circuit has ${nConstraints} constraints; BN254 Groth16 with snarkjs's prover supports at most ` +
        `2^${FR_TWO_ADICITY - 1} constraints plus public inputs. Split the circuit.`,
    );
  }
  const n = 2 ** power;
  const tau = randomScalar();
  const alpha = randomScalar();
  const beta = randomScalar();
  const gamma = randomScalar();
  const delta = randomScalar();
  if (frPow(tau, BigInt(2 * n)) === 1n) throw new Error("τ landed in the evaluation domain; run again");

  // Lagrange bases at τ of the n-th roots (for A, B, C) and of the 2n-th roots (odd ones, for H):
  // L_k(τ) = (τ^N − 1)/N · ω^k/(τ − ω^k). The n-th roots are the even powers of the 2n-th root.
  const w = rootOfUnity(power + 1);
  const powers = new Array<bigint>(2 * n);
  const denominators = new Array<bigint>(2 * n);
  let wk = 1n;
  for (let k = 0; k < 2 * n; k++) {
    powers[k] = wk;
    denominators[k] = (tau - wk + BN254_R) % BN254_R;
    wk = frMul(wk, w);
  }
  batchInvert(denominators);
  const tauN = frPow(tau, BigInt(n));
  const zN = (tauN - 1n + BN254_R) % BN254_R;
  const z2N = frMul(zN, frAdd(tauN, 1n));
  const cN = frMul(zN, frInv(BigInt(n)));
  const c2NOverDelta = frMul(frMul(z2N, frInv(BigInt(2 * n))), frInv(delta));
  const lagrange = (row: number) => frMul(cN, frMul(powers[2 * row]!, denominators[2 * row]!));

  const a = new Array<bigint>(nVars).fill(0n);
  const b = new Array<bigint>(nVars).fill(0n);
  const c = new Array<bigint>(nVars).fill(0n);

  // Section 4 lists every A and B term (plus one A row per public wire) with its value times R² mod r.
  const montgomery2 = frMul((1n << 256n) % BN254_R, (1n << 256n) % BN254_R);
  const maxTerms = Math.floor(r1cs.constraints.length / 36) + nPublic + 1;
  const coeffs = new Uint8Array(4 + 44 * maxTerms);
  const cv = new DataView(coeffs.buffer);
  let terms = 0;
  const addTerm = (matrix: number, row: number, wire: number, value: bigint) => {
    const o = 4 + 44 * terms++;
    cv.setUint32(o, matrix, true);
    cv.setUint32(o + 4, row, true);
    cv.setUint32(o + 8, wire, true);
    writeScalar(cv, o + 12, frMul(value, montgomery2));
  };
  const accumulate = (into: bigint[], lc: LinearCombination, l: bigint) => {
    for (let i = 0; i < lc.wires.length; i++) {
      const wire = lc.wires[i]!;
      into[wire] = frAdd(into[wire]!, frMul(lc.coeffs[i]!, l));
    }
  };
  forEachConstraint(r1cs, (row, lcA, lcB, lcC) => {
    const l = lagrange(row);
    accumulate(a, lcA, l);
    accumulate(b, lcB, l);
    accumulate(c, lcC, l);
    for (let i = 0; i < lcA.wires.length; i++) addTerm(0, row, lcA.wires[i]!, lcA.coeffs[i]!);
    for (let i = 0; i < lcB.wires.length; i++) addTerm(1, row, lcB.wires[i]!, lcB.coeffs[i]!);
  });
  // snarkjs appends the constraints 1·x_s·0 = 0 for the public wires s, which makes their A_i independent
  // (the Groth16 soundness proof needs the public A_i to be linearly independent).
  for (let s = 0; s <= nPublic; s++) {
    a[s] = frAdd(a[s]!, lagrange(nConstraints + s));
    addTerm(0, nConstraints + s, s, 1n);
  }
  cv.setUint32(0, terms, true);

  const nPrivate = nVars - nPublic - 1;
  const g1 = new Uint8Array(32 * (3 + (nPublic + 1) + 2 * nVars + nPrivate + n));
  const g1v = new DataView(g1.buffer);
  let p = 0;
  const put1 = (v: bigint) => {
    writeScalar(g1v, p, v);
    p += 32;
  };
  put1(alpha);
  put1(beta);
  put1(delta);
  const invGamma = frInv(gamma);
  const invDelta = frInv(delta);
  const k = (i: number) => frAdd(frAdd(frMul(beta, a[i]!), frMul(alpha, b[i]!)), c[i]!);
  for (let i = 0; i <= nPublic; i++) put1(frMul(k(i), invGamma));
  for (let i = 0; i < nVars; i++) put1(a[i]!);
  for (let i = 0; i < nVars; i++) put1(b[i]!);
  for (let i = nPublic + 1; i < nVars; i++) put1(frMul(k(i), invDelta));
  for (let i = 0; i < n; i++) put1(frMul(c2NOverDelta, frMul(powers[2 * i + 1]!, denominators[2 * i + 1]!)));

  const g2 = new Uint8Array(32 * (3 + nVars));
  const g2v = new DataView(g2.buffer);
  writeScalar(g2v, 0, beta);
  writeScalar(g2v, 32, gamma);
  writeScalar(g2v, 64, delta);
  for (let i = 0; i < nVars; i++) writeScalar(g2v, 96 + 32 * i, b[i]!);

  return { domainSize: n, g1, g2, coeffs: coeffs.subarray(0, 4 + 44 * terms) };
}

/** Assembles the .zkey from the computed points (see zkey-file.ts for the layout). */
function zkeySections(r1cs: R1cs, coeffs: Uint8Array, g1: Uint8Array, g2: Uint8Array): Uint8Array[] {
  const { nVars, nPublic, nConstraints } = r1cs.header;
  const n = 2 ** domainPower(nConstraints, nPublic);
  const s1 = affineBytes(1);
  const s2 = affineBytes(2);
  let p1 = 0;
  const take1 = (count: number) => g1.subarray(p1, (p1 += count * s1));
  let p2 = 0;
  const take2 = (count: number) => g2.subarray(p2, (p2 += count * s2));
  const [alpha1, beta1, delta1] = [take1(1), take1(1), take1(1)];
  const ic = take1(nPublic + 1);
  const a = take1(nVars);
  const b1 = take1(nVars);
  const c = take1(nVars - nPublic - 1);
  const h = take1(n);
  const [beta2, gamma2, delta2] = [take2(1), take2(1), take2(1)];
  const b2 = take2(nVars);

  const header = new Uint8Array(4 + 32 + 4 + 32 + 12);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, 32, true);
  bigIntToLe(BN254_P, header, 4);
  hv.setUint32(36, 32, true);
  bigIntToLe(BN254_R, header, 40);
  hv.setUint32(72, nVars, true);
  hv.setUint32(76, nPublic, true);
  hv.setUint32(80, n, true);
  const headerParts = [header, alpha1, beta1, beta2, gamma2, delta1, delta2];

  const protocol = new Uint8Array(4);
  new DataView(protocol.buffer).setUint32(0, GROTH16_PROTOCOL_ID, true);
  // snarkjs hashes the key as it stood before any contribution; a development key has no such history,
  // so the slot holds the BLAKE2b-512 of the key as written, and the contribution count is 0.
  const hasher = createHash("blake2b512"); // OpenSSL's: the key is hundreds of MiB at 2^20
  for (const part of [...headerParts, ic, coeffs, a, b1, b2, c, h]) hasher.update(part);
  const contributions = new Uint8Array(68);
  contributions.set(hasher.digest());

  return writeBinFile("zkey", 1, [
    [ZKEY_SECTION.protocol, [protocol]],
    [ZKEY_SECTION.header, headerParts],
    [ZKEY_SECTION.ic, [ic]],
    [ZKEY_SECTION.coeffs, [coeffs]],
    [ZKEY_SECTION.a, [a]],
    [ZKEY_SECTION.b1, [b1]],
    [ZKEY_SECTION.b2, [b2]],
    [ZKEY_SECTION.c, [c]],
    [ZKEY_SECTION.h, [h]],
    [ZKEY_SECTION.contributions, [contributions]],
  ]);
}

/** Writes to a temporary file and renames it, so a failed run never leaves a half-written key behind. */
export function writeAtomically(path: string, parts: Uint8Array[]): number {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, "w");
  let total = 0;
  try {
    for (const part of parts) {
      let off = 0;
      while (off < part.length) off += writeSync(fd, part, off, part.length - off);
      total += part.length;
    }
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, path);
  return total;
}
