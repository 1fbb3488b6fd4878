import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { add, mul, P, sub } from "../../src/field/babybear.ts";
import { type Ext, extAdd, extInv, extMul, extMulBase } from "../../src/field/extension.ts";
import {
  EXT_CHUNK,
  EXT_STRIDE_BYTES,
  fromMontgomery,
  MONT_R2,
  montgomeryArrays,
  toMontgomery,
} from "../../src/field/montgomery-wasm.ts";

const kernel = montgomeryArrays();
/** Byte offsets of three extension arrays (each four coordinate arrays of EXT_CHUNK words). */
const A = 0;
const B = 4 * EXT_STRIDE_BYTES;
const O = 8 * EXT_STRIDE_BYTES;
const VECTORS = EXT_CHUNK / 4;

/** 2^-32 mod p: mont(a, b) = a·b·2^-32. */
const R_INV = (() => {
  let r = 1;
  for (let i = 0; i < 32; i++) r = mul(r, (P + 1) / 2);
  return r;
})();

/** Arrays of EXT_CHUNK canonical elements with the edges 0, 1, p − 1 and 2^31-adjacent values in them. */
const chunk = fc
  .array(fc.integer({ min: 0, max: P - 1 }), { minLength: 4 * EXT_CHUNK, maxLength: 4 * EXT_CHUNK })
  .map((xs) => {
    xs.splice(0, 6, 0, 1, P - 1, P - 2, 2 ** 30, 2 ** 30 - 1);
    return xs;
  });

/** Element i of an extension array given as its four coordinate arrays, concatenated. */
const ext = (xs: readonly number[], i: number): Ext => [
  xs[i]!,
  xs[EXT_CHUNK + i]!,
  xs[2 * EXT_CHUNK + i]!,
  xs[3 * EXT_CHUNK + i]!,
];

function words(): Uint32Array {
  return kernel!.words(13 * EXT_STRIDE_BYTES);
}

describe("Montgomery array kernel (WebAssembly SIMD)", () => {
  it("is available on this engine", () => {
    expect(kernel).not.toBeNull(); // Node 22 has WebAssembly SIMD
  });

  it("adds, subtracts, negates and multiplies elementwise as the field does", () => {
    fc.assert(
      fc.property(chunk, chunk, (a, b) => {
        const w = words();
        w.set(a, A / 4);
        w.set(b, B / 4);
        const out = () => Array.from(w.subarray(O / 4, O / 4 + EXT_CHUNK));
        kernel!.add(O, A, B, VECTORS);
        expect(out()).toEqual(a.slice(0, EXT_CHUNK).map((x, i) => add(x, b[i]!)));
        kernel!.sub(O, A, B, VECTORS);
        expect(out()).toEqual(a.slice(0, EXT_CHUNK).map((x, i) => sub(x, b[i]!)));
        kernel!.neg(O, A, VECTORS);
        expect(out()).toEqual(a.slice(0, EXT_CHUNK).map((x) => sub(0, x)));
        kernel!.mul(O, A, B, VECTORS);
        expect(out()).toEqual(a.slice(0, EXT_CHUNK).map((x, i) => mul(mul(x, b[i]!), R_INV)));
      }),
      { numRuns: 20, endOnFailure: true },
    );
  });

  it("enters and leaves Montgomery form, and accumulates products with a constant", () => {
    fc.assert(
      fc.property(chunk, chunk, fc.integer({ min: 0, max: P - 1 }), (a, acc, c) => {
        const w = words();
        w.set(a, A / 4);
        kernel!.mulConst(O, A, MONT_R2, VECTORS);
        const mont = a.slice(0, EXT_CHUNK).map(toMontgomery);
        expect(Array.from(w.subarray(O / 4, O / 4 + EXT_CHUNK))).toEqual(mont);
        kernel!.mulConst(O, O, 1, VECTORS);
        expect(Array.from(w.subarray(O / 4, O / 4 + EXT_CHUNK))).toEqual(a.slice(0, EXT_CHUNK));
        // acc + mont(ã, c̃) is acc + (a·c)~: Montgomery form in, Montgomery form out.
        w.set(acc.slice(0, EXT_CHUNK).map(toMontgomery), B / 4);
        kernel!.mulConst(A, A, MONT_R2, VECTORS);
        kernel!.maddConst(B, A, toMontgomery(c), VECTORS);
        kernel!.mulConst(B, B, 1, VECTORS);
        expect(Array.from(w.subarray(B / 4, B / 4 + EXT_CHUNK))).toEqual(
          a.slice(0, EXT_CHUNK).map((x, i) => add(acc[i]!, mul(x, c))),
        );
      }),
      { numRuns: 20, endOnFailure: true },
    );
  });

  it("multiplies extension arrays, and accumulates products with an extension constant", () => {
    const coordinates = (w: Uint32Array, at: number, i: number): number[] =>
      [0, 1, 2, 3].map((l) => w[at / 4 + l * EXT_CHUNK + i]!);
    fc.assert(
      fc.property(
        chunk,
        chunk,
        fc.tuple(...[0, 1, 2, 3].map(() => fc.integer({ min: 0, max: P - 1 }))),
        (a, b, c) => {
          const w = words();
          w.set(a.map(toMontgomery), A / 4);
          w.set(b.map(toMontgomery), B / 4);
          kernel!.mulExt(O, A, B, VECTORS);
          kernel!.mulConst(O, O, 1, 4 * VECTORS);
          for (let i = 0; i < EXT_CHUNK; i++)
            expect(coordinates(w, O, i)).toEqual(extMul(ext(a, i), ext(b, i)));
          // In place: o = a.
          kernel!.mulExt(A, A, B, VECTORS);
          kernel!.mulConst(A, A, 1, 4 * VECTORS);
          for (let i = 0; i < EXT_CHUNK; i += 7)
            expect(coordinates(w, A, i)).toEqual(extMul(ext(a, i), ext(b, i)));
          w.set(b.map(toMontgomery), B / 4);
          w.set(a.map(toMontgomery), A / 4);
          const [c0, c1, c2, c3] = c.map(toMontgomery) as [number, number, number, number];
          kernel!.maddExtConst(A, B, c0, c1, c2, c3, VECTORS);
          kernel!.mulConst(A, A, 1, 4 * VECTORS);
          for (let i = 0; i < EXT_CHUNK; i++)
            expect(coordinates(w, A, i)).toEqual(extAdd(ext(a, i), extMul(ext(b, i), c as Ext)));
        },
      ),
      { numRuns: 8, endOnFailure: true },
    );
  });

  it("inverts extension arrays in four chains (prefix and back passes), and adds or subtracts e·b", () => {
    const coordinates = (w: Uint32Array, at: number, i: number): Ext =>
      [0, 1, 2, 3].map((l) => fromMontgomery(w[at / 4 + l * EXT_CHUNK + i]!)) as Ext;
    const CARRY = 12 * EXT_STRIDE_BYTES; // past O's four coordinate arrays
    fc.assert(
      fc.property(chunk, chunk, fc.integer({ min: 1, max: VECTORS }), (x, m, vectors) => {
        x.splice(0, 1, 1); // an element 1 + (its other coordinates)
        const w = words();
        w.set(x.map(toMontgomery), A / 4);
        const c = CARRY / 4;
        w.fill(0, c, c + 16);
        w.fill(toMontgomery(1), c, c + 4);
        kernel!.prefixExt(O, A, CARRY, vectors);
        // Each chain's product, inverted in JavaScript.
        for (let k = 0; k < 4; k++) {
          const product = [0, 1, 2, 3].map((l) => fromMontgomery(w[c + 4 * l + k]!)) as Ext;
          let expected: Ext = [1, 0, 0, 0];
          for (let t = 0; t < vectors; t++) expected = extMul(expected, ext(x, 4 * t + k));
          expect(product).toEqual(expected);
          const inverse = extInv(product);
          for (let l = 0; l < 4; l++) w[c + 4 * l + k] = toMontgomery(inverse[l]);
        }
        kernel!.backExt(O, A, O, CARRY, vectors);
        for (let i = 0; i < 4 * vectors; i++) expect(coordinates(w, O, i)).toEqual(extInv(ext(x, i)));
        // acc ± e·b, e = the inverses just computed, b = m.
        w.set(m.slice(0, EXT_CHUNK).map(toMontgomery), B / 4);
        w.fill(0, A / 4, A / 4 + 4 * EXT_CHUNK);
        kernel!.maddExtBase(A, O, B, vectors);
        kernel!.maddExtBase(A, O, B, vectors);
        kernel!.msubExtBase(A, O, B, vectors);
        for (let i = 0; i < 4 * vectors; i++)
          expect(coordinates(w, A, i)).toEqual(extMulBase(extInv(ext(x, i)), m[i]!));
      }),
      { numRuns: 12, endOnFailure: true },
    );
  });
});
