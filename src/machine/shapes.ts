import type { StarkConfig } from "../stark/config.ts";
import { MAX_LOG_LDE_HEIGHT } from "../stark/config.ts";
import { type ChipKey, machineFor } from "./air.ts";
import { MAX_SEGMENT_CYCLES } from "./statement.ts";

/**
 * Segment shapes (docs/machine.md §8, "Segment shapes"): every segment proof of po2 k has exactly the
 * table heights `segmentShape(config, k)`, so the set of shapes a verifier (or a recursion release, one
 * lift program per shape) must know is the short list below, as RISC Zero's segment po2s are.
 *
 * A segment of po2 k runs at most 2^k cycles (MAX_SEGMENT_CYCLES for k = 21). Each table's height is a
 * budget: tables with at most one row per cycle of their kind get a share of 2^k that covers common
 * instruction mixes (ALU all of it, memory and multiply/shift a quarter each, control an eighth, …); the
 * paging tables, whose rows depend on the pages touched rather than on cycles, get budgets that hold
 * about 2^(k−11) pages (at least 8). The segment splitter (split.ts) ends a segment before the next cycle would overflow any budget, so a
 * program whose mix or memory use exceeds a share gets more, shorter segments instead of a bigger shape.
 */

/** The smallest segment po2: below it the fixed 2^16-row lookup table dominates every cost. */
export const MIN_SEGMENT_PO2 = 10;
/** The largest segment po2: timestamps 8·clk + slot must stay below 2^24 (MAX_SEGMENT_CYCLES). */
export const MAX_SEGMENT_PO2 = 21;
/** Every published segment po2, ascending. */
export const SEGMENT_PO2S: readonly number[] = Array.from(
  { length: MAX_SEGMENT_PO2 - MIN_SEGMENT_PO2 + 1 },
  (_, i) => MIN_SEGMENT_PO2 + i,
);

/**
 * log2 of each table's height at po2 k. Non-decreasing in k for every table, so "the smallest po2 a
 * segment fits" is well defined.
 */
const LOG_HEIGHT: { readonly [K in ChipKey]: (k: number) => number } = {
  bytes: () => 16, // fixed lookup tables: their preprocessed columns fix the height
  small: () => 12,
  decode: (k) => Math.min(Math.max(9, k - 3), 13), // distinct instruction words executed
  alu: (k) => k,
  control: (k) => k - 3,
  mem: (k) => k - 2,
  mul: (k) => k - 2, // multiplications and shifts
  div: (k) => k - 5,
  system: (k) => k - 6, // ecalls and fences
  host: (k) => k - 5, // 8 per HALT, one per word a READ writes
  page: (k) => Math.max(8, k - 6), // 32 rows per touched page: max(8, 2^(k−11)) pages
  merkle: (k) => Math.max(9, k - 6), // the touched pages' paths: ~3 rows per level per cluster
  // two rows per permutation: ≤ 64 sponge steps per page + 2 per Merkle path node
  poseidon2: (k) => Math.max(11, k - 4),
};

/** Cycles a segment of po2 k may span. */
export function segmentCycleCapacity(po2: number): number {
  checkPo2(po2);
  return Math.min(2 ** po2, MAX_SEGMENT_CYCLES);
}

type Budget = { readonly [K in ChipKey]: number };
const budgets = new Map<number, Budget>();

/** The log2 table heights, by table name, of segments of po2 k. */
export function segmentBudget(po2: number): Budget {
  let b = budgets.get(po2);
  if (!b) {
    checkPo2(po2);
    b = Object.freeze(
      Object.fromEntries(
        (Object.keys(LOG_HEIGHT) as ChipKey[]).map((t) => [t, LOG_HEIGHT[t](po2)]),
      ) as Budget,
    );
    budgets.set(po2, b);
  }
  return b;
}

/**
 * The log2 table heights, in the machine AIR's table order, of every segment proof of po2 k under a
 * configuration (the heights do not depend on it; the configuration is checked to admit them).
 */
export function segmentShape(config: StarkConfig, po2: number): number[] {
  const budget = segmentBudget(po2);
  const shape = machineFor(config).order.map((t) => budget[t]);
  const tallest = Math.max(...shape);
  if (tallest + config.logBlowup > MAX_LOG_LDE_HEIGHT)
    throw new RangeError(
      `segment po2 ${po2} has a 2^${tallest}-row table: with blowup 2^${config.logBlowup} its LDE exceeds 2^${MAX_LOG_LDE_HEIGHT}`,
    );
  return shape;
}

/** The po2 whose shape `logHeights` is, or undefined if it is not a published shape. */
export function segmentPo2Of(config: StarkConfig, logHeights: readonly number[]): number | undefined {
  return SEGMENT_PO2S.find((k) => {
    const s = segmentShape(config, k);
    return s.length === logHeights.length && s.every((h, i) => h === logHeights[i]);
  });
}

/** Rows a segment needs per table (before padding) and its cycles. */
export type SegmentRows = { readonly [K in ChipKey]?: number } & { readonly cycles: number };

/** Whether a segment needing `rows` fits po2 k. */
export function fitsPo2(rows: SegmentRows, po2: number): boolean {
  if (rows.cycles > segmentCycleCapacity(po2)) return false;
  const budget = segmentBudget(po2);
  for (const t in budget) if ((rows[t as ChipKey] ?? 0) > 2 ** budget[t as ChipKey]) return false;
  return true;
}

/** The smallest published po2 a segment fits, or undefined if none holds it. */
export function smallestPo2(rows: SegmentRows): number | undefined {
  return SEGMENT_PO2S.find((k) => fitsPo2(rows, k));
}

function checkPo2(po2: number): void {
  if (!(Number.isInteger(po2) && po2 >= MIN_SEGMENT_PO2 && po2 <= MAX_SEGMENT_PO2))
    throw new RangeError(
      `segment po2 must be an integer in [${MIN_SEGMENT_PO2}, ${MAX_SEGMENT_PO2}], got ${po2}`,
    );
}
