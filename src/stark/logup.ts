import { mul, P } from "../field/babybear.ts";
import { type ExtColumns, extBatchInverse, newExtColumns } from "../field/ext-columns.ts";
import { type Ext, extMul } from "../field/extension.ts";
import type { Interaction, Table } from "./air.ts";
import { ProverInputError } from "./errors.ts";
import { dependencies, evaluateOnDomain } from "./eval-domain.ts";
import type { Node } from "./expr.ts";
import { traceDomainInputs } from "./trace-domain.ts";

/**
 * The prover's side of LogUp (docs/proof-system.md §2): a table's auxiliary trace, h_i = ±m_i/d_i per
 * interaction and the running sum φ, each as 4 base columns, and the table's cumulative sum.
 */

/** A dishonest prover's change to one multiplicity (soundness testing only). */
export interface MultiplicityTamper {
  readonly interaction: number;
  readonly row: number;
  readonly delta: number;
}

/**
 * What computing a table's LogUp fractions needs, as plain data (threads receive it by structured clone;
 * the main columns are shared when threads run it).
 */
export interface LogupInputs {
  readonly nodes: readonly Node[];
  readonly interactions: readonly Interaction[];
  readonly preprocessed: readonly Uint32Array[];
  readonly main: readonly Uint32Array[];
  readonly logN: number;
  readonly publics: readonly number[];
  readonly alpha: Ext;
  readonly beta: Ext;
  readonly tamper?: MultiplicityTamper;
}

/**
 * h_i = ±m_i/d_i of every interaction of a table on rows [start, end), into out[i] (four coordinate columns
 * of the whole trace; nothing outside the range is touched). Rows are independent, so threads take shares.
 */
export function logupFractions(
  inp: LogupInputs,
  start: number,
  end: number,
  out: readonly ExtColumns[],
): void {
  const { interactions, alpha, beta, tamper } = inp;
  const len = end - start;
  const roots = interactions.flatMap((it) => [...it.fields, it.multiplicity]);
  const dens: ExtColumns[] = interactions.map(() => newExtColumns(len));
  const mults: Uint32Array[] = interactions.map(() => new Uint32Array(len));
  const alphaPows: Ext[] = [alpha];
  const maxFields = Math.max(...interactions.map((it) => it.fields.length));
  for (let j = 1; j < maxFields; j++) alphaPows.push(extMul(alphaPows[j - 1]!, alpha));
  const domain = {
    ...traceDomainInputs(inp, inp.logN, inp.main, [], inp.publics, [alpha, beta], [0, 0, 0, 0], start, len),
    needed: dependencies(inp.nodes, roots),
  };
  evaluateOnDomain(inp.nodes, domain, (row, count, values) => {
    const at = row - start;
    interactions.forEach((it, i) => {
      const d = dens[i]!;
      const mv = values[it.multiplicity]!;
      if (!(mv instanceof Uint32Array))
        throw new ProverInputError("multiplicities must be base-field expressions");
      mults[i]!.set(mv.subarray(0, count), at);
      const acc = [
        new Float64Array(count),
        new Float64Array(count),
        new Float64Array(count),
        new Float64Array(count),
      ];
      for (let l = 0; l < 4; l++) acc[l]!.fill(l === 0 ? (beta[0] + it.bus) % P : beta[l]!);
      it.fields.forEach((f, j) => {
        const fv = values[f]!;
        if (!(fv instanceof Uint32Array))
          throw new ProverInputError("bus fields must be base-field expressions");
        const ap = alphaPows[j]!;
        for (let l = 0; l < 4; l++) {
          const al = ap[l]!;
          const a = acc[l]!;
          for (let r = 0; r < count; r++) a[r] = a[r]! + mul(al, fv[r]!);
        }
      });
      for (let l = 0; l < 4; l++) {
        const a = acc[l]!;
        const dl = d[l];
        for (let r = 0; r < count; r++) dl[at + r] = a[r]! % P;
      }
    });
  });
  if (tamper && tamper.row >= start && tamper.row < end) {
    const m = mults[tamper.interaction]!;
    m[tamper.row - start] = (m[tamper.row - start]! + tamper.delta) % P;
  }
  interactions.forEach((it, i) => {
    // The inverses go straight into this share's rows of the output, then become the fractions in place.
    const h = out[i]!.map((c) => c.subarray(start, end)) as ExtColumns;
    try {
      extBatchInverse(dens[i]!, h);
    } catch {
      throw new ProverInputError(
        "a LogUp denominator vanished (negligible probability); retry with other inputs",
      );
    }
    const m = mults[i]!;
    const sign = it.kind === "send";
    for (let l = 0; l < 4; l++) {
      const c = h[l];
      for (let r = 0; r < len; r++) {
        const v = mul(m[r]!, c[r]!);
        c[r] = sign || v === 0 ? v : P - v;
      }
    }
  });
}

/** How the fractions of a table are computed: on the calling thread by default, or by the prover's threads. */
export type LogupFractions = (inputs: LogupInputs) => ExtColumns[];

const serialFractions: LogupFractions = (inputs) => {
  const n = 1 << inputs.logN;
  const out = inputs.interactions.map(() => newExtColumns(n));
  logupFractions(inputs, 0, n, out);
  return out;
};

/** The aux trace of a table with interactions. */
export function buildAuxTrace(
  table: Table,
  logN: number,
  main: readonly Uint32Array[],
  publics: readonly number[],
  alpha: Ext,
  beta: Ext,
  tamper?: MultiplicityTamper,
  fractions: LogupFractions = serialFractions,
): { columns: Uint32Array[]; cumsum: Ext } {
  const n = 1 << logN;
  const { nodes, interactions, preprocessed } = table;
  const hs = fractions({ nodes, interactions, preprocessed, main, logN, publics, alpha, beta, tamper });
  // One column per batch: the sum of its interactions' fractions.
  const batchColumns: ExtColumns[] = table.logupBatches.map((batch) => {
    if (batch.length === 1) return hs[batch[0]!]!;
    const out = newExtColumns(n);
    const acc = new Float64Array(n);
    for (let l = 0; l < 4; l++) {
      acc.fill(0);
      for (const i of batch) {
        const h = hs[i]![l];
        for (let r = 0; r < n; r++) acc[r] = acc[r]! + h[r]!;
      }
      const o = out[l];
      for (let r = 0; r < n; r++) o[r] = acc[r]! % P;
    }
    return out;
  });
  const columns: Uint32Array[] = [];
  for (const h of batchColumns) for (let l = 0; l < 4; l++) columns.push(h[l]);
  const phi = newExtColumns(n);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let r = 0; r < n; r++) {
    for (const h of batchColumns) {
      s0 += h[0][r]!;
      s1 += h[1][r]!;
      s2 += h[2][r]!;
      s3 += h[3][r]!;
    }
    s0 %= P;
    s1 %= P;
    s2 %= P;
    s3 %= P;
    phi[0][r] = s0;
    phi[1][r] = s1;
    phi[2][r] = s2;
    phi[3][r] = s3;
  }
  for (let l = 0; l < 4; l++) columns.push(phi[l]);
  return { columns, cumsum: [s0, s1, s2, s3] };
}
