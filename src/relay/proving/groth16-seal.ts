import { existsSync } from "node:fs";
import { wrapReleaseProgram } from "../../groth16/wrap/release.ts";
import { receiptClaimDigest } from "../../receipt/claim.ts";
import { compressReceipt } from "../../receipt/compress.ts";
import { proveReceipt } from "../../receipt/prove.ts";
import type { P254Program } from "../../recursion/p254.ts";
import { recursionReleaseSystem } from "../../recursion/release-system.ts";
import type { RecursionSystem } from "../../recursion/system.ts";
import { RequestRejectedError } from "../errors.ts";

/**
 * What the relay's groth16 mode proves with: a recursion release and its BN254 step. The published ones by
 * default (built once per prover thread or process: a few minutes); tests pass a release of their own.
 */
export interface Groth16Proving {
  readonly recursion: RecursionSystem;
  readonly p254: P254Program;
  /** Cycles per segment (default: the machine's default segment size). */
  readonly segmentCycles?: number;
}

let published: Groth16Proving | undefined;

export function publishedGroth16Proving(): Groth16Proving {
  published ??= { recursion: recursionReleaseSystem(), p254: wrapReleaseProgram() };
  return published;
}

export interface Groth16SealRequest {
  readonly elf: Uint8Array;
  readonly input: Uint8Array;
  readonly cycleLimit?: number;
  /** The wrap circuit's proving key (.zkey) on this machine. */
  readonly zkeyPath: string | undefined;
  /** The claim digest of the session the relay executed: the seal must be for it. */
  readonly claimDigest: Uint8Array;
}

/**
 * A Groth16 seal for an execution the caller has already checked (right ImageID, exit code 0): segment
 * proofs, lifts and joins into a succinct receipt, then compression with the wrap key. A missing key rejects
 * the request with `prover-unavailable` (retrying cannot help) before anything is built; any other failure is
 * the prover's and throws as is, so the service retries it. `given`: the published release when undefined.
 */
export async function groth16Seal(
  request: Groth16SealRequest,
  given: Groth16Proving | undefined,
): Promise<Uint8Array> {
  const { zkeyPath } = request;
  if (zkeyPath === undefined || !existsSync(zkeyPath))
    throw new RequestRejectedError(
      "prover-unavailable",
      zkeyPath === undefined
        ? "this prover has no Groth16 wrap key: set prover.groth16Key in the relay configuration"
        : `the Groth16 wrap key ${zkeyPath} does not exist on this prover (set prover.groth16Key, or ` +
            "`zkvm relay worker --groth16-key`, to the key's path on the machine that proves)",
    );
  const proving = given ?? publishedGroth16Proving();
  const { receipt } = proveReceipt(request.elf, {
    dev: false,
    input: request.input,
    cycleLimit: request.cycleLimit,
    config: proving.recursion.machineConfig,
    segmentCycles: proving.segmentCycles,
    receiptKind: "succinct",
    recursion: proving.recursion,
  });
  if (receipt.kind !== "succinct")
    throw new Error(`the prover made a ${receipt.kind} receipt, not a succinct one`);
  const compressed = await compressReceipt(receipt, { p254: proving.p254, zkeyPath });
  const digest = receiptClaimDigest(compressed.claim);
  if (!digest.every((b, i) => b === request.claimDigest[i]))
    throw new Error(
      "the Groth16 receipt's claim differs from the executed session's: the prover is not deterministic",
    );
  return compressed.seal;
}
