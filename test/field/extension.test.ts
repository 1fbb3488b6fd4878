import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { P } from "../../src/field/babybear.ts";
import {
  EXT_W,
  type Ext,
  extEvaluateBasePolynomial,
  extFrobenius,
  extInv,
  extMul,
  extPow,
  extSub,
} from "../../src/field/extension.ts";

const p = BigInt(P);
type Poly = bigint[]; // coefficients mod p, lowest first
const W = BigInt(EXT_W);
const trim = (a: Poly): Poly => {
  const r = a.slice();
  while (r.length > 0 && r[r.length - 1] === 0n) r.pop();
  return r;
};
const modp = (x: bigint) => ((x % p) + p) % p;
const powp = (b: bigint, e: bigint): bigint => {
  let acc = 1n;
  for (b %= p; e > 0n; e >>= 1n, b = (b * b) % p) if (e & 1n) acc = (acc * b) % p;
  return acc;
};
function polyMod(a: Poly, m: Poly): Poly {
  const r = trim(a.map(modp));
  const lead = powp(m[m.length - 1]!, p - 2n);
  while (r.length >= m.length) {
    const factor = (r[r.length - 1]! * lead) % p;
    const shift = r.length - m.length;
    for (let i = 0; i < m.length; i++) r[shift + i] = modp(r[shift + i]! - factor * m[i]!);
    while (r.length > 0 && r[r.length - 1] === 0n) r.pop();
  }
  return r;
}
function polyMulMod(a: Poly, b: Poly, m: Poly): Poly {
  const out: Poly = new Array(Math.max(0, a.length + b.length - 1)).fill(0n);
  a.forEach((x, i) => b.forEach((y, j) => (out[i + j] = (out[i + j]! + x * y) % p)));
  return polyMod(out, m);
}
function polyPowMod(base: Poly, e: bigint, m: Poly): Poly {
  let acc: Poly = [1n];
  for (let b = polyMod(base, m); e > 0n; e >>= 1n, b = polyMulMod(b, b, m))
    if (e & 1n) acc = polyMulMod(acc, b, m);
  return acc;
}
function polyGcd(a: Poly, b: Poly): Poly {
  let [x, y] = [trim(a), trim(b)];
  while (y.length > 0) [x, y] = [y, polyMod(x, y)];
  return x;
}

describe("degree-4 extension F_p[x]/(x^4 − 11)", () => {
  const f: Poly = [modp(-W), 0n, 0n, 0n, 1n];

  it("x^4 − 11 is irreducible (Rabin's test)", () => {
    // f of degree 4 is irreducible iff x^(p^4) ≡ x (mod f) and gcd(x^(p^2) − x, f) = 1.
    const x: Poly = [0n, 1n];
    const xp4 = polyPowMod(x, p ** 4n, f);
    expect(trim(xp4)).toEqual([0n, 1n]);
    const xp2 = polyPowMod(x, p ** 2n, f);
    const g = polyGcd([modp(xp2[0] ?? 0n), modp((xp2[1] ?? 0n) - 1n), xp2[2] ?? 0n, xp2[3] ?? 0n], f);
    expect(g.length).toBe(1); // a non-zero constant
  });

  const element = fc.tuple(
    fc.integer({ min: 0, max: P - 1 }),
    fc.integer({ min: 0, max: P - 1 }),
    fc.integer({ min: 0, max: P - 1 }),
    fc.oneof(fc.constantFrom(0, 1, P - 1), fc.integer({ min: 0, max: P - 1 })),
  ) as fc.Arbitrary<Ext>;

  it("multiplication agrees with polynomial multiplication mod x^4 − 11", () => {
    fc.assert(
      fc.property(element, element, (a, b) => {
        const expected = polyMulMod(a.map(BigInt), b.map(BigInt), f);
        expect(extMul(a, b)).toEqual([0, 1, 2, 3].map((i) => Number(expected[i] ?? 0n)));
      }),
      { numRuns: 2000 },
    );
  });

  it("inverse, Frobenius and power are consistent", () => {
    fc.assert(
      fc.property(element, (a) => {
        if (a.every((c) => c === 0)) return;
        expect(extMul(a, extInv(a))).toEqual([1, 0, 0, 0]);
        expect(extFrobenius(a, 1)).toEqual(extPow(a, p));
        expect(extFrobenius(a, 4)).toEqual(a);
      }),
      { numRuns: 300 },
    );
    expect(() => extInv([0, 0, 0, 0])).toThrow(/zero has no inverse/);
  });

  it("the multiplicative group has order p^4 − 1", () => {
    const a: Ext = [5, 7, 11, 13];
    expect(extPow(a, p ** 4n - 1n)).toEqual([1, 0, 0, 0]);
  });

  it("evaluates base polynomials at extension points", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: P - 1 }), { maxLength: 12 }), element, (coeffs, z) => {
        let expected: Ext = [0, 0, 0, 0];
        let zi: Ext = [1, 0, 0, 0];
        for (const c of coeffs) {
          expected = extSub(expected, extMul(zi, [P - c === P ? 0 : P - c, 0, 0, 0]));
          zi = extMul(zi, z);
        }
        expect(extEvaluateBasePolynomial(coeffs, z)).toEqual(expected);
      }),
    );
  });
});
