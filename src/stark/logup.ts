import { mul, P } from "../field/babybear.ts";
import { type ExtColumns, extBatchInverse, newExtColumns } from "../field/ext-columns.ts";
import { type Ext, extMul } from "../field/extension.ts";
import { type MontgomeryArrays, montgomeryArrays } from "../field/montgomery-wasm.ts";
import { sharedColumn } from "../field/shared-columns.ts";
import type { Interaction, Table } from "./air.ts";
import { ProverInputError } from "./errors.ts";
import { dependencies, evaluateOnDomain } from "./eval-domain.ts";
import type { Node } from "./expr.ts";
import { logupSumsOnKernel } from "./logup-wasm.ts";
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
 * What computing a table's LogUp batch columns needs, as plain data (threads receive it by structured clone;
 * the main columns are shared when threads run it).
 */
export interface LogupInputs {
  readonly nodes: readonly Node[];
  readonly interactions: readonly Interaction[];
  /** The table's LogUp batches (`Table.logupBatches`): interaction indices, one aux column each. */
  readonly batches: readonly (readonly number[])[];
  readonly preprocessed: readonly Uint32Array[];
  readonly main: readonly Uint32Array[];
  readonly logN: number;
  readonly publics: readonly number[];
  readonly alpha: Ext;
  readonly beta: Ext;
  readonly tamper?: MultiplicityTamper;
}

/**
 * Rows per step of {@link logupBatchSums}: the denominators, multiplicities and inverses of every interaction
 * are held for this many rows at a time (a few megabytes for the widest machine table), never for the whole
 * trace.
 */
const CHUNK_ROWS = 1 << 13;

/**
 * Each batch's Σ_(i ∈ batch) ±m_i/d_i on rows [start, end), into out[b] (four coordinate columns of the whole
 * trace; nothing outside the range is touched). Rows are independent, so threads take shares.
 */
export function logupBatchSums(
  inp: LogupInputs,
  start: number,
  end: number,
  out: readonly ExtColumns[],
  kernel: MontgomeryArrays | null = montgomeryArrays(),
): void {
  // The vector kernel computes the same values; the JavaScript path remains where the engine has no
  // WebAssembly SIMD, and for soundness tests that tamper with a multiplicity.
  if (kernel && !inp.tamper) {
    logupSumsOnKernel(kernel, inp, start, end, out);
    return;
  }
  const { interactions, alpha } = inp;
  const rows = Math.min(CHUNK_ROWS, end - start);
  const alphaPows: Ext[] = [alpha];
  const maxFields = Math.max(...interactions.map((it) => it.fields.length));
  for (let j = 1; j < maxFields; j++) alphaPows.push(extMul(alphaPows[j - 1]!, alpha));
  const share: ChunkShare = {
    needed: dependencies(
      inp.nodes,
      interactions.flatMap((it) => [...it.fields, it.multiplicity]),
    ),
    alphaPows,
    dens: interactions.map(() => newExtColumns(rows)),
    mults: interactions.map(() => new Uint32Array(rows)),
    h: newExtColumns(rows),
  };
  for (let s = start; s < end; s += CHUNK_ROWS) chunkSums(inp, s, Math.min(end, s + CHUNK_ROWS), out, share);
}

/** What every chunk of one share uses: the nodes to evaluate, α's powers, and scratch columns of one chunk. */
interface ChunkShare {
  readonly needed: readonly boolean[];
  readonly alphaPows: readonly Ext[];
  readonly dens: ExtColumns[];
  readonly mults: Uint32Array[];
  readonly h: ExtColumns;
}

function chunkSums(
  inp: LogupInputs,
  start: number,
  end: number,
  out: readonly ExtColumns[],
  share: ChunkShare,
): void {
  const { interactions, alpha, beta, tamper } = inp;
  const { alphaPows } = share;
  const len = end - start;
  const dens = share.dens.map((d) => d.map((c) => c.subarray(0, len)) as ExtColumns);
  const mults = share.mults.map((m) => m.subarray(0, len));
  const domain = {
    ...traceDomainInputs(inp, inp.logN, inp.main, [], inp.publics, [alpha, beta], [0, 0, 0, 0], start, len),
    needed: share.needed,
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
  const h = share.h.map((c) => c.subarray(0, len)) as ExtColumns;
  inp.batches.forEach((batch, b) => {
    const sum = out[b]!.map((c) => c.subarray(start, end)) as ExtColumns;
    batch.forEach((i, k) => {
      // The first fraction of a batch is computed in the batch's own rows of the output; the others in
      // scratch, then added.
      const target = k === 0 ? sum : h;
      try {
        extBatchInverse(dens[i]!, target);
      } catch {
        throw new ProverInputError(
          "a LogUp denominator vanished (negligible probability); retry with other inputs",
        );
      }
      const m = mults[i]!;
      const send = interactions[i]!.kind === "send";
      for (let l = 0; l < 4; l++) {
        const c = target[l];
        const o = sum[l];
        for (let r = 0; r < len; r++) {
          const v = mul(m[r]!, c[r]!);
          const f = send || v === 0 ? v : P - v;
          if (k === 0) c[r] = f;
          else {
            const t = o[r]! + f;
            o[r] = t >= P ? t - P : t;
          }
        }
      }
    });
  });
}

/** How the batch columns of a table are computed: on the calling thread by default, or by the prover's threads. */
export type LogupBatchColumns = (inputs: LogupInputs) => ExtColumns[];

const serialBatchColumns: LogupBatchColumns = (inputs) => {
  const n = 1 << inputs.logN;
  const out = inputs.batches.map(() => newExtColumns(n));
  logupBatchSums(inputs, 0, n, out);
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
  batchSums: LogupBatchColumns = serialBatchColumns,
): { columns: Uint32Array[]; cumsum: Ext } {
  const n = 1 << logN;
  const { nodes, interactions, preprocessed } = table;
  const batchColumns = batchSums({
    nodes,
    interactions,
    batches: table.logupBatches,
    preprocessed,
    main,
    logN,
    publics,
    alpha,
    beta,
    tamper,
  });
  const columns: Uint32Array[] = [];
  for (const h of batchColumns) for (let l = 0; l < 4; l++) columns.push(h[l]);
  // In shared memory: the prover's threads take it as it is for the LDE, and recycle it after.
  const phi: ExtColumns = [sharedColumn(n), sharedColumn(n), sharedColumn(n), sharedColumn(n)];
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  // φ on a row is the sum over the rows before it (air.ts: only φ is read at the next row).
  for (let r = 0; r < n; r++) {
    phi[0][r] = s0;
    phi[1][r] = s1;
    phi[2][r] = s2;
    phi[3][r] = s3;
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
  }
  for (let l = 0; l < 4; l++) columns.push(phi[l]);
  return { columns, cumsum: [s0, s1, s2, s3] };
}
