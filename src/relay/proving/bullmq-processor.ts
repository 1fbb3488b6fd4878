import type { SandboxedJob } from "bullmq";
import type { BullJobData } from "./bullmq-prover.ts";
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
    cycleLimit: d.cycleLimit,
  };
  const outcome = runProofJobToWire(proofJob);
  if (!outcome.ok && !outcome.rejected) throw new Error(outcome.message);
  return outcome;
}
