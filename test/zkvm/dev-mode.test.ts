/** Dev mode: fake receipts are produced and accepted only in dev mode, and never silently. */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { sha256 } from "@noble/hashes/sha2.js";
import { describe, expect, it } from "vitest";
import { okClaim, receiptClaimDigest } from "../../src/receipt/claim.ts";
import {
  DevModeConfigError,
  DevModeRequiredError,
  decodeFakeReceipt,
  devModeEnabled,
  encodeFakeReceipt,
  ReceiptDecodeError,
  ReceiptVerificationError,
  verifyFakeReceipt,
} from "../../src/receipt/fake-receipt.ts";
import { computeImageId } from "../../src/zkvm/image-id.ts";
import { loadProgram } from "../../src/zkvm/program.ts";
import { ProverUnavailableError, prove } from "../../src/zkvm/prove.ts";

const elf = readFileSync(join(resolve(import.meta.dirname, "../../guests/examples"), "even-number.elf"));
const x = new Uint8Array(32);
x[31] = 42;

function proveDev(input = x) {
  const warnings: string[] = [];
  const { receipt } = prove(elf, { input, dev: true, warn: (m) => warnings.push(m) });
  if (receipt.kind !== "fake") throw new Error(`dev mode made a ${receipt.kind} receipt`);
  return { receipt, warnings };
}

describe("dev mode", () => {
  it("reads ZKVM_DEV_MODE strictly", () => {
    expect(devModeEnabled({})).toBe(false);
    expect(devModeEnabled({ ZKVM_DEV_MODE: "0" })).toBe(false);
    expect(devModeEnabled({ ZKVM_DEV_MODE: "1" })).toBe(true);
    expect(devModeEnabled({ ZKVM_DEV_MODE: "true" })).toBe(true);
    expect(() => devModeEnabled({ ZKVM_DEV_MODE: "on please" })).toThrow(DevModeConfigError);
  });
  it("proving without dev mode says the prover is unavailable and how to use dev mode", () => {
    expect(() => prove(elf, { input: x, dev: false })).toThrow(ProverUnavailableError);
    expect(() => prove(elf, { input: x, dev: false })).toThrow(/ZKVM_DEV_MODE=1/);
  });
  it("a fake receipt carries the claim ok(imageId, sha256(journal)) and the journal, and warns", () => {
    const { receipt, warnings } = proveDev();
    const imageId = computeImageId(loadProgram(elf));
    expect(receipt.journal).toEqual(x);
    expect(receiptClaimDigest(receipt.claim)).toEqual(receiptClaimDigest(okClaim(imageId, sha256(x))));
    expect(warnings.join("\n")).toMatch(/FAKE receipt/);
  });
  it("verifying a fake receipt fails unless dev mode is on, and says so", () => {
    const { receipt } = proveDev();
    const imageId = computeImageId(loadProgram(elf));
    expect(() => verifyFakeReceipt(receipt, imageId, { devMode: false })).toThrow(DevModeRequiredError);
    expect(() => verifyFakeReceipt(receipt, imageId, { devMode: false })).toThrow(
      /dev-mode \(fake\) receipt/,
    );
    const warnings: string[] = [];
    verifyFakeReceipt(receipt, imageId, { devMode: true, warn: (m) => warnings.push(m) });
    expect(warnings.join("\n")).toMatch(/accepted a FAKE receipt/);
  });
  it("in dev mode the claim is still checked against the ImageID, exit code and journal", () => {
    const { receipt } = proveDev();
    const imageId = computeImageId(loadProgram(elf));
    const quiet = { devMode: true, warn: () => {} };
    const otherId = imageId.slice();
    otherId[0]! ^= 1;
    expect(() => verifyFakeReceipt(receipt, otherId, quiet)).toThrow(ReceiptVerificationError);
    const tampered = { ...receipt, journal: receipt.journal.slice() };
    tampered.journal[0]! ^= 1;
    expect(() => verifyFakeReceipt(tampered, imageId, quiet)).toThrow(/does not match its journal/);
    const odd = x.slice();
    odd[31] = 43;
    const failed = proveDev(odd).receipt;
    expect(() => verifyFakeReceipt(failed, imageId, quiet)).toThrow(/exit code 0/);
  });
  it("encodes and decodes, rejecting malformed encodings with typed errors", () => {
    const { receipt } = proveDev();
    const decoded = decodeFakeReceipt(encodeFakeReceipt(receipt));
    expect(decoded).toEqual(receipt);
    const bad = ["", "[]", "{}", '{"version":1,"kind":"stark"}', '{"version":1,"kind":"fake","claim":{}}'];
    for (const b of bad) expect(() => decodeFakeReceipt(b)).toThrow(ReceiptDecodeError);
    const j = JSON.parse(encodeFakeReceipt(receipt));
    j.claim.exitCode = { kind: "halted", user: -1 };
    expect(() => decodeFakeReceipt(JSON.stringify(j))).toThrow(/exitCode/);
    j.claim.exitCode = { kind: "halted", user: 0 };
    j.journal = "abc";
    expect(() => decodeFakeReceipt(JSON.stringify(j))).toThrow(/journal/);
  });
});
