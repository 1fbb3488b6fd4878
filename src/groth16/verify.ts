import { bn254 } from "@noble/curves/bn254.js";
import {
  BN254_P,
  BN254_R,
  type G1Affine,
  type G2Affine,
  Groth16FormatError,
  type Groth16Proof,
  type VerifyingKey,
} from "./types.ts";

type G1Point = InstanceType<typeof bn254.G1.Point>;
type G2Point = InstanceType<typeof bn254.G2.Point>;

const { Fp2 } = bn254.fields;

function fieldElement(v: bigint, what: string): bigint {
  if (v < 0n || v >= BN254_P)
    throw new Groth16FormatError(`${what} is not a canonical BN254 base-field element`);
  return v;
}

/** Checks that the point is canonical and on the curve; (0, 0) is the point at infinity, as on Ethereum. */
export function g1Point(p: G1Affine, what = "G1 point"): G1Point {
  const x = fieldElement(p.x, `${what}.x`);
  const y = fieldElement(p.y, `${what}.y`);
  if (x === 0n && y === 0n) return bn254.G1.Point.ZERO;
  try {
    const point = bn254.G1.Point.fromAffine({ x, y });
    point.assertValidity();
    return point;
  } catch {
    throw new Groth16FormatError(`${what} is not on the BN254 curve`);
  }
}

/** Checks that the point is canonical, on the twist and in the prime-order subgroup. */
export function g2Point(p: G2Affine, what = "G2 point"): G2Point {
  const x = Fp2.create({
    c0: fieldElement(p.x.c0, `${what}.x.c0`),
    c1: fieldElement(p.x.c1, `${what}.x.c1`),
  });
  const y = Fp2.create({
    c0: fieldElement(p.y.c0, `${what}.y.c0`),
    c1: fieldElement(p.y.c1, `${what}.y.c1`),
  });
  if (Fp2.is0(x) && Fp2.is0(y)) return bn254.G2.Point.ZERO;
  try {
    const point = bn254.G2.Point.fromAffine({ x, y });
    point.assertValidity();
    return point;
  } catch {
    throw new Groth16FormatError(`${what} is not a point of the BN254 G2 subgroup`);
  }
}

/** A verifying key whose points have been checked once, with e(α, β)'s Miller loop precomputed. */
interface PreparedKey {
  ic: G1Point[];
  gamma: G2Point;
  delta: G2Point;
  /** Miller loop of (α, β), without the final exponentiation, so it multiplies into each check. */
  alphaBeta: ReturnType<typeof bn254.pairing>;
}

// Keys are usually reused (one per verifier contract); validating their G2 points costs about as much as a
// third of a verification, so it happens once per key object.
const prepared = new WeakMap<VerifyingKey, PreparedKey>();

function prepare(vk: VerifyingKey): PreparedKey {
  let key = prepared.get(vk);
  if (!key) {
    const alpha = g1Point(vk.alpha, "vk.alpha");
    const beta = g2Point(vk.beta, "vk.beta");
    key = {
      ic: vk.ic.map((p, i) => g1Point(p, `IC[${i}]`)),
      gamma: g2Point(vk.gamma, "vk.gamma"),
      delta: g2Point(vk.delta, "vk.delta"),
      alphaBeta: bn254.pairing(alpha, beta, false),
    };
    prepared.set(vk, key);
  }
  return key;
}

/**
 * Verifies a Groth16 proof: e(A, B) = e(α, β) · e(vk_x, γ) · e(C, δ), with
 * vk_x = IC[0] + Σ publicInputs[i]·IC[i+1]. Returns false for a well-formed proof that does not verify
 * and throws {@link Groth16FormatError} for malformed points or inputs (off-curve, non-canonical, too many).
 * The key's points are validated on first use and cached per key object; do not mutate a key after use.
 */
export function verifyGroth16(
  vk: VerifyingKey,
  proof: Groth16Proof,
  publicInputs: readonly bigint[],
): boolean {
  if (publicInputs.length !== vk.ic.length - 1) {
    throw new Groth16FormatError(
      `expected ${vk.ic.length - 1} public inputs for this verifying key, got ${publicInputs.length}`,
    );
  }
  const key = prepare(vk);
  let vkX = key.ic[0]!;
  publicInputs.forEach((input, i) => {
    if (input < 0n || input >= BN254_R) {
      throw new Groth16FormatError(`public input ${i} is not below the BN254 scalar field modulus`);
    }
    if (input !== 0n) vkX = vkX.add(key.ic[i + 1]!.multiply(input));
  });
  const a = g1Point(proof.a, "proof.a");
  const b = g2Point(proof.b, "proof.b");
  const c = g1Point(proof.c, "proof.c");
  if (a.is0() || b.is0()) return false;
  // One multi-Miller loop and a single final exponentiation: e(-A, B)·e(α, β)·e(vk_x, γ)·e(C, δ) = 1.
  const pairs = [
    { g1: a.negate(), g2: b },
    { g1: vkX, g2: key.gamma },
    { g1: c, g2: key.delta },
  ].filter((p) => !p.g1.is0() && !p.g2.is0());
  const { Fp12 } = bn254.fields;
  const miller = Fp12.mul(bn254.pairingBatch(pairs, false), key.alphaBeta);
  return Fp12.eql(Fp12.finalExponentiate(miller), Fp12.ONE);
}
