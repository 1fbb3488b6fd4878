/**
 * Reader for circom's binary .r1cs format (header and constraint sections), enough for a Groth16 setup.
 * Format facts: https://github.com/iden3/r1csfile/blob/master/doc/r1cs_bin_format.md
 */
import { type BinFile, leToBigInt, readBinFile, section } from "./binfile.ts";
import { Groth16FileError } from "./errors.ts";
import { BN254_R } from "./types.ts";

export interface R1csHeader {
  /** Bytes per field element (32 for BN254). */
  n8: number;
  prime: bigint;
  /** Wires, including the constant-one wire 0. */
  nVars: number;
  nOutputs: number;
  nPubInputs: number;
  nPrvInputs: number;
  nConstraints: number;
  /** Public signals (outputs, then public inputs): wires 1..nPublic. */
  nPublic: number;
}

export interface R1cs {
  header: R1csHeader;
  /** The raw constraint section: per constraint, for A, B, C: u32 n, then n × (u32 wire, n8-byte coefficient). */
  constraints: Uint8Array;
}

export function readR1cs(bytes: Uint8Array, what = "the .r1cs file"): R1cs {
  const file: BinFile = readBinFile(bytes, "r1cs", what);
  const h = section(file, 1, what);
  if (h.length < 4) throw new Groth16FileError(`${what}: header section is truncated`);
  const v = new DataView(h.buffer, h.byteOffset, h.byteLength);
  const n8 = v.getUint32(0, true);
  if (h.length !== 4 + n8 + 28) throw new Groth16FileError(`${what}: header section has the wrong length`);
  const prime = leToBigInt(h.subarray(4, 4 + n8));
  if (prime !== BN254_R) {
    throw new Groth16FileError(
      `${what} is over the field ${prime}, not BN254's scalar field; compile with circom's default prime (bn128)`,
    );
  }
  let p = 4 + n8;
  const u32 = () => {
    const x = v.getUint32(p, true);
    p += 4;
    return x;
  };
  const nVars = u32();
  const nOutputs = u32();
  const nPubInputs = u32();
  const nPrvInputs = u32();
  p += 8; // nLabels
  const nConstraints = u32();
  const header = {
    n8,
    prime,
    nVars,
    nOutputs,
    nPubInputs,
    nPrvInputs,
    nConstraints,
    nPublic: nOutputs + nPubInputs,
  };
  if (header.nPublic + 1 > nVars) throw new Groth16FileError(`${what}: more public signals than wires`);
  if (file.sections.has(4) || file.sections.has(5)) {
    throw new Groth16FileError(`${what} uses custom gates (PLONK only); Groth16 needs a plain R1CS`);
  }
  return { header, constraints: section(file, 2, what) };
}

/** A linear combination of one constraint: parallel arrays of wire ids and coefficients (canonical). */
export interface LinearCombination {
  wires: number[];
  coeffs: bigint[];
  /** Byte offsets of each coefficient inside `constraints` (for copying them verbatim). */
  offsets: number[];
}

/**
 * Walks the constraints in order, calling `visit(c, A, B, C)`. Validates wire ids and coefficient ranges,
 * so that a corrupt file gives a {@link Groth16FileError} rather than a wrong key.
 */
export function forEachConstraint(
  r1cs: R1cs,
  visit: (index: number, a: LinearCombination, b: LinearCombination, c: LinearCombination) => void,
): void {
  const { constraints: s, header } = r1cs;
  const { n8, nVars, nConstraints } = header;
  const v = new DataView(s.buffer, s.byteOffset, s.byteLength);
  let p = 0;
  const truncated = () => new Groth16FileError(`the .r1cs constraint section is truncated`);
  const readLc = (): LinearCombination => {
    if (p + 4 > s.length) throw truncated();
    const n = v.getUint32(p, true);
    p += 4;
    if (p + n * (4 + n8) > s.length) throw truncated();
    const lc: LinearCombination = { wires: new Array(n), coeffs: new Array(n), offsets: new Array(n) };
    for (let i = 0; i < n; i++) {
      const wire = v.getUint32(p, true);
      if (wire >= nVars) throw new Groth16FileError(`the .r1cs refers to wire ${wire} of ${nVars}`);
      p += 4;
      const coeff =
        n8 === 32
          ? v.getBigUint64(p, true) |
            (v.getBigUint64(p + 8, true) << 64n) |
            (v.getBigUint64(p + 16, true) << 128n) |
            (v.getBigUint64(p + 24, true) << 192n)
          : leToBigInt(s.subarray(p, p + n8));
      if (coeff >= BN254_R) throw new Groth16FileError(`the .r1cs has a coefficient outside the field`);
      lc.wires[i] = wire;
      lc.coeffs[i] = coeff;
      lc.offsets[i] = p;
      p += n8;
    }
    return lc;
  };
  for (let c = 0; c < nConstraints; c++) visit(c, readLc(), readLc(), readLc());
  if (p !== s.length) throw new Groth16FileError(`the .r1cs constraint section has trailing bytes`);
}
