import {
  type SnarkjsVerificationKey,
  type VerifyingKey,
  verifyingKeyFromSnarkjs,
} from "../../src/groth16/types.ts";
import fixture from "../fixtures/snarkjs/receipt-shape.json" with { type: "json" };

/** Test-only verifiers rendered by scripts/generate-verifiers.ts (next to the production ones). */
export const TEST_VERIFIERS: ReadonlyArray<{ name: string; verifyingKey: VerifyingKey; path: string }> = [
  {
    name: "SnarkjsFixtureGroth16Verifier",
    verifyingKey: verifyingKeyFromSnarkjs(fixture.verificationKey as unknown as SnarkjsVerificationKey),
    path: "contracts/test/SnarkjsFixtureGroth16Verifier.sol",
  },
];

export const SNARKJS_FIXTURE = fixture;
