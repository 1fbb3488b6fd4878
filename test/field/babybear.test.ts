import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  add,
  batchInverse,
  FieldError,
  GENERATOR,
  inv,
  mul,
  mulArrays,
  neg,
  P,
  pow,
  reduce,
  rootOfUnity,
  sub,
  TWO_ADIC_ROOT,
  TWO_ADICITY,
} from "../../src/field/babybear.ts";

const p = BigInt(P);
const modp = (x: bigint) => Number(((x % p) + p) % p);
const bigPow = (b: bigint, e: bigint): bigint => {
  let acc = 1n;
  for (; e > 0n; e >>= 1n, b = (b * b) % p) if (e & 1n) acc = (acc * b) % p;
  return acc;
};
/** Random elements with the edges 0, 1, p−1 and values near 2^30, 2^31 over-represented. */
const element = fc.oneof(
  fc.constantFrom(0, 1, 2, P - 1, P - 2, (P - 1) / 2, 2 ** 30, 2 ** 27, 2 ** 27 + 1),
  fc.integer({ min: 0, max: P - 1 }),
);

describe("BabyBear against a BigInt reference", () => {
  it("p = 15·2^27 + 1", () => {
    expect(P).toBe(15 * 2 ** 27 + 1);
  });

  it("add, sub, neg, mul agree with BigInt arithmetic", () => {
    fc.assert(
      fc.property(element, element, (a, b) => {
        expect(add(a, b)).toBe(modp(BigInt(a) + BigInt(b)));
        expect(sub(a, b)).toBe(modp(BigInt(a) - BigInt(b)));
        expect(neg(a)).toBe(modp(-BigInt(a)));
        expect(mul(a, b)).toBe(modp(BigInt(a) * BigInt(b)));
      }),
      { numRuns: 20_000 },
    );
  });

  it("mul is exact on the products closest to multiples of p (where the quotient estimate is off by one)", () => {
    // b = r·a^{-1} makes a·b ≡ r (mod p): for r near 0 or p the quotient estimate sits on an integer boundary.
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: P - 1 }),
        fc.constantFrom(0n, 1n, 2n, 3n, p - 1n, p - 2n),
        (a, r) => {
          const b = Number((r * bigPow(BigInt(a), p - 2n)) % p);
          expect(mul(a, b)).toBe(Number(r));
          expect(mul(b, a)).toBe(Number(r));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it("inv and pow agree with BigInt; inverse of zero throws", () => {
    fc.assert(
      fc.property(element, fc.bigInt({ min: 0n, max: 1n << 70n }), (a, e) => {
        let acc = 1n;
        let base = BigInt(a);
        for (let x = e; x > 0n; x >>= 1n) {
          if (x & 1n) acc = (acc * base) % p;
          base = (base * base) % p;
        }
        expect(pow(a, e)).toBe(Number(acc));
        if (a !== 0) expect(mul(a, inv(a))).toBe(1);
      }),
      { numRuns: 2000 },
    );
    expect(() => inv(0)).toThrow(FieldError);
  });

  it("pow with a safe-integer exponent (the number path) agrees with the bigint one", () => {
    fc.assert(
      fc.property(element, fc.maxSafeNat(), (a, e) => {
        expect(pow(a, e)).toBe(pow(a, BigInt(e)));
      }),
      { numRuns: 2000 },
    );
    for (const e of [0, 1, 2, P - 2, P - 1, Number.MAX_SAFE_INTEGER])
      expect(pow(7, e)).toBe(pow(7, BigInt(e)));
    expect(() => pow(7, -1)).toThrow(FieldError);
  });

  it("reduce maps any integer to its canonical residue", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 80n), max: 1n << 80n }), (x) => {
        expect(reduce(x)).toBe(modp(x));
        if (x >= BigInt(Number.MIN_SAFE_INTEGER) && x <= BigInt(Number.MAX_SAFE_INTEGER)) {
          expect(reduce(Number(x))).toBe(modp(x));
        }
      }),
    );
  });

  it("mulArrays matches mul element-wise", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(element, element), { maxLength: 64 }), (pairs) => {
        const a = Uint32Array.from(pairs.map((x) => x[0]));
        const b = Uint32Array.from(pairs.map((x) => x[1]));
        expect(Array.from(mulArrays(a, b))).toEqual(pairs.map(([x, y]) => modp(BigInt(x) * BigInt(y))));
      }),
    );
  });

  it("batchInverse inverts every element and names a zero", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: P - 1 }), { maxLength: 100 }), (xs) => {
        const out = batchInverse(xs);
        xs.forEach((x, i) => expect(mul(x, out[i]!)).toBe(1));
      }),
    );
    expect(() => batchInverse([3, 0, 5])).toThrow(/element 1 is zero/);
  });
});

describe("BabyBear group structure", () => {
  it("GENERATOR generates F_p^* (its order is p − 1 = 2^27·3·5)", () => {
    for (const q of [2, 3, 5]) expect(pow(GENERATOR, (P - 1) / q)).not.toBe(1);
    expect(pow(GENERATOR, P - 1)).toBe(1);
  });

  it("roots of unity have exactly the order they claim", () => {
    expect(TWO_ADIC_ROOT).toBe(pow(GENERATOR, 15));
    for (let k = 0; k <= TWO_ADICITY; k++) {
      const w = rootOfUnity(k);
      expect(pow(w, 2 ** k)).toBe(1);
      if (k > 0) expect(pow(w, 2 ** (k - 1))).toBe(P - 1);
    }
    expect(() => rootOfUnity(28)).toThrow(FieldError);
  });
});
