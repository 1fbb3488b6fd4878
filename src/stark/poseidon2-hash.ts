import { P } from "../field/babybear.ts";
import {
  POSEIDON2_RATE,
  POSEIDON2_WIDTH,
  poseidon2Lanes,
  poseidon2Lanes4,
  poseidon2Permute,
} from "../hash/poseidon2.ts";
import { type Challenger, checkPow, type StarkHash, UnsupportedHashError } from "./hash-config.ts";

/**
 * The Poseidon2-BabyBear configuration (RISC Zero's width-24 permutation). Rows are hashed in overwrite
 * mode, 16 elements per permutation with a zero-filled last block; compression is permute(a ‖ b ‖ 0)[0..8].
 * Both write straight into the permutation's lanes (no state copied in and out per permutation).
 */
function hashRow(row: ArrayLike<number>, out: Uint32Array): void {
  const { state: s, permute } = poseidon2Lanes();
  s.fill(0);
  const n = row.length;
  let i = 0;
  do {
    const take = Math.min(POSEIDON2_RATE, n - i);
    for (let j = 0; j < take; j++) s[j] = row[i + j]!;
    for (let j = take; j < POSEIDON2_RATE; j++) s[j] = 0;
    permute();
    i += take;
  } while (i < n);
  for (let j = 0; j < 8; j++) out[j] = s[j]!;
}

/** {@link hashRow} of equal-length rows, four at a time on the vector kernel. */
function hashRows(rows: readonly ArrayLike<number>[], outs: readonly Uint32Array[]): void {
  const four = poseidon2Lanes4();
  let r = 0;
  if (four !== null)
    for (; r + 4 <= rows.length; r += 4) {
      const s = four.state;
      s.fill(0);
      const n = rows[r]!.length;
      let i = 0;
      do {
        const take = Math.min(POSEIDON2_RATE, n - i);
        for (let k = 0; k < 4; k++) {
          const row = rows[r + k]!;
          for (let j = 0; j < take; j++) s[4 * j + k] = row[i + j]!;
          for (let j = take; j < POSEIDON2_RATE; j++) s[4 * j + k] = 0;
        }
        four.permute();
        i += take;
      } while (i < n);
      for (let k = 0; k < 4; k++) {
        const out = outs[r + k]!;
        for (let j = 0; j < 8; j++) out[j] = s[4 * j + k]!;
      }
    }
  for (; r < rows.length; r++) hashRow(rows[r]!, outs[r]!);
}

/** Digests j ∈ [start, end) of a binary tree level from the level below, four at a time on the vector kernel. */
function compressLevel(
  below: Uint32Array,
  level: Uint32Array,
  start: number,
  end: number,
  arity: 2 | 4,
): void {
  if (arity !== 2)
    throw new UnsupportedHashError(
      `hash configuration ${poseidon2Hash.id} has no 4-to-1 compression (compress4)`,
    );
  const four = poseidon2Lanes4();
  let j = start;
  if (four !== null) {
    const s = four.state;
    for (; j + 4 <= end; j += 4) {
      for (let k = 0; k < 4; k++) {
        const base = 16 * (j + k); // two children of 8 words
        for (let i = 0; i < 16; i++) s[4 * i + k] = below[base + i]!;
        for (let i = 16; i < POSEIDON2_WIDTH; i++) s[4 * i + k] = 0;
      }
      four.permute();
      for (let k = 0; k < 4; k++) for (let i = 0; i < 8; i++) level[8 * (j + k) + i] = s[4 * i + k]!;
    }
  }
  for (; j < end; j++)
    compress(
      below.subarray(16 * j, 16 * j + 8),
      below.subarray(16 * j + 8, 16 * j + 16),
      level.subarray(8 * j, 8 * j + 8),
    );
}

/** {@link compress} of pairs, four at a time on the vector kernel (an output may alias its inputs). */
function compressPairs(
  lefts: readonly Uint32Array[],
  rights: readonly Uint32Array[],
  outs: readonly Uint32Array[],
): void {
  const four = poseidon2Lanes4();
  let j = 0;
  if (four !== null) {
    const s = four.state;
    for (; j + 4 <= outs.length; j += 4) {
      for (let k = 0; k < 4; k++) {
        const a = lefts[j + k]!;
        const b = rights[j + k]!;
        for (let i = 0; i < 8; i++) {
          s[4 * i + k] = a[i]!;
          s[4 * (i + 8) + k] = b[i]!;
          s[4 * (i + 16) + k] = 0;
        }
      }
      four.permute();
      for (let k = 0; k < 4; k++) {
        const out = outs[j + k]!;
        for (let i = 0; i < 8; i++) out[i] = s[4 * i + k]!;
      }
    }
  }
  for (; j < outs.length; j++) compress(lefts[j]!, rights[j]!, outs[j]!);
}

function compress(a: Uint32Array, b: Uint32Array, out: Uint32Array): void {
  const { state: s, permute } = poseidon2Lanes();
  for (let j = 0; j < 8; j++) {
    s[j] = a[j]!;
    s[j + 8] = b[j]!;
    s[j + 16] = 0;
  }
  permute();
  for (let j = 0; j < 8; j++) out[j] = s[j]!;
}

/** Duplex sponge in overwrite mode over the rate lanes 0..16 (Plonky3's DuplexChallenger discipline). */
export class Poseidon2Challenger implements Challenger {
  private readonly state: Uint32Array;
  private input: number[];
  private output: number[];

  constructor(state = new Uint32Array(POSEIDON2_WIDTH), input: number[] = [], output: number[] = []) {
    this.state = state;
    this.input = input;
    this.output = output;
  }

  private duplex(): void {
    for (let i = 0; i < this.input.length; i++) this.state[i] = this.input[i]!;
    this.input = [];
    poseidon2Permute(this.state);
    this.output = Array.from(this.state.subarray(0, POSEIDON2_RATE));
  }

  observe(x: number): void {
    if (!(x >= 0 && x < P && Number.isInteger(x))) throw new RangeError(`cannot observe non-element ${x}`);
    this.output = [];
    this.input.push(x);
    if (this.input.length === POSEIDON2_RATE) this.duplex();
  }

  observeDigest(d: Uint32Array): void {
    for (let i = 0; i < 8; i++) this.observe(d[i]!);
  }

  sample(): number {
    if (this.input.length > 0 || this.output.length === 0) this.duplex();
    return this.output.pop()!;
  }

  /**
   * Scans nonces with one permutation each on a prepared state: observing the nonce completes the pending
   * input, sampling permutes it and pops lane 15. Candidates are confirmed with the generic check.
   */
  grindFast(bits: number): number {
    const base = Uint32Array.from(this.state);
    for (let i = 0; i < this.input.length; i++) base[i] = this.input[i]!;
    const lane = this.input.length;
    const s = new Uint32Array(POSEIDON2_WIDTH);
    const mask = bits === 0 ? 0 : (1 << bits) - 1;
    for (let nonce = 0; nonce < P; nonce++) {
      s.set(base);
      s[lane] = nonce;
      // Exactly one permutation follows: in observe() if the nonce fills the rate, else in sample().
      poseidon2Permute(s);
      const e = s[15]!;
      if ((e & mask) === 0 && checkPow(this, nonce, bits)) return nonce;
    }
    throw new RangeError("no proof-of-work nonce exists");
  }

  clone(): Poseidon2Challenger {
    return new Poseidon2Challenger(Uint32Array.from(this.state), [...this.input], [...this.output]);
  }
}

export const poseidon2Hash: StarkHash = {
  id: "poseidon2-babybear-w24",
  hashRow,
  hashRows,
  compress,
  compressPairs,
  compressLevel,
  merkleArity: 2,
  isCanonicalDigest: (d) => d.every((w) => w < P),
  newChallenger: () => new Poseidon2Challenger(),
};
