/**
 * Writers for circom's binary .r1cs (version 1) and snarkjs's .wtns (version 2) files over BN254, for
 * circuits that are not compiled by circom (the STARK verifier circuit, stitched benchmark circuits).
 * Format facts: https://github.com/iden3/r1csfile/blob/master/doc/r1cs_bin_format.md
 */
import { writeBinFile } from "./binfile.ts";
import { writeScalar } from "./scalar-field.ts";
import { BN254_R } from "./types.ts";

export interface R1csFileHeader {
  /** Wires, including the constant-one wire 0. */
  readonly nWires: number;
  readonly nOutputs: number;
  readonly nPublicInputs: number;
  readonly nPrivateInputs: number;
  readonly nConstraints: number;
}

/**
 * The file as parts to write in order. `constraints` is the constraint section: per constraint, for A, B, C:
 * u32 term count, then per term u32 wire and a 32-byte little-endian coefficient. Wire labels are the
 * identity.
 */
export function r1csFile(header: R1csFileHeader, constraints: readonly Uint8Array[]): Uint8Array[] {
  const h = new Uint8Array(4 + 32 + 28);
  const hv = new DataView(h.buffer);
  hv.setUint32(0, 32, true);
  writeScalar(hv, 4, BN254_R);
  hv.setUint32(36, header.nWires, true);
  hv.setUint32(40, header.nOutputs, true);
  hv.setUint32(44, header.nPublicInputs, true);
  hv.setUint32(48, header.nPrivateInputs, true);
  hv.setBigUint64(52, BigInt(header.nWires), true); // labels
  hv.setUint32(60, header.nConstraints, true);
  const labels = new Uint8Array(8 * header.nWires);
  const lv = new DataView(labels.buffer);
  for (let w = 0; w < header.nWires; w++) lv.setBigUint64(8 * w, BigInt(w), true);
  return writeBinFile("r1cs", 1, [
    [1, [h]],
    [2, [...constraints]],
    [3, [labels]],
  ]);
}

/** A witness file (wire 0 must be 1) as parts to write in order. */
export function wtnsFile(values: readonly bigint[]): Uint8Array[] {
  const n = values.length;
  const header = new Uint8Array(4 + 32 + 4);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, 32, true);
  writeScalar(hv, 4, BN254_R);
  hv.setUint32(36, n, true);
  const data = new Uint8Array(32 * n);
  const dv = new DataView(data.buffer);
  for (let i = 0; i < n; i++) writeScalar(dv, 32 * i, values[i]!);
  return writeBinFile("wtns", 2, [
    [1, [header]],
    [2, [data]],
  ]);
}
