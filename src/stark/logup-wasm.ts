import { P } from "../field/babybear.ts";
import type { ExtColumns } from "../field/ext-columns.ts";
import { type Ext, extMul } from "../field/extension.ts";
import { invertExtArrays, type MontgomeryArrays, toMontgomery } from "../field/montgomery-wasm.ts";
import { ProverInputError } from "./errors.ts";
import { dependencies } from "./eval-domain.ts";
import {
  BASE_BYTES,
  CHUNK_VECTORS,
  EXT_BYTES,
  evaluateOnKernel,
  type KernelChunk,
  kernelPlan,
} from "./eval-kernel.ts";
import type { LogupInputs } from "./logup.ts";
import { traceDomainInputs } from "./trace-domain.ts";

/** Rows per evaluation (the trace selectors of this many rows are built at once). */
const ROWS = 1 << 13;

/**
 * Each LogUp batch's Σ ±m_i/d_i on rows [start, end) into out[b]: logup.ts's `logupBatchSums` on the vector
 * kernel (eval-kernel.ts), value for value the same. Per chunk of rows: the interactions' fields and
 * multiplicities are evaluated, each denominator d_i = β + bus + Σ_j α^(j+1)·f_j is formed, all of them are
 * inverted together (Montgomery's trick in four chains, one extension inversion per chain and chunk), and
 * each batch sums its fractions. A vanishing denominator makes its chain's product zero: the same
 * ProverInputError as the JavaScript path.
 */
export function logupSumsOnKernel(
  kernel: MontgomeryArrays,
  inp: LogupInputs,
  start: number,
  end: number,
  out: readonly ExtColumns[],
): void {
  const { nodes, interactions, batches, alpha, beta } = inp;
  const kept = interactions.flatMap((it) => [...it.fields, it.multiplicity]);
  const plan = kernelPlan(nodes, dependencies(nodes, kept), kept);
  for (const it of interactions)
    if ([...it.fields, it.multiplicity].some((f) => plan.isExt[f]))
      throw new ProverInputError("bus fields and multiplicities must be base-field expressions");
  const dens = plan.bytes;
  const invs = dens + interactions.length * EXT_BYTES;
  const sums = invs + interactions.length * EXT_BYTES;
  const carry = sums + batches.length * EXT_BYTES;
  const extraBytes = carry + 64 - plan.bytes;
  const maxFields = Math.max(...interactions.map((it) => it.fields.length));
  const alphaPowers: Ext[] = [alpha];
  for (let j = 1; j < maxFields; j++) alphaPowers.push(extMul(alphaPowers[j - 1]!, alpha));
  const alphaMont = alphaPowers.map((a) => a.map(toMontgomery));
  const betaMont = interactions.map((it) =>
    [(beta[0] + it.bus) % P, beta[1], beta[2], beta[3]].map(toMontgomery),
  );
  const pairs = interactions.map((_, i) => [dens + i * EXT_BYTES, invs + i * EXT_BYTES] as const);

  const onChunk = ({ start: row, len, n4, words }: KernelChunk) => {
    interactions.forEach((it, i) => {
      const d = dens + i * EXT_BYTES;
      for (let l = 0; l < 4; l++)
        words.fill(betaMont[i]![l]!, (d + l * BASE_BYTES) >> 2, (d + (l + 1) * BASE_BYTES) >> 2);
      it.fields.forEach((f, j) => {
        const a = alphaMont[j]!;
        for (let l = 0; l < 4; l++)
          if (a[l] !== 0) kernel.maddConst(d + l * BASE_BYTES, plan.at[f]!, a[l]!, n4);
      });
    });
    if (!invertExtArrays(kernel, pairs, len, n4, carry))
      throw new ProverInputError(
        "a LogUp denominator vanished (negligible probability); retry with other inputs",
      );
    batches.forEach((batch, b) => {
      const s = sums + b * EXT_BYTES;
      words.fill(0, s >> 2, (s + EXT_BYTES) >> 2);
      for (const i of batch) {
        const m = plan.at[interactions[i]!.multiplicity]!;
        if (interactions[i]!.kind === "send") kernel.maddExtBase(s, invs + i * EXT_BYTES, m, n4);
        else kernel.msubExtBase(s, invs + i * EXT_BYTES, m, n4);
      }
      kernel.mulConst(s, s, 1, 4 * CHUNK_VECTORS);
      for (let l = 0; l < 4; l++) {
        const from = (s + l * BASE_BYTES) >> 2;
        out[b]![l].set(words.subarray(from, from + len), row);
      }
    });
  };

  for (let s = start; s < end; s += ROWS) {
    const len = Math.min(ROWS, end - s);
    const domain = traceDomainInputs(
      inp,
      inp.logN,
      inp.main,
      [],
      inp.publics,
      [alpha, beta],
      [0, 0, 0, 0],
      s,
      len,
    );
    evaluateOnKernel(kernel, nodes, plan, domain, extraBytes, null, onChunk);
  }
}
