import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FieldError, GENERATOR, mul, P, pow, rootOfUnity } from "../../src/field/babybear.ts";
import { cosetIntt, cosetLde, cosetNtt, evaluatePolynomial, intt, ntt } from "../../src/field/ntt.ts";

const p = BigInt(P);
/** Reference: direct evaluation with BigInt at every point of shift·⟨ω⟩. */
function naiveEvaluate(coeffs: number[], n: number, shift = 1): number[] {
  const w = BigInt(rootOfUnity(Math.log2(n)));
  const out: number[] = [];
  let x = BigInt(shift);
  for (let i = 0; i < n; i++) {
    let acc = 0n;
    for (let j = coeffs.length - 1; j >= 0; j--) acc = (acc * x + BigInt(coeffs[j]!)) % p;
    out.push(Number(acc));
    x = (x * w) % p;
  }
  return out;
}
const poly = (maxLog: number) =>
  fc
    .integer({ min: 0, max: maxLog })
    .chain((log) =>
      fc.array(fc.integer({ min: 0, max: P - 1 }), { minLength: 1 << log, maxLength: 1 << log }),
    );

describe("NTT", () => {
  it("ntt evaluates on the subgroup, as a direct BigInt evaluation does", () => {
    fc.assert(
      fc.property(poly(7), (coeffs) => {
        expect(Array.from(ntt(Uint32Array.from(coeffs)))).toEqual(naiveEvaluate(coeffs, coeffs.length));
      }),
      { numRuns: 60 },
    );
  });

  it("intt inverts ntt, including at 2^16", () => {
    fc.assert(
      fc.property(poly(10), (coeffs) => {
        expect(Array.from(intt(ntt(Uint32Array.from(coeffs))))).toEqual(coeffs);
      }),
      { numRuns: 40 },
    );
    const big = Uint32Array.from({ length: 1 << 16 }, (_, i) => pow(7, i));
    expect(intt(ntt(big.slice()))).toEqual(big);
  });

  it("coset transforms evaluate on shift·⟨ω⟩ and invert", () => {
    fc.assert(
      fc.property(poly(5), fc.integer({ min: 1, max: 3 }), (coeffs, logBlowup) => {
        const n = coeffs.length << logBlowup;
        const evals = cosetNtt(Uint32Array.from(coeffs), n, GENERATOR);
        expect(Array.from(evals)).toEqual(naiveEvaluate(coeffs, n, GENERATOR));
        const back = cosetIntt(evals.slice(), GENERATOR);
        expect(Array.from(back.subarray(0, coeffs.length))).toEqual(coeffs);
        expect(back.subarray(coeffs.length).every((c) => c === 0)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it("cosetLde extends trace evaluations to the blown-up coset of the same polynomial", () => {
    fc.assert(
      fc.property(poly(6), fc.integer({ min: 1, max: 3 }), (coeffs, logBlowup) => {
        const n = coeffs.length;
        const traceEvals = ntt(Uint32Array.from(coeffs));
        const lde = cosetLde(traceEvals, logBlowup);
        const w = rootOfUnity(Math.log2(n << logBlowup));
        for (const i of [0, 1, (n << logBlowup) - 1]) {
          expect(lde[i]).toBe(evaluatePolynomial(coeffs, mul(GENERATOR, pow(w, i))));
        }
      }),
      { numRuns: 40 },
    );
  });

  it("large transforms (the WebAssembly butterflies) evaluate where Horner's rule does", () => {
    for (const log of [10, 12, 15]) {
      const coeffs = Array.from({ length: 1 << log }, (_, i) => pow(3, i * 7 + log));
      const evals = ntt(Uint32Array.from(coeffs));
      const w = rootOfUnity(log);
      for (const i of [0, 1, 2, 3, (1 << log) - 1, 12345 % (1 << log), 777]) {
        expect(evals[i]).toBe(evaluatePolynomial(coeffs, pow(w, i)));
      }
      expect(Array.from(intt(evals))).toEqual(coeffs);
    }
  });

  it("interleaved sizes and directions give the same results as each transform alone", () => {
    const a = Uint32Array.from({ length: 1 << 12 }, (_, i) => pow(5, i));
    const b = Uint32Array.from({ length: 1 << 11 }, (_, i) => pow(7, i));
    const aAlone = ntt(a.slice());
    const bAlone = ntt(b.slice());
    for (let round = 0; round < 3; round++) {
      expect(ntt(a.slice())).toEqual(aAlone);
      expect(intt(aAlone.slice())).toEqual(a);
      expect(ntt(b.slice())).toEqual(bAlone);
      expect(intt(bAlone.slice())).toEqual(b);
    }
  });

  it("rejects lengths that are not powers of two", () => {
    expect(() => ntt(new Uint32Array(12))).toThrow(FieldError);
  });
});
