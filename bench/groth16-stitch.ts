/**
 * Benchmark helper: a Poseidon chain larger than circom2 can compile, assembled from compiled segments.
 *
 * circom2 is circom built for wasm32, so it has 4 GiB of memory; compiling a 4369-link chain (2^20
 * constraints) with --O2 runs out of it. The chain is homogeneous, so the 2^20 circuit is the R1CS of
 * `count` copies of a compiled segment, each with its own wires (wire 0, the constant one, is shared),
 * linked by linear constraints (segment_i.seed − segment_{i−1}.out)·1 = 0 and segment_i.salt = salt. Its
 * witness is the segments' witnesses, each computed by the segment's own generator from the previous
 * segment's output. Public signals as in one chain: [out, seed]; private input: salt.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { leToBigInt, readBinFile, section } from "../src/groth16/binfile.ts";
import { readR1cs } from "../src/groth16/r1cs.ts";
import { r1csFile, wtnsFile } from "../src/groth16/r1cs-writer.ts";
import { writeScalar } from "../src/groth16/scalar-field.ts";
import { BN254_R } from "../src/groth16/types.ts";
import { computeWitness, readWitnessFile } from "../src/groth16/witness.ts";

/** Segment wires (circom order): 0 one, 1 out, 2 seed (public input), 3 salt (private input). */
const OUT = 1;
const SEED = 2;
const SALT = 3;

function lc(terms: Array<[wire: number, coeff: bigint]>): Uint8Array {
  const b = new Uint8Array(4 + 36 * terms.length);
  const v = new DataView(b.buffer);
  v.setUint32(0, terms.length, true);
  terms.forEach(([w, c], i) => {
    v.setUint32(4 + 36 * i, w, true);
    writeScalar(v, 8 + 36 * i, c);
  });
  return b;
}

export function stitchR1cs(segmentR1cs: string, count: number, outPath: string): void {
  const seg = readR1cs(readFileSync(segmentR1cs), segmentR1cs);
  const { nVars: segVars, nConstraints: segConstraints } = seg.header;
  const base = (i: number) => 4 + i * (segVars - 1);
  const wire = (i: number, w: number) => (w === 0 ? 0 : base(i) + w - 1);
  const nVars = base(count);

  const copies: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const c = new Uint8Array(seg.constraints); // a copy (Buffer#slice would share memory)
    const v = new DataView(c.buffer);
    let p = 0;
    for (let k = 0; k < segConstraints * 3; k++) {
      const n = v.getUint32(p, true);
      p += 4;
      for (let t = 0; t < n; t++, p += 36) v.setUint32(p, wire(i, v.getUint32(p, true)), true);
    }
    copies.push(c);
  }
  const one = lc([[0, 1n]]);
  const none = lc([]);
  const equal = (a: number, b: number) => [
    lc([
      [a, 1n],
      [b, BN254_R - 1n],
    ]),
    one,
    none,
  ];
  const links: Uint8Array[] = [...equal(wire(0, SEED), SEED)];
  for (let i = 1; i < count; i++) links.push(...equal(wire(i, SEED), wire(i - 1, OUT)));
  for (let i = 0; i < count; i++) links.push(...equal(wire(i, SALT), SALT));
  links.push(...equal(OUT, wire(count - 1, OUT)));
  const nConstraints = count * segConstraints + links.length / 3;

  const parts = r1csFile({ nWires: nVars, nOutputs: 1, nPublicInputs: 1, nPrivateInputs: 1, nConstraints }, [
    ...copies,
    ...links,
  ]);
  writeFileSync(outPath, Buffer.concat(parts));
}

/** Computes the stitched circuit's witness (.wtns, version 2) for the given seed and salt. */
export async function stitchWitness(
  segmentWasm: string,
  count: number,
  seed: bigint,
  salt: bigint,
  scratch: string,
  outPath: string,
): Promise<void> {
  const values: bigint[][] = [];
  let input = seed;
  for (let i = 0; i < count; i++) {
    await computeWitness(segmentWasm, { seed: input, salt }, scratch);
    const w = readWitnessFile(scratch);
    values.push(w.slice(1));
    input = w[OUT]!;
  }
  writeFileSync(outPath, Buffer.concat(wtnsFile([1n, input, seed, salt, ...values.flat()])));
  // Sanity: the file reads back with the same prime.
  const back = readBinFile(readFileSync(outPath), "wtns", outPath);
  if (leToBigInt(section(back, 1, outPath).subarray(4, 36)) !== BN254_R) throw new Error("bad witness file");
}
