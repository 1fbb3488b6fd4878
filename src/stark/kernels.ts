import { intt, ntt, scaleByPowers } from "../field/ntt.ts";
import type { StarkHash } from "./hash-config.ts";
import { poseidon2Hash } from "./poseidon2-hash.ts";
import { reverseBits } from "./protocol.ts";

/**
 * Prover work split into independent ranges, run either on the calling thread or in worker threads
 * (parallel.ts). Every kernel writes only its own range of the output, so the result does not depend on
 * how the work was split.
 */
export type Kernel =
  | {
      readonly kind: "lde";
      readonly inputs: readonly Uint32Array[];
      readonly outputs: readonly Uint32Array[];
      readonly logBlowup: number;
      readonly shift: number;
      /** Inputs are coefficients (padded and evaluated) rather than evaluations on the trace domain. */
      readonly coefficients: boolean;
    }
  | {
      readonly kind: "hashRows";
      readonly hash: string;
      readonly columns: readonly Uint32Array[];
      readonly layer: Uint32Array;
      readonly inject: boolean;
    }
  | {
      readonly kind: "compress";
      readonly hash: string;
      readonly prev: Uint32Array;
      readonly layer: Uint32Array;
    };

/** Hash configurations that worker threads can rebuild by id (BN254 stays on the calling thread). */
const HASHES: Record<string, StarkHash> = { [poseidon2Hash.id]: poseidon2Hash };

export function workerHash(id: string): StarkHash | undefined {
  return HASHES[id];
}

/** Number of independent units of a kernel (columns for LDE, rows for hashing). */
export function kernelSize(k: Kernel): number {
  switch (k.kind) {
    case "lde":
      return k.inputs.length;
    case "hashRows":
    case "compress":
      return k.layer.length / 8;
  }
}

export function runKernel(k: Kernel, start: number, end: number, hashOverride?: StarkHash): void {
  switch (k.kind) {
    case "lde":
      for (let c = start; c < end; c++) {
        const inp = k.inputs[c]!;
        const out = k.outputs[c]!;
        // Coefficients go straight into the (shared) output, which is then scaled and transformed in place.
        out.fill(0);
        out.set(inp);
        if (!k.coefficients) intt(out.subarray(0, inp.length));
        ntt(scaleByPowers(out, k.shift));
      }
      return;
    case "hashRows": {
      const hash = hashOverride ?? HASHES[k.hash]!;
      const cols = k.columns;
      const w = cols.length;
      const height = k.layer.length / 8;
      const bits = Math.log2(height);
      const row = new Uint32Array(w);
      const leaf = new Uint32Array(8);
      const node = new Uint32Array(8);
      // Rows are read in natural order (sequential in every column) and each digest is written to its
      // bit-reversed leaf: one scattered write per row instead of one scattered read per column.
      for (let src = start; src < end; src++) {
        const j = reverseBits(src, bits);
        for (let c = 0; c < w; c++) row[c] = cols[c]![src]!;
        const out = k.layer.subarray(8 * j, 8 * j + 8);
        if (!k.inject) hash.hashRow(row, out);
        else {
          hash.hashRow(row, leaf);
          node.set(out);
          hash.compress(node, leaf, out);
        }
      }
      return;
    }
    case "compress": {
      const hash = hashOverride ?? HASHES[k.hash]!;
      const prev = k.prev;
      for (let j = start; j < end; j++)
        hash.compress(
          prev.subarray(16 * j, 16 * j + 8),
          prev.subarray(16 * j + 8, 16 * j + 16),
          k.layer.subarray(8 * j, 8 * j + 8),
        );
      return;
    }
  }
}
