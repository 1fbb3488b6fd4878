/**
 * Writes the generated Groth16 receipt verifiers into contracts/groth16/. Run after changing the template
 * (src/eth/solidity-verifier.ts) or adding a verifying key; test/eth/solidity-verifier.test.ts fails while
 * a committed file is out of date.
 *
 *   npx node scripts/generate-verifiers.ts
 */
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { GENERATED_VERIFIERS } from "../src/eth/generated-verifiers.ts";
import { renderGroth16VerifierSolidity } from "../src/eth/solidity-verifier.ts";
import { TEST_VERIFIERS } from "../test/eth/test-verifiers.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
for (const { name, verifyingKey, path } of [...GENERATED_VERIFIERS, ...TEST_VERIFIERS]) {
  writeFileSync(join(root, path), renderGroth16VerifierSolidity(verifyingKey, name));
  console.log(`wrote ${path}`);
}
