import { type ProvenSegment, type ProveSessionOptions, proveSession } from "../machine/prove.ts";
import { MACHINE_CONFIG } from "../machine/verify.ts";
import type { ReleaseCacheOptions } from "../recursion/release-cache.ts";
import { recursionReleaseSystem } from "../recursion/release-system.ts";
import {
  controlInclusionOf,
  proveSuccinct,
  type RecursionStep,
  type RecursionSystem,
} from "../recursion/system.ts";
import type { Program } from "../zkvm/program.ts";
import { loadProgram } from "../zkvm/program.ts";
import { type ProveOptions as DevProveOptions, prove as proveDev } from "../zkvm/prove.ts";
import type { Session } from "../zkvm/session.ts";
import { sessionFromResult } from "../zkvm/session.ts";
import type { CompositeReceipt } from "./composite-receipt.ts";
import { ReceiptVerificationError } from "./errors.ts";
import { devModeEnabled } from "./fake-receipt.ts";
import type { Receipt } from "./receipt.ts";
import type { SuccinctReceipt } from "./succinct-receipt.ts";

export { compressReceipt, type Groth16Wrapper, wrapperParameters, wrapperVerifier } from "./compress.ts";

/**
 * Proves an execution (Node: the prover uses worker threads). Without dev mode the result is a real
 * composite receipt (docs/machine.md); with dev mode (ZKVM_DEV_MODE=1 or `dev: true`) it only executes and
 * returns a fake receipt, as before. A guest fault throws the executor's GuestFault: no receipt.
 */
export interface ProveReceiptOptions extends ProveSessionOptions, Pick<DevProveOptions, "dev" | "warn"> {
  /**
   * "composite" (default): one STARK proof per segment. "succinct": the segment proofs lifted and joined
   * into one recursion proof (docs/recursion.md), with the published release unless `recursion` is given.
   */
  readonly receiptKind?: "composite" | "succinct";
  /** The recursion release's programs for a succinct receipt (default: the published release, built once). */
  readonly recursion?: RecursionSystem;
  /** The disk cache of the published release (release-cache.ts; default: its default directory). */
  readonly releaseCache?: ReleaseCacheOptions;
  /** Called before each recursion proof of a succinct receipt (lifts, then joins). */
  readonly onRecursion?: (step: RecursionStep) => void;
}

export function proveReceipt(
  elf: Uint8Array | Program,
  options: ProveReceiptOptions = {},
): { receipt: Receipt; session: Session } {
  if (options.dev ?? devModeEnabled()) return proveDev(elf, { ...options, dev: true });
  const program = elf instanceof Uint8Array ? loadProgram(elf) : elf;
  const proven = proveSession(program, options);
  const session = sessionFromResult(program, proven.result);
  if (options.receiptKind === "succinct") {
    const sys = options.recursion ?? recursionReleaseSystem(options.releaseCache);
    const config = options.config ?? MACHINE_CONFIG;
    if (sys.machineConfig !== config && JSON.stringify(sys.machineConfig) !== JSON.stringify(config))
      throw new ReceiptVerificationError(
        "the recursion release lifts segment proofs of another configuration: prove the session with the release's machine configuration",
      );
    return { receipt: succinct(sys, proven.segments, proven.result.journal, options), session };
  }
  const receipt: CompositeReceipt = {
    kind: "composite",
    config: options.config ?? MACHINE_CONFIG,
    journal: proven.result.journal.slice(),
    segments: proven.segments.map((s) => ({
      kind: "segment",
      index: s.index,
      statement: s.statement,
      seal: s.seal,
    })),
  };
  return { receipt, session };
}

/** The session's segment proofs made into one succinct receipt. */
function succinct(
  sys: RecursionSystem,
  segments: readonly ProvenSegment[],
  journal: Uint8Array,
  options: ProveReceiptOptions,
): SuccinctReceipt {
  const proof = proveSuccinct(sys, segments, options.onRecursion);
  return {
    kind: "succinct",
    journal: journal.slice(),
    seal: proof.proof,
    publics: proof.publics,
    preprocessedRoot: proof.program.preprocessedRoot,
    inclusion: controlInclusionOf(sys, proof.program.controlId),
  };
}
