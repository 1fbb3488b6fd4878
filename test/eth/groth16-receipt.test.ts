import { bn254 } from "@noble/curves/bn254.js";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { describe, expect, it } from "vitest";
import { BN254_P, BN254_R } from "../../src/groth16/types.ts";
import { journalDigest, okClaim, receiptClaimDigest } from "../../src/receipt/claim.ts";
import {
  groth16ParametersDigest,
  groth16Selector,
  risc0Groth16Parameters,
  SelectorMismatchError,
  splitDigest,
  verifyGroth16Receipt,
  verifyGroth16ReceiptForJournal,
  verifyingKeyDigest,
} from "../../src/receipt/groth16-receipt.ts";
import { RISC0_DEFAULT_CONTROL_ROOT, RISC0_GROTH16_VERIFYING_KEY } from "../../src/receipt/risc0.ts";
import {
  decodeGroth16Seal,
  encodeGroth16Seal,
  encodeMockSeal,
  GROTH16_SEAL_BYTES,
  SealFormatError,
} from "../../src/receipt/seal.ts";
import { CLAIM_VECTORS, PARAMS_VECTOR, REAL_RECEIPTS, RISC0_VK_JSON } from "./fixtures.ts";

/** Off-chain verification; throwing a typed error counts as a rejection (malformed seal). */
function accepts(
  seal: Uint8Array,
  imageId: Uint8Array,
  journal: Uint8Array,
  controlRoot: Uint8Array,
): boolean {
  try {
    return verifyGroth16ReceiptForJournal(seal, imageId, journal, risc0Groth16Parameters(controlRoot));
  } catch (err) {
    expect((err as Error).name).toMatch(/SealFormatError|SelectorMismatchError|Groth16FormatError/);
    return false;
  }
}

describe("BN254 constants", () => {
  it("match @noble/curves and EIP-196", () => {
    expect(BN254_P).toBe(bn254.fields.Fp.ORDER);
    expect(BN254_P).toBe(0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47n);
    expect(BN254_R).toBe(bn254.fields.Fr.ORDER);
  });
});

describe("RISC Zero verifier parameters", () => {
  it("the embedded verifying key is the one in the shared vectors (Ethereum G2 order there)", () => {
    const vk = RISC0_GROTH16_VERIFYING_KEY;
    expect(vk.alpha).toEqual({
      x: BigInt(RISC0_VK_JSON.vk_alpha_1[0]!),
      y: BigInt(RISC0_VK_JSON.vk_alpha_1[1]!),
    });
    for (const [name, p] of [
      ["vk_beta_2", vk.beta],
      ["vk_gamma_2", vk.gamma],
      ["vk_delta_2", vk.delta],
    ] as const) {
      const [[x1, x2], [y1, y2]] = RISC0_VK_JSON[name] as string[][] as [[string, string], [string, string]];
      expect(p).toEqual({ x: { c1: BigInt(x1), c0: BigInt(x2) }, y: { c1: BigInt(y1), c0: BigInt(y2) } });
    }
    expect(vk.ic).toEqual(RISC0_VK_JSON.IC.map(([x, y]) => ({ x: BigInt(x!), y: BigInt(y!) })));
  });

  it("verifying-key digest and parameters digest reproduce the shared vector", () => {
    expect(bytesToHex(verifyingKeyDigest(RISC0_GROTH16_VERIFYING_KEY))).toBe(PARAMS_VECTOR.vkDigest);
    const params = risc0Groth16Parameters(
      hexToBytes(PARAMS_VECTOR.controlRoot),
      hexToBytes(PARAMS_VECTOR.bn254ControlIdAsInSolidity),
    );
    expect(bytesToHex(groth16ParametersDigest(params))).toBe(PARAMS_VECTOR.digest);
  });

  it("selectors of both real receipts come out of their control roots", () => {
    for (const r of REAL_RECEIPTS) {
      expect(bytesToHex(groth16Selector(risc0Groth16Parameters(r.controlRoot, r.bn254ControlId)))).toBe(
        bytesToHex(r.selector),
      );
      expect(bytesToHex(r.seal.slice(0, 4))).toBe(bytesToHex(r.selector));
    }
  });

  it("the default control root is the newest release in the vectors (V3_0)", () => {
    expect(bytesToHex(RISC0_DEFAULT_CONTROL_ROOT)).toBe(bytesToHex(REAL_RECEIPTS.at(-1)!.controlRoot));
  });

  it("splitDigest reproduces the vector's 128-bit halves", () => {
    const [lo, hi] = splitDigest(hexToBytes(CLAIM_VECTORS.receiptClaimOk.digest));
    expect([lo, hi]).toEqual(CLAIM_VECTORS.receiptClaimOk.splitLE128.map((h) => BigInt(h)));
  });
});

describe("seal codec", () => {
  it("decode then encode is the identity on real seals", () => {
    for (const r of REAL_RECEIPTS) {
      const { selector, proof } = decodeGroth16Seal(r.seal);
      expect(bytesToHex(encodeGroth16Seal(selector, proof))).toBe(bytesToHex(r.seal));
    }
  });

  it("rejects wrong lengths with a typed error", () => {
    const seal = REAL_RECEIPTS[0]!.seal;
    expect(() => decodeGroth16Seal(seal.slice(0, GROTH16_SEAL_BYTES - 1))).toThrow(SealFormatError);
    expect(() => decodeGroth16Seal(new Uint8Array([...seal, 0]))).toThrow(/260 bytes/);
    expect(() => encodeGroth16Seal(new Uint8Array(3), decodeGroth16Seal(seal).proof)).toThrow(
      SealFormatError,
    );
  });

  it("mock seals are 0xFFFFFFFF ‖ claim digest", () => {
    const claim = hexToBytes(CLAIM_VECTORS.receiptClaimOk.digest);
    expect(bytesToHex(encodeMockSeal(claim))).toBe(`ffffffff${CLAIM_VECTORS.receiptClaimOk.digest}`);
  });
});

describe("off-chain Groth16 receipt verification", () => {
  for (const r of REAL_RECEIPTS) {
    it(`accepts RISC Zero's ${r.name} receipt, by journal and by claim digest`, () => {
      expect(accepts(r.seal, r.imageId, r.journal, r.controlRoot)).toBe(true);
      const claim = receiptClaimDigest(okClaim(r.imageId, journalDigest(r.journal)));
      expect(bytesToHex(claim)).toBe(bytesToHex(r.claimDigest));
      expect(verifyGroth16Receipt(r.seal, r.claimDigest, risc0Groth16Parameters(r.controlRoot))).toBe(true);
    });
  }

  const r = REAL_RECEIPTS[1]!;
  it("rejects every single-byte change of the seal", () => {
    for (let i = 0; i < r.seal.length; i++) {
      const seal = r.seal.slice();
      seal[i]! ^= 0x01;
      expect(accepts(seal, r.imageId, r.journal, r.controlRoot), `byte ${i}`).toBe(false);
    }
  });

  it("rejects every single-byte change of the journal and of the image id", () => {
    for (let i = 0; i < r.journal.length; i++) {
      const journal = r.journal.slice();
      journal[i]! ^= 0x01;
      expect(accepts(r.seal, r.imageId, journal, r.controlRoot), `journal byte ${i}`).toBe(false);
    }
    for (let i = 0; i < r.imageId.length; i++) {
      const imageId = r.imageId.slice();
      imageId[i]! ^= 0x80;
      expect(accepts(r.seal, imageId, r.journal, r.controlRoot), `image id byte ${i}`).toBe(false);
    }
    expect(accepts(r.seal, r.imageId, new Uint8Array([...r.journal, 0]), r.controlRoot)).toBe(false);
  });

  it("names the problem: wrong control root, identity points, other valid points", () => {
    const params = risc0Groth16Parameters(REAL_RECEIPTS[0]!.controlRoot);
    expect(() => verifyGroth16Receipt(r.seal, r.claimDigest, params)).toThrow(SelectorMismatchError);
    const { selector, proof } = decodeGroth16Seal(r.seal);
    const own = risc0Groth16Parameters(r.controlRoot);
    expect(() =>
      verifyGroth16Receipt(
        encodeGroth16Seal(selector, { ...proof, a: { x: 0n, y: 0n } }),
        r.claimDigest,
        own,
      ),
    ).toThrow(/infinity/);
    // A and C swapped are valid curve points, so this is a well-formed proof that does not verify.
    expect(
      verifyGroth16Receipt(
        encodeGroth16Seal(selector, { ...proof, a: proof.c, c: proof.a }),
        r.claimDigest,
        own,
      ),
    ).toBe(false);
  });
});
