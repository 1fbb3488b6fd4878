import { mul, P, pow, rootOfUnity } from "../field/babybear.ts";
import {
  type ExtColumns,
  extBatchInverse,
  extMulScalars,
  extScratch,
  newExtColumns,
} from "../field/ext-columns.ts";
import { type MontgomeryArrays, montgomeryArrays } from "../field/montgomery-wasm.ts";
import { cosetIntt, intt, ntt, scaleByPowers } from "../field/ntt.ts";
import { cosetLdeKernel, kernelFits } from "../field/ntt-simd.ts";
import { type DeepInputs, deepOnKernel } from "./deep-wasm.ts";
import { compress4, type StarkHash, UnsupportedHashError } from "./hash-config.ts";
import { type LogupInputs, logupBatchSums } from "./logup.ts";
import type { MerkleArity } from "./pcs/merkle-shape.ts";
import { openingSums } from "./pcs/open.ts";
import { poseidon2Hash } from "./poseidon2-hash.ts";
import { reverseBits } from "./protocol.ts";
import { type QuotientInputs, quotientRange } from "./quotient.ts";

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
      /** In-place transforms of whole arrays: coset iNTT (evaluations → coefficients) or NTT. */
      readonly kind: "transform";
      readonly op: "cosetIntt" | "ntt";
      readonly arrays: readonly Uint32Array[];
      readonly shift: number;
    }
  | {
      /**
       * Openings at ζ and ζω (pcs/open.ts): each column's weighted sums, 8 words per column in `out` (the
       * second 4 only where `next` is 1, the columns opened at ζω).
       */
      readonly kind: "open";
      readonly columns: readonly Uint32Array[];
      readonly logBlowup: number;
      readonly weights: ExtColumns;
      readonly next: Uint8Array;
      readonly out: Uint32Array;
    }
  | ({
      /**
       * DEEP combination on rows of one LDE height (docs/proof-system.md §6): out = (S − vz)/(x − ζ) +
       * γ^M (T − vzn)/(x − ζω) with S = Σ_i γ^{o+i} c_i(x) and T its first `nextCount` terms, x = g·ω_N^r.
       */
      readonly kind: "deep";
    } & DeepInputs)
  | {
      /** A table's LogUp batch columns on its trace domain (logup.ts), four shared columns per batch. */
      readonly kind: "logup";
      readonly inputs: LogupInputs;
      readonly out: readonly ExtColumns[];
    }
  | {
      /** A table's quotient on its coset (quotient.ts), into four shared coordinate columns. */
      readonly kind: "quotient";
      readonly inputs: QuotientInputs;
      readonly out: ExtColumns;
    }
  | {
      readonly kind: "hashRows";
      readonly hash: string;
      readonly columns: readonly Uint32Array[];
      readonly layer: Uint32Array;
      readonly inject: boolean;
    }
  | {
      /** One tree step: node j of `layer` is the `arity`-to-1 hash of nodes arity·j … of `prev`. */
      readonly kind: "compress";
      readonly hash: string;
      readonly arity: MerkleArity;
      readonly prev: Uint32Array;
      readonly layer: Uint32Array;
    }
  | {
      /**
       * Proof-of-work pre-check (`StarkHash.powScan` from a transcript's `powState`): unit u scans `block`
       * nonces from first + u·block and writes the smallest candidate to found[u], or NO_NONCE.
       */
      readonly kind: "grind";
      readonly hash: string;
      readonly state: Uint32Array;
      readonly bits: number;
      readonly first: number;
      readonly block: number;
      readonly found: Uint32Array;
    }
  | {
      /**
       * One tree step onto a level where shorter matrices are injected, fused (`StarkHash.injectNode`):
       * node j of `layer` hashes nodes arity·j … of `prev` with row bitrev(j) of `columns`.
       */
      readonly kind: "inject";
      readonly hash: string;
      readonly arity: MerkleArity;
      readonly prev: Uint32Array;
      readonly columns: readonly Uint32Array[];
      readonly layer: Uint32Array;
    };

/** A `grind` unit that found no candidate. */
export const NO_NONCE = 0xffffffff;

/** Rows per `hashRows` call: enough for the engine's paired permutations, small enough to stay in cache. */
const ROW_BATCH = 16;

/** Hash configurations that worker threads can rebuild by id (Poseidon-BN254: kernels-bn254.ts). */
const HASHES: Record<string, StarkHash> = { [poseidon2Hash.id]: poseidon2Hash };

export function workerHash(id: string): StarkHash | undefined {
  return HASHES[id];
}

/** Number of independent units of a kernel (columns for LDE, rows for hashing). */
export function kernelSize(k: Kernel): number {
  switch (k.kind) {
    case "lde":
      return k.inputs.length;
    case "transform":
      return k.arrays.length;
    case "open":
      return k.columns.length;
    case "deep":
    case "quotient":
      return k.out[0]!.length;
    case "logup":
      return 1 << k.inputs.logN;
    case "hashRows":
    case "compress":
    case "inject":
      return k.layer.length / 8;
    case "grind":
      return k.found.length;
  }
}

/** A worker thread's share of a kernel (the worker pool's task entry point). */
export function runKernelShare(share: { kernel: Kernel; start: number; end: number }): void {
  runKernel(share.kernel, share.start, share.end);
}

export function runKernel(k: Kernel, start: number, end: number, hashOverride?: StarkHash): void {
  switch (k.kind) {
    case "lde":
      for (let c = start; c < end; c++) {
        const inp = k.inputs[c]!;
        const out = k.outputs[c]!;
        const logBlowup = Math.log2(out.length / inp.length);
        const simd = kernelFits(inp.length, logBlowup) ? cosetLdeKernel() : null;
        if (simd) {
          if (k.coefficients) simd.ldeOfCoefficients(inp, out, logBlowup, k.shift);
          else simd.lde(inp, out, logBlowup, k.shift);
          continue;
        }
        // Coefficients go straight into the (shared) output, which is then scaled and transformed in place.
        out.fill(0);
        out.set(inp);
        if (!k.coefficients) intt(out.subarray(0, inp.length));
        ntt(scaleByPowers(out, k.shift));
      }
      return;
    case "transform":
      for (let c = start; c < end; c++) {
        if (k.op === "ntt") ntt(k.arrays[c]!);
        else cosetIntt(k.arrays[c]!, k.shift);
      }
      return;
    case "open":
      openingSums(k.columns, k.logBlowup, k.weights, k.next, start, end, k.out);
      return;
    case "deep":
      deepRange(k, start, end);
      return;
    case "quotient":
      quotientRange(k.inputs, start, end, k.out);
      return;
    case "logup":
      logupBatchSums(k.inputs, start, end, k.out);
      return;
    case "hashRows": {
      const hash = hashOverride ?? HASHES[k.hash]!;
      const cols = k.columns;
      const w = cols.length;
      const height = k.layer.length / 8;
      const bits = Math.log2(height);
      // Rows are read in natural order (sequential in every column) and each digest is written to its
      // bit-reversed leaf: one scattered write per row instead of one scattered read per column. A hash
      // with `hashRows` takes them a batch at a time.
      const batch = hash.hashRows || hash.compressPairs ? ROW_BATCH : 1;
      const rows = Array.from({ length: batch }, () => new Uint32Array(w));
      const leaves = Array.from({ length: batch }, () => new Uint32Array(8));
      const node = new Uint32Array(8);
      const nodes: Uint32Array[] = new Array(batch);
      for (let first = start; first < end; first += batch) {
        const count = Math.min(batch, end - first);
        for (let i = 0; i < count; i++) {
          const row = rows[i]!;
          for (let c = 0; c < w; c++) row[c] = cols[c]![first + i]!;
        }
        if (hash.hashRows && count > 1) hash.hashRows(rows.slice(0, count), leaves.slice(0, count));
        else for (let i = 0; i < count; i++) hash.hashRow(rows[i]!, leaves[i]!);
        for (let i = 0; i < count; i++) {
          const j = reverseBits(first + i, bits);
          const out = k.layer.subarray(8 * j, 8 * j + 8);
          if (!k.inject) out.set(leaves[i]!);
          else if (hash.compressPairs) nodes[i] = out;
          else {
            node.set(out);
            hash.compress(node, leaves[i]!, out);
          }
        }
        // Injected rows: the level's node becomes compress(node, leaf), in place.
        if (k.inject && hash.compressPairs) {
          const n = nodes.slice(0, count);
          hash.compressPairs(n, leaves.slice(0, count), n);
        }
      }
      return;
    }
    case "inject":
      injectRange(k, start, end, hashOverride ?? HASHES[k.hash]!);
      return;
    case "grind": {
      const scan = (hashOverride ?? HASHES[k.hash]!).powScan;
      if (!scan) throw new UnsupportedHashError(`hash configuration ${k.hash} has no proof-of-work scan`);
      for (let u = start; u < end; u++) {
        const from = k.first + u * k.block;
        const nonce = from < P ? scan(k.state, k.bits, from, Math.min(k.block, P - from)) : -1;
        k.found[u] = nonce < 0 ? NO_NONCE : nonce;
      }
      return;
    }
    case "compress": {
      const hash = hashOverride ?? HASHES[k.hash]!;
      const { prev, arity } = k;
      if (hash.compressLevel) {
        hash.compressLevel(prev, k.layer, start, end, arity);
        return;
      }
      const child = (j: number, c: number) => prev.subarray(8 * (arity * j + c), 8 * (arity * j + c) + 8);
      for (let j = start; j < end; j++) {
        const out = k.layer.subarray(8 * j, 8 * j + 8);
        if (arity === 2) hash.compress(child(j, 0), child(j, 1), out);
        else compress4(hash, [child(j, 0), child(j, 1), child(j, 2), child(j, 3)], out);
      }
      return;
    }
  }
}

/** Rows in natural order r ∈ [start, end), each into its bit-reversed node, a batch at a time as in `hashRows`. */
function injectRange(
  k: Extract<Kernel, { kind: "inject" }>,
  start: number,
  end: number,
  hash: StarkHash,
): void {
  const { prev, arity, columns: cols } = k;
  if (!hash.injectNode)
    throw new UnsupportedHashError(`hash configuration ${hash.id} has no fused injection (injectNode)`);
  const w = cols.length;
  const bits = Math.log2(k.layer.length / 8);
  const batch = hash.injectNodes ? ROW_BATCH : 1;
  const rows = Array.from({ length: batch }, () => new Uint32Array(w));
  const children: Uint32Array[][] = [];
  const outs: Uint32Array[] = [];
  for (let first = start; first < end; first += batch) {
    const count = Math.min(batch, end - first);
    children.length = 0;
    outs.length = 0;
    for (let i = 0; i < count; i++) {
      const row = rows[i]!;
      for (let c = 0; c < w; c++) row[c] = cols[c]![first + i]!;
      const j = reverseBits(first + i, bits);
      children.push(
        Array.from({ length: arity }, (_, c) => prev.subarray(8 * (arity * j + c), 8 * (arity * j + c) + 8)),
      );
      outs.push(k.layer.subarray(8 * j, 8 * j + 8));
    }
    if (count === 1) hash.injectNode(children[0]!, rows[0]!, outs[0]!);
    else hash.injectNodes!(children, rows.slice(0, count), outs);
  }
}

const subm = (a: number, b: number) => (a >= b ? a - b : a - b + P);

/**
 * Rows of the DEEP kernel per block: its scratch (sums, denominators and their inverses, ~160 bytes a row)
 * is allocated once per share at this size instead of at the share's, which at a 2^20-point LDE was ~80 MB
 * per thread of short-lived memory that the threads' collectors reclaim late.
 */
const DEEP_BLOCK = 1 << 13;

interface DeepScratch {
  readonly s: Float64Array[];
  /** T: the sums over the columns opened at ζω (the first `nextCount`). */
  readonly t: Float64Array[];
  readonly dz: ExtColumns;
  readonly dzn: ExtColumns;
  readonly iz: ExtColumns;
  readonly izn: ExtColumns;
}

/** The DEEP kernel on rows [start, end): on the vector kernel where there is one (deep-wasm.ts), else here. */
export function deepRange(
  k: Extract<Kernel, { kind: "deep" }>,
  start: number,
  end: number,
  kernel: MontgomeryArrays | null = montgomeryArrays(),
): void {
  if (end <= start) return;
  if (kernel) {
    deepOnKernel(kernel, k, start, end);
    return;
  }
  const b = Math.min(DEEP_BLOCK, end - start);
  const scratch: DeepScratch = {
    s: [new Float64Array(b), new Float64Array(b), new Float64Array(b), new Float64Array(b)],
    t: [new Float64Array(b), new Float64Array(b), new Float64Array(b), new Float64Array(b)],
    dz: newExtColumns(b),
    dzn: newExtColumns(b),
    iz: newExtColumns(b),
    izn: newExtColumns(b),
  };
  for (let from = start; from < end; from += DEEP_BLOCK)
    deepBlock(k, from, Math.min(end, from + DEEP_BLOCK), scratch);
}

function deepBlock(
  k: Extract<Kernel, { kind: "deep" }>,
  start: number,
  end: number,
  scratch: DeepScratch,
): void {
  const len = end - start;
  const part = (c: ExtColumns): ExtColumns =>
    c[0].length === len
      ? c
      : [c[0].subarray(0, len), c[1].subarray(0, len), c[2].subarray(0, len), c[3].subarray(0, len)];
  const s = scratch.s.map((a) => (a.length === len ? a.fill(0) : a.subarray(0, len).fill(0)));
  const t = scratch.t.map((a) => (a.length === len ? a : a.subarray(0, len)));
  const snapshot = () => {
    for (let l = 0; l < 4; l++) for (let r = 0; r < len; r++) t[l]![r] = s[l]![r]! % P;
  };
  const gp = k.gammaPowers;
  k.columns.forEach((c, j) => {
    if (j === k.nextCount) snapshot();
    for (let l = 0; l < 4; l++) {
      const g = gp[4 * j + l]!;
      const sl = s[l]!;
      if (g !== 0) for (let r = 0; r < len; r++) sl[r] = sl[r]! + mul(g, c[start + r]!);
      if ((j & 1023) === 1023) for (let r = 0; r < len; r++) sl[r] = sl[r]! % P;
    }
  });
  if (k.nextCount === k.columns.length) snapshot();
  const dz = part(scratch.dz);
  const dzn = part(scratch.dzn);
  const w = rootOfUnity(k.logN);
  let x = mul(k.shift, pow(w, start));
  const [z0, z1, z2, z3] = k.zeta as [number, number, number, number];
  const [n0, n1, n2, n3] = k.zetaNext as [number, number, number, number];
  for (let r = 0; r < len; r++) {
    dz[0][r] = subm(x, z0);
    dz[1][r] = z1 === 0 ? 0 : P - z1;
    dz[2][r] = z2 === 0 ? 0 : P - z2;
    dz[3][r] = z3 === 0 ? 0 : P - z3;
    dzn[0][r] = subm(x, n0);
    dzn[1][r] = n1 === 0 ? 0 : P - n1;
    dzn[2][r] = n2 === 0 ? 0 : P - n2;
    dzn[3][r] = n3 === 0 ? 0 : P - n3;
    x = mul(x, w);
  }
  const iz = extBatchInverse(dz, part(scratch.iz));
  const izn = extBatchInverse(dzn, part(scratch.izn));
  const [s0, s1, s2, s3] = s;
  const [t0s, t1s, t2s, t3s] = t;
  const [vz0, vz1, vz2, vz3] = k.vz as [number, number, number, number];
  const [vn0, vn1, vn2, vn3] = k.vzn as [number, number, number, number];
  const [g0, g1, g2, g3] = k.gammaM as [number, number, number, number];
  const [o0, o1, o2, o3] = k.out as [Uint32Array, Uint32Array, Uint32Array, Uint32Array];
  for (let r = 0; r < len; r++) {
    const a0 = s0![r]! % P;
    const a1 = s1![r]! % P;
    const a2 = s2![r]! % P;
    const a3 = s3![r]! % P;
    extMulScalars(
      subm(a0, vz0),
      subm(a1, vz1),
      subm(a2, vz2),
      subm(a3, vz3),
      iz[0][r]!,
      iz[1][r]!,
      iz[2][r]!,
      iz[3][r]!,
    );
    const t0 = extScratch[0]!;
    const t1 = extScratch[1]!;
    const t2 = extScratch[2]!;
    const t3 = extScratch[3]!;
    extMulScalars(
      subm(t0s![r]!, vn0),
      subm(t1s![r]!, vn1),
      subm(t2s![r]!, vn2),
      subm(t3s![r]!, vn3),
      izn[0][r]!,
      izn[1][r]!,
      izn[2][r]!,
      izn[3][r]!,
    );
    extMulScalars(extScratch[0]!, extScratch[1]!, extScratch[2]!, extScratch[3]!, g0, g1, g2, g3);
    o0[start + r] = (t0 + extScratch[0]!) % P;
    o1[start + r] = (t1 + extScratch[1]!) % P;
    o2[start + r] = (t2 + extScratch[2]!) % P;
    o3[start + r] = (t3 + extScratch[3]!) % P;
  }
}
