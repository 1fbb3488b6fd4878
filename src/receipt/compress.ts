import { verifyingKeyFromZkey } from "../groth16/export.ts";
import {
  namesRelease,
  type WrapOptions,
  wrapToGroth16,
  wrapVerifierParameters,
} from "../groth16/wrap/wrap.ts";
import { RecursionAssertionError } from "../recursion/executor.ts";
import type { P254Program } from "../recursion/p254.ts";
import { ProofFormatError } from "../stark/proof-codec.ts";
import { ReceiptVerificationError } from "./errors.ts";
import {
  type Groth16Receipt,
  type Groth16ReceiptVerifierParameters,
  groth16Selector,
  type KnownGroth16Verifier,
} from "./groth16-receipt.ts";
import type { SuccinctReceipt } from "./succinct-receipt.ts";

/**
 * Compression (docs/wrap-circuit.md §10): a succinct receipt becomes a Groth16 receipt, whose 260-byte seal a
 * contract checks. What it needs is the wrap's prover: the BN254 step of the release the receipt comes from,
 * and a proving key of that step's verifier circuit (a development setup or a ceremony's).
 */
export interface Groth16Wrapper {
  /** The BN254 step of the receipt's release (p254Program). */
  readonly p254: P254Program;
  /** The proving key of the wrap circuit (`zkvm wrap setup`). */
  readonly zkeyPath: string;
}

/** The verifier parameters of the seals a wrapper makes: what `zkvm deploy` deploys and verifiers check. */
export function wrapperParameters(w: Groth16Wrapper): Groth16ReceiptVerifierParameters {
  return wrapVerifierParameters(w.p254, verifyingKeyFromZkey(w.zkeyPath));
}

/** The wrapper's parameters as a Groth16 verifier that `verifyReceipt` knows by its selector. */
export function wrapperVerifier(w: Groth16Wrapper, release = "zkvm-kit"): KnownGroth16Verifier {
  const parameters = wrapperParameters(w);
  return { release, parameters, selector: groth16Selector(parameters) };
}

/**
 * Compresses a succinct receipt into a Groth16 receipt (minutes: the BN254 step, the circuit's witness, the
 * Groth16 proof; `onStage` reports each). Throws {@link ReceiptVerificationError} when the receipt is not of
 * the wrapper's release or its proof does not verify (no seal exists for it).
 */
export async function compressReceipt(
  receipt: SuccinctReceipt,
  w: Groth16Wrapper,
  options: WrapOptions = {},
): Promise<Groth16Receipt> {
  if (!namesRelease(w.p254, receipt.publics))
    throw new ReceiptVerificationError(
      "the succinct receipt names another control root than the wrapper's release: compress it with the release it was proven with",
    );
  let seal: Uint8Array;
  let claim: Groth16Receipt["claim"];
  try {
    ({ seal, claim } = await wrapToGroth16(w.p254, receipt, w.zkeyPath, options));
  } catch (e) {
    if (e instanceof RecursionAssertionError || e instanceof ProofFormatError)
      throw new ReceiptVerificationError(`the succinct receipt does not verify: ${e.message}`, { cause: e });
    throw e;
  }
  return { kind: "groth16", claim, journal: receipt.journal.slice(), seal };
}
