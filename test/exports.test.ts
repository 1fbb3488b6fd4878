import { describe, expect, it } from "vitest";

/**
 * The public API, entry point by entry point (as viem's export tests do): adding or removing a name is a
 * deliberate change made here too. Each list is what the entry point is meant to offer.
 */
const api: Record<string, string[]> = {
  "src/stark/index.ts": [
    "AirDefinitionError",
    "CONFIG_BLOWUP_2",
    "CONFIG_BLOWUP_4",
    "DEFAULT_CONFIG",
    "EXTENSION_FIELD_BITS",
    "MAX_LOG_HEIGHT",
    "MIN_LOG_HEIGHT",
    "NonCanonicalProofError",
    "PROOF_VERSION",
    "ProofFormatError",
    "ProofLengthError",
    "ProofVersionError",
    "ProverInputError",
    "PublicInteractionBuilder",
    "REFERENCE_SHAPE",
    "StarkConfigError",
    "TableBuilder",
    "TrailingBytesError",
    "TruncatedProofError",
    "VerificationError",
    "airDigest",
    "airStructureDigest",
    "checkConfig",
    "countVerifierOperations",
    "decodeProof",
    "defineAir",
    "encodeProof",
    "poseidon2Hash",
    "poseidonBn254Hash",
    "preprocessedRoot",
    "proofLayout",
    "proveStark",
    "securityReport",
    "securityShape",
    "shutdownWorkers",
    "verifyStark",
    "verifyStarkBytes",
  ],
  // Verifying in a browser needs nothing else: AIR definitions, configurations, hashes, codec, verifier.
  "src/stark/verifier.ts": [
    "AirDefinitionError",
    "CONFIG_BLOWUP_2",
    "CONFIG_BLOWUP_4",
    "DEFAULT_CONFIG",
    "MAX_LOG_HEIGHT",
    "MIN_LOG_HEIGHT",
    "NonCanonicalProofError",
    "PROOF_VERSION",
    "ProofFormatError",
    "ProofLengthError",
    "ProofVersionError",
    "PublicInteractionBuilder",
    "StarkConfigError",
    "TableBuilder",
    "TrailingBytesError",
    "TruncatedProofError",
    "VerificationError",
    "airDigest",
    "checkConfig",
    "decodeProof",
    "defineAir",
    "encodeProof",
    "poseidon2Hash",
    "poseidonBn254Hash",
    "verifyStark",
    "verifyStarkBytes",
  ],
};

describe("package entry points", () => {
  for (const [entry, names] of Object.entries(api)) {
    it(`${entry} exports exactly its API`, async () => {
      const m = (await import(`../${entry}`)) as Record<string, unknown>;
      expect(Object.keys(m).sort()).toEqual([...names].sort());
    });
  }

  it("the root entry exports the base error class every other error extends", async () => {
    const root = await import("../src/index.ts");
    const stark = await import("../src/stark/index.ts");
    const zkvm = await import("../src/zkvm/index.ts");
    const groth16 = await import("../src/groth16/index.ts");
    for (const E of [
      stark.VerificationError,
      stark.ProverInputError,
      stark.AirDefinitionError,
      zkvm.ElfError,
      groth16.Groth16SetupError,
    ])
      expect(Object.create(E.prototype)).toBeInstanceOf(root.ZkvmError);
  });
});
