import { FieldError, mul, pow, rootOfUnity, sub } from "../field/babybear.ts";
import {
  EXT_CHUNK,
  invertExtArrays,
  MONT_R2,
  type MontgomeryArrays,
  toMontgomery,
} from "../field/montgomery-wasm.ts";
import { BASE_BYTES, CHUNK_VECTORS, EXT_BYTES } from "./eval-kernel.ts";

/** What the DEEP combination of one LDE height needs (the `deep` kernel of kernels.ts). */
export interface DeepInputs {
  /** The columns opened at ζω first (`nextCount` of them), then the others. */
  readonly columns: readonly Uint32Array[];
  readonly nextCount: number;
  /** 4 coordinates per column: γ^{o+i}, i its position in opening order. */
  readonly gammaPowers: Uint32Array;
  readonly vz: readonly number[];
  readonly vzn: readonly number[];
  readonly gammaM: readonly number[];
  readonly zeta: readonly number[];
  readonly zetaNext: readonly number[];
  readonly logN: number;
  readonly shift: number;
  readonly out: readonly Uint32Array[];
}

/**
 * The DEEP combination out = (S − vz)/(x − ζ) + γ^M·(T − vzn)/(x − ζω), S = Σ_i γ^{o+i}·c_i(x) and T the
 * same sum over the first `nextCount` columns (those opened at ζω), on rows
 * [start, end) of one LDE height: kernels.ts's JavaScript loop on the vector kernel, value for value the same.
 * The columns stay canonical (γ's powers are in Montgomery form, so each product is canonical); the
 * denominators enter Montgomery form and are inverted together per chunk (four chains), so that their
 * products with canonical values are canonical again.
 */
export function deepOnKernel(kernel: MontgomeryArrays, k: DeepInputs, start: number, end: number): void {
  const COL = 0;
  const ACC = COL + BASE_BYTES;
  // Extension chunks after the accumulator: denominators, their inverses, the constants vz and vzn.
  const at = (i: number) => ACC + (1 + i) * EXT_BYTES;
  const DZ = at(0);
  const DZN = at(1);
  const IZ = at(2);
  const IZN = at(3);
  const CZ = at(4);
  const CZN = at(5);
  const T = at(6);
  const CARRY = at(7);
  const words = kernel.words(CARRY + 64);
  const gamma = Uint32Array.from(k.gammaPowers, toMontgomery);
  const gammaM = k.gammaM.map(toMontgomery);
  const fillExt = (at: number, value: readonly number[]) => {
    for (let l = 0; l < 4; l++)
      words.fill(value[l]!, (at + l * BASE_BYTES) >> 2, (at + (l + 1) * BASE_BYTES) >> 2);
  };
  fillExt(CZ, k.vz);
  fillExt(CZN, k.vzn);
  const w = rootOfUnity(k.logN);
  /** x − z for the chunk's points, in Montgomery form (x in the base field, so coordinates 1–3 are −z). */
  const denominators = (dz: number, z: readonly number[], xs: Uint32Array, len: number) => {
    fillExt(dz, [0, sub(0, z[1]!), sub(0, z[2]!), sub(0, z[3]!)]);
    const d0 = dz >> 2;
    for (let r = 0; r < len; r++) words[d0 + r] = sub(xs[r]!, z[0]!);
    kernel.mulConst(dz, dz, MONT_R2, 4 * CHUNK_VECTORS);
  };
  const xs = new Uint32Array(EXT_CHUNK);
  for (let from = start; from < end; from += EXT_CHUNK) {
    const len = Math.min(EXT_CHUNK, end - from);
    const n4 = (len + 3) >> 2;
    words.fill(0, ACC >> 2, (ACC + EXT_BYTES) >> 2);
    const col = COL >> 2;
    const snapshot = () => words.copyWithin(T >> 2, ACC >> 2, (ACC + EXT_BYTES) >> 2);
    k.columns.forEach((c, j) => {
      if (j === k.nextCount) snapshot();
      words.set(c.subarray(from, from + len), col);
      for (let l = 0; l < 4; l++) {
        const g = gamma[4 * j + l]!;
        if (g !== 0) kernel.maddConst(ACC + l * BASE_BYTES, COL, g, n4);
      }
    });
    if (k.nextCount === k.columns.length) snapshot();
    let x = mul(k.shift, pow(w, from));
    for (let r = 0; r < len; r++, x = mul(x, w)) xs[r] = x;
    denominators(DZ, k.zeta, xs, len);
    denominators(DZN, k.zetaNext, xs, len);
    const pairs = [
      [DZ, IZ],
      [DZN, IZN],
    ] as const;
    if (!invertExtArrays(kernel, pairs, len, n4, CARRY))
      throw new FieldError("DEEP: an out-of-domain point lies on the LDE coset");
    // (S − vz)·1/(x − ζ) + γ^M·(T − vzn)·1/(x − ζω), in the chunks of the denominators.
    kernel.sub(DZ, ACC, CZ, 4 * CHUNK_VECTORS);
    kernel.sub(DZN, T, CZN, 4 * CHUNK_VECTORS);
    kernel.mulExt(DZ, DZ, IZ, n4);
    kernel.mulExt(DZN, DZN, IZN, n4);
    kernel.maddExtConst(DZ, DZN, gammaM[0]!, gammaM[1]!, gammaM[2]!, gammaM[3]!, n4);
    for (let l = 0; l < 4; l++) {
      const o = (DZ + l * BASE_BYTES) >> 2;
      k.out[l]!.set(words.subarray(o, o + len), from);
    }
  }
}
