import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { WRAP_RELEASE, wrapReleaseProgram } from "../../src/groth16/wrap/release.ts";
import { receiptClaimDigest } from "../../src/receipt/claim.ts";
import { proveReceipt } from "../../src/receipt/prove.ts";
import { decodeReceipt, encodeReceipt, receiptClaim, verifyReceipt } from "../../src/receipt/receipt.ts";
import { P254_CONFIG } from "../../src/recursion/p254.ts";
import { RECURSION_RELEASE } from "../../src/recursion/release.ts";
import type { ReleaseCacheReport } from "../../src/recursion/release-cache.ts";
import { recursionReleaseSystem } from "../../src/recursion/release-system.ts";
import { computeImageId } from "../../src/zkvm/image-id.ts";
import { loadProgram } from "../../src/zkvm/program.ts";
import { zkvmSync } from "../cli/run-zkvm.ts";
import { asm, program } from "../zkvm/asm.ts";

/**
 * The published recursion release (src/recursion/release.ts): rebuilt from the code, it must give the
 * published shape and control root; a receipt proven with it verifies against the published constants
 * alone. At the production configurations (a few minutes: twelve lift programs, join and identity, and one
 * lift proof). The rebuild goes through an empty release cache (every root computed), and `zkvm prove
 * --succinct` then starts from that cache in another process and proves a receipt that `zkvm verify` accepts.
 */
const cacheDir = mkdtempSync(join(tmpdir(), "zkvm-release-"));
const elf = program([asm.i("addi", 6, 0, 1)]);

describe("the published recursion release", () => {
  afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

  it("rebuilds to the published shape and control root, with a lift for every segment shape", () => {
    let report: ReleaseCacheReport | undefined;
    const sys = recursionReleaseSystem({ dir: cacheDir, onBuilt: (r) => (report = r) });
    expect(sys.shape).toEqual(RECURSION_RELEASE.shape);
    expect([...sys.tree.root]).toEqual([...RECURSION_RELEASE.controlRoot]);
    expect(sys.lifts.size).toBe(12);
    expect(sys.config).toEqual(RECURSION_RELEASE.config);
    // Built from the code alone (nothing was cached), then stored.
    expect(report).toMatchObject({ cached: 0, computed: 14, written: true });
  }, 1_800_000);

  it("rebuilds the published BN254 step (the wrap's BN254 control ID)", () => {
    let report: ReleaseCacheReport | undefined;
    const p = wrapReleaseProgram({ dir: cacheDir, onBuilt: (r) => (report = r) });
    expect([...p.bn254ControlId]).toEqual([...WRAP_RELEASE.bn254ControlId]);
    expect(p.config).toEqual(P254_CONFIG);
    expect(report).toMatchObject({ cached: 0, computed: 1, written: true });
  }, 1_800_000);

  it("proves a succinct receipt that verifies against the published release alone", () => {
    const { receipt, session } = proveReceipt(elf, { receiptKind: "succinct", dev: false });
    expect(receipt.kind).toBe("succinct");
    const decoded = decodeReceipt(encodeReceipt(receipt));
    const imageId = computeImageId(loadProgram(elf));
    const claim = verifyReceipt(decoded, imageId);
    expect(receiptClaimDigest(claim)).toEqual(session.claimDigest);
    expect(receiptClaimDigest(receiptClaim(decoded))).toEqual(session.claimDigest);
    expect(() => verifyReceipt(decoded, new Uint8Array(32))).toThrow(/ImageID/);
  }, 1_800_000);

  it("zkvm prove --succinct starts from the cache and writes a receipt that zkvm verify accepts", () => {
    const elfPath = join(cacheDir, "guest.elf");
    const out = join(cacheDir, "receipt.json");
    writeFileSync(elfPath, elf);
    const proved = zkvmSync(["prove", elfPath, "--succinct", "--cache-dir", cacheDir, "-o", out]);
    expect(proved.stderr).toContain("recursion-release: taken from the cache");
    expect(proved.status, proved.stderr).toBe(0);
    expect(JSON.parse(readFileSync(out, "utf8")).kind).toBe("succinct");
    const verified = zkvmSync(["verify", "--receipt", out, "--elf", elfPath]);
    expect(verified.status, verified.stderr).toBe(0);
    // Another guest's ImageID: rejected.
    const other = join(cacheDir, "other.elf");
    writeFileSync(other, program([asm.i("addi", 6, 0, 2)]));
    expect(zkvmSync(["verify", "--receipt", out, "--elf", other]).status).toBe(1);
  }, 1_800_000);
});
