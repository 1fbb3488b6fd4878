import { describe, expect, it } from "vitest";
import { P } from "../../src/field/babybear.ts";
import { poseidon2Backend } from "../../src/hash/poseidon2.ts";
import { UnsupportedHashError } from "../../src/stark/hash-config.ts";
import { poseidon2Hash } from "../../src/stark/poseidon2-hash.ts";

/**
 * The Poseidon2 configuration's batch entry points (four states at a time on the vector kernel) give the
 * digests of the one-at-a-time `hashRow` and `compress`, for every remainder of a batch of four and for
 * rows that end on, before and after a permutation's 16 lanes.
 */
let seed = 12345;
const rand = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed % P;
};
const elements = (n: number) => Uint32Array.from({ length: n }, rand);

describe("Poseidon2 batch hashing", () => {
  it("runs on the WebAssembly kernel here", () => {
    expect(poseidon2Backend()).toBe("wasm");
  });

  it("hashRows equals hashRow row by row", () => {
    for (const width of [1, 8, 15, 16, 17, 32, 33, 259, 467])
      for (const count of [1, 2, 3, 4, 5, 7, 8, 9, 16]) {
        const rows = Array.from({ length: count }, () => elements(width));
        rows[0]!.fill(P - 1);
        const outs = rows.map(() => new Uint32Array(8));
        poseidon2Hash.hashRows!(rows, outs);
        rows.forEach((row, i) => {
          const expected = new Uint32Array(8);
          poseidon2Hash.hashRow(row, expected);
          expect(outs[i], `width ${width}, row ${i} of ${count}`).toEqual(expected);
        });
      }
  });

  it("compressPairs equals compress pair by pair, also when each output is its left input", () => {
    for (const count of [1, 3, 4, 6, 16]) {
      const lefts = Array.from({ length: count }, () => elements(8));
      const rights = Array.from({ length: count }, () => elements(8));
      const expected = lefts.map((l, i) => {
        const out = new Uint32Array(8);
        poseidon2Hash.compress(l, rights[i]!, out);
        return out;
      });
      const outs = lefts.map(() => new Uint32Array(8));
      poseidon2Hash.compressPairs!(lefts, rights, outs);
      expect(outs).toEqual(expected);
      poseidon2Hash.compressPairs!(lefts, rights, lefts); // in place, as the prover's injections do
      expect(lefts).toEqual(expected);
    }
  });

  it("compressLevel equals compress node by node on any sub-range", () => {
    const below = elements(8 * 2 * 11);
    const expected = new Uint32Array(8 * 11);
    for (let j = 0; j < 11; j++)
      poseidon2Hash.compress(
        below.subarray(16 * j, 16 * j + 8),
        below.subarray(16 * j + 8, 16 * j + 16),
        expected.subarray(8 * j, 8 * j + 8),
      );
    for (const [start, end] of [
      [0, 11],
      [2, 9],
      [5, 6],
      [3, 3],
    ] as const) {
      const level = new Uint32Array(8 * 11);
      poseidon2Hash.compressLevel!(below, level, start, end, 2);
      expect(level.subarray(8 * start, 8 * end)).toEqual(expected.subarray(8 * start, 8 * end));
      expect(level.subarray(0, 8 * start).every((x) => x === 0)).toBe(true);
      expect(level.subarray(8 * end).every((x) => x === 0)).toBe(true);
    }
    expect(() => poseidon2Hash.compressLevel!(below, new Uint32Array(8), 0, 1, 4)).toThrow(
      UnsupportedHashError,
    );
  });
});
