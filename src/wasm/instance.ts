/**
 * A generated kernel module, compiled and instantiated synchronously, with its exported memory. Kernels are
 * generated at load time (no binary is shipped), and the callers fall back to JavaScript where this is null.
 */
export interface KernelInstance {
  readonly exports: Record<string, (...args: number[]) => void>;
  readonly memory: WebAssembly.Memory;
}

/** Null where the engine has no WebAssembly or refuses the module (no SIMD, size limits). */
export function instantiateKernel(bytes: Uint8Array<ArrayBuffer>): KernelInstance | null {
  if (typeof WebAssembly === "undefined") return null;
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes));
    return {
      exports: instance.exports as KernelInstance["exports"],
      memory: instance.exports.memory as WebAssembly.Memory,
    };
  } catch {
    return null;
  }
}

/** Grows `memory` to hold at least `bytes` (growing detaches earlier views of it). */
export function growMemory(memory: WebAssembly.Memory, bytes: number): void {
  const pages = Math.ceil(bytes / 65536) - memory.buffer.byteLength / 65536;
  if (pages > 0) memory.grow(pages);
}
