/** `zkvm prove`: real receipts (checked by `zkvm verify --receipt`), or dev-mode fake ones, loudly. */
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { describe, expect, it } from "vitest";
import { okClaim, receiptClaimDigest } from "../../src/receipt/claim.ts";
import { decodeFakeReceipt, verifyFakeReceipt } from "../../src/receipt/fake-receipt.ts";
import { computeImageId } from "../../src/zkvm/image-id.ts";
import { loadProgram } from "../../src/zkvm/program.ts";
import { zkvmSync as zkvm } from "../cli/run-zkvm.ts";
import { asm, program } from "./asm.ts";
import { tmp } from "./toolchain.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const hello = join(ROOT, "guests/examples/hello.elf");

describe("zkvm prove", () => {
  it("proves for real without dev mode, and `zkvm verify --receipt` checks the receipt", () => {
    // A few-cycle guest keeps the proof (at the production configuration) quick.
    const elf = tmp("tiny.elf");
    writeFileSync(elf, program([asm.i("addi", 6, 0, 1)]));
    const out = tmp("receipt.bin");
    const r = zkvm(["prove", elf, "-o", out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/segment 1\/1: proven/);
    const imageId = `0x${bytesToHex(computeImageId(loadProgram(readFileSync(elf))))}`;
    const ok = zkvm(["verify", "--receipt", out, "--image-id", imageId]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^valid: receipt/);
    const other = `0x${"11".repeat(32)}`;
    expect(zkvm(["verify", "--receipt", out, "--image-id", other]).status).toBe(1);
    expect(zkvm(["verify", "--receipt", out, "--image-id", imageId, "--journal", "0x01"]).status).toBe(1);
    writeFileSync(out, "not a receipt");
    expect(zkvm(["verify", "--receipt", out, "--image-id", imageId]).status).toBe(2);
  });

  it("proves an example guest for real in several segments, and `zkvm verify --receipt --elf` checks them", () => {
    // The even-number example (28,345 cycles) in segments of at most 10,000 cycles: three proofs that chain.
    const elf = join(ROOT, "guests/examples/even-number.elf");
    const input = `0x${"00".repeat(31)}2a`;
    const out = tmp("even-number.bin");
    const r = zkvm(["prove", elf, "--input", input, "--segment-cycles", "10000", "-o", out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/segment 3\/3: proven/);
    const ok = zkvm(["verify", "--receipt", out, "--elf", elf, "--journal", input]);
    expect(ok.status, ok.stderr).toBe(0);
    // Another journal, another guest's ImageID, a flipped byte in a seal: rejected.
    expect(
      zkvm(["verify", "--receipt", out, "--elf", elf, "--journal", `0x${"00".repeat(31)}2c`]).status,
    ).toBe(1);
    expect(zkvm(["verify", "--receipt", out, "--elf", hello]).status).toBe(1);
    const bytes = readFileSync(out);
    bytes[bytes.length - 100] ^= 1;
    writeFileSync(out, bytes);
    const tampered = zkvm(["verify", "--receipt", out, "--elf", elf]);
    expect(tampered.status).toBe(1);
    expect(tampered.stderr).toMatch(/segment 2: the proof does not verify/);
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
