import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { encodeAbiParameters, encodePacked, getAddress, type Hex, parseAbiParameters, sha256 } from "viem";
import { beforeAll, describe, expect, it } from "vitest";
import { okClaim, receiptClaimDigest } from "../../src/receipt/claim.ts";
import { encodeMockSeal } from "../../src/receipt/seal.ts";
import { array, encode, enumOf, struct, u8, u64, vec } from "../../src/zkvm/serde.ts";
import { executeSession } from "../../src/zkvm/session.ts";
import { REAL_RECEIPTS } from "../eth/fixtures.ts";
import { connectChain } from "./chain.ts";
import { flip, outcome } from "./helpers.ts";

type Viem = Awaited<ReturnType<typeof connectChain>>["viem"];
let viem: Viem;
let router: Awaited<ReturnType<Viem["deployContract"]>>;
const IMAGE_ID = `0x${"11".repeat(32)}` as Hex;

/** A dev-mode seal for (imageId, journal), built by the TypeScript side (claim digest from src/receipt). */
function devSeal(imageId: Hex, journal: Hex): Hex {
  const claim = receiptClaimDigest(
    okClaim(hexToBytes(imageId.slice(2)), hexToBytes(sha256(journal).slice(2))),
  );
  return `0x${bytesToHex(encodeMockSeal(claim))}`;
}

beforeAll(async () => {
  ({ viem } = await connectChain());
  const [owner] = await viem.getWalletClients();
  router = await viem.deployContract("ReceiptVerifierRouter", [owner!.account.address]);
  const mock = await viem.deployContract("MockReceiptVerifier", [false]);
  await router.write.addVerifier(["0xffffffff", mock.address]);
  for (const r of REAL_RECEIPTS) {
    const v = await viem.deployContract("RiscZeroGroth16Verifier", [r.hex.controlRoot, r.hex.bn254ControlId]);
    await router.write.addVerifier([r.hex.selector, v.address]);
  }
});

describe("EvenNumber", () => {
  const journalOf = (x: bigint) => encodeAbiParameters(parseAbiParameters("uint256"), [x]);

  it("stores an even number given a valid seal for sha256(abi.encode(x))", async () => {
    const even = await viem.deployContract("EvenNumber", [router.address, IMAGE_ID]);
    await even.write.set([42n, devSeal(IMAGE_ID, journalOf(42n))]);
    expect(await even.read.number()).toBe(42n);
    const big = 2n ** 255n;
    await even.write.set([big, devSeal(IMAGE_ID, journalOf(big))]);
    expect(await even.read.number()).toBe(big);
  });

  it("rejects a seal for another number, another image, a tampered seal, and no seal", async () => {
    const even = await viem.deployContract("EvenNumber", [router.address, IMAGE_ID]);
    const seal = devSeal(IMAGE_ID, journalOf(42n));
    expect(await outcome(even.write.set([43n, seal]))).toBe("VerificationFailed");
    expect(await outcome(even.write.set([44n, seal]))).toBe("VerificationFailed");
    expect(await outcome(even.write.set([42n, devSeal(`0x${"22".repeat(32)}`, journalOf(42n))]))).toBe(
      "VerificationFailed",
    );
    expect(await outcome(even.write.set([42n, flip(seal, 35)]))).toBe("VerificationFailed");
    expect(await outcome(even.write.set([42n, "0x"]))).toBe("SealTooShort");
    expect(await even.read.number()).toBe(0n);
  });

  it("refuses a verifier address without code (calls to it would succeed)", async () => {
    const [, eoa] = await viem.getWalletClients();
    await expect(viem.deployContract("EvenNumber", [eoa!.account.address, IMAGE_ID])).rejects.toThrow(
      /InvalidVerifier/,
    );
    await expect(viem.deployContract("ProvenBalances", [eoa!.account.address, IMAGE_ID])).rejects.toThrow(
      /InvalidVerifier/,
    );
  });

  it("works with a real Groth16 receipt through the router (journal = RISC Zero's test journal)", async () => {
    // RISC Zero's receipts commit a 21-byte text, not abi.encode(x), so EvenNumber must refuse them for any x:
    // this checks the journal binding end to end with real proofs.
    const r = REAL_RECEIPTS[1]!;
    const even = await viem.deployContract("EvenNumber", [router.address, r.hex.imageId]);
    expect(await outcome(even.write.set([0n, r.hex.seal]))).toBe("VerificationFailed");
    expect(await outcome(router.read.verify([r.hex.seal, r.hex.imageId, sha256(r.hex.journal)]))).toBe("ok");
  });
});

describe("EvenNumber with the even-number guest (executor → dev-mode receipt → contract)", () => {
  const elf = readFileSync(join(import.meta.dirname, "../../guests/examples/even-number.elf"));
  const input = (x: bigint) => hexToBytes(x.toString(16).padStart(64, "0"));

  it("accepts the session's claim for an even x under the guest's real ImageID", async () => {
    const x = 0x1234_5678_9abc_def0n;
    const session = executeSession(elf, { input: input(x) });
    expect(session.exitCode).toBe(0);
    const imageId = `0x${bytesToHex(session.imageId)}` as Hex;
    const even = await viem.deployContract("EvenNumber", [router.address, imageId]);
    await even.write.set([x, `0x${bytesToHex(encodeMockSeal(session.claimDigest))}`]);
    expect(await even.read.number()).toBe(x);
  });

  it("an odd x makes the guest fail, and the receipt of that failure does not set the number", async () => {
    const x = 0x1234_5678_9abc_def1n;
    const session = executeSession(elf, { input: input(x) });
    expect(session.exitCode).not.toBe(0);
    const imageId = `0x${bytesToHex(session.imageId)}` as Hex;
    const even = await viem.deployContract("EvenNumber", [router.address, imageId]);
    // The claim is "halted with a non-zero exit code", not ok(imageId, sha256(abi.encode(x))).
    const seal = `0x${bytesToHex(encodeMockSeal(session.claimDigest))}` as Hex;
    expect(await outcome(even.write.set([x, seal]))).toBe("VerificationFailed");
    expect(await even.read.number()).toBe(0n);
  });
});

describe("ProvenBalances (decodes structured data from the journal)", () => {
  const report = (account: Hex, balance: bigint, sequence: bigint) =>
    encodeAbiParameters(parseAbiParameters("(address account, uint256 balance, uint64 sequence)"), [
      { account, balance, sequence },
    ]);

  it("records the decoded report and refuses stale or unproven ones", async () => {
    const [, alice] = await viem.getWalletClients();
    const account = getAddress(alice!.account.address);
    const balances = await viem.deployContract("ProvenBalances", [router.address, IMAGE_ID]);
    const j1 = report(account, 1000n, 1n);
    await balances.write.submit([j1, devSeal(IMAGE_ID, j1)]);
    expect(await balances.read.balanceOf([account])).toBe(1000n);
    expect(await balances.read.sequenceOf([account])).toBe(1n);

    // Replaying the same (or an older) report is refused after verification succeeds.
    expect(await outcome(balances.write.submit([j1, devSeal(IMAGE_ID, j1)]))).toBe("StaleReport");
    // A journal changed after proving (balance inflated) no longer matches the seal.
    const forged = report(account, 10n ** 24n, 2n);
    expect(await outcome(balances.write.submit([forged, devSeal(IMAGE_ID, j1)]))).toBe("VerificationFailed");

    const j2 = report(account, 250n, 7n);
    await balances.write.submit([j2, devSeal(IMAGE_ID, j2)]);
    expect(await balances.read.balanceOf([account])).toBe(250n);
    expect(await balances.read.sequenceOf([account])).toBe(7n);
  });

  it("a proven journal that is not a BalanceReport reverts without state change", async () => {
    const balances = await viem.deployContract("ProvenBalances", [router.address, IMAGE_ID]);
    const junk = encodePacked(["uint8"], [1]);
    expect(await outcome(balances.write.submit([junk, devSeal(IMAGE_ID, junk)]))).toBe("revert");
  });
});

describe("ProvenBalances with the Rust balances guest (serde input → abi-encoded journal → contract)", () => {
  const elf = readFileSync(join(import.meta.dirname, "../../guests/examples/rust/balances.elf"));
  const Ledger = struct({
    account: array(u8, 20),
    sequence: u64,
    entries: vec(enumOf({ Credit: u64, Debit: u64 })),
  });

  it("records the balance the guest computed from the ledger", async () => {
    const [, bob] = await viem.getWalletClients();
    const account = getAddress(bob!.account.address);
    const input = encode(Ledger, {
      account: [...hexToBytes(account.slice(2))],
      sequence: 3n,
      entries: [{ Credit: 500n }, { Debit: 120n }, { Credit: 20n }],
    });
    const session = executeSession(elf, { input });
    expect(session.exitCode).toBe(0);
    const balances = await viem.deployContract("ProvenBalances", [
      router.address,
      `0x${bytesToHex(session.imageId)}`,
    ]);
    await balances.write.submit([
      `0x${bytesToHex(session.journal)}`,
      `0x${bytesToHex(encodeMockSeal(session.claimDigest))}`,
    ]);
    expect(await balances.read.balanceOf([account])).toBe(400n);
    expect(await balances.read.sequenceOf([account])).toBe(3n);
  });
});
