import type { ExtColumns } from "../field/ext-columns.ts";
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
 * The quotient's constraint evaluation on the WebAssembly vector kernel (field/montgomery-wasm.ts): the same
 * chunked, node-by-node evaluation as eval-domain.ts, with every node's chunk in the kernel's memory in
 * Montgomery form. Columns are gathered in JavaScript and enter Montgomery form in one vector pass; each
 * constraint is added into Σ α^k·C_k as soon as it is computed, so that its memory (and that of every
 * operand at its last use) serves later nodes: a table needs as many chunks as are live at once, not one
 * per node. The result leaves Montgomery form in the product by 1/Z_H, and is the same as quotient.ts's
 * JavaScript evaluation, value for value (the field's operations are exact in either form).
 */

// A base chunk is one coordinate array of an extension chunk.
const BASE_BYTES = EXT_STRIDE_BYTES;
const EXT_BYTES = 4 * BASE_BYTES;

/** Where every needed node's chunk lives, and which constraints (α powers) it is. */
interface Plan {
  /** Byte offset of each node's chunk; −1 for nodes not needed. */
  readonly at: Int32Array;
  readonly isExt: readonly boolean[];
  /** α-power indices of the constraints each node is (most nodes: none). */
  readonly constraintOf: ReadonlyMap<number, readonly number[]>;
  /** The accumulator (an extension chunk), the 1/Z_H chunk, and the memory in all. */
  readonly acc: number;
  readonly zh: number;
  readonly bytes: number;
}

const plans = new WeakMap<readonly Node[], WeakMap<readonly number[], Plan>>();

function planFor(nodes: readonly Node[], constraints: readonly number[], needed: readonly boolean[]): Plan {
  let byConstraints = plans.get(nodes);
  if (!byConstraints) plans.set(nodes, (byConstraints = new WeakMap()));
  const cached = byConstraints.get(constraints);
  if (cached) return cached;
  const isExt = nodeIsExt(nodes);
  const constraintOf = new Map<number, number[]>();
  constraints.forEach((c, k) => {
    const list = constraintOf.get(c);
    if (list) list.push(k);
    else constraintOf.set(c, [k]);
  });
  // A node's chunk is free after its last use; row-independent values (constants, publics, challenges,
  // the cumsum) are written once per evaluation and never freed.
  const lastUse = new Int32Array(nodes.length).fill(-1);
  for (let i = 0; i < nodes.length; i++) {
    if (!needed[i]) continue;
    lastUse[i] = Math.max(lastUse[i]!, i);
    const n = nodes[i]!;
    if (n.op === "add" || n.op === "sub" || n.op === "mul") {
      lastUse[n.a] = i;
      lastUse[n.b] = i;
    } else if (n.op === "neg") lastUse[n.a] = i;
  }
  const fixed = (n: Node) =>
    n.op === "const" || n.op === "public" || n.op === "challenge" || n.op === "cumsum";
  const slot = new Int32Array(nodes.length).fill(-1);
  const free: [number[], number[]] = [[], []];
  const count = [0, 0];
  const take = (ext: boolean) => {
    const pool = ext ? 1 : 0;
    return free[pool]!.pop() ?? count[pool]!++;
  };
  const release = (j: number) => free[isExt[j] ? 1 : 0]!.push(slot[j]!);
  // Row-independent values first, in chunks of their own: they are written before the first row, so no
  // node may have used their memory before them.
  for (let i = 0; i < nodes.length; i++) if (needed[i] && fixed(nodes[i]!)) slot[i] = take(isExt[i]!);
  for (let i = 0; i < nodes.length; i++) {
    if (!needed[i]) continue;
    if (!fixed(nodes[i]!)) slot[i] = take(isExt[i]!);
    const n = nodes[i]!;
    const operands =
      n.op === "add" || n.op === "sub" || n.op === "mul" ? [n.a, n.b] : n.op === "neg" ? [n.a] : [];
    for (const j of new Set(operands)) if (lastUse[j] === i && !fixed(nodes[j]!)) release(j);
    if (lastUse[i] === i && !fixed(n)) release(i);
  }
  const extBase = count[0]! * BASE_BYTES;
  const at = new Int32Array(nodes.length).fill(-1);
  for (let i = 0; i < nodes.length; i++)
    if (slot[i]! >= 0) at[i] = isExt[i] ? extBase + slot[i]! * EXT_BYTES : slot[i]! * BASE_BYTES;
  const acc = extBase + count[1]! * EXT_BYTES;
  const zh = acc + EXT_BYTES;
  const plan: Plan = { at, isExt, constraintOf, acc, zh, bytes: zh + EXT_BYTES };
  byConstraints.set(constraints, plan);
  return plan;
}

/**
 * Σ_k α^k·C_k(x)·zhInv(x) at the points of `inp` (its offset and length), written into `out` at those
 * indices: the JavaScript path's quotientRange loop, on the kernel. `alphaPowers[k]` is α^k; `zhInv[r]` is
 * 1/Z_H at the points whose index is r mod its length (a power of two).
 */
export function quotientOnKernel(
  kernel: MontgomeryArrays,
  nodes: readonly Node[],
  constraints: readonly number[],
  needed: readonly boolean[],
  inp: DomainInputs,
  alphaPowers: readonly Ext[],
  zhInv: readonly number[],
  out: ExtColumns,
): void {
  const plan = planFor(nodes, constraints, needed);
  const { at, isExt, constraintOf, acc, zh } = plan;
  let words = kernel.words(plan.bytes);
  const alphaMont = alphaPowers.map((a) => a.map(toMontgomery) as Ext);
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
  words = kernel.words(plan.bytes);
  const { stride, nextOffset, sourceLength } = inp;
  const mask = sourceLength - 1;
  const offset = inp.offset ?? 0;
  const end = offset + inp.length;
  const zhMask = zhInv.length - 1;
  for (let start = offset; start < end; start += EXT_CHUNK) {
    const len = Math.min(EXT_CHUNK, end - start);
    const n4 = (len + 3) >> 2;
    words.fill(0, acc >> 2, (acc + EXT_BYTES) >> 2);
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
            kernel.mulConst(o, o, MONT_R2, 4 * (EXT_CHUNK >> 2));
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
          kernel.neg(o, at[n.a]!, isExt[i] ? 4 * (EXT_CHUNK >> 2) : n4);
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
      const powers = constraintOf.get(i);
      if (powers)
        for (const k of powers) {
          const a = alphaMont[k]!;
          if (isExt[i]) kernel.maddExtConst(acc, o, a[0], a[1], a[2], a[3], n4);
          else
            for (let l = 0; l < 4; l++) if (a[l] !== 0) kernel.maddConst(acc + l * BASE_BYTES, o, a[l]!, n4);
        }
    }
    // Leave Montgomery form in the product by 1/Z_H (canonical): mont(ã, z) = a·z.
    const z = zh >> 2;
    for (let k = 0; k < len; k++) words[z + k] = zhInv[(start + k) & zhMask]!;
    for (let l = 0; l < 4; l++) {
      kernel.mul(acc + l * BASE_BYTES, acc + l * BASE_BYTES, zh, n4);
      const from = (acc + l * BASE_BYTES) >> 2;
      out[l].set(words.subarray(from, from + len), start);
    }
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
    op(o, a, b, aExt ? 4 * (EXT_CHUNK >> 2) : n4);
    return;
  }
  // Coordinate 0 combines; coordinates 1–3 come from the extension operand (negated if it is subtracted).
  op(o, a, b, n4);
  const e = aExt ? a : b;
  const rest = (o + BASE_BYTES) >> 2;
  if (bExt && sub) kernel.neg(o + BASE_BYTES, e + BASE_BYTES, 3 * (EXT_CHUNK >> 2));
  else words.copyWithin(rest, (e + BASE_BYTES) >> 2, (e + EXT_BYTES) >> 2);
}
