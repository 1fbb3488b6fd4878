import { P } from "../field/babybear.ts";
import type { Air } from "./air.ts";
import { checkConfig, MAX_LOG_HEIGHT, type StarkConfig } from "./config.ts";
import { friLayout } from "./layout.ts";

/**
 * Conjectured security of a configuration for an AIR shape (docs/security.md). Each term is a number of
 * bits; the result is their minimum.
 *
 * - fri: numQueries · logBlowup + powBits (the ethSTARK / Plonky3 conjecture for FRI with proximity
 *   parameter close to the list-decoding bound, plus grinding);
 * - ali: log2|F₄| − log2(#constraints) (random linear combination of the constraints with α powers);
 * - deep: log2|F₄| − log2(2 · D · n_max) (ζ hits a point where two distinct low-degree polynomials agree,
 *   for two opening points and constraint degree D);
 * - friFolding: log2|F₄| − log2(Σ_layers N_layer) (a folding challenge that makes a far word close);
 * - logup: log2|F₄| − log2(Σ_t n_t·k_t + w) (β hits a pole-cancelling root of the LogUp rational identity
 *   of total degree Σ n_t·k_t; α collides two tuples of width ≤ w).
 */
export interface SecurityShape {
  readonly logMaxHeight: number;
  readonly maxDegree: number;
  readonly constraints: number;
  /** Σ over tables of height × interactions. */
  readonly busRows: number;
  readonly maxTupleWidth: number;
}

export interface SecurityReport {
  readonly bits: number;
  readonly terms: {
    readonly fri: number;
    readonly ali: number;
    readonly deep: number;
    readonly friFolding: number;
    readonly logup: number;
  };
}

export const EXTENSION_FIELD_BITS = 4 * Math.log2(P);

/**
 * The shape for which the presets are rated when no AIR is at hand: tables up to 2^20 rows, degree ≤ 5,
 * ≤ 2^12 constraints per table, ≤ 2^23 bus rows. Taller tables lose about one bit per doubling in the
 * field terms; call securityReport with the actual shape.
 */
export const REFERENCE_SHAPE: SecurityShape = {
  logMaxHeight: 20,
  maxDegree: 5,
  constraints: 1 << 12,
  busRows: 1 << 23,
  maxTupleWidth: 16,
};

/** The shape of an AIR at given table heights (all tables at 2^MAX_LOG_HEIGHT if omitted). */
export function securityShape(air: Air, logHeights?: readonly number[]): SecurityShape {
  const hs = logHeights ?? air.tables.map(() => MAX_LOG_HEIGHT);
  let busRows = 0;
  air.tables.forEach((t, i) => {
    busRows += t.interactions.length * 2 ** hs[i]!;
  });
  const widths = air.tables.flatMap((t) => t.interactions.map((it) => it.fields.length));
  return {
    logMaxHeight: Math.max(...hs),
    maxDegree: Math.max(...air.tables.map((t) => t.degree)),
    constraints: Math.max(...air.tables.map((t) => t.constraints.length)),
    busRows,
    maxTupleWidth: Math.max(1, ...widths),
  };
}

export function securityReport(config: StarkConfig, shape: SecurityShape = REFERENCE_SHAPE): SecurityReport {
  checkConfig(config);
  const F = EXTENSION_FIELD_BITS;
  const logN = shape.logMaxHeight + config.logBlowup;
  const foldedPoints = friLayout(config, [logN]).layers.reduce((s, l) => s + 2 ** l.logSize, 0);
  const terms = {
    fri: config.numQueries * config.logBlowup + config.powBits,
    ali: F - Math.log2(Math.max(1, shape.constraints)),
    deep: F - Math.log2(2 * shape.maxDegree * 2 ** shape.logMaxHeight),
    friFolding: F - Math.log2(Math.max(1, foldedPoints)),
    logup: F - Math.log2(shape.busRows + shape.maxTupleWidth + 1),
  };
  const bits = Math.floor(Math.min(...Object.values(terms)));
  return { bits, terms };
}
