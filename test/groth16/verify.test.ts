import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { describe, expect, it } from "vitest";
import {
  type G2Affine,
  Groth16FormatError,
  type Groth16Proof,
  type SnarkjsVerificationKey,
  verifyingKeyFromSnarkjs,
} from "../../src/groth16/types.ts";
import { verifyGroth16 } from "../../src/groth16/verify.ts";
import fixtures from "../fixtures/risc0-groth16-receipts.json" with { type: "json" };

// The fixture lists G2 coordinates as RISC Zero's Solidity constants do (x1 = c1, x2 = c0); snarkjs JSON is [c0, c1].
const vkJson = structuredClone(fixtures.verificationKey) as unknown as SnarkjsVerificationKey;
for (const key of ["vk_beta_2", "vk_gamma_2", "vk_delta_2"] as const) {
  vkJson[key] = vkJson[key].map((pair) => [pair[1]!, pair[0]!]);
}
const vk = verifyingKeyFromSnarkjs(vkJson);

const word = (seal: Uint8Array, i: number) => BigInt(`0x${bytesToHex(seal.slice(4 + 32 * i, 36 + 32 * i))}`);
function proofFromSeal(sealHex: string): Groth16Proof {
  const s = hexToBytes(sealHex);
  const b: G2Affine = { x: { c1: word(s, 2), c0: word(s, 3) }, y: { c1: word(s, 4), c0: word(s, 5) } };
  return { a: { x: word(s, 0), y: word(s, 1) }, b, c: { x: word(s, 6), y: word(s, 7) } };
}
/** RISC Zero's splitDigest: byte-reverse the digest, then (low 128 bits, high 128 bits). */
function splitDigest(hex: string): [bigint, bigint] {
  const n = BigInt(`0x${bytesToHex(hexToBytes(hex).reverse())}`);
  return [n & ((1n << 128n) - 1n), n >> 128n];
}
const publicInputs = (r: (typeof fixtures.receipts)[number]) => [
  ...splitDigest(r.controlRoot),
  ...splitDigest(r.claimDigest),
  BigInt(`0x${r.bn254ControlId}`),
];

describe("Groth16 verification with @noble/curves against RISC Zero's real receipts", () => {
  for (const r of fixtures.receipts) {
    it(`accepts receipt ${r.name}`, () => {
      expect(verifyGroth16(vk, proofFromSeal(r.seal), publicInputs(r))).toBe(true);
    });
  }

  const r = fixtures.receipts[1]!;
  it("rejects every changed public input", () => {
    const inputs = publicInputs(r);
    for (let i = 0; i < inputs.length; i++) {
      const changed = inputs.slice();
      changed[i] = (changed[i]! + 1n) % 2n ** 128n;
      expect(verifyGroth16(vk, proofFromSeal(r.seal), changed)).toBe(false);
    }
  });

  it("rejects a proof with points swapped or replaced by other valid points", () => {
    const p = proofFromSeal(r.seal);
    expect(verifyGroth16(vk, { ...p, a: p.c, c: p.a }, publicInputs(r))).toBe(false);
    expect(verifyGroth16(vk, { ...p, a: { x: 1n, y: 2n } }, publicInputs(r))).toBe(false);
  });

  it("throws a typed error for malformed points and inputs", () => {
    const p = proofFromSeal(r.seal);
    expect(() => verifyGroth16(vk, { ...p, a: { x: 1n, y: 3n } }, publicInputs(r))).toThrow(
      Groth16FormatError,
    );
    expect(() =>
      verifyGroth16(vk, { ...p, c: { x: p.c.x + 2n ** 254n, y: p.c.y } }, publicInputs(r)),
    ).toThrow(/canonical/);
    const b = { ...p.b, x: { c0: p.b.x.c1, c1: p.b.x.c0 } };
    expect(() => verifyGroth16(vk, { ...p, b }, publicInputs(r))).toThrow(Groth16FormatError);
    expect(() => verifyGroth16(vk, p, publicInputs(r).slice(1))).toThrow(/expected 5 public inputs/);
    const tooBig = publicInputs(r);
    tooBig[0] = 2n ** 254n;
    expect(() => verifyGroth16(vk, p, tooBig)).toThrow(/scalar field/);
  });
});

describe("BN254 moduli", () => {
  it("match @noble/curves' field orders", async () => {
    const { bn254 } = await import("@noble/curves/bn254.js");
    const { BN254_P, BN254_R } = await import("../../src/groth16/types.ts");
    expect(BN254_P).toBe(bn254.fields.Fp.ORDER);
    expect(BN254_R).toBe(bn254.fields.Fr.ORDER);
  });
});
