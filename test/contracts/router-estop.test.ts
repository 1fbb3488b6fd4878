import { encodePacked, getAddress, type Hex, sha256, zeroHash } from "viem";
import { beforeAll, describe, expect, it } from "vitest";
import { REAL_RECEIPTS } from "../eth/fixtures.ts";
import { connectChain } from "./chain.ts";
import { flip, outcome } from "./helpers.ts";

type Chain = Awaited<ReturnType<typeof connectChain>>;
let viem: Chain["viem"];
const mockSeal = (claimDigest: Hex): Hex => encodePacked(["bytes4", "bytes32"], ["0xffffffff", claimDigest]);

beforeAll(async () => {
  ({ viem } = await connectChain());
});

async function accounts() {
  const [owner, other, third] = await viem.getWalletClients();
  return { owner: owner!, other: other!, third: third! };
}

describe("ReceiptVerifierRouter", () => {
  it("routes by selector to the real Groth16 verifiers and the mock", async () => {
    const { owner } = await accounts();
    const router = await viem.deployContract("ReceiptVerifierRouter", [owner.account.address]);
    for (const r of REAL_RECEIPTS) {
      const v = await viem.deployContract("RiscZeroGroth16Verifier", [
        r.hex.controlRoot,
        r.hex.bn254ControlId,
      ]);
      await router.write.addVerifier([r.hex.selector, v.address]);
      expect(getAddress((await router.read.getVerifier([r.hex.selector])) as string)).toBe(
        getAddress(v.address),
      );
    }
    const mock = await viem.deployContract("MockReceiptVerifier", [false]);
    await router.write.addVerifier(["0xffffffff", mock.address]);
    for (const r of REAL_RECEIPTS) {
      expect(await outcome(router.read.verify([r.hex.seal, r.hex.imageId, sha256(r.hex.journal)]))).toBe(
        "ok",
      );
      expect(
        await outcome(router.read.verifyIntegrity([{ seal: r.hex.seal, claimDigest: r.hex.claimDigest }])),
      ).toBe("ok");
      expect(
        await outcome(router.read.verify([flip(r.hex.seal, 100), r.hex.imageId, sha256(r.hex.journal)])),
      ).not.toBe("ok");
      expect(
        await outcome(router.read.verify([r.hex.seal, r.hex.imageId, sha256(flip(r.hex.journal, 0))])),
      ).toBe("VerificationFailed");
    }
    const r = REAL_RECEIPTS[1]!;
    expect(
      await outcome(router.read.verify([mockSeal(r.hex.claimDigest), r.hex.imageId, sha256(r.hex.journal)])),
    ).toBe("ok");
    expect(
      await outcome(router.read.verify([flip(r.hex.seal, 0), r.hex.imageId, sha256(r.hex.journal)])),
    ).toBe("SelectorUnknown");
    expect(await outcome(router.read.verify(["0x1234", r.hex.imageId, sha256(r.hex.journal)]))).toBe(
      "SealTooShort",
    );
  });

  it("adding a selector twice is an error; removal tombstones it forever", async () => {
    const { owner } = await accounts();
    const router = await viem.deployContract("ReceiptVerifierRouter", [owner.account.address]);
    const a = await viem.deployContract("MockReceiptVerifier", [false]);
    const b = await viem.deployContract("MockReceiptVerifier", [false]);
    const sel = "0xffffffff";
    await router.write.addVerifier([sel, a.address]);
    expect(await outcome(router.write.addVerifier([sel, b.address]))).toBe("SelectorInUse");
    expect(
      await outcome(router.write.addVerifier(["0x12345678", "0x0000000000000000000000000000000000000000"])),
    ).toBe("InvalidVerifier");
    // Addresses without code would "verify" everything (a call to them succeeds): refused.
    const { other } = await accounts();
    for (const noCode of [other.account.address, "0x0000000000000000000000000000000000000001"] as const) {
      expect(await outcome(router.write.addVerifier(["0x12345678", noCode]))).toBe("InvalidVerifier");
    }
    await expect(
      viem.deployContract("EmergencyStopVerifier", [other.account.address, other.account.address]),
    ).rejects.toThrow(/InvalidVerifier/);
    await router.write.removeVerifier([sel]);
    expect(await outcome(router.read.getVerifier([sel]))).toBe("SelectorRemoved");
    expect(await outcome(router.write.addVerifier([sel, b.address]))).toBe("SelectorRemoved");
    expect(await outcome(router.write.removeVerifier([sel]))).toBe("SelectorRemoved");
    expect(await outcome(router.write.removeVerifier(["0x12345678"]))).toBe("SelectorUnknown");
    expect(await outcome(router.read.verify([mockSeal(zeroHash), zeroHash, zeroHash]))).toBe(
      "SelectorRemoved",
    );
  });

  it("only the owner changes the routes; ownership moves in two steps", async () => {
    const { owner, other, third } = await accounts();
    const router = await viem.deployContract("ReceiptVerifierRouter", [owner.account.address]);
    const mock = await viem.deployContract("MockReceiptVerifier", [false]);
    const asOther = await viem.getContractAt("ReceiptVerifierRouter", router.address, {
      client: { wallet: other },
    });
    const asThird = await viem.getContractAt("ReceiptVerifierRouter", router.address, {
      client: { wallet: third },
    });
    expect(await outcome(asOther.write.addVerifier(["0xffffffff", mock.address]))).toBe(
      "OwnableUnauthorizedAccount",
    );
    await router.write.transferOwnership([other.account.address]);
    // Still the old owner until the new one accepts.
    expect(getAddress((await router.read.owner()) as string)).toBe(getAddress(owner.account.address));
    expect(await outcome(asThird.write.acceptOwnership())).toBe("OwnableUnauthorizedAccount");
    await asOther.write.acceptOwnership();
    expect(getAddress((await router.read.owner()) as string)).toBe(getAddress(other.account.address));
    expect(await outcome(router.write.addVerifier(["0xffffffff", mock.address]))).toBe(
      "OwnableUnauthorizedAccount",
    );
    await asOther.write.addVerifier(["0xffffffff", mock.address]);
    await asOther.write.removeVerifier(["0xffffffff"]);
  });
});

describe("EmergencyStopVerifier", () => {
  it("passes calls through until the owner stops it, permanently", async () => {
    const { owner, other } = await accounts();
    const r = REAL_RECEIPTS[1]!;
    const v = await viem.deployContract("RiscZeroGroth16Verifier", [r.hex.controlRoot, r.hex.bn254ControlId]);
    const estop = await viem.deployContract("EmergencyStopVerifier", [v.address, owner.account.address]);
    const args = [r.hex.seal, r.hex.imageId, sha256(r.hex.journal)] as const;
    expect(await outcome(estop.read.verify([...args]))).toBe("ok");
    expect(await outcome(estop.read.verify([r.hex.seal, r.hex.imageId, zeroHash]))).toBe(
      "VerificationFailed",
    );
    const asOther = await viem.getContractAt("EmergencyStopVerifier", estop.address, {
      client: { wallet: other },
    });
    expect(await outcome(asOther.write.estop())).toBe("OwnableUnauthorizedAccount");
    await estop.write.estop();
    expect(await estop.read.paused()).toBe(true);
    expect(await outcome(estop.read.verify([...args]))).toBe("EnforcedPause");
    expect(
      await outcome(estop.read.verifyIntegrity([{ seal: r.hex.seal, claimDigest: r.hex.claimDigest }])),
    ).toBe("EnforcedPause");
    expect(estop.abi.some((item) => item.type === "function" && /unpause/i.test(item.name))).toBe(false);
  });

  it("anyone stops it with a receipt of the all-zero claim; other receipts are not a proof of exploit", async () => {
    const { owner, other } = await accounts();
    const mock = await viem.deployContract("MockReceiptVerifier", [false]);
    const estop = await viem.deployContract("EmergencyStopVerifier", [mock.address, owner.account.address]);
    const asOther = await viem.getContractAt("EmergencyStopVerifier", estop.address, {
      client: { wallet: other },
    });
    const r = REAL_RECEIPTS[1]!;
    // A valid receipt of a real claim is not an exploit.
    expect(
      await outcome(
        asOther.write.estop([{ seal: mockSeal(r.hex.claimDigest), claimDigest: r.hex.claimDigest }]),
      ),
    ).toBe("NotAProofOfExploit");
    // A zero claim with an invalid seal is rejected by the wrapped verifier.
    expect(
      await outcome(asOther.write.estop([{ seal: mockSeal(flip(zeroHash, 31)), claimDigest: zeroHash }])),
    ).toBe("VerificationFailed");
    expect(await estop.read.paused()).toBe(false);
    await asOther.write.estop([{ seal: mockSeal(zeroHash), claimDigest: zeroHash }]);
    expect(await estop.read.paused()).toBe(true);
    expect(
      await outcome(estop.read.verify([mockSeal(r.hex.claimDigest), r.hex.imageId, sha256(r.hex.journal)])),
    ).toBe("EnforcedPause");
    expect(await outcome(estop.write.estop())).toBe("EnforcedPause");
  });
});

describe("MockReceiptVerifier", () => {
  it("accepts exactly 0xFFFFFFFF ‖ claimDigest", async () => {
    const mock = await viem.deployContract("MockReceiptVerifier", [false]);
    const r = REAL_RECEIPTS[0]!;
    const jd = sha256(r.hex.journal);
    expect(await mock.read.mockSeal([r.hex.claimDigest])).toBe(mockSeal(r.hex.claimDigest));
    expect(await outcome(mock.read.verify([mockSeal(r.hex.claimDigest), r.hex.imageId, jd]))).toBe("ok");
    expect(await outcome(mock.read.verify([mockSeal(r.hex.claimDigest), r.hex.imageId, zeroHash]))).toBe(
      "VerificationFailed",
    );
    expect(await outcome(mock.read.verify([r.hex.seal, r.hex.imageId, jd]))).toBe("SealLengthInvalid");
    const wrongSelector = `0xfffffffe${r.hex.claimDigest.slice(2)}` as Hex;
    expect(await outcome(mock.read.verify([wrongSelector, r.hex.imageId, jd]))).toBe("SelectorMismatch");
  });

  it("refuses to deploy on a chain that is not a local development chain unless forced", async () => {
    const { viem: mainnetLike } = await connectChain({ chainId: 1 });
    const client = await mainnetLike.getPublicClient();
    expect(await client.getChainId()).toBe(1);
    await expect(mainnetLike.deployContract("MockReceiptVerifier", [false])).rejects.toThrow(
      /NotADevelopmentChain\(1\)/,
    );
    const forced = await mainnetLike.deployContract("MockReceiptVerifier", [true]);
    expect(await forced.read.SELECTOR()).toBe("0xffffffff");
  });
});
