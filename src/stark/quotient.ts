import { batchInverse, inv, mul, P, pow, rootOfUnity, sub } from "../field/babybear.ts";
import { type ExtColumns, extMulScalars, extScratch } from "../field/ext-columns.ts";
import { type Ext, extMul } from "../field/extension.ts";
import { type MontgomeryArrays, montgomeryArrays } from "../field/montgomery-wasm.ts";
import type { Table } from "./air.ts";
import { dependencies, evaluateOnDomain, type NodeValue } from "./eval-domain.ts";
import type { Node } from "./expr.ts";
import { COSET_SHIFT } from "./protocol.ts";
import { quotientOnKernel } from "./quotient-wasm.ts";

/**
 * The prover's quotient (docs/proof-system.md §5): the constraints combined with powers of α and divided by
 * Z_H, evaluated on the quotient coset from the LDEs.
 */

/**
 * What the quotient of one table needs, as plain data (the table's graph, its LDEs, the transcript's values),
 * so that worker threads can each evaluate a share of the coset (the `quotient` kernel, kernels.ts).
 */
export interface QuotientInputs {
  readonly nodes: readonly Node[];
  /** Node ids of the constraints, in the order of their α powers. */
  readonly constraints: readonly number[];
  readonly quotientChunks: number;
  /** log2 of the trace height n and of the blowup. */
  readonly logN: number;
  readonly logB: number;
  /** LDEs on the coset of size n·blowup (preprocessed, main, aux as four coordinates per column). */
  readonly pre: readonly Uint32Array[];
  readonly main: readonly Uint32Array[];
  readonly aux: readonly Uint32Array[];
  readonly publics: readonly number[];
  readonly challenges: readonly Ext[];
  readonly cumsum: Ext;
  readonly alpha: Ext;
}

export function quotientInputs(
  table: Table,
  logN: number,
  logB: number,
  pre: readonly Uint32Array[],
  main: readonly Uint32Array[],
  aux: readonly Uint32Array[],
  publics: readonly number[],
  challenges: readonly Ext[],
  cumsum: Ext,
  alpha: Ext,
): QuotientInputs {
  const { nodes, constraints, quotientChunks } = table;
  return {
    nodes,
    constraints,
    quotientChunks,
    logN,
    logB,
    pre,
    main,
    aux,
    publics,
    challenges,
    cumsum,
    alpha,
  };
}

/** Points of the quotient coset g·⟨ω_{q·n}⟩ of a table: q·n. */
export const quotientSize = (q: Pick<QuotientInputs, "quotientChunks" | "logN">): number =>
  q.quotientChunks << q.logN;

/**
 * Σ_k α^k C_k / Z_H at points [start, end) of the quotient coset g·⟨ω_{q·n}⟩, written into `out` (four
 * coordinate columns of the whole coset; nothing outside the range is touched).
 */
export function quotientRange(
  inputs: QuotientInputs,
  start: number,
  end: number,
  out: ExtColumns,
  kernel: MontgomeryArrays | null = montgomeryArrays(),
): void {
  const { logN, logB, quotientChunks: q, constraints } = inputs;
  const n = 1 << logN;
  const logQ = Math.log2(q);
  const B = 1 << logB;
  const len = end - start;
  const wM = rootOfUnity(logN + logQ);
  const wInvN = inv(rootOfUnity(logN));
  const xs = new Uint32Array(len);
  let x = mul(COSET_SHIFT, pow(wM, start));
  for (let j = 0; j < len; j++) {
    xs[j] = x;
    x = mul(x, wM);
  }
  // Z_H(x) = x^n − 1 takes q values on the coset, by the point's index mod q.
  const gn = pow(COSET_SHIFT, n);
  const wq = rootOfUnity(logQ);
  const zh: number[] = [];
  for (let r = 0, z = gn; r < q; r++, z = mul(z, wq)) zh.push(sub(z, 1));
  const zhInv = zh.map(inv);
  const xmw = xs.map((v) => sub(v, wInvN));
  const first = batchInverse(xs.map((v) => sub(v, 1)));
  const last = batchInverse(xmw);
  for (let j = 0; j < len; j++) {
    const z = zh[(start + j) & (q - 1)]!;
    first[j] = mul(first[j]!, z);
    last[j] = mul(last[j]!, z);
  }
  const alphaPows: Ext[] = [];
  let ap: Ext = [1, 0, 0, 0];
  for (let i = 0; i < constraints.length; i++) {
    alphaPows.push(ap);
    ap = extMul(ap, inputs.alpha);
  }
  const inp = {
    length: len,
    offset: start,
    pre: inputs.pre,
    main: inputs.main,
    aux: inputs.aux,
    stride: B / q,
    nextOffset: B,
    sourceLength: n * B,
    publics: inputs.publics,
    challenges: inputs.challenges,
    cumsum: inputs.cumsum,
    selectors: { first, last, transition: xmw },
    needed: dependencies(inputs.nodes, constraints),
  };
  if (kernel) {
    quotientOnKernel(kernel, inputs.nodes, constraints, inp.needed, inp, alphaPows, zhInv, out);
    return;
  }
  const acc = [new Float64Array(0), new Float64Array(0), new Float64Array(0), new Float64Array(0)];
  evaluateOnDomain(inputs.nodes, inp, (at, len, values: readonly NodeValue[]) => {
    if (acc[0]!.length !== len) for (let l = 0; l < 4; l++) acc[l] = new Float64Array(len);
    for (let l = 0; l < 4; l++) acc[l]!.fill(0);
    constraints.forEach((c, ci) => {
      const v = values[c]!;
      const a = alphaPows[ci]!;
      if (v instanceof Uint32Array) {
        for (let l = 0; l < 4; l++) {
          const al = a[l]!;
          if (al === 0) continue;
          const accl = acc[l]!;
          for (let r = 0; r < len; r++) accl[r] = accl[r]! + mul(al, v[r]!);
        }
      } else {
        const [v0, v1, v2, v3] = v;
        const [c0, c1, c2, c3] = acc;
        for (let r = 0; r < len; r++) {
          extMulScalars(a[0], a[1], a[2], a[3], v0![r]!, v1![r]!, v2![r]!, v3![r]!);
          c0![r] = c0![r]! + extScratch[0]!;
          c1![r] = c1![r]! + extScratch[1]!;
          c2![r] = c2![r]! + extScratch[2]!;
          c3![r] = c3![r]! + extScratch[3]!;
        }
      }
      // Keep the accumulators far below 2^53.
      if ((ci & 1023) === 1023)
        for (let l = 0; l < 4; l++) for (let r = 0; r < len; r++) acc[l]![r] = acc[l]![r]! % P;
    });
    for (let l = 0; l < 4; l++) {
      const accl = acc[l]!;
      const o = out[l];
      for (let r = 0; r < len; r++) o[at + r] = mul(accl[r]! % P, zhInv[(at + r) & (q - 1)]!);
    }
  });
}
