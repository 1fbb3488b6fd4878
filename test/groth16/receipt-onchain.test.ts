/**
 * The whole Groth16 path into the Ethereum layer, with a key from our development setup: a circuit with a
 * receipt's public-input layout (test/fixtures/snarkjs/receipt_shape.circom) → compile → dev setup →
 * prove → seal (the Ethereum layer's codec and selector) → verified off chain by the receipt verifier, and
 * on chain (EDR) by the Solidity verifier that the Ethereum layer's generator renders for this key.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { bytesToHex, type Hex, sha256 } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderGroth16VerifierSolidity } from "../../src/eth/solidity-verifier.ts";
import { compileCircuit } from "../../src/groth16/compile.ts";
import { devSetup } from "../../src/groth16/dev-setup.ts";
import { type ProveResult, prove } from "../../src/groth16/prove.ts";
import { BN254_R } from "../../src/groth16/types.ts";
import { computeWitness } from "../../src/groth16/witness.ts";
import { journalDigest, okClaim, receiptClaimDigest } from "../../src/receipt/claim.ts";
import {
  type Groth16ReceiptVerifierParameters,
  groth16ReceiptPublicInputs,
  groth16Selector,
  verifyGroth16ReceiptForJournal,
} from "../../src/receipt/groth16-receipt.ts";
import { RISC0_BN254_CONTROL_ID } from "../../src/receipt/risc0.ts";
import { encodeGroth16Seal } from "../../src/receipt/seal.ts";
import { compileAndDeploy, flip, outcome } from "../contracts/helpers.ts";

const root = resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "zkvm-groth16-receipt-"));
const enc = (s: string) => new TextEncoder().encode(s);
const controlRoot = sha256(enc("zkvm-kit dev-setup control root"), "bytes");
const imageId = sha256(enc("zkvm-kit dev-setup image"), "bytes");
const journal = enc("journal of a receipt proved under a development key");
const claimDigest = receiptClaimDigest(okClaim(imageId, journalDigest(journal)));

let params: Groth16ReceiptVerifierParameters;
let proved: ProveResult;
let seal: Uint8Array;

function modInverse(a: bigint): bigint {
  let [r0, r1, s0, s1] = [a % BN254_R, BN254_R, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % BN254_R) + BN254_R) % BN254_R;
}

beforeAll(async () => {
  const circuit = await compileCircuit(join(root, "test/fixtures/snarkjs/receipt_shape.circom"), {
    cacheDir: join(dir, "cache"),
  });
  await devSetup(circuit.r1cs, join(dir, "receipt.zkey"));
  const vk = (await import("../../src/groth16/zkey.ts")).readZkeyFile(join(dir, "receipt.zkey")).vk;
  params = { controlRoot, bn254ControlId: RISC0_BN254_CONTROL_ID, verifyingKey: vk };
  const [cr0, cr1, c0, c1, id] = groth16ReceiptPublicInputs(params, claimDigest) as [
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
  ];
  const w = modInverse((cr0 * c0 + cr1 * c1 + id) % BN254_R);
  const inputs = { controlRoot0: cr0, controlRoot1: cr1, claim0: c0, claim1: c1, bn254ControlId: id, w };
  await computeWitness(circuit.wasm, inputs, join(dir, "receipt.wtns"));
  proved = await prove(join(dir, "receipt.zkey"), join(dir, "receipt.wtns"), { r1cs: circuit.r1cs });
  seal = encodeGroth16Seal(groth16Selector(params), proved.proof);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a development key end to end through the Ethereum layer", () => {
  it("proves the receipt's public inputs and passes the off-chain receipt verifier", () => {
    expect(proved.publicSignals).toEqual(groth16ReceiptPublicInputs(params, claimDigest));
    expect(verifyGroth16ReceiptForJournal(seal, imageId, journal, params)).toBe(true);
    expect(verifyGroth16ReceiptForJournal(seal, imageId, enc("another journal"), params)).toBe(false);
  });

  it("passes the generated Solidity verifier on chain; a changed journal or seal is rejected", async () => {
    const source = renderGroth16VerifierSolidity(params.verifyingKey, "DevKeyGroth16Verifier");
    // The generator's imports are relative to a file one directory below contracts/.
    const { address, abi, client } = await compileAndDeploy(
      { path: "contracts/generated/DevKeyGroth16Verifier.sol", content: source },
      "DevKeyGroth16Verifier",
      [bytesToHex(controlRoot), bytesToHex(RISC0_BN254_CONTROL_ID)],
    );
    const verify = (sealHex: Hex, journalDigestHex: Hex) =>
      client.readContract({
        address,
        abi,
        functionName: "verify",
        args: [sealHex, bytesToHex(imageId), journalDigestHex],
      });
    const sealHex = bytesToHex(seal);
    const jd = bytesToHex(journalDigest(journal));
    expect(await client.readContract({ address, abi, functionName: "SELECTOR" })).toBe(
      bytesToHex(groth16Selector(params)),
    );
    expect(await outcome(verify(sealHex, jd))).toBe("ok");
    expect(await outcome(verify(sealHex, flip(jd, 3)))).toBe("VerificationFailed");
    for (const byte of [4, 70, 140, 230])
      expect(await outcome(verify(flip(sealHex, byte), jd))).not.toBe("ok");
  });
});
