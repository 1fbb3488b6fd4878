import { bytesToHex } from "@noble/hashes/utils.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { P } from "../../src/field/babybear.ts";
import {
  digestFromBytes,
  digestToBytes,
  PAGE_WORDS,
  Poseidon2InputError,
  poseidon2Backend,
  poseidon2Compress,
  poseidon2HashElements,
  poseidon2PageDigest,
  poseidon2Permute,
  poseidon2PermuteJs,
} from "../../src/hash/poseidon2.ts";
import {
  FULL_ROUND_CONSTANTS,
  INTERNAL_DIAGONAL,
  PARTIAL_ROUND_CONSTANTS,
} from "../../src/hash/poseidon2-constants.ts";
import { loadPoseidon2Wasm, poseidon2WasmBytes } from "../../src/hash/poseidon2-wasm.ts";
import vectors from "../fixtures/poseidon2-babybear-w24.json" with { type: "json" };

const p = BigInt(P);
const rc = vectors.roundConstants.map(BigInt);
const diag = vectors.internalDiagonal.map(BigInt);

/** A second implementation, written from the structure in the vector file with BigInt arithmetic. */
function referencePermute(state: bigint[]): bigint[] {
  const pow7 = (x: bigint) => {
    const x2 = (x * x) % p;
    return (((x2 * x2) % p) * ((x2 * x) % p)) % p;
  };
  const m4 = ([x0, x1, x2, x3]: bigint[]) => {
    const t0 = x0! + x1!;
    const t1 = x2! + x3!;
    const t2 = 2n * x1! + t1;
    const t3 = 2n * x3! + t0;
    const t4 = 4n * t1 + t3;
    const t5 = 4n * t0 + t2;
    return [t3 + t5, t5, t2 + t4, t4];
  };
  const ext = (c: bigint[]) => {
    const o = [0, 1, 2, 3, 4, 5].flatMap((k) => m4(c.slice(4 * k, 4 * k + 4)));
    const s = [0, 1, 2, 3].map((j) => [0, 1, 2, 3, 4, 5].reduce((acc, k) => acc + o[4 * k + j]!, 0n));
    return o.map((x, i) => (x + s[i % 4]!) % p);
  };
  const int = (c: bigint[]) => {
    const s = c.reduce((a, b) => a + b, 0n);
    return c.map((x, i) => (s + diag[i]! * x) % p);
  };
  let c = ext(state);
  for (let r = 0; r < 29; r++) {
    if (r < 4 || r >= 25) {
      c = ext(c.map((x, i) => pow7((x + rc[r * 24 + i]!) % p)));
    } else {
      c[0] = pow7((c[0]! + rc[r * 24]!) % p);
      c = int(c);
    }
  }
  return c;
}

const hex = (d: Uint32Array) => bytesToHex(digestToBytes(d));

describe("Poseidon2-BabyBear width 24 (RISC Zero parameters)", () => {
  it("uses exactly the constants of the vector file", () => {
    expect(vectors.width).toBe(24);
    expect(vectors.field).toBe(P);
    const full = [0, 1, 2, 3, 25, 26, 27, 28].flatMap((r) =>
      vectors.roundConstants.slice(r * 24, r * 24 + 24),
    );
    expect(Array.from(FULL_ROUND_CONSTANTS)).toEqual(full);
    expect(Array.from(PARTIAL_ROUND_CONSTANTS)).toEqual(
      Array.from({ length: 21 }, (_, i) => vectors.roundConstants[(i + 4) * 24]),
    );
    for (let r = 4; r < 25; r++)
      expect(vectors.roundConstants.slice(r * 24 + 1, r * 24 + 24).every((x) => x === 0));
    expect(Array.from(INTERNAL_DIAGONAL)).toEqual(vectors.internalDiagonal);
  });

  it("agrees with a BigInt reference permutation on random and edge states", () => {
    const lane = fc.oneof(fc.constantFrom(0, 1, P - 1), fc.integer({ min: 0, max: P - 1 }));
    fc.assert(
      fc.property(fc.array(lane, { minLength: 24, maxLength: 24 }), (input) => {
        const state = Uint32Array.from(input);
        poseidon2Permute(state);
        expect(Array.from(state)).toEqual(referencePermute(input.map(BigInt)).map(Number));
      }),
      { numRuns: 200 },
    );
  });

  it("reproduces the zero page digest", () => {
    expect(hex(poseidon2PageDigest(new Uint32Array(PAGE_WORDS)))).toBe(vectors.vectors.zeroPageDigest);
  });

  it("reproduces the zero-subtree digests up to the level-22 root", () => {
    let d = poseidon2PageDigest(new Uint32Array(PAGE_WORDS));
    const levels: string[] = [];
    for (let level = 1; level <= 22; level++) {
      d = poseidon2Compress(d, d);
      levels.push(hex(d));
    }
    expect(levels[0]).toBe(vectors.vectors.zeroLevel1);
    expect(levels[1]).toBe(vectors.vectors.zeroLevel2);
    expect(levels[21]).toBe(vectors.vectors.zeroLevel22Root);
  });

  it("compression places the first digest in lanes 0..8 and the second in 8..16", () => {
    const a = Uint32Array.from({ length: 8 }, (_, i) => i + 1);
    const b = Uint32Array.from({ length: 8 }, (_, i) => 100 + i);
    const state = new Uint32Array(24);
    state.set(a, 0);
    state.set(b, 8);
    const expected = referencePermute(Array.from(state, BigInt)).slice(0, 8).map(Number);
    expect(Array.from(poseidon2Compress(a, b))).toEqual(expected);
    expect(Array.from(poseidon2Compress(b, a))).not.toEqual(expected);
  });

  it("hashes element slices in blocks of 16 with zero fill", () => {
    const elems = Array.from({ length: 20 }, (_, i) => (i * 7919) % P);
    const state = new Array<bigint>(24).fill(0n);
    elems.slice(0, 16).forEach((e, i) => (state[i] = BigInt(e)));
    let s = referencePermute(state);
    s = s.map((x, i) => (i < 16 ? (i < 4 ? BigInt(elems[16 + i]!) : 0n) : x));
    s = referencePermute(s);
    expect(Array.from(poseidon2HashElements(elems))).toEqual(s.slice(0, 8).map(Number));
  });

  it("rejects non-canonical inputs and malformed digests", () => {
    expect(() => poseidon2HashElements([P])).toThrow(Poseidon2InputError);
    expect(() => poseidon2Compress(new Uint32Array(7), new Uint32Array(8))).toThrow(Poseidon2InputError);
    const bytes = new Uint8Array(32).fill(0xff);
    expect(() => digestFromBytes(bytes)).toThrow(/not a canonical/);
    const d = Uint32Array.from({ length: 8 }, (_, i) => P - 1 - i);
    expect(digestFromBytes(digestToBytes(d))).toEqual(d);
  });
});

describe("Poseidon2 backends", () => {
  it("the WebAssembly kernel and the JavaScript permutation agree with the BigInt reference", () => {
    const wasm = loadPoseidon2Wasm();
    expect(wasm).not.toBeNull();
    expect(poseidon2Backend()).toBe("wasm");
    const lane = fc.oneof(fc.constantFrom(0, 1, P - 1), fc.integer({ min: 0, max: P - 1 }));
    fc.assert(
      fc.property(fc.array(lane, { minLength: 24, maxLength: 24 }), (input) => {
        const expected = referencePermute(input.map(BigInt)).map(Number);
        const js = Uint32Array.from(input);
        poseidon2PermuteJs(js);
        expect(Array.from(js)).toEqual(expected);
        wasm!.words.set(input, 24);
        wasm!.permuteAt(24);
        expect(Array.from(wasm!.words.subarray(24, 48))).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});

describe("the four-state vector permutation", () => {
  it("permutes four interleaved states as the BigInt reference permutes each", () => {
    const wasm = loadPoseidon2Wasm()!;
    expect(wasm.permute4At).not.toBeNull(); // Node 22 has WebAssembly SIMD
    const lane = fc.oneof(fc.constantFrom(0, 1, 2, P - 2, P - 1), fc.integer({ min: 0, max: P - 1 }));
    const state = fc.array(lane, { minLength: 24, maxLength: 24 });
    const base = 64; // a multiple of 4, clear of the single state at 24
    fc.assert(
      fc.property(fc.array(state, { minLength: 4, maxLength: 4 }), (states) => {
        states.forEach((s, k) => {
          for (let i = 0; i < 24; i++) wasm.words[base + 4 * i + k] = s[i]!;
        });
        wasm.permute4At!(base);
        states.forEach((s, k) => {
          const expected = referencePermute(s.map(BigInt)).map(Number);
          expect(Array.from({ length: 24 }, (_, i) => wasm.words[base + 4 * i + k])).toEqual(expected);
        });
      }),
      { numRuns: 100 },
    );
  });

  it("a module without the vector permutation still loads (engines without WebAssembly SIMD)", () => {
    const scalarOnly = new WebAssembly.Instance(new WebAssembly.Module(poseidon2WasmBytes(false)));
    expect(Object.keys(scalarOnly.exports).sort()).toEqual(["memory", "permute"]);
  });

  it("a state of all p − 1 and one of all 0 (the Montgomery reduction's extremes)", () => {
    const wasm = loadPoseidon2Wasm()!;
    const states = [
      new Array(24).fill(P - 1),
      new Array(24).fill(0),
      new Array(24).fill(1),
      new Array(24).fill(P - 1),
    ];
    states.forEach((s, k) => {
      for (let i = 0; i < 24; i++) wasm.words[4 * i + k] = s[i]!;
    });
    wasm.permute4At!(0);
    states.forEach((s, k) => {
      const expected = referencePermute(s.map(BigInt)).map(Number);
      expect(Array.from({ length: 24 }, (_, i) => wasm.words[4 * i + k])).toEqual(expected);
    });
  });
});
