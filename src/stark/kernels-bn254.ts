import { type Kernel, runKernel } from "./kernels.ts";
import { poseidonBn254Hash } from "./poseidon-bn254-hash.ts";

/**
 * Worker-thread entry for kernels under the Poseidon-BN254 configuration (the BN254 step's Merkle hashing,
 * most of its proving time). Kept apart from kernels.ts so that threads proving under Poseidon2 alone never
 * load the BN254 constants and WebAssembly module.
 */
export function runKernelShare(share: { kernel: Kernel; start: number; end: number }): void {
  runKernel(share.kernel, share.start, share.end, poseidonBn254Hash);
}
