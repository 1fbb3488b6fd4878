import type { Ext } from "../field/extension.ts";
import {
  EXT_CHUNK,
  EXT_STRIDE_BYTES,
  MONT_R2,
  type MontgomeryArrays,
  toMontgomery,
} from "../field/montgomery-wasm.ts";
import type { DomainInputs } from "./eval-domain.ts";
import { type Node, nodeIsExt } from "./expr.ts";

/**
 * A constraint DAG evaluated on the WebAssembly vector kernel (field/montgomery-wasm.ts): the chunked,
 * node-by-node evaluation of eval-domain.ts, with every node's chunk of {@link EXT_CHUNK} points in the
 * kernel's memory in Montgomery form. Columns are gathered in JavaScript and enter Montgomery form in one
 * vector pass. A node's memory serves later nodes after its last use, so a table needs as many chunks as are
 * live at once, not one per node: results the caller reads are either *consumed* (handed to `onNode` as
 * soon as they are computed, then free) or *kept* (live until the chunk's end).
 */

/** Bytes of a base chunk: one coordinate array of an extension chunk. */
export const BASE_BYTES = EXT_STRIDE_BYTES;
/** Bytes of an extension chunk: four coordinate arrays. */
export const EXT_BYTES = 4 * BASE_BYTES;
/** Vectors (of four points) in a full chunk of one coordinate. */
export const CHUNK_VECTORS = EXT_CHUNK >> 2;

/** Where every needed node's chunk lives. */
export interface KernelPlan {
  /** Byte offset of each node's chunk; −1 for nodes not evaluated. */
  readonly at: Int32Array;
  readonly isExt: readonly boolean[];
  /** Bytes the nodes take; callers put their own data from here on. */
  readonly bytes: number;
}

const plans = new WeakMap<readonly Node[], Map<string, KernelPlan>>();

const isFixed = (n: Node) =>
  n.op === "const" || n.op === "public" || n.op === "challenge" || n.op === "cumsum";

/** The plan for evaluating `needed` nodes where `kept` must live to the chunk's end (cached per graph). */
export function kernelPlan(
  nodes: readonly Node[],
  needed: readonly boolean[],
  kept: readonly number[] = [],
): KernelPlan {
  let byKey = plans.get(nodes);
  if (!byKey) plans.set(nodes, (byKey = new Map()));
  const key = `${needed.map((x) => (x ? 1 : 0)).join("")}|${kept.join(",")}`;
  const cached = byKey.get(key);
  if (cached) return cached;
  const isExt = nodeIsExt(nodes);
  const lastUse = new Int32Array(nodes.length).fill(-1);
  for (let i = 0; i < nodes.length; i++) {
    if (!needed[i]) continue;
    lastUse[i] = Math.max(lastUse[i]!, i);
    for (const j of operands(nodes[i]!)) lastUse[j] = i;
  }
  for (const k of kept) lastUse[k] = nodes.length;
  const slot = new Int32Array(nodes.length).fill(-1);
  const free: [number[], number[]] = [[], []];
  const count = [0, 0];
  const take = (ext: boolean) => free[ext ? 1 : 0]!.pop() ?? count[ext ? 1 : 0]!++;
  const release = (j: number) => {
    if (!isFixed(nodes[j]!)) free[isExt[j] ? 1 : 0]!.push(slot[j]!);
  };
  // Row-independent values (constants, publics, challenges, the cumsum) first, in chunks of their own that
  // are never freed: they are written once, before the first row.
  for (let i = 0; i < nodes.length; i++) if (needed[i] && isFixed(nodes[i]!)) slot[i] = take(isExt[i]!);
  for (let i = 0; i < nodes.length; i++) {
    if (!needed[i]) continue;
    if (!isFixed(nodes[i]!)) slot[i] = take(isExt[i]!);
    // Operands are freed after the result has its chunk: a result never shares memory with an operand.
    for (const j of new Set(operands(nodes[i]!))) if (lastUse[j] === i) release(j);
    if (lastUse[i] === i) release(i);
  }
  const extBase = count[0]! * BASE_BYTES;
  const at = new Int32Array(nodes.length).fill(-1);
  for (let i = 0; i < nodes.length; i++)
    if (slot[i]! >= 0) at[i] = isExt[i] ? extBase + slot[i]! * EXT_BYTES : slot[i]! * BASE_BYTES;
  const plan: KernelPlan = { at, isExt, bytes: extBase + count[1]! * EXT_BYTES };
  byKey.set(key, plan);
  return plan;
}

function operands(n: Node): number[] {
  return n.op === "add" || n.op === "sub" || n.op === "mul" ? [n.a, n.b] : n.op === "neg" ? [n.a] : [];
}

/** What a chunk's callbacks get: the chunk's first point and length, its vector count, and the memory. */
export interface KernelChunk {
  readonly start: number;
  readonly len: number;
  /** Vectors of four points covering the chunk: ⌈len/4⌉ (lanes past len hold stale canonical values). */
  readonly n4: number;
  readonly words: Uint32Array;
}

/**
 * Evaluates the plan's nodes at the points of `inp`, chunk by chunk. After each node: `onNode(i, chunk)`
 * (a consumed node's chunk is valid only then); after each chunk: `onChunk(chunk)`. `extraBytes` of memory
 * past the plan's are the caller's (from `plan.bytes`).
 */
export function evaluateOnKernel(
  kernel: MontgomeryArrays,
  nodes: readonly Node[],
  plan: KernelPlan,
  inp: DomainInputs,
  extraBytes: number,
  onNode: ((i: number, chunk: KernelChunk) => void) | null,
  onChunk: (chunk: KernelChunk) => void,
): void {
  const { at, isExt } = plan;
  const words = kernel.words(plan.bytes + extraBytes);
  const fill = (byteOffset: number, value: number) =>
    words.fill(value, byteOffset >> 2, (byteOffset >> 2) + EXT_CHUNK);
  const fillExt = (byteOffset: number, value: Ext) => {
    for (let l = 0; l < 4; l++) fill(byteOffset + l * BASE_BYTES, toMontgomery(value[l]!));
  };
  for (let i = 0; i < nodes.length; i++) {
    if (at[i]! < 0) continue;
    const n = nodes[i]!;
    if (n.op === "const") fill(at[i]!, toMontgomery(n.value));
    else if (n.op === "public") fill(at[i]!, toMontgomery(inp.publics[n.index]!));
    else if (n.op === "challenge") fillExt(at[i]!, inp.challenges[n.index]!);
    else if (n.op === "cumsum") fillExt(at[i]!, inp.cumsum);
  }
  const { stride, nextOffset, sourceLength } = inp;
  const mask = sourceLength - 1;
  const offset = inp.offset ?? 0;
  const end = offset + inp.length;
  for (let start = offset; start < end; start += EXT_CHUNK) {
    const len = Math.min(EXT_CHUNK, end - start);
    const n4 = (len + 3) >> 2;
    const chunk: KernelChunk = { start, len, n4, words };
    const gather = (src: Uint32Array, byteOffset: number, off: number) => {
      const o = byteOffset >> 2;
      for (let k = 0; k < len; k++) words[o + k] = src[((start + k) * stride + off) & mask]!;
    };
    for (let i = 0; i < nodes.length; i++) {
      const o = at[i]!;
      if (o < 0) continue;
      const n = nodes[i]!;
      switch (n.op) {
        case "const":
        case "public":
        case "challenge":
        case "cumsum":
          break;
        case "col": {
          const off = n.next ? nextOffset : 0;
          if (n.kind !== "aux") {
            gather((n.kind === "main" ? inp.main : inp.pre!)[n.index]!, o, off);
            kernel.mulConst(o, o, MONT_R2, n4);
          } else {
            for (let l = 0; l < 4; l++) gather(inp.aux[4 * n.index + l]!, o + l * BASE_BYTES, off);
            kernel.mulConst(o, o, MONT_R2, 4 * CHUNK_VECTORS);
          }
          break;
        }
        case "first":
        case "last":
        case "transition":
          words.set(inp.selectors[n.op].subarray(start - offset, start - offset + len), o >> 2);
          kernel.mulConst(o, o, MONT_R2, n4);
          break;
        case "neg":
          kernel.neg(o, at[n.a]!, isExt[i] ? 4 * CHUNK_VECTORS : n4);
          break;
        case "add":
        case "sub":
          addSub(kernel, words, n.op === "sub", o, at[n.a]!, isExt[n.a]!, at[n.b]!, isExt[n.b]!, n4);
          break;
        case "mul":
          if (isExt[n.a] && isExt[n.b]) kernel.mulExt(o, at[n.a]!, at[n.b]!, n4);
          else if (isExt[n.a] || isExt[n.b]) {
            const [e, s] = isExt[n.a] ? [at[n.a]!, at[n.b]!] : [at[n.b]!, at[n.a]!];
            for (let l = 0; l < 4; l++) kernel.mul(o + l * BASE_BYTES, e + l * BASE_BYTES, s, n4);
          } else kernel.mul(o, at[n.a]!, at[n.b]!, n4);
          break;
      }
      if (onNode) onNode(i, chunk);
    }
    onChunk(chunk);
  }
}

/** a ± b for base or extension chunks: an extension's other coordinates are copied (or negated). */
function addSub(
  kernel: MontgomeryArrays,
  words: Uint32Array,
  sub: boolean,
  o: number,
  a: number,
  aExt: boolean,
  b: number,
  bExt: boolean,
  n4: number,
): void {
  const op = sub ? kernel.sub : kernel.add;
  if (aExt === bExt) {
    op(o, a, b, aExt ? 4 * CHUNK_VECTORS : n4);
    return;
  }
  // Coordinate 0 combines; coordinates 1–3 come from the extension operand (negated if it is subtracted).
  op(o, a, b, n4);
  const e = aExt ? a : b;
  if (bExt && sub) kernel.neg(o + BASE_BYTES, e + BASE_BYTES, 3 * CHUNK_VECTORS);
  else words.copyWithin((o + BASE_BYTES) >> 2, (e + BASE_BYTES) >> 2, (e + EXT_BYTES) >> 2);
}
