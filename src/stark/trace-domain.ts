import { inv, mul, pow, rootOfUnity, sub } from "../field/babybear.ts";
import type { Ext } from "../field/extension.ts";
import type { Table } from "./air.ts";
import { ProverInputError } from "./errors.ts";
import { type DomainInputs, dependencies, evaluateOnDomain } from "./eval-domain.ts";

/**
 * Evaluation of a table's DAG on its own trace domain, row by row: the input of LogUp's aux trace and of
 * the honest prover's constraint check.
 */

/**
 * Selectors on rows [start, start + len) of the trace domain (all of it by default): only their zero pattern
 * matters there.
 */
function traceSelectors(logN: number, start = 0, len = 1 << logN) {
  const n = 1 << logN;
  const w = rootOfUnity(logN);
  const wInv = inv(w);
  const first = new Uint32Array(len);
  const last = new Uint32Array(len);
  const transition = new Uint32Array(len);
  if (start === 0) first[0] = 1;
  if (start + len === n) last[len - 1] = 1;
  let x = pow(w, start);
  for (let i = 0; i < len; i++) {
    transition[i] = sub(x, wInv);
    x = mul(x, w);
  }
  return { first, last, transition };
}

/** A table's trace domain as `evaluateOnDomain` reads it: rows [start, start + len), all of them by default. */
export function traceDomainInputs(
  table: Pick<Table, "preprocessed">,
  logN: number,
  main: readonly Uint32Array[],
  aux: readonly Uint32Array[],
  publics: readonly number[],
  challenges: readonly Ext[],
  cumsum: Ext,
  start = 0,
  len = 1 << logN,
): DomainInputs {
  const n = 1 << logN;
  return {
    length: len,
    offset: start,
    pre: table.preprocessed,
    main,
    aux,
    stride: 1,
    nextOffset: 1,
    sourceLength: n,
    publics,
    challenges,
    cumsum,
    selectors: traceSelectors(logN, start, len),
  };
}

/** Throws ProverInputError naming the first constraint and row the witness violates. */
export function checkTraceConstraints(
  table: Table,
  logN: number,
  main: readonly Uint32Array[],
  aux: readonly Uint32Array[],
  publics: readonly number[],
  challenges: readonly Ext[],
  cumsum: Ext,
): void {
  const inp = traceDomainInputs(table, logN, main, aux, publics, challenges, cumsum);
  const needed = dependencies(table.nodes, table.constraints);
  evaluateOnDomain(table.nodes, { ...inp, needed }, (start, len, values) => {
    table.constraints.forEach((c, ci) => {
      const v = values[c]!;
      const cols = v instanceof Uint32Array ? [v] : v;
      for (const col of cols) {
        for (let r = 0; r < len; r++) {
          if (col[r] !== 0)
            throw new ProverInputError(
              `table "${table.name}": constraint ${ci} does not hold at row ${start + r}; fix the witness`,
            );
        }
      }
    });
  });
}
