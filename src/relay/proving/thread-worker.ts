import { parentPort } from "node:worker_threads";
import { type ProofJob, runProofJobToWire } from "./job.ts";

/** Worker-thread entry of the in-process prover: one job at a time, outcome posted back as plain data. */
parentPort!.on("message", (msg: { seq: number; job: ProofJob }) => {
  parentPort!.postMessage({ seq: msg.seq, outcome: runProofJobToWire(msg.job) });
});
