import { parentPort } from "node:worker_threads";
import { type ProofJob, runProofJobToWire } from "./job.ts";

/**
 * Worker entry of the in-process prover, as a worker thread (dev mode) or a child process (groth16 mode:
 * snarkjs needs a main thread of its own): one job at a time, outcome posted back as plain data.
 */
const handle = async (msg: { seq: number; job: ProofJob }) => ({
  seq: msg.seq,
  outcome: await runProofJobToWire(msg.job),
});
if (parentPort) parentPort.on("message", async (msg) => parentPort!.postMessage(await handle(msg)));
else process.on("message", async (msg: { seq: number; job: ProofJob }) => process.send!(await handle(msg)));
