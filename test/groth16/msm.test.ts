import { bn254 } from "@noble/curves/bn254.js";
import { describe, expect, it } from "vitest";
import { multiExp, sumJacobian } from "../../src/groth16/msm/msm.ts";
import { instantiateMsm } from "../../src/groth16/msm/msm-wasm.ts";
import { type Group, pippenger, signedDigits } from "../../src/groth16/msm/pippenger.ts";
import { BN254_P as q, BN254_R as r } from "../../src/groth16/types.ts";

const { Fp, Fp2 } = bn254.fields;
const R256 = (1n << 256n) % q;
const R_INV = Fp.inv(R256);
type Point = InstanceType<typeof bn254.G1.Point> | InstanceType<typeof bn254.G2.Point>;
const groupOf = (g: Group) =>
  (g === 1 ? bn254.G1.Point : bn254.G2.Point) as unknown as {
    BASE: Point;
    ZERO: Point;
    fromAffine(a: unknown): Point;
  };

const le = (x: bigint, into: Uint8Array, at: number) => {
  for (let i = 0; i < 32; i++) into[at + i] = Number((x >> BigInt(8 * i)) & 0xffn);
};
const fromLe = (b: Uint8Array, at: number) => {
  let v = 0n;
  for (let i = 31; i >= 0; i--) v = (v << 8n) | BigInt(b[at + i]!);
  return v;
};

/** Affine points in the .zkey layout (Montgomery coordinates, all zeros at infinity). */
function zkeyPoints(g: Group, points: readonly Point[]): Uint8Array {
  const out = new Uint8Array(points.length * 64 * g);
  points.forEach((P, i) => {
    if (P.equals(groupOf(g).ZERO as never)) return;
    const a = P.toAffine() as { x: bigint | { c0: bigint; c1: bigint }; y: typeof a.x };
    const coords =
      g === 1 ? [a.x, a.y] : [a.x, a.y].flatMap((c) => [(c as { c0: bigint }).c0, (c as { c1: bigint }).c1]);
    coords.forEach((c, k) => le(((c as bigint) * R256) % q, out, 64 * g * i + 32 * k));
  });
  return out;
}

/** A Jacobian point in ffjavascript's layout back to noble. */
function fromJacobian(g: Group, bytes: Uint8Array): Point {
  const c = (k: number) => (fromLe(bytes, 32 * k) * R_INV) % q;
  const G = groupOf(g);
  if (g === 1) {
    const Z = c(2);
    if (Z === 0n) return G.ZERO;
    const zi = Fp.inv(Z);
    return G.fromAffine({ x: Fp.mul(c(0), Fp.sqr(zi)), y: Fp.mul(c(1), Fp.mul(Fp.sqr(zi), zi)) });
  }
  const f2 = (k: number) => ({ c0: c(2 * k), c1: c(2 * k + 1) });
  const Z = f2(2);
  if (Fp2.is0(Z)) return G.ZERO;
  const zi = Fp2.inv(Z);
  const zi2 = Fp2.sqr(zi);
  return G.fromAffine({ x: Fp2.mul(f2(0), zi2), y: Fp2.mul(f2(1), Fp2.mul(zi2, zi)) });
}

function scalarBytes(scalars: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(32 * scalars.length);
  scalars.forEach((s, i) => le(s, out, 32 * i));
  return out;
}

function expected(g: Group, points: readonly Point[], scalars: readonly bigint[]): Point {
  let acc = groupOf(g).ZERO;
  points.forEach((P, i) => {
    if (scalars[i] !== 0n) acc = acc.add(P.multiply(scalars[i]!) as never) as Point;
  });
  return acc;
}

/** A deterministic generator of values below `bound`. */
function lcg(seed: bigint): (bound: bigint) => bigint {
  let x = seed;
  return (bound) => {
    x = (x * 6364136223846793005n + 1442695040888963407n) & ((1n << 320n) - 1n);
    return (x >> 32n) % bound;
  };
}

/**
 * Scalars that exercise the signed recoding: zero, one, r − 1 (negated to 1), both sides of r/2, a window
 * exactly 2^15 (negative digit −2^15, and +2^15 once negated), all-ones windows (carries through every
 * window), and random values.
 */
function edgeScalars(n: number, rand: (b: bigint) => bigint): bigint[] {
  const fixed = [
    0n,
    1n,
    r - 1n,
    (r - 1n) / 2n,
    (r + 1n) / 2n,
    0x8000n,
    r - 0x8000n,
    (1n << 240n) - 1n,
    r - ((1n << 240n) - 1n),
    0x8000n << 128n,
    r - (0x8000n << 128n),
  ];
  return Array.from({ length: n }, (_, i) => (i < fixed.length ? fixed[i]! : rand(r)));
}

describe("signed window digits", () => {
  it("recompose each scalar (negated above r/2) with digits of at most 2^15", () => {
    const scalars = edgeScalars(40, lcg(7n));
    const digits = signedDigits(scalarBytes(scalars));
    scalars.forEach((s, i) => {
      let v = 0n;
      for (let j = 15; j >= 0; j--) {
        const d = digits[16 * i + j]!;
        expect(Math.abs(d)).toBeLessThanOrEqual(1 << 15);
        v = (v << 16n) + BigInt(d);
      }
      expect(((v % r) + r) % r).toBe(s);
    });
  });

  it("rejects a scalar that is not below the group order", () => {
    expect(() => signedDigits(scalarBytes([5n, r]))).toThrow(/scalar 1 is not below the group order/);
    expect(() => signedDigits(scalarBytes([(1n << 256n) - 1n]))).toThrow(RangeError);
  });
});

describe.each([1, 2] as const)("Pippenger on G%i", (g) => {
  const G = groupOf(g);
  const rand = lcg(BigInt(g) * 1000n + 3n);

  it("matches the sum of scalar multiples, with infinity, repeated and opposite points", () => {
    const n = 48;
    const scalars = edgeScalars(n, rand);
    const points: Point[] = [];
    for (let i = 0; i < n; i++) {
      if (i % 7 === 3) points.push(G.ZERO);
      else if (i % 7 === 4)
        points.push(points[i - 2]!); // the same point in the same buckets
      else if (i % 7 === 5)
        points.push(points[i - 3]!.negate() as Point); // P + (−P) in a bucket
      else points.push(G.BASE.multiply(rand(r - 1n) + 1n) as Point);
    }
    const got = pippenger(instantiateMsm(), g, zkeyPoints(g, points), scalarBytes(scalars));
    expect(fromJacobian(g, got).equals(expected(g, points, scalars) as never)).toBe(true);
  });

  it("returns infinity for an empty sum, zero scalars, or a cancelling sum", () => {
    const inst = instantiateMsm();
    const P = G.BASE.multiply(12345n) as Point;
    const cases: [Point[], bigint[]][] = [
      [[], []],
      [
        [P, P],
        [0n, 0n],
      ],
      [
        [P, P.negate() as Point],
        [5n, 5n],
      ],
      [
        [P, P],
        [1n, r - 1n],
      ],
    ];
    for (const [points, scalars] of cases) {
      const got = pippenger(inst, g, zkeyPoints(g, points), scalarBytes(scalars));
      expect(fromJacobian(g, got).equals(G.ZERO as never)).toBe(true);
    }
  });
});

describe("multi-scalar multiplication across threads", () => {
  it("equals the single-thread sum over thousands of points, and the shares' sum is the whole", async () => {
    const n = 9000;
    const rand = lcg(99n);
    const points: Point[] = [bn254.G1.Point.BASE.multiply(rand(r - 1n) + 1n) as Point];
    const step = bn254.G1.Point.BASE.multiply(rand(r - 1n) + 1n);
    for (let i = 1; i < n; i++) points.push(points[i - 1]!.add(step as never) as Point);
    // Witness-like scalars: mostly small, some negative, some full size.
    const scalars = Array.from({ length: n }, (_, i) =>
      i % 3 === 0
        ? BigInt(i & 1)
        : i % 3 === 1
          ? rand(1n << 31n)
          : i % 5 === 0
            ? r - rand(1000n) - 1n
            : rand(r),
    );
    const pb = zkeyPoints(1, points);
    const sb = scalarBytes(scalars);
    const threaded = await multiExp(1, pb, sb, { threads: 2 });
    const single = await multiExp(1, pb, sb, { threads: 1 });
    const want = expected(1, points, scalars);
    expect(fromJacobian(1, threaded).equals(want as never)).toBe(true);
    expect(fromJacobian(1, single).equals(want as never)).toBe(true);
    const half = 4000;
    const parts = [
      pippenger(instantiateMsm(), 1, pb.subarray(0, 64 * half), sb.subarray(0, 32 * half)),
      pippenger(instantiateMsm(), 1, pb.subarray(64 * half), sb.subarray(32 * half)),
    ];
    expect(fromJacobian(1, sumJacobian(1, parts)).equals(want as never)).toBe(true);
  });

  it("rejects points and scalars of different counts", async () => {
    await expect(multiExp(1, new Uint8Array(64 * 3), new Uint8Array(32 * 2))).rejects.toThrow(RangeError);
  });
});
