import type { P254Program, P254Proof } from "../../recursion/p254.ts";
import { poseidonBn254Hash } from "../../stark/poseidon-bn254-hash.ts";
import { decodeProof } from "../../stark/proof-codec.ts";
import {
  type PublicStatement,
  type StarkCircuitSpec,
  type StarkWitness,
  starkVerifierWitness,
} from "../circuit/stark-verifier.ts";

/**
 * The verifier circuit of the BN254 step (docs/wrap-circuit.md §8): the R1CS instance of the verifier for the
 * BN254 identity AIR at its fixed heights, with the BN254 control ID (its preprocessed root) as a public
 * input, so that one circuit and key serve every release of the same identity shape and configuration — the
 * control ID, like RISC Zero's, is checked by the verifier contract, not baked into the key.
 */
export function p254CircuitSpec(
  p: Pick<P254Program, "air" | "config" | "logHeights">,
  statement?: PublicStatement,
): StarkCircuitSpec {
  return {
    air: p.air.air,
    config: p.config,
    logHeights: p.logHeights,
    preprocessedRoot: "input",
    ...(statement ? { statement } : {}),
  };
}

/**
 * The circuit's witness for a BN254 identity proof (bytes of the proof codec). Throws ProofFormatError for
 * malformed bytes and CircuitInputError for a proof of other heights; a proof that fails verification gives a
 * witness with `accepted: false`.
 */
export function p254CircuitWitness(
  p: P254Program,
  proof: P254Proof,
  spec: StarkCircuitSpec = p254CircuitSpec(p),
): StarkWitness {
  const decoded = decodeProof(proof.proof, p.air.air, p.config, poseidonBn254Hash);
  return starkVerifierWitness(spec, {
    publics: proof.publics,
    proof: decoded,
    preprocessedRoot: p.bn254ControlId,
  });
}
