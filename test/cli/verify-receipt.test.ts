/**
 * Receipt files of every kind (src/receipt/receipt.ts) and `zkvm verify --receipt`: a fake receipt
 * verifies only in dev mode and with a warning; a Groth16 receipt (RISC Zero's real ones, as files)
 * verifies by the verifier its selector names; the expected ImageID and journal are enforced.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { describe, expect, it } from "vitest";
import { verificationKeyJson } from "../../src/groth16/export.ts";
import { wrapReleaseParameters } from "../../src/groth16/wrap/release.ts";
import { okClaim } from "../../src/receipt/claim.ts";
import { ReceiptDecodeError, ReceiptVerificationError } from "../../src/receipt/errors.ts";
import { DevModeRequiredError } from "../../src/receipt/fake-receipt.ts";
import { type Groth16Receipt, groth16Selector } from "../../src/receipt/groth16-receipt.ts";
import {
  decodeReceipt,
  encodeReceipt,
  receiptClaim,
  receiptSeal,
  verifyReceipt,
} from "../../src/receipt/receipt.ts";
import { RISC0_GROTH16_VERIFYING_KEY } from "../../src/receipt/risc0.ts";
import { prove } from "../../src/zkvm/prove.ts";
import { REAL_RECEIPTS } from "../eth/fixtures.ts";
import { zkvmSync as zkvm } from "./run-zkvm.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const hello = join(ROOT, "guests/examples/hello.elf");
const dir = mkdtempSync(join(tmpdir(), "zkvm-receipts-"));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

/** RISC Zero's real v3.0 receipt as a receipt file of kind groth16. */
function groth16Receipt(): Groth16Receipt {
  const r = REAL_RECEIPTS[1]!;
  return { kind: "groth16", claim: okClaim(r.imageId, sha256(r.journal)), journal: r.journal, seal: r.seal };
}

describe("receipt files", () => {
  const fake = prove(readFileSync(hello), {
    input: Uint8Array.of(7, 0, 0, 0, 6, 0, 0, 0),
    dev: true,
    warn: () => {},
  }).receipt;

  it("round-trip every kind, and refuse unknown kinds and inconsistent fields", () => {
    for (const r of [fake, groth16Receipt()]) expect(decodeReceipt(encodeReceipt(r))).toEqual(r);
    const json = JSON.parse(encodeReceipt(fake));
    expect(() => decodeReceipt(JSON.stringify({ ...json, kind: "segment" }))).toThrow(
      /unknown receipt kind "segment"/,
    );
    // A known kind without its own fields: the decoder names the missing field.
    expect(() => decodeReceipt(JSON.stringify({ ...json, kind: "succinct" }))).toThrow(/publics must be/);
    expect(() => decodeReceipt(JSON.stringify({ ...json, version: 2 }))).toThrow(ReceiptDecodeError);
    expect(() => decodeReceipt(JSON.stringify({ ...json, imageId: `0x${"00".repeat(32)}` }))).toThrow(
      /imageId differs/,
    );
    expect(() => decodeReceipt(JSON.stringify({ ...json, claimDigest: `0x${"00".repeat(32)}` }))).toThrow(
      /claimDigest/,
    );
    expect(() => decodeReceipt(JSON.stringify({ ...json, seal: "0xffffffff00" }))).toThrow(/mock seal/);
    // Files written before hex carried 0x still read.
    const bare = { ...json, journal: json.journal.slice(2) };
    bare.claim = Object.fromEntries(
      Object.entries(json.claim).map(([k, v]) => [k, typeof v === "string" ? v.slice(2) : v]),
    );
    expect(decodeReceipt(JSON.stringify(bare))).toEqual(fake);
  });

  it("verify by kind: fake only in dev mode; groth16 by its selector's verifier; tampering is caught", () => {
    const imageId = receiptClaim(fake).preStateDigest;
    expect(() => verifyReceipt(fake, imageId, undefined, { devMode: false })).toThrow(DevModeRequiredError);
    expect(() => verifyReceipt(fake, imageId, undefined, { devMode: true, warn: () => {} })).not.toThrow();
    const g = groth16Receipt();
    expect(() => verifyReceipt(g, REAL_RECEIPTS[1]!.imageId)).not.toThrow();
    expect(bytesToHex(receiptSeal(g))).toBe(bytesToHex(REAL_RECEIPTS[1]!.seal));
    const tampered = { ...g, seal: g.seal.slice() };
    tampered.seal[100]! ^= 1;
    expect(() => verifyReceipt(tampered, REAL_RECEIPTS[1]!.imageId)).toThrow(ReceiptVerificationError);
    const otherSelector = { ...g, seal: g.seal.slice() };
    otherSelector.seal[0]! ^= 1;
    expect(() => verifyReceipt(otherSelector, REAL_RECEIPTS[1]!.imageId)).toThrow(
      /no known Groth16 verifier/,
    );
    const otherJournal = { ...g, journal: Uint8Array.of(1) };
    expect(() => verifyReceipt(otherJournal, REAL_RECEIPTS[1]!.imageId)).toThrow(
      /does not match its journal/,
    );
  });
});

describe("zkvm verify --receipt", () => {
  it("a fake receipt from zkvm prove: valid only with dev mode, for the right ImageID and journal", () => {
    const receipt = join(dir, "fake.json");
    expect(zkvm(["prove", hello, "--dev", "--input", "0x0700000006000000", "-o", receipt]).status).toBe(0);
    const r = zkvm(["verify", "--receipt", receipt, "--elf", hello]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/dev-mode \(fake\) receipt/);
    const dev = zkvm(["verify", "--receipt", receipt, "--elf", hello, "--dev"]);
    expect(dev.status).toBe(0);
    expect(dev.stderr).toMatch(/WARNING: dev mode .* accepted a FAKE receipt/);
    expect(zkvm(["verify", "--receipt", receipt, "--elf", hello], { ZKVM_DEV_MODE: "1" }).status).toBe(0);
    const journal = ["--journal", "0x2a00000000000000"];
    expect(zkvm(["verify", "--receipt", receipt, "--elf", hello, "--dev", ...journal]).status).toBe(0);
    const wrongJournal = zkvm(["verify", "--receipt", receipt, "--elf", hello, "--dev", "--journal", "0x2b"]);
    expect(wrongJournal.status).toBe(1);
    expect(wrongJournal.stderr).toMatch(/the receipt's journal is 0x2a00000000000000, not the expected 0x2b/);
    const sort = join(ROOT, "guests/examples/sort.elf");
    const wrongImage = zkvm(["verify", "--receipt", receipt, "--elf", sort, "--dev"]);
    expect(wrongImage.status).toBe(1);
    expect(wrongImage.stderr).toMatch(/the receipt is for ImageID 0x/);
  });

  it("a Groth16 receipt file verifies off chain; a tampered one does not", () => {
    const g = groth16Receipt();
    const imageId = REAL_RECEIPTS[1]!.hex.imageId;
    expect(
      zkvm(["verify", "--receipt", file("g.json", encodeReceipt(g)), "--image-id", imageId]).status,
    ).toBe(0);
    const bad = { ...g, seal: g.seal.slice() };
    bad.seal[50]! ^= 1;
    const r = zkvm(["verify", "--receipt", file("bad.json", encodeReceipt(bad)), "--image-id", imageId]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/invalid receipt/);
  });

  it("--groth16-key adds our own seals' verifier (published release, this key) to RISC Zero's", () => {
    const g = groth16Receipt();
    const imageId = REAL_RECEIPTS[1]!.hex.imageId;
    const journal = `0x${bytesToHex(g.journal)}`;
    // Any key in the receipt layout will do for the CLI's plumbing; its seals' selector is ours, not RISC Zero's.
    const vk = file("vk.json", JSON.stringify(verificationKeyJson(RISC0_GROTH16_VERIFYING_KEY)));
    const ours = groth16Selector(wrapReleaseParameters(RISC0_GROTH16_VERIFYING_KEY));
    expect(ours).not.toEqual(g.seal.slice(0, 4));
    const receipt = file("g3.json", encodeReceipt(g));
    const seal = REAL_RECEIPTS[1]!.hex.seal;
    const verifySeal = (...extra: string[]) =>
      zkvm([
        "verify",
        "--seal",
        seal,
        "--image-id",
        imageId,
        "--journal",
        journal,
        "--groth16-key",
        vk,
        ...extra,
      ]);
    const verifyWithKey = (key: string) =>
      zkvm(["verify", "--receipt", receipt, "--image-id", imageId, "--groth16-key", key]);
    expect(verifyWithKey(vk).status).toBe(0);
    // A RISC Zero seal checked as one of ours: another selector, named in the error.
    const asOurs = verifySeal();
    expect(asOurs.status).toBe(1);
    expect(asOurs.stderr).toMatch(/selector/);
    const missing = verifyWithKey(join(dir, "none.json"));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/no such file/);
    expect(verifyWithKey(file("x.json", "{}")).status).toBe(2);
    expect(verifySeal("--control-root", "v3.0").status).toBe(2);
    const noKey = zkvm(["prove", hello, "--groth16", join(dir, "none.zkey")]);
    expect(noKey.status).toBe(2);
    expect(noKey.stderr).toMatch(/wrap-circuit/);
  });

  it("bad usage exits 2: no ImageID, both seal and receipt, a malformed file", () => {
    const receipt = file("g2.json", encodeReceipt(groth16Receipt()));
    const noImage = zkvm(["verify", "--receipt", receipt]);
    expect(noImage.status).toBe(2);
    expect(noImage.stderr).toMatch(/--image-id 0x… or --elf/);
    expect(zkvm(["verify", "--receipt", receipt, "--seal", "0x00", "--elf", hello]).status).toBe(2);
    const malformed = zkvm(["verify", "--receipt", file("m.json", "{ nope"), "--elf", hello]);
    expect(malformed.status).toBe(2);
    expect(malformed.stderr).toMatch(/not valid JSON/);
    expect(zkvm(["verify", "--receipt", receipt, "--elf", hello, "--control-root", "v1.2"]).status).toBe(2);
  });
});
