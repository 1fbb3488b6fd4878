/**
 * The Grain LFSR parameter generation of the Poseidon authors (the "generate_parameters_grain" procedure,
 * Poseidon paper §4.1 / appendix F), which produced circomlib's constants. Used by the test suite to
 * re-derive the shipped constants from first principles instead of trusting the data file.
 *
 * The 80-bit register is seeded with: field type (2 bits, 1 = prime field), S-box (4 bits, 0 = x^α),
 * field size n (12 bits), t (12 bits), R_F (10 bits), R_P (10 bits), then 30 ones; it is clocked 160 times
 * and then used in self-shrinking mode (of each pair of output bits, the second is kept if the first is 1).
 * Round constants are n-bit big-endian integers drawn with rejection (≥ p is discarded); the MDS matrix is
 * the Cauchy matrix 1/(x_i + y_j) of 2t further n-bit draws (reduced mod p, no rejection).
 */
import { BN254_R, finv } from "./field.ts";

class Grain {
  private readonly bits = new Uint8Array(80);
  private head = 0;

  constructor(t: number, fullRounds: number, partialRounds: number, fieldBits: number) {
    const seed: number[] = [];
    const push = (value: number, width: number) => {
      for (let i = width - 1; i >= 0; i--) seed.push((value >> i) & 1);
    };
    push(1, 2);
    push(0, 4);
    push(fieldBits, 12);
    push(t, 12);
    push(fullRounds, 10);
    push(partialRounds, 10);
    for (let i = 0; i < 30; i++) seed.push(1);
    this.bits.set(seed);
    for (let i = 0; i < 160; i++) this.clock();
  }

  private clock(): number {
    const b = this.bits;
    const h = this.head;
    const at = (i: number) => b[(h + i) % 80]!;
    const bit = at(62) ^ at(51) ^ at(38) ^ at(23) ^ at(13) ^ at(0);
    b[h] = bit; // the oldest bit leaves, the new one enters at the end
    this.head = (h + 1) % 80;
    return bit;
  }

  private nextBit(): number {
    for (;;) {
      const keep = this.clock();
      const bit = this.clock();
      if (keep === 1) return bit;
    }
  }

  nextInteger(bits: number): bigint {
    let v = 0n;
    for (let i = 0; i < bits; i++) v = (v << 1n) | BigInt(this.nextBit());
    return v;
  }
}

export interface GrainConstants {
  C: bigint[];
  M: bigint[][];
}

/** Round constants ((R_F + R_P)·t) and MDS matrix for BN254 with x⁵, as the Grain procedure produces them. */
export function grainPoseidonConstants(t: number, fullRounds: number, partialRounds: number): GrainConstants {
  const n = 254;
  const grain = new Grain(t, fullRounds, partialRounds, n);
  const C: bigint[] = [];
  for (let i = 0; i < (fullRounds + partialRounds) * t; i++) {
    let x = grain.nextInteger(n);
    while (x >= BN254_R) x = grain.nextInteger(n);
    C.push(x);
  }
  const draws = Array.from({ length: 2 * t }, () => grain.nextInteger(n) % BN254_R);
  if (new Set(draws).size !== draws.length)
    throw new Error("repeated Cauchy points; draw again (not implemented)");
  const xs = draws.slice(0, t);
  const ys = draws.slice(t);
  const M = xs.map((x) => ys.map((y) => finv((x + y) % BN254_R)));
  return { C, M };
}
