/**
 * What leaves the Groth16 toolchain for Ethereum: the verifying key (as snarkjs's verification_key.json
 * and as our {@link VerifyingKey}, which the Ethereum layer's verifier generator takes), a Solidity
 * verifier for a key, and seals (4-byte selector ‖ proof, 260 bytes, Fp2 coordinates in Ethereum order).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as snarkjs from "snarkjs";
import { Groth16FileError } from "./errors.ts";
import type { G1Affine, G2Affine, Groth16Proof, SnarkjsVerificationKey, VerifyingKey } from "./types.ts";
import { g1Point, g2Point } from "./verify.ts";
import { readZkeyFile } from "./zkey.ts";

const require = createRequire(import.meta.url);

const g1Json = (p: G1Affine) => [p.x.toString(), p.y.toString(), "1"];
const g2Json = (p: G2Affine) => [
  [p.x.c0.toString(), p.x.c1.toString()],
  [p.y.c0.toString(), p.y.c1.toString()],
  ["1", "0"],
];

/** The verifying key in snarkjs's verification_key.json form (what `snarkjs zkey export verificationkey` writes). */
export function verificationKeyJson(vk: VerifyingKey): SnarkjsVerificationKey {
  return {
    protocol: "groth16",
    curve: "bn128",
    nPublic: vk.ic.length - 1,
    vk_alpha_1: g1Json(vk.alpha),
    vk_beta_2: g2Json(vk.beta),
    vk_gamma_2: g2Json(vk.gamma),
    vk_delta_2: g2Json(vk.delta),
    IC: vk.ic.map(g1Json),
  };
}

/** The verifying key of a .zkey, read without snarkjs. */
export function verifyingKeyFromZkey(zkeyPath: string): VerifyingKey {
  return readZkeyFile(zkeyPath).vk;
}

/**
 * A standalone Solidity verifier for the key, rendered with snarkjs's own template (the baseline; the
 * Ethereum layer's generator produces the verifier behind zkvm-kit's router).
 */
export async function exportSolidityVerifier(zkeyPath: string): Promise<string> {
  readZkeyFile(zkeyPath); // typed error for a bad file before snarkjs sees it
  // snarkjs's package exports do not expose templates/; locate it next to its CommonJS entry (build/main.cjs).
  const dir = join(dirname(require.resolve("snarkjs")), "..", "templates");
  const template = readFileSync(join(dir, "verifier_groth16.sol.ejs"), "utf8");
  return snarkjs.zKey.exportSolidityVerifier(zkeyPath, { groth16: template });
}

export const SEAL_BYTES = 4 + 8 * 32;

function word(v: bigint, out: Uint8Array, offset: number) {
  for (let i = 31; i >= 0; i--) {
    out[offset + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

/**
 * selector ‖ A.x ‖ A.y ‖ B.x.c1 ‖ B.x.c0 ‖ B.y.c1 ‖ B.y.c0 ‖ C.x ‖ C.y, big-endian 32-byte words — the
 * layout of RISC Zero's Groth16 seals and of the EIP-197 pairing precompile's G2 input.
 */
export function encodeSeal(selector: Uint8Array, proof: Groth16Proof): Uint8Array {
  if (selector.length !== 4) throw new Groth16FileError(`a seal selector is 4 bytes, got ${selector.length}`);
  const out = new Uint8Array(SEAL_BYTES);
  out.set(selector);
  const words = [
    proof.a.x,
    proof.a.y,
    proof.b.x.c1,
    proof.b.x.c0,
    proof.b.y.c1,
    proof.b.y.c0,
    proof.c.x,
    proof.c.y,
  ];
  words.forEach((w, i) => {
    word(w, out, 4 + 32 * i);
  });
  return out;
}

/** Splits a seal into selector and proof; the points are checked to be canonical and on the curve. */
export function decodeSeal(seal: Uint8Array): { selector: Uint8Array; proof: Groth16Proof } {
  if (seal.length !== SEAL_BYTES) {
    throw new Groth16FileError(
      `a Groth16 seal is ${SEAL_BYTES} bytes (selector ‖ proof), got ${seal.length}`,
    );
  }
  const w = (i: number) => {
    let v = 0n;
    for (const b of seal.subarray(4 + 32 * i, 36 + 32 * i)) v = (v << 8n) | BigInt(b);
    return v;
  };
  const proof: Groth16Proof = {
    a: { x: w(0), y: w(1) },
    b: { x: { c1: w(2), c0: w(3) }, y: { c1: w(4), c0: w(5) } },
    c: { x: w(6), y: w(7) },
  };
  g1Point(proof.a, "seal A");
  g2Point(proof.b, "seal B");
  g1Point(proof.c, "seal C");
  return { selector: seal.slice(0, 4), proof };
}
