import { mul, P } from "../field/babybear.ts";
import type { Ext } from "../field/extension.ts";
import { type Node, nodeIsExt } from "./expr.ts";

/**
 * Evaluates a constraint DAG over many points at once (the prover's evaluator): rows are processed in
 * chunks, and within a chunk every node is one typed-array pass — base nodes as one Uint32Array, extension
 * nodes as four. Used on the quotient coset (sources are LDE columns, subsampled with a stride) and on the
 * trace domain itself (the honest prover's constraint check, aux-trace generation).
 */
export interface DomainInputs {
  /** Number of points to evaluate. */
  readonly length: number;
  /**
   * The first point's index (default 0): points offset … offset + length − 1 are evaluated; sources are read
   * at those indices, selectors at index − offset (a share of a domain carries its own selectors).
   */
  readonly offset?: number;
  /** Preprocessed columns (empty if the table has none). */
  readonly pre?: readonly Uint32Array[];
  readonly main: readonly Uint32Array[];
  /** Four base coordinates per aux (extension) column. */
  readonly aux: readonly Uint32Array[];
  /** Point j reads source row (j·stride + (next ? nextOffset : 0)) mod sourceLength. */
  readonly stride: number;
  readonly nextOffset: number;
  readonly sourceLength: number;
  readonly publics: readonly number[];
  readonly challenges: readonly Ext[];
  readonly cumsum: Ext;
  readonly selectors: {
    readonly first: Uint32Array;
    readonly last: Uint32Array;
    readonly transition: Uint32Array;
  };
  /** Nodes to evaluate (their operands must be included); all if absent. */
  readonly needed?: readonly boolean[];
}

export type NodeValue = Uint32Array | Uint32Array[];

const CHUNK = 1024;

/** Marks the nodes that the given roots depend on. */
export function dependencies(nodes: readonly Node[], roots: readonly number[]): boolean[] {
  const need = new Array<boolean>(nodes.length).fill(false);
  for (const r of roots) need[r] = true;
  for (let i = nodes.length - 1; i >= 0; i--) {
    if (!need[i]) continue;
    const n = nodes[i]!;
    if (n.op === "add" || n.op === "sub" || n.op === "mul") {
      need[n.a] = true;
      need[n.b] = true;
    } else if (n.op === "neg") need[n.a] = true;
  }
  return need;
}

export function evaluateOnDomain(
  nodes: readonly Node[],
  inp: DomainInputs,
  onChunk: (start: number, len: number, values: readonly NodeValue[]) => void,
): void {
  const isExt = nodeIsExt(nodes);
  const needed = inp.needed ?? new Array<boolean>(nodes.length).fill(true);
  const chunk = Math.min(CHUNK, inp.length);
  const values: NodeValue[] = nodes.map((_, i) =>
    isExt[i]
      ? [new Uint32Array(chunk), new Uint32Array(chunk), new Uint32Array(chunk), new Uint32Array(chunk)]
      : new Uint32Array(chunk),
  );
  // Constants, publics, challenges and the cumsum do not depend on the row: fill them once.
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (n.op === "const") (values[i] as Uint32Array).fill(n.value);
    else if (n.op === "public") (values[i] as Uint32Array).fill(inp.publics[n.index]!);
    else if (n.op === "challenge" || n.op === "cumsum") {
      const c = n.op === "cumsum" ? inp.cumsum : inp.challenges[n.index]!;
      const v = values[i] as Uint32Array[];
      for (let l = 0; l < 4; l++) v[l]!.fill(c[l]!);
    }
  }
  const { stride, nextOffset, sourceLength } = inp;
  const mask = sourceLength - 1;
  const offset = inp.offset ?? 0;
  const end = offset + inp.length;
  for (let start = offset; start < end; start += chunk) {
    const len = Math.min(chunk, end - start);
    for (let i = 0; i < nodes.length; i++) {
      if (!needed[i]) continue;
      const n = nodes[i]!;
      const out = values[i]!;
      switch (n.op) {
        case "const":
        case "public":
        case "challenge":
        case "cumsum":
          break;
        case "col": {
          const off = n.next ? nextOffset : 0;
          if (n.kind !== "aux") {
            const src = (n.kind === "main" ? inp.main : inp.pre!)[n.index]!;
            const o = out as Uint32Array;
            for (let k = 0; k < len; k++) o[k] = src[((start + k) * stride + off) & mask]!;
          } else {
            const o = out as Uint32Array[];
            for (let l = 0; l < 4; l++) {
              const src = inp.aux[4 * n.index + l]!;
              const ol = o[l]!;
              for (let k = 0; k < len; k++) ol[k] = src[((start + k) * stride + off) & mask]!;
            }
          }
          break;
        }
        case "first":
        case "last":
        case "transition":
          (out as Uint32Array).set(inp.selectors[n.op].subarray(start - offset, start - offset + len));
          break;
        case "neg":
          if (isExt[i]) {
            for (let l = 0; l < 4; l++) {
              const a = (values[n.a] as Uint32Array[])[l]!;
              const o = (out as Uint32Array[])[l]!;
              for (let k = 0; k < len; k++) o[k] = a[k] === 0 ? 0 : P - a[k]!;
            }
          } else {
            const a = values[n.a] as Uint32Array;
            const o = out as Uint32Array;
            for (let k = 0; k < len; k++) o[k] = a[k] === 0 ? 0 : P - a[k]!;
          }
          break;
        case "add":
        case "sub":
          addSub(n.op === "sub", values[n.a]!, isExt[n.a]!, values[n.b]!, isExt[n.b]!, out, len);
          break;
        case "mul":
          mulValues(values[n.a]!, isExt[n.a]!, values[n.b]!, isExt[n.b]!, out, len);
          break;
      }
    }
    onChunk(start, len, values);
  }
}

function addSubBase(sub: boolean, a: Uint32Array, b: Uint32Array, o: Uint32Array, len: number): void {
  if (sub) {
    for (let k = 0; k < len; k++) {
      const d = a[k]! - b[k]!;
      o[k] = d < 0 ? d + P : d;
    }
  } else {
    for (let k = 0; k < len; k++) {
      const s = a[k]! + b[k]!;
      o[k] = s >= P ? s - P : s;
    }
  }
}

const zeros = new Uint32Array(CHUNK);

function addSub(
  sub: boolean,
  a: NodeValue,
  aExt: boolean,
  b: NodeValue,
  bExt: boolean,
  out: NodeValue,
  len: number,
): void {
  if (!aExt && !bExt) {
    addSubBase(sub, a as Uint32Array, b as Uint32Array, out as Uint32Array, len);
    return;
  }
  const o = out as Uint32Array[];
  for (let l = 0; l < 4; l++) {
    const al = aExt ? (a as Uint32Array[])[l]! : l === 0 ? (a as Uint32Array) : zeros;
    const bl = bExt ? (b as Uint32Array[])[l]! : l === 0 ? (b as Uint32Array) : zeros;
    addSubBase(sub, al, bl, o[l]!, len);
  }
}

function mulValues(
  a: NodeValue,
  aExt: boolean,
  b: NodeValue,
  bExt: boolean,
  out: NodeValue,
  len: number,
): void {
  if (!aExt && !bExt) {
    const x = a as Uint32Array;
    const y = b as Uint32Array;
    const o = out as Uint32Array;
    for (let k = 0; k < len; k++) o[k] = mul(x[k]!, y[k]!);
    return;
  }
  if (!aExt || !bExt) {
    const s = (aExt ? b : a) as Uint32Array;
    const e = (aExt ? a : b) as Uint32Array[];
    const o = out as Uint32Array[];
    for (let l = 0; l < 4; l++) {
      const el = e[l]!;
      const ol = o[l]!;
      for (let k = 0; k < len; k++) ol[k] = mul(s[k]!, el[k]!);
    }
    return;
  }
  const [a0, a1, a2, a3] = a as Uint32Array[];
  const [b0, b1, b2, b3] = b as Uint32Array[];
  const [o0, o1, o2, o3] = out as Uint32Array[];
  for (let k = 0; k < len; k++) {
    const x0 = a0![k]!;
    const x1 = a1![k]!;
    const x2 = a2![k]!;
    const x3 = a3![k]!;
    const y0 = b0![k]!;
    const y1 = b1![k]!;
    const y2 = b2![k]!;
    const y3 = b3![k]!;
    const h0 = mul(x1, y3) + mul(x2, y2) + mul(x3, y1);
    const h1 = mul(x2, y3) + mul(x3, y2);
    const h2 = mul(x3, y3);
    o0![k] = (mul(x0, y0) + 11 * h0) % P;
    o1![k] = (mul(x0, y1) + mul(x1, y0) + 11 * h1) % P;
    o2![k] = (mul(x0, y2) + mul(x1, y1) + mul(x2, y0) + 11 * h2) % P;
    o3![k] = (mul(x0, y3) + mul(x1, y2) + mul(x2, y1) + mul(x3, y0)) % P;
  }
}
