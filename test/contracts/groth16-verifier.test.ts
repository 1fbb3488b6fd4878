import { bn254 } from "@noble/curves/bn254.js";
import { bytesToHex, encodeFunctionData, type Hex, sha256 } from "viem";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeGroth16Seal, encodeGroth16Seal } from "../../src/receipt/seal.ts";
import { PARAMS_VECTOR, REAL_RECEIPTS } from "../eth/fixtures.ts";
import { connectChain } from "./chain.ts";
import { flip, outcome } from "./helpers.ts";

type Viem = Awaited<ReturnType<typeof connectChain>>["viem"];
let viem: Viem;
const verifiers: Record<string, Awaited<ReturnType<Viem["deployContract"]>>> = {};

beforeAll(async () => {
  ({ viem } = await connectChain());
  for (const r of REAL_RECEIPTS) {
    verifiers[r.name] = await viem.deployContract("RiscZeroGroth16Verifier", [
      r.hex.controlRoot,
      r.hex.bn254ControlId,
    ]);
  }
});

describe("RiscZeroGroth16Verifier on the in-process chain", () => {
  it("computes RISC Zero's verifying-key digest and each receipt's selector in its constructor", async () => {
    for (const r of REAL_RECEIPTS) {
      const v = verifiers[r.name]!;
      expect(await v.read.verifyingKeyDigest()).toBe(`0x${PARAMS_VECTOR.vkDigest}`);
      expect(await v.read.SELECTOR()).toBe(r.hex.selector);
      expect(await v.read.CONTROL_ROOT()).toBe(r.hex.controlRoot);
      expect(await v.read.BN254_CONTROL_ID()).toBe(r.hex.bn254ControlId);
    }
  });

  for (const r of REAL_RECEIPTS) {
    it(`accepts RISC Zero's ${r.name} receipt through verify and verifyIntegrity`, async () => {
      const v = verifiers[r.name]!;
      expect(await outcome(v.read.verify([r.hex.seal, r.hex.imageId, sha256(r.hex.journal)]))).toBe("ok");
      expect(
        await outcome(v.read.verifyIntegrity([{ seal: r.hex.seal, claimDigest: r.hex.claimDigest }])),
      ).toBe("ok");
    });
  }

  const r = REAL_RECEIPTS[1]!;
  it("rejects every single-byte change of the seal, the journal and the image id", async () => {
    const v = verifiers[r.name]!;
    const jd = sha256(r.hex.journal);
    const seen = new Set<string>();
    for (let i = 0; i < r.seal.length; i++) {
      const result = await outcome(v.read.verify([flip(r.hex.seal, i), r.hex.imageId, jd]));
      expect(result, `seal byte ${i}`).not.toBe("ok");
      seen.add(result);
    }
    // Selector bytes → SelectorMismatch; coordinates → SealPointInvalid (off the curve) as a rule.
    expect(seen).toContain("SelectorMismatch");
    expect(seen).toContain("SealPointInvalid");
    for (let i = 0; i < r.journal.length; i++) {
      expect(await outcome(v.read.verify([r.hex.seal, r.hex.imageId, sha256(flip(r.hex.journal, i))]))).toBe(
        "VerificationFailed",
      );
    }
    for (let i = 0; i < 32; i++) {
      expect(await outcome(v.read.verify([r.hex.seal, flip(r.hex.imageId, i, 0x80), jd]))).toBe(
        "VerificationFailed",
      );
    }
  });

  it("reverts a wrong selector with SelectorMismatch(received, expected)", async () => {
    const v1 = verifiers[REAL_RECEIPTS[0]!.name]!;
    await expect(v1.read.verify([r.hex.seal, r.hex.imageId, sha256(r.hex.journal)])).rejects.toThrow(
      `SelectorMismatch("${r.hex.selector}", "${REAL_RECEIPTS[0]!.hex.selector}")`,
    );
  });

  it("reverts malformed seals cheaply: wrong length, off-curve, non-canonical, identity", async () => {
    const v = verifiers[r.name]!;
    const jd = sha256(r.hex.journal);
    const { selector, proof } = decodeGroth16Seal(r.seal);
    const cases: Array<[Hex, string]> = [
      [r.hex.seal.slice(0, -2) as Hex, "SealLengthInvalid"],
      [`${r.hex.seal}00`, "SealLengthInvalid"],
      ["0x", "SealLengthInvalid"],
      [bytesToHex(encodeGroth16Seal(selector, { ...proof, a: { x: 1n, y: 3n } })), "SealPointInvalid"],
      [bytesToHex(encodeGroth16Seal(selector, { ...proof, c: { x: 0n, y: 0n } })), "SealPointInvalid"],
      [
        bytesToHex(
          encodeGroth16Seal(selector, {
            ...proof,
            a: { x: proof.a.x + bn254.fields.Fp.ORDER, y: proof.a.y },
          }),
        ),
        "SealPointInvalid",
      ],
      [
        bytesToHex(encodeGroth16Seal(selector, { ...proof, b: { x: proof.b.y, y: proof.b.x } })),
        "SealPointInvalid",
      ],
    ];
    for (const [seal, error] of cases) {
      // 50k gas is far below a pairing: a malformed seal is named and rejected before any precompile runs.
      expect(await outcome(v.read.verify([seal, r.hex.imageId, jd], { gas: 50_000n }))).toBe(error);
    }
  });

  it("a twist point outside the G2 subgroup costs at most a valid verification, then VerificationFailed", async () => {
    const v = verifiers[r.name]!;
    const { Fp2 } = bn254.fields;
    const b = Fp2.div(Fp2.create({ c0: 3n, c1: 0n }), Fp2.create({ c0: 9n, c1: 1n }));
    let point: { x: { c0: bigint; c1: bigint }; y: { c0: bigint; c1: bigint } } | undefined;
    for (let x0 = 1n; !point; x0++) {
      const x = Fp2.create({ c0: x0, c1: 1n });
      const rhs = Fp2.add(Fp2.mul(Fp2.sqr(x), x), b);
      let y: ReturnType<typeof Fp2.create>;
      try {
        y = Fp2.sqrt(rhs);
      } catch {
        continue;
      }
      let inSubgroup = true;
      try {
        bn254.G2.Point.fromAffine({ x, y }).assertValidity();
      } catch {
        inSubgroup = false;
      }
      if (!inSubgroup) point = { x: x as { c0: bigint; c1: bigint }, y: y as { c0: bigint; c1: bigint } };
    }
    const { selector, proof } = decodeGroth16Seal(r.seal);
    const seal = bytesToHex(encodeGroth16Seal(selector, { ...proof, b: point }));
    expect(
      await outcome(v.read.verify([seal, r.hex.imageId, sha256(r.hex.journal)], { gas: 300_000n })),
    ).toBe("VerificationFailed");
  });

  it("a direct verify transaction stays within the 225k gas budget", async () => {
    const v = verifiers[r.name]!;
    const [wallet] = await viem.getWalletClients();
    const pc = await viem.getPublicClient();
    const hash = await wallet!.sendTransaction({
      to: v.address,
      data: encodeFunctionData({
        abi: v.abi,
        functionName: "verify",
        args: [r.hex.seal, r.hex.imageId, sha256(r.hex.journal)],
      }),
    });
    const receipt = await pc.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe("success");
    // 21000 + calldata + 181000 (4-pair pairing) + 12300 (2 ecMul, 2 ecAdd) leave ~3k for everything else.
    expect(receipt.gasUsed).toBeLessThanOrEqual(225_000n);
  });

  it("refuses a BN254 control id outside the scalar field", async () => {
    const id = `0x${bn254.fields.Fr.ORDER.toString(16)}` as Hex;
    await expect(viem.deployContract("RiscZeroGroth16Verifier", [r.hex.controlRoot, id])).rejects.toThrow(
      /Bn254ControlIdOutOfRange/,
    );
  });
});

describe("claim digests in Solidity match the TypeScript side and the shared vectors", () => {
  it("ok claim, SystemState, Output and DigestSplit", async () => {
    const h = await viem.deployContract("ClaimDigestHarness");
    const { CLAIM_VECTORS } = await import("../eth/fixtures.ts");
    const zero = `0x${"00".repeat(32)}` as Hex;
    expect(await h.read.systemStateDigest([0, zero])).toBe(`0x${CLAIM_VECTORS.systemStateZero.digest}`);
    expect(await h.read.outputDigest([sha256("0x"), zero])).toBe(
      `0x${CLAIM_VECTORS.outputEmptyJournal.digest}`,
    );
    const imageId = bytesToHex(Uint8Array.from({ length: 32 }, (_, i) => i));
    expect(await h.read.okDigest([imageId, sha256("0x")])).toBe(`0x${CLAIM_VECTORS.receiptClaimOk.digest}`);
    expect(await h.read.okClaimDigest([imageId, sha256("0x")])).toBe(
      `0x${CLAIM_VECTORS.receiptClaimOk.digest}`,
    );
    expect(
      await h.read.receiptClaimDigest([
        imageId,
        `0x${CLAIM_VECTORS.systemStateZero.digest}`,
        0,
        0,
        zero,
        `0x${CLAIM_VECTORS.outputEmptyJournal.digest}`,
      ]),
    ).toBe(`0x${CLAIM_VECTORS.receiptClaimOk.digest}`);
    for (const rr of REAL_RECEIPTS) {
      expect(await h.read.okDigest([rr.hex.imageId, sha256(rr.hex.journal)])).toBe(rr.hex.claimDigest);
    }
    const [lo, hi] = (await h.read.split([`0x${CLAIM_VECTORS.receiptClaimOk.digest}`])) as [bigint, bigint];
    expect([lo, hi]).toEqual(CLAIM_VECTORS.receiptClaimOk.splitLE128.map((x) => BigInt(x)));
  });
});
