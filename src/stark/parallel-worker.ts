import { parentPort } from "node:worker_threads";
import { type Kernel, runKernel } from "./kernels.ts";

/** Worker thread: runs kernel ranges and signals completion through a shared Int32Array. */
parentPort!.on("message", (msg: { kernel: Kernel; start: number; end: number; done: Int32Array }) => {
  try {
    runKernel(msg.kernel, msg.start, msg.end);
    Atomics.store(msg.done, 0, 1);
  } catch (e) {
    console.error(e);
    Atomics.store(msg.done, 0, 2);
  }
  Atomics.notify(msg.done, 0);
});
