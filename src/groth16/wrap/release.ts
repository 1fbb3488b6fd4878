import { ZkvmError } from "../../errors.ts";
import type { Groth16ReceiptVerifierParameters } from "../../receipt/groth16-receipt.ts";
import { P254_CONFIG, type P254Program, p254Program } from "../../recursion/p254.ts";
import { RECURSION_RELEASE } from "../../recursion/release.ts";
import { cachedReleaseBuild, type ReleaseCacheOptions } from "../../recursion/release-cache.ts";
import { recursionReleaseSystem } from "../../recursion/release-system.ts";
import type { VerifyingKey } from "../types.ts";
import { receiptVerifierParameters } from "./wrap.ts";

/**
 * The BN254 step this version publishes for its recursion release (RECURSION_RELEASE): the release's identity
 * program at its own shape under P254_CONFIG. Its BN254 control ID is what a verifier contract for our seals
 * is deployed with, next to the release's control root, as RISC Zero publishes BN254_CONTROL_ID next to
 * ALLOWED_CONTROL_ROOT. The proving key is not published: it comes from a Groth16 setup of the wrap circuit
 * (`zkvm groth16 wrap-circuit`, then `zkvm groth16 setup`), so a deployment's trust is its own ceremony's.
 *
 * Any change to the recursion release, the recursion AIR or P254_CONFIG changes the control ID: update it
 * here with the value `wrapReleaseProgram()` reports (test/recursion/release.test.ts checks it).
 */
export const WRAP_RELEASE = Object.freeze({
  config: P254_CONFIG,
  /** The BN254 control ID: one BN254 element as 8 u32 words, little-endian. */
  bn254ControlId: Uint32Array.from([
    2215930178, 2249299478, 2914950658, 2508826101, 1903250829, 2992525947, 3834770100, 519081709,
  ]),
});

export class WrapReleaseError extends ZkvmError {
  override name = "WrapReleaseError";
}

let built: P254Program | undefined;

const publishes = (p: P254Program) => p.bn254ControlId.every((x, i) => x === WRAP_RELEASE.bn254ControlId[i]);

/**
 * The published BN254 step, built from the code (the recursion release's programs first) and kept for the
 * process. Both come from the disk cache when an earlier process stored their preprocessed roots
 * (release-cache.ts; `cache` sets its directory or disables it): seconds instead of minutes. Throws
 * {@link WrapReleaseError} if the code does not rebuild the published control ID.
 */
export function wrapReleaseProgram(cache: ReleaseCacheOptions = {}): P254Program {
  if (built) return built;
  const system = recursionReleaseSystem(cache);
  const p = cachedReleaseBuild(
    {
      name: "wrap-release",
      key: {
        controlRoot: Array.from(RECURSION_RELEASE.controlRoot),
        bn254ControlId: Array.from(WRAP_RELEASE.bn254ControlId),
        config: WRAP_RELEASE.config,
      },
    },
    (rootOf) => p254Program(system, WRAP_RELEASE.config, { rootOf }),
    publishes,
    cache,
  );
  if (!publishes(p))
    throw new WrapReleaseError(
      `this build's BN254 step does not match the published one (control ID [${[...p.bn254ControlId].join(", ")}]): update src/groth16/wrap/release.ts`,
    );
  built = p;
  return p;
}

/** The verifier parameters of seals made with the published release and a wrap key's verifying key. */
export function wrapReleaseParameters(vk: VerifyingKey): Groth16ReceiptVerifierParameters {
  return receiptVerifierParameters(RECURSION_RELEASE.controlRoot, WRAP_RELEASE.bn254ControlId, vk);
}
