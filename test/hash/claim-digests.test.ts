import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { describe, expect, it } from "vitest";
import { ZERO_DIGEST } from "../../src/hash/digest.ts";
import { taggedList, taggedStruct } from "../../src/hash/tagged.ts";
import {
  assumptionsDigest,
  haltedClaim,
  journalDigest,
  okClaim,
  outputDigest,
  receiptClaimDigest,
  SYSTEM_STATE_ZERO_DIGEST,
  systemStateDigest,
} from "../../src/receipt/claim.ts";
import vectors from "../fixtures/claim-digests.json" with { type: "json" };

const hex = (d: Uint8Array) => bytesToHex(d);

describe("RISC Zero tagged struct hashing (shared vectors)", () => {
  it("reproduces the nested foo/bar/baz vector", () => {
    const foo = taggedStruct("foo", [], [1, 2013265920, 3]);
    const bar = taggedStruct("bar", [foo, foo], [2013265920, 5]);
    const baz = taggedStruct("baz", [foo, bar, foo], [6, 7, 2013265920, 9, 10]);
    expect(hex(baz)).toBe(vectors.taggedStruct[0]!.baz);
  });

  it("reproduces SystemState{pc: 0, root: 0}", () => {
    expect(hex(systemStateDigest({ pc: 0, merkleRoot: ZERO_DIGEST }))).toBe(vectors.systemStateZero.digest);
    expect(hex(SYSTEM_STATE_ZERO_DIGEST)).toBe(vectors.systemStateZero.digest);
  });

  it("reproduces Output for an empty journal", () => {
    const d = outputDigest({
      journalDigest: journalDigest(new Uint8Array()),
      assumptionsDigest: ZERO_DIGEST,
    });
    expect(hex(d)).toBe(vectors.outputEmptyJournal.digest);
  });

  it("reproduces ReceiptClaim.ok for imageId 00..1f and an empty journal", () => {
    const imageId = Uint8Array.from({ length: 32 }, (_, i) => i);
    const claim = okClaim(imageId, journalDigest(new Uint8Array()));
    expect(hex(receiptClaimDigest(claim))).toBe(vectors.receiptClaimOk.digest);
  });

  it("reproduces the Groth16 verifier parameters digest (selector source)", () => {
    const v = vectors.groth16ReceiptVerifierParametersV3_0;
    const bn254 = hexToBytes(v.bn254ControlIdAsInSolidity).reverse();
    const d = taggedStruct("risc0.Groth16ReceiptVerifierParameters", [
      hexToBytes(v.controlRoot),
      bn254,
      hexToBytes(v.vkDigest),
    ]);
    expect(hex(d)).toBe(v.digest);
  });
});

describe("claim semantics", () => {
  const imageId = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
  const jd = journalDigest(new TextEncoder().encode("journal"));

  it("distinguishes exit codes", () => {
    const ok = receiptClaimDigest(okClaim(imageId, jd));
    const one = receiptClaimDigest(haltedClaim(imageId, jd, 1));
    const paused = receiptClaimDigest({ ...okClaim(imageId, jd), exitCode: { kind: "paused", user: 0 } });
    expect(hex(ok)).not.toBe(hex(one));
    expect(hex(ok)).not.toBe(hex(paused));
  });

  it("hashes the empty assumptions list to zero and a non-empty one to a cons cell", () => {
    expect(hex(assumptionsDigest([]))).toBe(hex(ZERO_DIGEST));
    const a = { claim: jd, controlRoot: imageId };
    const single = assumptionsDigest([a]);
    const cell = taggedStruct("risc0.Assumptions", [
      taggedStruct("risc0.Assumption", [jd, imageId]),
      ZERO_DIGEST,
    ]);
    expect(hex(single)).toBe(hex(cell));
    expect(hex(taggedList("t", [jd, imageId]))).toBe(
      hex(taggedStruct("t", [jd, taggedStruct("t", [imageId, ZERO_DIGEST])])),
    );
  });

  it("rejects a digest of the wrong length and data outside u32", () => {
    expect(() => okClaim(new Uint8Array(31), jd)).toThrow(/imageId must be 32 bytes/);
    expect(() => taggedStruct("x", [], [2 ** 32])).toThrow(RangeError);
  });
});
