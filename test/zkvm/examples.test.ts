/**
 * The committed example ELFs produce the expected journals (computed here independently: BigInt
 * product, @noble/hashes SHA-256, JavaScript sort) and the claim ok(imageId, sha256(journal)).
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { sha256 } from "@noble/hashes/sha2.js";
import { encodeAbiParameters, hexToBytes } from "viem";
import { describe, expect, it } from "vitest";
import { okClaim, receiptClaimDigest } from "../../src/receipt/claim.ts";
import { computeImageId } from "../../src/zkvm/image-id.ts";
import { loadProgram } from "../../src/zkvm/program.ts";
import { executeSession } from "../../src/zkvm/session.ts";
import { runBoth } from "./harness.ts";

const EXAMPLES = resolve(import.meta.dirname, "../../guests/examples");
const elf = (name: string) => readFileSync(join(EXAMPLES, `${name}.elf`));

function u32le(...xs: number[]): Uint8Array {
  const out = new Uint8Array(4 * xs.length);
  const v = new DataView(out.buffer);
  xs.forEach((x, i) => v.setUint32(4 * i, x, true));
  return out;
}

function expectOk(name: string, input: Uint8Array, journal: Uint8Array) {
  const session = executeSession(elf(name), { input });
  expect(session.exitCode).toBe(0);
  expect(Buffer.from(session.journal).toString("hex")).toBe(Buffer.from(journal).toString("hex"));
  const imageId = computeImageId(loadProgram(elf(name)));
  expect(session.imageId).toEqual(imageId);
  expect(session.claimDigest).toEqual(receiptClaimDigest(okClaim(imageId, sha256(journal))));
  // The recording path agrees.
  runBoth(elf(name), { input });
  return session;
}

describe("example guests", () => {
  it("hello commits the 64-bit product", () => {
    const a = 0xfffffffb;
    const b = 0xfffffff1;
    const product = BigInt(a) * BigInt(b);
    const journal = new Uint8Array(8);
    new DataView(journal.buffer).setBigUint64(0, product, true);
    expectOk("hello", u32le(a, b), journal);
    const trivial = executeSession(elf("hello"), { input: u32le(1, 91) });
    expect(trivial.exitCode).toBe(2);
    expect(new TextDecoder().decode(trivial.stderr)).toContain("trivial factor");
    expect(trivial.journal.length).toBe(0);
  });
  it("sha commits sha256 of its input", () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 1000]) {
      const input = randomBytes(n);
      expectOk("sha", input, sha256(input));
    }
  });
  it("sort commits the sorted values and a checksum", () => {
    const values = Array.from({ length: 500 }, () => randomBytes(4).readUInt32LE(0));
    values.push(0, 0xffffffff, 7, 7, 7);
    const sorted = [...values].sort((x, y) => x - y);
    let checksum = 0;
    sorted.forEach((v, i) => {
      checksum = (checksum + Math.imul(i, v)) >>> 0;
    });
    expectOk("sort", u32le(...values), u32le(...sorted, checksum));
    expect(executeSession(elf("sort"), { input: new Uint8Array(6) }).exitCode).toBe(1);
  });
  it("even-number commits abi.encode(x) for even x and refuses odd x", () => {
    const x = randomBytes(32);
    x[31] = x[31]! & 0xfe;
    const encoded = hexToBytes(
      encodeAbiParameters([{ type: "uint256" }], [BigInt(`0x${x.toString("hex")}`)]),
    );
    expectOk("even-number", x, encoded);
    x[31] = x[31]! | 1;
    const odd = executeSession(elf("even-number"), { input: x });
    expect(odd.exitCode).toBe(1);
    expect(odd.journal.length).toBe(0);
    expect(executeSession(elf("even-number"), { input: new Uint8Array(33) }).exitCode).toBe(2);
  });
  it("exit codes other than 0 give a halted claim with that code", () => {
    const s = executeSession(elf("even-number"), { input: new Uint8Array(3) });
    expect(s.claim.exitCode).toEqual({ kind: "halted", user: 2 });
  });
  it("the ImageID depends on every loaded byte and the entry point", () => {
    const program = loadProgram(elf("hello"));
    const id = computeImageId(program);
    const flipped = program.segments.map((s) => ({ ...s, data: new Uint8Array(s.data) }));
    flipped[1]!.data[5]! ^= 1;
    expect(computeImageId({ ...program, segments: flipped })).not.toEqual(id);
    expect(computeImageId({ ...program, entry: program.entry + 4 })).not.toEqual(id);
    expect(computeImageId({ ...program })).toEqual(id);
  });
});
