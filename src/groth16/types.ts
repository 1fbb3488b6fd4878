import { ZkvmError } from "../errors.ts";
/**
 * Groth16 over BN254, in plain affine coordinates. Fp2 elements are `{ c0, c1 }` with value c0 + c1·u:
 * snarkjs JSON lists them as [c0, c1]; Ethereum's pairing precompile and seals use [c1, c0].
 */

export interface Fp2 {
  c0: bigint;
  c1: bigint;
}

export interface G1Affine {
  x: bigint;
  y: bigint;
}

export interface G2Affine {
  x: Fp2;
  y: Fp2;
}

export interface Groth16Proof {
  a: G1Affine;
  b: G2Affine;
  c: G1Affine;
}

/** A verifying key: `ic[0] + Σ publicInputs[i]·ic[i+1]` is the public-input commitment. */
export interface VerifyingKey {
  alpha: G1Affine;
  beta: G2Affine;
  gamma: G2Affine;
  delta: G2Affine;
  ic: G1Affine[];
}

/** BN254 base field modulus (EIP-196). */
export const BN254_P = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
/** BN254 scalar field modulus: public inputs must be below it. */
export const BN254_R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** Thrown for a proof, key or public input that is malformed (as opposed to well-formed but invalid). */
export class Groth16FormatError extends ZkvmError {
  override name = "Groth16FormatError";
}

type Decimal = string | number | bigint;

function toBigInt(v: Decimal, what: string): bigint {
  try {
    const n = BigInt(v);
    if (n < 0n) throw new Error("negative");
    return n;
  } catch {
    throw new Groth16FormatError(
      `${what}: expected a non-negative integer, got ${JSON.stringify(String(v))}`,
    );
  }
}

function g1FromJson(p: readonly Decimal[], what: string): G1Affine {
  if (!Array.isArray(p) || p.length < 2) throw new Groth16FormatError(`${what}: expected [x, y(, 1)]`);
  return { x: toBigInt(p[0]!, `${what}.x`), y: toBigInt(p[1]!, `${what}.y`) };
}

function g2FromJson(p: readonly (readonly Decimal[])[], what: string): G2Affine {
  if (!Array.isArray(p) || p.length < 2 || !Array.isArray(p[0]) || !Array.isArray(p[1])) {
    throw new Groth16FormatError(`${what}: expected [[x.c0, x.c1], [y.c0, y.c1](, [1, 0])]`);
  }
  return {
    x: { c0: toBigInt(p[0][0]!, `${what}.x.c0`), c1: toBigInt(p[0][1]!, `${what}.x.c1`) },
    y: { c0: toBigInt(p[1][0]!, `${what}.y.c0`), c1: toBigInt(p[1][1]!, `${what}.y.c1`) },
  };
}

/** The verification key JSON that snarkjs writes (`zkey export verificationkey`). */
export interface SnarkjsVerificationKey {
  protocol: "groth16";
  curve: "bn128";
  nPublic: number;
  vk_alpha_1: Decimal[];
  vk_beta_2: Decimal[][];
  vk_gamma_2: Decimal[][];
  vk_delta_2: Decimal[][];
  IC: Decimal[][];
}

/** The proof JSON that snarkjs writes. */
export interface SnarkjsProof {
  pi_a: Decimal[];
  pi_b: Decimal[][];
  pi_c: Decimal[];
  protocol?: string;
  curve?: string;
}

export function verifyingKeyFromSnarkjs(json: SnarkjsVerificationKey): VerifyingKey {
  if (json?.protocol !== "groth16")
    throw new Groth16FormatError(`verification key protocol must be "groth16"`);
  if (!Array.isArray(json.IC) || json.IC.length !== json.nPublic + 1) {
    throw new Groth16FormatError(
      `verification key has ${json.IC?.length} IC points for nPublic=${json.nPublic}`,
    );
  }
  return {
    alpha: g1FromJson(json.vk_alpha_1, "vk_alpha_1"),
    beta: g2FromJson(json.vk_beta_2, "vk_beta_2"),
    gamma: g2FromJson(json.vk_gamma_2, "vk_gamma_2"),
    delta: g2FromJson(json.vk_delta_2, "vk_delta_2"),
    ic: json.IC.map((p, i) => g1FromJson(p, `IC[${i}]`)),
  };
}

export function proofFromSnarkjs(json: SnarkjsProof): Groth16Proof {
  return {
    a: g1FromJson(json.pi_a, "pi_a"),
    b: g2FromJson(json.pi_b, "pi_b"),
    c: g1FromJson(json.pi_c, "pi_c"),
  };
}
