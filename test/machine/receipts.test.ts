import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { MACHINE_CONFIG } from "../../src/machine/verify.ts";
import { receiptClaimDigest } from "../../src/receipt/claim.ts";
import {
  type CompositeReceipt,
  InvalidSegmentProofError,
  SegmentChainError,
  verifyCompositeIntegrity,
} from "../../src/receipt/composite-receipt.ts";
import {
  DevModeRequiredError,
  fakeReceipt,
  ReceiptVerificationError,
} from "../../src/receipt/fake-receipt.ts";
import { proveReceipt } from "../../src/receipt/prove.ts";
import {
  decodeReceipt,
  decodeReceiptJson,
  encodeReceipt,
  encodeReceiptJson,
  ReceiptFormatError,
} from "../../src/receipt/receipt-codec.ts";
import { readReceipt, verifyReceipt } from "../../src/receipt/verify.ts";
import { prng } from "../../src/stark/testing/perturb.ts";
import { computeImageId } from "../../src/zkvm/image-id.ts";
import { loadProgram } from "../../src/zkvm/program.ts";
import { executeSession } from "../../src/zkvm/session.ts";
import { CONFIG } from "./helpers.ts";

/**
 * Composite receipts of a real guest split into segments: the claim equals the dev-mode claim of the same
 * execution, encodings round-trip, and every tampering is rejected with a typed error.
 */
const ELF = new Uint8Array(readFileSync(new URL("../../guests/examples/hello.elf", import.meta.url)));
const INPUT = Uint8Array.of(7, 0, 0, 0, 9, 0, 0, 0); // 7 × 9
const IMAGE_ID = computeImageId(loadProgram(ELF));
let receipt: CompositeReceipt;

const opts = { config: CONFIG };
const mutate = (r: CompositeReceipt, f: (segs: CompositeReceipt["segments"][number][]) => void) => {
  const segs = r.segments.map((s) => ({ ...s }));
  f(segs);
  return { ...r, segments: segs };
};

describe("machine: composite receipts", () => {
  beforeAll(() => {
    const { receipt: r } = proveReceipt(ELF, {
      input: INPUT,
      config: CONFIG,
      segmentCycles: 1 << 14,
      dev: false,
    });
    if (r.kind !== "composite") throw new Error("expected a real receipt");
    receipt = r;
  }, 600_000);

  it("spans several segments that chain, and its claim is the dev-mode claim", () => {
    expect(receipt.segments.length).toBe(2);
    expect(receipt.segments[0]!.statement.halted).toBe(false);
    const claim = verifyReceipt(receipt, IMAGE_ID, undefined, opts);
    const session = executeSession(ELF, { input: INPUT });
    expect(receiptClaimDigest(claim)).toEqual(session.claimDigest);
    expect(receiptClaimDigest(claim)).toEqual(
      receiptClaimDigest(fakeReceipt(session.claim, session.journal, () => {}).claim),
    );
    expect(Array.from(receipt.journal)).toEqual([63, 0, 0, 0, 0, 0, 0, 0]);
  });

  it("round-trips through the binary and JSON encodings", () => {
    const bin = encodeReceipt(receipt);
    expect(decodeReceipt(bin)).toEqual(receipt);
    expect(readReceipt(bin)).toEqual(receipt);
    const json = encodeReceiptJson(receipt);
    expect(decodeReceiptJson(json)).toEqual(receipt);
    expect(readReceipt(new TextEncoder().encode(json))).toEqual(receipt);
    expect(() => verifyReceipt(decodeReceipt(bin), IMAGE_ID, undefined, opts)).not.toThrow();
  });

  it("rejects a changed seal, statement, order or journal with typed errors", () => {
    const flipped = mutate(receipt, (s) => {
      const seal = s[1]!.seal.slice();
      seal[1000] ^= 1;
      s[1] = { ...s[1]!, seal };
    });
    expect(() => verifyCompositeIntegrity(flipped, opts)).toThrow(InvalidSegmentProofError);
    const exit = mutate(receipt, (s) => {
      s[1] = { ...s[1]!, statement: { ...s[1]!.statement, exitCode: 1 } };
    });
    expect(() => verifyCompositeIntegrity(exit, opts)).toThrow(InvalidSegmentProofError);
    const swapped = mutate(receipt, (s) => s.reverse());
    expect(() => verifyCompositeIntegrity(swapped, opts)).toThrow(SegmentChainError);
    const truncated = mutate(receipt, (s) => s.pop());
    expect(() => verifyCompositeIntegrity(truncated, opts)).toThrow(SegmentChainError);
    const headless = mutate(receipt, (s) => {
      s.shift();
      s[0] = { ...s[0]!, index: 0 };
    });
    expect(() => verifyCompositeIntegrity(headless, opts)).toThrow(SegmentChainError);
    expect(() => verifyReceipt(receipt, IMAGE_ID, Uint8Array.of(1), opts)).toThrow(ReceiptVerificationError);
    const otherId = IMAGE_ID.slice();
    otherId[0] ^= 1;
    expect(() => verifyReceipt(receipt, otherId, undefined, opts)).toThrow(ReceiptVerificationError);
    // Verified under the production configuration, a test-configuration receipt is refused up front.
    expect(() => verifyReceipt(receipt, IMAGE_ID)).toThrow(/requires log blowup 1, 84 queries/);
  });

  it("rejects segments that do not chain, even when each one's proof is valid", () => {
    // Move the boundary: segment 1 claims a different pre-state (so also segment 0's post-state).
    const root = receipt.segments[1]!.statement.pre.root.slice();
    root[0] = (root[0]! + 1) % 2013265921;
    const moved = mutate(receipt, (s) => {
      s[0] = { ...s[0]!, statement: { ...s[0]!.statement, post: { ...s[0]!.statement.post, root } } };
      s[1] = { ...s[1]!, statement: { ...s[1]!.statement, pre: { ...s[1]!.statement.pre, root } } };
    });
    expect(() => verifyCompositeIntegrity(moved, opts)).toThrow(InvalidSegmentProofError);
    const unchained = mutate(receipt, (s) => {
      s[1] = { ...s[1]!, statement: { ...s[1]!.statement, pre: { ...s[1]!.statement.pre, root } } };
    });
    expect(() => verifyCompositeIntegrity(unchained, opts)).toThrow(SegmentChainError);
  });

  it("decodes malformed bytes only into typed errors", () => {
    const bin = encodeReceipt(receipt);
    expect(() => decodeReceipt(bin.slice(0, 100))).toThrow(ReceiptFormatError);
    const longer = new Uint8Array(bin.length + 1);
    longer.set(bin);
    expect(() => decodeReceipt(longer)).toThrow(/trailing/);
    const v2 = bin.slice();
    v2[4] = 2;
    expect(() => decodeReceipt(v2)).toThrow(/version/);
    expect(() => readReceipt(Uint8Array.of(0xff, 0xfe))).toThrow(ReceiptFormatError);
    expect(() => readReceipt(new TextEncoder().encode('{"kind":"composite","version":1}'))).toThrow(
      ReceiptFormatError,
    );
    const rand = prng(7);
    for (let k = 0; k < 100; k++) {
      const b = bin.slice(0, rand() % 3 === 0 ? rand() % bin.length : bin.length);
      if (b.length > 0) b[rand() % b.length] ^= 1 + (rand() % 255);
      try {
        const r = decodeReceipt(b);
        expect(() => verifyCompositeIntegrity(r, opts)).toThrow(ReceiptVerificationError);
      } catch (e) {
        if (!(e instanceof ReceiptFormatError || e instanceof ReceiptVerificationError)) throw e;
      }
    }
  });

  it("accepts a fake receipt only in dev mode", () => {
    const session = executeSession(ELF, { input: INPUT });
    const fake = fakeReceipt(session.claim, session.journal, () => {});
    expect(() => verifyReceipt(fake, IMAGE_ID, undefined, { devMode: false })).toThrow(DevModeRequiredError);
    expect(
      receiptClaimDigest(verifyReceipt(fake, IMAGE_ID, undefined, { devMode: true, warn: () => {} })),
    ).toEqual(session.claimDigest);
  });
});

describe("machine: configuration", () => {
  it("proves under the 100-bit configuration by default", () => {
    expect(
      MACHINE_CONFIG.numQueries * MACHINE_CONFIG.logBlowup + MACHINE_CONFIG.powBits,
    ).toBeGreaterThanOrEqual(100);
  });
});
