/**
 * The product's main path, end to end on the in-process chain: the even-number guest is proven for real (no
 * dev mode), lifted into a succinct receipt, wrapped (BN254 step → verifier circuit → Groth16), and
 * `EvenNumber.set` runs with the 260-byte seal through the router; the same for a two-segment guest (lifts and
 * a join). Every stage runs the production code at the tests' sizes: machine and recursion at TEST_CONFIG,
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
import {
  type WrapResult,
  wrapToGroth16,
  wrapVerifierParameters,
  writeWrapCircuit,
} from "../../src/groth16/wrap/wrap.ts";
import { machine } from "../../src/machine/air.ts";
import { type ProvenSession, proveSession } from "../../src/machine/prove.ts";
import { journalDigest, receiptClaimDigest } from "../../src/receipt/claim.ts";
import { compressReceipt, wrapperVerifier } from "../../src/receipt/compress.ts";
import { ReceiptVerificationError } from "../../src/receipt/errors.ts";
import {
  type Groth16ReceiptVerifierParameters,
  groth16Selector,
  verifyGroth16ReceiptForJournal,
} from "../../src/receipt/groth16-receipt.ts";
import { decodeReceipt, encodeReceipt, verifyReceipt } from "../../src/receipt/receipt.ts";
import { RISC0_GROTH16_VERIFYING_KEY } from "../../src/receipt/risc0.ts";
import { recursionClaim, type SuccinctReceipt } from "../../src/receipt/succinct-receipt.ts";
import { type P254Program, p254Program } from "../../src/recursion/p254.ts";
import {
  controlInclusionOf,
  proveJoin,
  proveLift,
  type RecursionSystem,
  recursionSystem,
} from "../../src/recursion/system.ts";
import type { StarkConfig } from "../../src/stark/config.ts";
import { poseidon2Hash } from "../../src/stark/poseidon2-hash.ts";
import { decodeProof } from "../../src/stark/proof-codec.ts";
import { computeImageId } from "../../src/zkvm/image-id.ts";
import { loadProgram } from "../../src/zkvm/program.ts";
import { connectChain } from "../contracts/chain.ts";
import { flip, outcome } from "../contracts/helpers.ts";
import { CONFIG } from "../machine/helpers.ts";

const BN254_TEST_CONFIG: StarkConfig = {
  logBlowup: 1,
  numQueries: 2,
  powBits: 2,
  friLogArity: 2,
  logFinalDegree: 1,
};
const guest = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../guests/examples/${name}.elf`, import.meta.url)));
const EVEN = guest("even-number");
const HELLO = guest("hello");
const X = 42n;
const X_BYTES = Uint8Array.from({ length: 32 }, (_, i) => Number((X >> BigInt(8 * (31 - i))) & 0xffn));
const hex = (b: Uint8Array): Hex => `0x${bytesToHex(b)}`;

let dir: string;
let even: ProvenSession;
let hello: ProvenSession;
let sys: RecursionSystem;
let p: P254Program;
let zkey: string;
let vk: VerifyingKey;
let params: Groth16ReceiptVerifierParameters;
let wrapped: WrapResult;

describe("guest → STARK → succinct → Groth16 → EvenNumber.set", () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "zkvm-wrap-e2e-"));
    even = proveSession(EVEN, { input: X_BYTES, config: CONFIG });
    hello = proveSession(HELLO, {
      input: Uint8Array.of(7, 0, 0, 0, 9, 0, 0, 0),
      config: CONFIG,
      segmentCycles: 1 << 14,
    });
    const heights = [...even.segments, ...hello.segments].map(
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

  it("wraps the even-number guest's lifted receipt into a seal that verifies off chain", async () => {
    expect(even.segments.length).toBe(1);
    expect(even.result.journal).toEqual(X_BYTES);
    const lift = proveLift(sys, even.segments[0]!);
    wrapped = await wrapToGroth16(p, lift, zkey);
    console.log(`wrap stages (s): ${JSON.stringify(wrapped.seconds)}`);
    expect(wrapped.seal.length).toBe(260);
    expect(hex(wrapped.seal.slice(0, 4))).toBe(hex(groth16Selector(params)));
    const imageId = computeImageId(loadProgram(EVEN));
    expect(verifyGroth16ReceiptForJournal(wrapped.seal, imageId, X_BYTES, params)).toBe(true);
    // Another journal, another ImageID, a proof byte flipped: not this claim's proof.
    expect(verifyGroth16ReceiptForJournal(wrapped.seal, imageId, Uint8Array.of(1), params)).toBe(false);
    expect(verifyGroth16ReceiptForJournal(wrapped.seal, new Uint8Array(32), X_BYTES, params)).toBe(false);
    const bad = wrapped.seal.slice();
    bad[100] ^= 1;
    let accepted = false;
    try {
      accepted = verifyGroth16ReceiptForJournal(bad, imageId, X_BYTES, params);
    } catch {
      // a point off the curve: malformed, which is a rejection too
    }
    expect(accepted).toBe(false);
    // Another control root: another selector; the same proof under those inputs fails too.
    const other = { ...params, controlRoot: new Uint8Array(32).fill(3) };
    expect(() => verifyGroth16ReceiptForJournal(wrapped.seal, imageId, X_BYTES, other)).toThrow(/selector/);
    const reselected = wrapped.seal.slice();
    reselected.set(groth16Selector(other), 0);
    expect(verifyGroth16ReceiptForJournal(reselected, imageId, X_BYTES, other)).toBe(false);
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
    const imageId = hex(computeImageId(loadProgram(EVEN)));
    const app = await viem.deployContract("EvenNumber", [router.address, imageId]);
    const seal = hex(wrapped.seal);
    expect(await outcome(app.write.set([X + 2n, seal]))).toBe("VerificationFailed");
    expect(await outcome(app.write.set([X, flip(seal, 40)]))).toMatch(/VerificationFailed|SealPointInvalid/);
    expect(await outcome(app.write.set([X, flip(seal, 2)]))).toBe("SelectorUnknown");
    expect(await app.read.number()).toBe(0n);
    const hash = await app.write.set([X, seal]);
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    console.log(`EvenNumber.set with the wrapped seal: ${receipt.gasUsed} gas`);
    expect(await app.read.number()).toBe(X);
    expect(await outcome(router.read.verify([seal, imageId, hex(journalDigest(X_BYTES))]))).toBe("ok");
  }, 600_000);

  it("compresses a two-segment session's succinct receipt (two lifts, a join); verifyReceipt accepts it", async () => {
    expect(hello.segments.length).toBe(2);
    const [a, b] = hello.segments.map((s) => proveLift(sys, s));
    const joined = proveJoin(sys, a!, b!);
    const succinct: SuccinctReceipt = {
      kind: "succinct",
      journal: hello.result.journal,
      seal: joined.proof,
      publics: joined.publics,
      preprocessedRoot: joined.program.preprocessedRoot,
      inclusion: controlInclusionOf(sys, joined.program.controlId),
    };
    const wrapper = { p254: p, zkeyPath: zkey };
    const receipt = await compressReceipt(succinct, wrapper);
    const imageId = computeImageId(loadProgram(HELLO));
    const known = [wrapperVerifier(wrapper, "test release")];
    const decoded = decodeReceipt(encodeReceipt(receipt));
    expect(
      receiptClaimDigest(verifyReceipt(decoded, imageId, undefined, { groth16Verifiers: known })),
    ).toEqual(receiptClaimDigest(recursionClaim(joined.publics)));
    expect(() => verifyReceipt(decoded, imageId, Uint8Array.of(1), { groth16Verifiers: known })).toThrow(
      /journal/,
    );
    // RISC Zero's verifiers (the default) do not know this seal's selector.
    expect(() => verifyReceipt(decoded, imageId)).toThrow(/no known Groth16 verifier/);
    // A tampered succinct receipt has no seal.
    const seal = succinct.seal.slice();
    seal[seal.length >> 1] ^= 1;
    await expect(compressReceipt({ ...succinct, seal }, wrapper)).rejects.toThrow(ReceiptVerificationError);
  }, 1_200_000);
});
