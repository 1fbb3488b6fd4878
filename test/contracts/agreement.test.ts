import { bn254 } from "@noble/curves/bn254.js";
import * as fc from "fast-check";
import { bytesToHex, type Hex, sha256 } from "viem";
import { beforeAll, describe, expect, it } from "vitest";
import { risc0Groth16Parameters, verifyGroth16Receipt } from "../../src/receipt/groth16-receipt.ts";
import { decodeGroth16Seal, encodeGroth16Seal } from "../../src/receipt/seal.ts";
import { REAL_RECEIPTS } from "../eth/fixtures.ts";
import { connectChain } from "./chain.ts";
import { flip, outcome } from "./helpers.ts";

/**
 * The Solidity verifier (EVM precompiles) and the TypeScript verifier (@noble/curves) are independent
 * implementations; on the same inputs they must agree. Random *valid* curve points exercise the pairing
 * path (not just the cheap format checks); random bytes exercise the format checks.
 */
type Viem = Awaited<ReturnType<typeof connectChain>>["viem"];
let verifier: Awaited<ReturnType<Viem["deployContract"]>>;
const r = REAL_RECEIPTS[1]!;
const params = risc0Groth16Parameters(r.controlRoot);

function offChain(seal: Uint8Array, claim: Uint8Array): string {
  try {
    return verifyGroth16Receipt(seal, claim, params) ? "ok" : "VerificationFailed";
  } catch (err) {
    return (err as Error).name;
  }
}

beforeAll(async () => {
  const { viem } = await connectChain();
  verifier = await viem.deployContract("RiscZeroGroth16Verifier", [r.hex.controlRoot, r.hex.bn254ControlId]);
});

describe("on-chain and off-chain verifiers agree", () => {
  const scalar = fc.bigInt({ min: 1n, max: bn254.fields.Fr.ORDER - 1n });

  it("on proofs made of random valid points: both reject, on chain with VerificationFailed", async () => {
    const { selector } = decodeGroth16Seal(r.seal);
    await fc.assert(
      fc.asyncProperty(scalar, scalar, scalar, async (ka, kb, kc) => {
        const a = bn254.G1.Point.BASE.multiply(ka).toAffine();
        const b = bn254.G2.Point.BASE.multiply(kb).toAffine();
        const c = bn254.G1.Point.BASE.multiply(kc).toAffine();
        const seal = encodeGroth16Seal(selector, { a, b: { x: b.x, y: b.y }, c });
        expect(offChain(seal, r.claimDigest)).toBe("VerificationFailed");
        expect(
          await outcome(
            verifier.read.verifyIntegrity([{ seal: bytesToHex(seal), claimDigest: r.hex.claimDigest }]),
          ),
        ).toBe("VerificationFailed");
      }),
      { numRuns: 8 },
    );
  });

  it("on random proof bytes: both reject as malformed", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 256, maxLength: 256 }), async (proof) => {
        const seal = new Uint8Array([...r.seal.slice(0, 4), ...proof]);
        expect(offChain(seal, r.claimDigest)).toBe("Groth16FormatError");
        expect(
          await outcome(
            verifier.read.verifyIntegrity([{ seal: bytesToHex(seal), claimDigest: r.hex.claimDigest }]),
          ),
        ).toBe("SealPointInvalid");
      }),
      { numRuns: 50 },
    );
  });

  it("on every single-byte change of the claim digest (verifyIntegrity)", async () => {
    for (let i = 0; i < 32; i++) {
      const claim = flip(r.hex.claimDigest, i, 0x10);
      expect(offChain(r.seal, Buffer.from(claim.slice(2), "hex"))).toBe("VerificationFailed");
      expect(
        await outcome(verifier.read.verifyIntegrity([{ seal: r.hex.seal, claimDigest: claim as Hex }])),
      ).toBe("VerificationFailed");
    }
    expect(await outcome(verifier.read.verify([r.hex.seal, r.hex.imageId, sha256(r.hex.journal)]))).toBe(
      "ok",
    );
  });
});
