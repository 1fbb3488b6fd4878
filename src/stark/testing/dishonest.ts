import type { Air } from "../air.ts";
import type { StarkConfig } from "../config.ts";
import type { StarkHash } from "../hash-config.ts";
import type { StarkProof } from "../proof.ts";
import { type DishonestProverHooks, proveStarkWithHooks, type Witness } from "../prover.ts";

export type { DishonestProverHooks } from "../prover.ts";

/**
 * A dishonest prover for soundness tests: the honest prover's code with its witness and capacity checks off
 * (by default) and, optionally, one multiplicity changed while it builds the LogUp trace. Whatever it
 * produces, the verifier must reject unless the witness was honest.
 */
export function proveDishonestly(
  air: Air,
  config: StarkConfig,
  hash: StarkHash,
  witness: Witness,
  hooks: DishonestProverHooks = { skipChecks: true },
): StarkProof {
  return proveStarkWithHooks(air, config, hash, witness, {}, { skipChecks: true, ...hooks });
}
