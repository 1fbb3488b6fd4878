/** `zkvm prove`: dev-mode receipts only, loudly; without dev mode it refuses and says how to get one. */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { sha256 } from "@noble/hashes/sha2.js";
import { describe, expect, it } from "vitest";
import { okClaim, receiptClaimDigest } from "../../src/receipt/claim.ts";
import { decodeFakeReceipt, verifyFakeReceipt } from "../../src/receipt/fake-receipt.ts";
import { computeImageId } from "../../src/zkvm/image-id.ts";
import { loadProgram } from "../../src/zkvm/program.ts";
import { zkvmSync as zkvm } from "../cli/run-zkvm.ts";
import { tmp } from "./toolchain.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const hello = join(ROOT, "guests/examples/hello.elf");

describe("zkvm prove", () => {
  it("refuses without dev mode, naming ZKVM_DEV_MODE and --dev", () => {
    const r = zkvm(["prove", hello, "--input", "0x0700000006000000"]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/ProverUnavailableError/);
    expect(r.stderr).toMatch(/ZKVM_DEV_MODE=1/);
    expect(r.stderr).toMatch(/--dev/);
  });

  it("--dev writes a fake receipt whose claim is ok(imageId, sha256(journal)), with a warning", () => {
    const out = tmp("receipt.json");
    const r = zkvm(["prove", hello, "--dev", "--input", "0x0700000006000000", "-o", out]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/FAKE receipt/);
    const receipt = decodeFakeReceipt(readFileSync(out, "utf8"));
    const journal = new Uint8Array([42, 0, 0, 0, 0, 0, 0, 0]);
    expect(receipt.journal).toEqual(journal);
    const imageId = computeImageId(loadProgram(readFileSync(hello)));
    expect(receiptClaimDigest(receipt.claim)).toEqual(receiptClaimDigest(okClaim(imageId, sha256(journal))));
    expect(() => verifyFakeReceipt(receipt, imageId, { devMode: false })).toThrow(/dev mode/);
    expect(() => verifyFakeReceipt(receipt, imageId, { devMode: true, warn: () => {} })).not.toThrow();
  });

  it("ZKVM_DEV_MODE=1 does the same as --dev and prints the receipt on stdout", () => {
    const r = zkvm(["prove", hello, "--input", "0x0200000003000000"], { ZKVM_DEV_MODE: "1" });
    expect(r.status).toBe(0);
    expect(decodeFakeReceipt(r.stdout).journal).toEqual(new Uint8Array([6, 0, 0, 0, 0, 0, 0, 0]));
  });
});
