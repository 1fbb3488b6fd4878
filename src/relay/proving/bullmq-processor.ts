import type { SandboxedJob } from "bullmq";
import { type BullJobData, GROTH16_KEY_ENV } from "./bullmq-prover.ts";
import { type ProofJob, runProofJobToWire, type WireOutcome } from "./job.ts";

/**
 * BullMQ sandboxed processor: runs in a child process of the worker, so a CPU-bound proof never blocks the
 * worker's event loop, which keeps renewing the job's lock (a processor in the main thread misses lock
 * renewals and the job is handed to a second worker). Request problems come back as a value (not
 * retried); prover failures throw (BullMQ retries them with backoff).
 */
export default async function process(job: SandboxedJob<BullJobData>): Promise<WireOutcome> {
  const d = job.data;
  const proofJob: ProofJob = {
    jobId: d.jobId,
    imageId: d.imageId,
    elf: Buffer.from(d.elf, "base64"),
    input: Buffer.from(d.input, "base64"),
    mode: d.mode,
    // A worker started with its own key path (`zkvm relay worker --groth16-key`) uses it.
    groth16Key: globalThis.process.env[GROTH16_KEY_ENV] || d.groth16Key,
    cycleLimit: d.cycleLimit,
  };
  const outcome = await runProofJobToWire(proofJob);
  if (!outcome.ok && !outcome.rejected) throw new Error(outcome.message);
  return outcome;
}
