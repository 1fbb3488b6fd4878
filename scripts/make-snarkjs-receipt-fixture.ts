/**
 * Makes test/fixtures/snarkjs/receipt-shape.json: a Groth16 verification key and proof produced by
 * circom + snarkjs (an implementation independent of ours) for a small circuit with the receipt circuit's
 * public-input layout. It checks that the Solidity verifier generator and the seal codec handle
 * snarkjs-format keys (Fp2 order [c0, c1]) — the path our own compressed receipts will take.
 * Single-party, throw-away setup: for tests only. Runs in a few seconds.
 *
 *   npx node scripts/make-snarkjs-receipt-fixture.ts
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import * as snarkjs from "snarkjs"; // types: src/groth16/vendor.d.ts
import { BN254_R } from "../src/groth16/types.ts";
import { journalDigest, okClaim, receiptClaimDigest } from "../src/receipt/claim.ts";
import { splitDigest } from "../src/receipt/groth16-receipt.ts";
import { RISC0_BN254_CONTROL_ID } from "../src/receipt/risc0.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const fixtureDir = join(root, "test/fixtures/snarkjs");
const bin = (name: string) => join(root, "node_modules/.bin", name);
const work = mkdtempSync(join(tmpdir(), "zkvm-snarkjs-"));
const run = (cmd: string, args: string[]) => execFileSync(bin(cmd), args, { cwd: work, stdio: "ignore" });

try {
  run("circom2", [join(fixtureDir, "receipt_shape.circom"), "--r1cs", "--wasm", "-o", work]);
  run("snarkjs", ["powersoftau", "new", "bn128", "5", "pot0.ptau"]);
  run("snarkjs", [
    "powersoftau",
    "contribute",
    "pot0.ptau",
    "pot1.ptau",
    "--name=test",
    "-e=zkvm-kit test fixture",
  ]);
  run("snarkjs", ["powersoftau", "prepare", "phase2", "pot1.ptau", "pot.ptau"]);
  run("snarkjs", ["groth16", "setup", "receipt_shape.r1cs", "pot.ptau", "c0.zkey"]);
  run("snarkjs", ["zkey", "contribute", "c0.zkey", "c1.zkey", "--name=test", "-e=zkvm-kit test fixture 2"]);
  run("snarkjs", ["zkey", "export", "verificationkey", "c1.zkey", "vk.json"]);
  const verificationKey = JSON.parse(readFileSync(join(work, "vk.json"), "utf8"));

  const controlRoot = sha256(new TextEncoder().encode("zkvm-kit test control root"));
  const imageId = sha256(new TextEncoder().encode("zkvm-kit test image"));
  const journal = new TextEncoder().encode("a journal for the snarkjs fixture");
  const claimDigest = receiptClaimDigest(okClaim(imageId, journalDigest(journal)));
  const [cr0, cr1] = splitDigest(controlRoot);
  const [c0, c1] = splitDigest(claimDigest);
  const id = BigInt(`0x${bytesToHex(RISC0_BN254_CONTROL_ID)}`);
  const sum = (((cr0 * c0 + cr1 * c1 + id) % BN254_R) + BN254_R) % BN254_R;
  const w = modPow(sum, BN254_R - 2n, BN254_R);
  const input = { controlRoot0: cr0, controlRoot1: cr1, claim0: c0, claim1: c1, bn254ControlId: id, w };
  const { proof, publicSignals } = await snarkjs.groth16.fullProve(
    Object.fromEntries(Object.entries(input).map(([k, v]) => [k, v.toString()])),
    join(work, "receipt_shape_js/receipt_shape.wasm"),
    join(work, "c1.zkey"),
  );
  if (!(await snarkjs.groth16.verify(verificationKey, publicSignals, proof)))
    throw new Error("snarkjs rejects its own proof");
  writeFileSync(
    join(fixtureDir, "receipt-shape.json"),
    `${JSON.stringify(
      {
        note: "Made by scripts/make-snarkjs-receipt-fixture.ts with circom2 + snarkjs (single-party test setup) from receipt_shape.circom.",
        controlRoot: bytesToHex(controlRoot),
        bn254ControlId: bytesToHex(RISC0_BN254_CONTROL_ID),
        imageId: bytesToHex(imageId),
        journal: bytesToHex(journal),
        claimDigest: bytesToHex(claimDigest),
        verificationKey,
        publicSignals,
        proof,
      },
      null,
      1,
    )}\n`,
  );
  console.log("wrote test/fixtures/snarkjs/receipt-shape.json");
} finally {
  rmSync(work, { recursive: true, force: true });
  // snarkjs keeps worker threads alive.
  process.exit(process.exitCode ?? 0);
}

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  base %= mod;
  while (exp > 0n) {
    if (exp & 1n) result = (result * base) % mod;
    base = (base * base) % mod;
    exp >>= 1n;
  }
  return result;
}
