/**
 * Worker-pool task: one share of a multi-scalar multiplication (pippenger.ts) on this thread's instance of
 * the curve module. The instance, and the memory it grew to, stay until `release()`.
 */
import { instantiateMsm, type MsmInstance } from "./msm-wasm.ts";
import { type Group, pippenger } from "./pippenger.ts";

export interface MsmJob {
  readonly group: Group;
  /** Affine points in the .zkey layout. */
  readonly points: Uint8Array;
  /** 32-byte little-endian scalars, one per point. */
  readonly scalars: Uint8Array;
}

let instance: MsmInstance | undefined;

export function multiExp(job: MsmJob): Uint8Array {
  instance ??= instantiateMsm();
  return pippenger(instance, job.group, job.points, job.scalars);
}

export function release(): void {
  instance = undefined;
}
