import type { VerifyingKey } from "../groth16/types.ts";
import { RISC0_GROTH16_VERIFYING_KEY } from "../receipt/risc0.ts";

/** The Solidity verifiers rendered from verifying keys and committed under contracts/groth16/. */
export const GENERATED_VERIFIERS: ReadonlyArray<{ name: string; verifyingKey: VerifyingKey; path: string }> =
  [
    {
      name: "RiscZeroGroth16Verifier",
      verifyingKey: RISC0_GROTH16_VERIFYING_KEY,
      path: "contracts/groth16/RiscZeroGroth16Verifier.sol",
    },
  ];
