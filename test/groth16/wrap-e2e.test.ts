/**
 * The product's main path, end to end on the in-process chain: the even-number guest is proven for real (no
 * dev mode), lifted into a succinct receipt, wrapped (BN254 step → verifier circuit → Groth16), and
 * `EvenNumber.set` runs with the 260-byte seal through the router; the same for a two-segment guest (lifts and
 * a join), and for the seal the relay's groth16 mode makes for a request. Every stage runs the production code at the tests' sizes: machine and recursion at TEST_CONFIG,
 * the BN254 layer at 2 queries (bench/wrap.bench.ts measures the production configurations), a development
 * Groth16 key made here.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesToHex } from "@noble/hashes/utils.js";
import type { Hex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileReceiptVerifier } from "../../src/eth/compile-verifier.ts";
import { riscZeroGroth16VerifierBytecode } from "../../src/eth/contracts.ts";
import { deployVerifierStack } from "../../src/eth/deploy.ts";
import { devSetup } from "../../src/groth16/dev-setup.ts";
import { verifyingKeyFromZkey } from "../../src/groth16/export.ts";
import { releaseProverThreads } from "../../src/groth16/prove.ts";
import type { VerifyingKey } from "../../src/groth16/types.ts";
import { wrapVerifierParameters, writeWrapCircuit } from "../../src/groth16/wrap/wrap.ts";
import { machine } from "../../src/machine/air.ts";
import { type ProvenSession, proveSession } from "../../src/machine/prove.ts";
import { journalDigest, receiptClaimDigest } from "../../src/receipt/claim.ts";
import { compressReceipt, wrapperVerifier } from "../../src/receipt/compress.ts";
import { ReceiptVerificationError } from "../../src/receipt/errors.ts";
import {
  type Groth16Receipt,
  type Groth16ReceiptVerifierParameters,
  groth16Selector,
  verifyGroth16ReceiptForJournal,
} from "../../src/receipt/groth16-receipt.ts";
import { decodeReceipt, encodeReceipt, verifyReceipt } from "../../src/receipt/receipt.ts";
import { RISC0_GROTH16_VERIFYING_KEY } from "../../src/receipt/risc0.ts";
import { recursionClaim, type SuccinctReceipt } from "../../src/receipt/succinct-receipt.ts";
import { type P254Program, p254Program } from "../../src/recursion/p254.ts";
import { Claim } from "../../src/recursion/programs.ts";
import {
  controlInclusionOf,
  proveJoin,
  proveLift,
  type RecursionSystem,
  recursionSystem,
} from "../../src/recursion/system.ts";
import { runProofJob } from "../../src/relay/proving/job.ts";
import { poseidon2Hash } from "../../src/stark/poseidon2-hash.ts";
import { decodeProof } from "../../src/stark/proof-codec.ts";
import { computeImageId } from "../../src/zkvm/image-id.ts";
import { loadProgram } from "../../src/zkvm/program.ts";
import { connectChain } from "../contracts/chain.ts";
import { flip, outcome } from "../contracts/helpers.ts";
import { CONFIG } from "../machine/helpers.ts";
import { BN254_TEST_CONFIG } from "../recursion/test-release.ts";

const EVEN = new Uint8Array(readFileSync(new URL("../../guests/examples/even-number.elf", import.meta.url)));
const IMAGE_ID = computeImageId(loadProgram(EVEN));
const X = 42n;
const X_BYTES = Uint8Array.from({ length: 32 }, (_, i) => Number((X >> BigInt(8 * (31 - i))) & 0xffn));
const X2 = 1_000n;
const X2_BYTES = Uint8Array.from({ length: 32 }, (_, i) => Number((X2 >> BigInt(8 * (31 - i))) & 0xffn));
const hex = (b: Uint8Array): Hex => `0x${bytesToHex(b)}`;

let dir: string;
let session: ProvenSession;
let sys: RecursionSystem;
let p: P254Program;
let zkey: string;
let vk: VerifyingKey;
let params: Groth16ReceiptVerifierParameters;
let succinct: SuccinctReceipt;
let receipt: Groth16Receipt;
let relaySeal: Uint8Array;

describe("guest → STARK → succinct → Groth16 → EvenNumber.set", () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "zkvm-wrap-e2e-"));
    // 28 k cycles in segments of 2^14: two segment proofs, two lifts and a join.
    session = proveSession(EVEN, { input: X_BYTES, config: CONFIG, segmentCycles: 1 << 14 });
    const heights = session.segments.map(
      (s) => decodeProof(s.seal, machine().air, CONFIG, poseidon2Hash).logHeights,
    );
    sys = recursionSystem(CONFIG, CONFIG, heights);
    p = p254Program(sys, BN254_TEST_CONFIG);
    const r1cs = join(dir, "wrap.r1cs");
    const stats = writeWrapCircuit(p, r1cs);
    console.log(`wrap circuit: ${stats.constraints} constraints, ${JSON.stringify(stats.byCategory)}`);
    zkey = join(dir, "wrap.zkey");
    await devSetup(r1cs, zkey);
    rmSync(r1cs);
    vk = verifyingKeyFromZkey(zkey);
    params = wrapVerifierParameters(p, vk);
  }, 1_800_000);

  afterAll(async () => {
    await releaseProverThreads();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("compresses the two-segment session's succinct receipt; the seal verifies off chain, for its claim only", async () => {
    expect(session.segments.length).toBe(2);
    expect(session.result.journal).toEqual(X_BYTES);
    const [a, b] = session.segments.map((s) => proveLift(sys, s));
    const joined = proveJoin(sys, a!, b!);
    succinct = {
      kind: "succinct",
      journal: session.result.journal,
      seal: joined.proof,
      publics: joined.publics,
      preprocessedRoot: joined.program.preprocessedRoot,
      inclusion: controlInclusionOf(sys, joined.program.controlId),
    };
    const wrapper = { p254: p, zkeyPath: zkey };
    const stages: string[] = [];
    receipt = await compressReceipt(succinct, wrapper, { onStage: (s) => stages.push(s) });
    expect(stages.length).toBe(3);
    expect(receipt.seal.length).toBe(260);
    expect(hex(receipt.seal.slice(0, 4))).toBe(hex(groth16Selector(params)));
    // Through verifyReceipt (the receipt file round trip), with our verifier among the known ones.
    const known = [wrapperVerifier(wrapper, "test release")];
    const decoded = decodeReceipt(encodeReceipt(receipt));
    expect(
      receiptClaimDigest(verifyReceipt(decoded, IMAGE_ID, undefined, { groth16Verifiers: known })),
    ).toEqual(receiptClaimDigest(recursionClaim(joined.publics)));
    expect(() => verifyReceipt(decoded, IMAGE_ID, Uint8Array.of(1), { groth16Verifiers: known })).toThrow(
      /journal/,
    );
    expect(() => verifyReceipt(decoded, IMAGE_ID)).toThrow(/no known Groth16 verifier/);
    // The seal alone: another journal, another ImageID, a proof byte flipped — not this claim's proof.
    const seal = receipt.seal;
    expect(verifyGroth16ReceiptForJournal(seal, IMAGE_ID, X_BYTES, params)).toBe(true);
    expect(verifyGroth16ReceiptForJournal(seal, IMAGE_ID, Uint8Array.of(1), params)).toBe(false);
    expect(verifyGroth16ReceiptForJournal(seal, new Uint8Array(32), X_BYTES, params)).toBe(false);
    const bad = seal.slice();
    bad[100] ^= 1;
    let accepted = false;
    try {
      accepted = verifyGroth16ReceiptForJournal(bad, IMAGE_ID, X_BYTES, params);
    } catch {
      // a point off the curve: malformed, which is a rejection too
    }
    expect(accepted).toBe(false);
    // Another control root: another selector; the same proof under those inputs fails too.
    const other = { ...params, controlRoot: new Uint8Array(32).fill(3) };
    expect(() => verifyGroth16ReceiptForJournal(seal, IMAGE_ID, X_BYTES, other)).toThrow(/selector/);
    const reselected = seal.slice();
    reselected.set(groth16Selector(other), 0);
    expect(verifyGroth16ReceiptForJournal(reselected, IMAGE_ID, X_BYTES, other)).toBe(false);
  }, 1_200_000);

  it("has no seal for a tampered succinct receipt or one of another release", async () => {
    const wrapper = { p254: p, zkeyPath: zkey };
    const seal = succinct.seal.slice();
    seal[seal.length >> 1] ^= 1;
    await expect(compressReceipt({ ...succinct, seal }, wrapper)).rejects.toThrow(ReceiptVerificationError);
    const publics = [...succinct.publics];
    publics[Claim.OUTPUT] ^= 1;
    await expect(compressReceipt({ ...succinct, publics }, wrapper)).rejects.toThrow(
      ReceiptVerificationError,
    );
    publics[0] = (publics[0]! + 1) % 2013265921;
    await expect(compressReceipt({ ...succinct, publics }, wrapper)).rejects.toThrow(/another control root/);
  }, 600_000);

  it("the relay's groth16 mode proves a request into a seal for its journal; a failing guest or a missing key is rejected before proving", async () => {
    const proving = { recursion: sys, p254: p, segmentCycles: 1 << 14 };
    const job = {
      jobId: "wrap-e2e-1",
      imageId: hex(IMAGE_ID),
      elf: EVEN,
      input: X2_BYTES,
      mode: "groth16" as const,
      groth16Key: zkey,
    };
    const result = await runProofJob(job, proving);
    expect(result.journal).toEqual(X2_BYTES);
    expect(result.seal.length).toBe(260);
    expect(verifyGroth16ReceiptForJournal(result.seal, IMAGE_ID, X2_BYTES, params)).toBe(true);
    expect(verifyGroth16ReceiptForJournal(result.seal, IMAGE_ID, X_BYTES, params)).toBe(false);
    relaySeal = result.seal;
    // Nothing is proven for these: each is rejected by its code, which the service does not retry.
    const odd = Uint8Array.from(X2_BYTES, (b, i) => (i === 31 ? b | 1 : b));
    await expect(runProofJob({ ...job, input: odd }, proving)).rejects.toMatchObject({
      code: "guest-failed",
    });
    await expect(runProofJob({ ...job, groth16Key: join(dir, "none.zkey") }, proving)).rejects.toMatchObject({
      code: "prover-unavailable",
    });
  }, 1_200_000);

  it("EvenNumber.set runs with the seal through the deployed router; another number or a flipped byte reverts", async () => {
    // The compiler set-up is the committed contracts': RISC Zero's key compiles to hardhat's bytecode.
    const risc0 = compileReceiptVerifier(RISC0_GROTH16_VERIFYING_KEY, "RiscZeroGroth16Verifier");
    const code = (b: string) => b.replace(/a264697066735822[0-9a-f]{68}/g, "");
    expect(code(risc0.bytecode)).toBe(code(riscZeroGroth16VerifierBytecode));
    const { viem } = await connectChain();
    const [owner] = await viem.getWalletClients();
    const publicClient = await viem.getPublicClient();
    // What `zkvm deploy --groth16-key` does: the verifier compiled for our key, behind an emergency stop.
    const record = await deployVerifierStack({
      publicClient,
      walletClient: owner!,
      groth16: [{ controlRoot: params.controlRoot, bn254ControlId: params.bn254ControlId, verifyingKey: vk }],
      deploymentsDir: null,
    });
    expect(record.verifiers.map((v) => v.selector)).toEqual([hex(groth16Selector(params))]);
    const router = await viem.getContractAt("ReceiptVerifierRouter", record.router);
    const app = await viem.deployContract("EvenNumber", [router.address, hex(IMAGE_ID)]);
    const seal = hex(receipt.seal);
    expect(await outcome(app.write.set([X + 2n, seal]))).toBe("VerificationFailed");
    expect(await outcome(app.write.set([X, flip(seal, 40)]))).toMatch(/VerificationFailed|SealPointInvalid/);
    expect(await outcome(app.write.set([X, flip(seal, 2)]))).toBe("SelectorUnknown");
    expect(await app.read.number()).toBe(0n);
    const hash = await app.write.set([X, seal]);
    const tx = await publicClient.waitForTransactionReceipt({ hash });
    console.log(`EvenNumber.set with the wrapped seal: ${tx.gasUsed} gas`);
    expect(await app.read.number()).toBe(X);
    expect(await outcome(router.read.verify([seal, hex(IMAGE_ID), hex(journalDigest(X_BYTES))]))).toBe("ok");
    // The relay's seal (previous test) runs the callback too.
    await publicClient.waitForTransactionReceipt({ hash: await app.write.set([X2, hex(relaySeal)]) });
    expect(await app.read.number()).toBe(X2);
  }, 600_000);
});
