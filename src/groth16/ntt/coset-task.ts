/** Worker-pool task: one polynomial to the odd coset (coset.ts) on this thread's instance, kept until `release()`. */
import { type CosetJob, oddCoset } from "./coset.ts";
import { instantiateNtt, type NttInstance } from "./ntt-wasm.ts";

let instance: NttInstance | undefined;

export function toOddCoset(job: CosetJob): Uint8Array {
  instance ??= instantiateNtt();
  return oddCoset(instance, job);
}

export function release(): void {
  instance = undefined;
}
