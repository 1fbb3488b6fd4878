import { describe, expect, it } from "vitest";
import { WRAP_RELEASE, wrapReleaseProgram } from "../../src/groth16/wrap/release.ts";
import { receiptClaimDigest } from "../../src/receipt/claim.ts";
import { proveReceipt } from "../../src/receipt/prove.ts";
import { decodeReceipt, encodeReceipt, receiptClaim, verifyReceipt } from "../../src/receipt/receipt.ts";
import { P254_CONFIG } from "../../src/recursion/p254.ts";
import { RECURSION_RELEASE } from "../../src/recursion/release.ts";
import { recursionReleaseSystem } from "../../src/recursion/release-system.ts";
import { computeImageId } from "../../src/zkvm/image-id.ts";
import { loadProgram } from "../../src/zkvm/program.ts";
import { asm, program } from "../zkvm/asm.ts";

/**
 * The published recursion release (src/recursion/release.ts): rebuilt from the code, it must give the
 * published shape and control root; a receipt proven with it verifies against the published constants
 * alone. At the production configurations (a few minutes: twelve lift programs, join and identity, and one
 * lift proof).
 */
describe("the published recursion release", () => {
  it("rebuilds to the published shape and control root, with a lift for every segment shape", () => {
    const sys = recursionReleaseSystem();
    expect(sys.shape).toEqual(RECURSION_RELEASE.shape);
    expect([...sys.tree.root]).toEqual([...RECURSION_RELEASE.controlRoot]);
    expect(sys.lifts.size).toBe(12);
    expect(sys.config).toEqual(RECURSION_RELEASE.config);
  }, 1_800_000);

  it("rebuilds the published BN254 step (the wrap's BN254 control ID)", () => {
    const p = wrapReleaseProgram();
    expect([...p.bn254ControlId]).toEqual([...WRAP_RELEASE.bn254ControlId]);
    expect(p.config).toEqual(P254_CONFIG);
  }, 1_800_000);

  it("proves a succinct receipt that verifies against the published release alone", () => {
    const elf = program([asm.i("addi", 6, 0, 1)]);
    const { receipt, session } = proveReceipt(elf, { receiptKind: "succinct", dev: false });
    expect(receipt.kind).toBe("succinct");
    const decoded = decodeReceipt(encodeReceipt(receipt));
    const imageId = computeImageId(loadProgram(elf));
    const claim = verifyReceipt(decoded, imageId);
    expect(receiptClaimDigest(claim)).toEqual(session.claimDigest);
    expect(receiptClaimDigest(receiptClaim(decoded))).toEqual(session.claimDigest);
    expect(() => verifyReceipt(decoded, new Uint8Array(32))).toThrow(/ImageID/);
  }, 1_800_000);
});
