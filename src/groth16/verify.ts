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

/**
 * Verifies a Groth16 proof: e(A, B) = e(α, β) · e(vk_x, γ) · e(C, δ), with
 * vk_x = IC[0] + Σ publicInputs[i]·IC[i+1]. Returns false for a well-formed proof that does not verify
 * and throws {@link Groth16FormatError} for malformed points or inputs (off-curve, non-canonical, too many).
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
  let vkX = g1Point(vk.ic[0]!, "IC[0]");
  publicInputs.forEach((input, i) => {
    if (input < 0n || input >= BN254_R) {
      throw new Groth16FormatError(`public input ${i} is not below the BN254 scalar field modulus`);
    }
    if (input !== 0n) vkX = vkX.add(g1Point(vk.ic[i + 1]!, `IC[${i + 1}]`).multiply(input));
  });
  const a = g1Point(proof.a, "proof.a");
  const b = g2Point(proof.b, "proof.b");
  const c = g1Point(proof.c, "proof.c");
  if (a.is0() || b.is0()) return false;
  // One multi-pairing with a single final exponentiation: e(-A, B)·e(α, β)·e(vk_x, γ)·e(C, δ) = 1.
  const pairs = [
    { g1: a.negate(), g2: b },
    { g1: g1Point(vk.alpha, "vk.alpha"), g2: g2Point(vk.beta, "vk.beta") },
    { g1: vkX, g2: g2Point(vk.gamma, "vk.gamma") },
    { g1: c, g2: g2Point(vk.delta, "vk.delta") },
  ].filter((p) => !p.g1.is0() && !p.g2.is0());
  return bn254.fields.Fp12.eql(bn254.pairingBatch(pairs), bn254.fields.Fp12.ONE);
}
