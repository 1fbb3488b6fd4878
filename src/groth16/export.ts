/**
 * What leaves the Groth16 toolchain for Ethereum: the verifying key (as snarkjs's verification_key.json
 * and as our {@link VerifyingKey}, which the Ethereum layer's verifier generator
 * `renderGroth16VerifierSolidity` takes) and a standalone Solidity verifier for a key. Seals are encoded by
 * the Ethereum layer's codec (src/receipt/seal.ts: `encodeGroth16Seal`).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as snarkjs from "snarkjs";
import type { G1Affine, G2Affine, SnarkjsVerificationKey, VerifyingKey } from "./types.ts";
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
