import { bytesToHex } from "@noble/hashes/utils.js";
import { encodeMockSeal } from "../../receipt/seal.ts";
import { executeSession } from "../../zkvm/session.ts";
import { RequestRejectedError } from "../errors.ts";
import type { Groth16Proving } from "./groth16-seal.ts";

/** What kind of seal the relay delivers: dev-mode mock seals (insecure) or real Groth16 seals. */
export type ProofMode = "dev" | "groth16";

export interface ProofJob {
  /** Unique per attempt; BullMQ deduplicates on it. */
  jobId: string;
  /** 0x-prefixed ImageID the request names; the ELF must have it. */
  imageId: `0x${string}`;
  elf: Uint8Array;
  input: Uint8Array;
  mode: ProofMode;
  /** groth16 mode: the wrap circuit's proving key (.zkey) on the machine that proves. */
  groth16Key?: string;
  cycleLimit?: number;
}

export interface ProofResult {
  journal: Uint8Array;
  seal: Uint8Array;
  cycles: number;
  /** Milliseconds spent executing and proving. */
  provingMs: number;
}

export const DEV_SEAL_WARNING =
  "DEV MODE: the relay delivers mock seals (0xFFFFFFFF ‖ claim digest) that prove nothing; " +
  "only a MockReceiptVerifier accepts them. Never use dev mode on a chain that holds value.";

/**
 * Executes and proves one job. The same function runs in a worker thread (in-process prover) and in a
 * BullMQ sandboxed processor, so both paths behave identically. The guest runs first: a problem of the
 * request itself (the guest exits non-zero, faults, exceeds the cycle limit, has another ImageID) throws
 * {@link RequestRejectedError} before any proving, and is not retried. In groth16 mode the execution is then
 * proven and compressed into a 260-byte seal (`proving`: the published release unless a caller passes
 * another); a prover failure there throws as is and the service retries it.
 */
export async function runProofJob(job: ProofJob, proving?: Groth16Proving): Promise<ProofResult> {
  const started = performance.now();
  let session: ReturnType<typeof executeSession>;
  try {
    session = executeSession(job.elf, { input: job.input, cycleLimit: job.cycleLimit });
  } catch (err) {
    throw asGuestError(err);
  }
  checkSession(job, session.exitCode, bytesToHex(session.imageId));
  // Loaded only in groth16 mode: it brings snarkjs, whose web-worker dependency refuses to load in any worker
  // thread but its own (dev-mode relays run jobs in worker threads; groth16 ones in child processes).
  const seal =
    job.mode === "groth16"
      ? await (await import("./groth16-seal.ts")).groth16Seal(
          {
            elf: job.elf,
            input: job.input,
            cycleLimit: job.cycleLimit,
            zkeyPath: job.groth16Key,
            claimDigest: session.claimDigest,
          },
          proving,
        )
      : encodeMockSeal(session.claimDigest);
  return {
    journal: session.journal,
    seal,
    cycles: session.cycles,
    provingMs: performance.now() - started,
  };
}

function checkSession(job: ProofJob, exitCode: number, imageIdHex: string): void {
  if (`0x${imageIdHex}` !== job.imageId.toLowerCase()) {
    throw new RequestRejectedError("unknown-image", `the ELF for ${job.imageId} has ImageID 0x${imageIdHex}`);
  }
  if (exitCode !== 0) {
    throw new RequestRejectedError(
      "guest-failed",
      `the guest exited with code ${exitCode} on this input; there is no proof of a successful run to deliver`,
    );
  }
}

function asGuestError(err: unknown): Error {
  if (err instanceof RequestRejectedError) return err;
  const e = err as Error;
  return new RequestRejectedError("guest-error", `the guest could not run: ${e.name}: ${e.message}`);
}

/** Plain-object form of a job outcome, for worker threads and BullMQ (class identity does not cross). */
export type WireOutcome =
  | { ok: true; journal: string; seal: string; cycles: number; provingMs: number }
  | { ok: false; rejected: boolean; code?: string; message: string };

export async function runProofJobToWire(job: ProofJob): Promise<WireOutcome> {
  try {
    const r = await runProofJob(job);
    return {
      ok: true,
      journal: bytesToHex(r.journal),
      seal: bytesToHex(r.seal),
      cycles: r.cycles,
      provingMs: r.provingMs,
    };
  } catch (err) {
    if (err instanceof RequestRejectedError)
      return { ok: false, rejected: true, code: err.code, message: err.message };
    return { ok: false, rejected: false, message: `${(err as Error).name}: ${(err as Error).message}` };
  }
}
