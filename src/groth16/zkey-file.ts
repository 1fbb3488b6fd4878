/**
 * Layout of snarkjs's Groth16 .zkey (format version 1), as written by snarkjs's `zkey new`
 * (node_modules/snarkjs/src/zkey_new.js, zkey_utils.js). Field elements and points are little-endian;
 * points are affine with coordinates in Montgomery form ("LEM"), the point at infinity all zeros.
 *
 *  1  protocol id (u32 1 = Groth16)
 *  2  header: n8q, q, n8r, r, nVars, nPublic, domainSize, α₁, β₁, β₂, γ₂, δ₁, δ₂
 *  3  IC: [(β·A_i(τ) + α·B_i(τ) + C_i(τ))/γ]₁ for the nPublic + 1 public wires
 *  4  coefficients of A and B: u32 count, then (u32 matrix, u32 constraint, u32 wire, 32-byte value·R² mod r)
 *  5  [A_i(τ)]₁   6  [B_i(τ)]₁   7  [B_i(τ)]₂          for every wire
 *  8  [(β·A_i(τ) + α·B_i(τ) + C_i(τ))/δ]₁             for the private wires
 *  9  [L_{2i+1}(τ)/δ]₁, i < n: the Lagrange basis of the 2n-th roots at the odd points — the prover
 *     evaluates A·B − C on that coset, where x^n − 1 = −2 is constant, so Σ h-evals·these = [h(τ)Z(τ)/δ]₁
 * 10  contributions: 64-byte circuit hash, u32 count, then the contributions
 */
export const ZKEY_SECTION = {
  protocol: 1,
  header: 2,
  ic: 3,
  coeffs: 4,
  a: 5,
  b1: 6,
  b2: 7,
  c: 8,
  h: 9,
  contributions: 10,
} as const;

export const GROTH16_PROTOCOL_ID = 1;
