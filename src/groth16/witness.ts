/**
 * Witnesses: computed by the circuit's WebAssembly witness generator through snarkjs (from ESM; circom's
 * generate_witness.js is CommonJS), read from .wtns files, and checked against the R1CS.
 */
import { readFileSync } from "node:fs";
import * as snarkjs from "snarkjs";
import { readBinFile, section } from "./binfile.ts";
import { Groth16FileError, WitnessError } from "./errors.ts";
import { forEachConstraint, type LinearCombination, type R1cs } from "./r1cs.ts";
import { frAdd, frMul } from "./scalar-field.ts";
import { BN254_R } from "./types.ts";

export type CircuitInputs = Record<string, unknown>;

/** Runs the witness generator on `inputs` and writes the .wtns file. */
export async function computeWitness(
  wasmPath: string,
  inputs: CircuitInputs,
  wtnsPath: string,
): Promise<void> {
  try {
    await snarkjs.wtns.calculate(inputs, wasmPath, wtnsPath);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new WitnessError(
      `the inputs do not satisfy the circuit (or do not match its input signals): ${why.trim()}`,
    );
  }
}

/** Reads the witness vector (wire values, wire 0 = 1) of a .wtns file. */
export function readWitness(bytes: Uint8Array, what = "the .wtns file"): bigint[] {
  return witnessValues(readWitnessSection(bytes, what));
}

/** The values of a witness section (32-byte little-endian values) as bigints. */
export function witnessValues(data: Uint8Array): bigint[] {
  const d = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return Array.from(
    { length: data.length / 32 },
    (_, i) =>
      d.getBigUint64(32 * i, true) |
      (d.getBigUint64(32 * i + 8, true) << 64n) |
      (d.getBigUint64(32 * i + 16, true) << 128n) |
      (d.getBigUint64(32 * i + 24, true) << 192n),
  );
}

/** r as 8 little-endian u32 words. */
const R_WORDS = Array.from({ length: 8 }, (_, j) => Number((BN254_R >> BigInt(32 * j)) & 0xffffffffn));

/**
 * The witness values of a .wtns file as stored (32-byte little-endian values, wire 0 first), each checked to
 * be a field element (< r).
 */
export function readWitnessSection(bytes: Uint8Array, what = "the .wtns file"): Uint8Array {
  const file = readBinFile(bytes, "wtns", what);
  const h = section(file, 1, what);
  const v = new DataView(h.buffer, h.byteOffset, h.byteLength);
  if (h.length < 4) throw new Groth16FileError(`${what}: header truncated`);
  const n8 = v.getUint32(0, true);
  if (n8 !== 32 || h.length !== 4 + n8 + 4) throw new Groth16FileError(`${what}: not a BN254 witness`);
  let prime = 0n;
  for (let i = n8 - 1; i >= 0; i--) prime = (prime << 8n) | BigInt(h[4 + i]!);
  if (prime !== BN254_R) throw new Groth16FileError(`${what}: witness is not over BN254's scalar field`);
  const n = v.getUint32(4 + n8, true);
  const data = section(file, 2, what);
  if (data.length !== n * n8)
    throw new Groth16FileError(`${what}: expected ${n} values, section is truncated`);
  const d = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let i = 0; i < n; i++) {
    // Compare with r from the top word.
    let j = 7;
    while (j >= 0 && d.getUint32(32 * i + 4 * j, true) === R_WORDS[j]) j--;
    if (j < 0 || d.getUint32(32 * i + 4 * j, true) > R_WORDS[j]!)
      throw new Groth16FileError(`${what}: value ${i} is not a field element`);
  }
  return data;
}

export function readWitnessFile(path: string): bigint[] {
  return readWitness(readFileSync(path), path);
}

/**
 * Checks ⟨A_c, w⟩·⟨B_c, w⟩ = ⟨C_c, w⟩ for every constraint. Throws {@link WitnessError} naming the first
 * constraint that fails, so a bad witness is caught before the (much slower) prover runs.
 */
export function checkWitness(r1cs: R1cs, witness: readonly bigint[]): void {
  if (witness.length !== r1cs.header.nVars) {
    throw new WitnessError(
      `the witness has ${witness.length} values but the circuit has ${r1cs.header.nVars} wires; ` +
        `it was computed for a different circuit`,
    );
  }
  if (witness[0] !== 1n) throw new WitnessError(`witness wire 0 must be 1, got ${witness[0]}`);
  const dot = (lc: LinearCombination) => {
    let s = 0n;
    for (let i = 0; i < lc.wires.length; i++) s = frAdd(s, frMul(lc.coeffs[i]!, witness[lc.wires[i]!]!));
    return s;
  };
  forEachConstraint(r1cs, (c, a, b, cc) => {
    if (frMul(dot(a), dot(b)) !== dot(cc)) {
      throw new WitnessError(`the witness does not satisfy constraint ${c} of the circuit`);
    }
  });
}
