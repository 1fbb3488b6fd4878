import { ZkvmError } from "../errors.ts";
import { type ChipContext, defineChip, Trace } from "../machine/chip.ts";
import { type Air, defineAir, PublicInteractionBuilder, type TableBuilder } from "../stark/air.ts";
import type { StarkConfig } from "../stark/config.ts";
import type { Witness } from "../stark/prover.ts";
import { baseAluChip, bitsChip, dot4Chip, extAluChip, selectChip } from "./chips/arithmetic.ts";
import { bitsRowsChip } from "./chips/bits-rows.ts";
import {
  lanesOf,
  PUBLIC_BUS,
  type ReadCounts,
  type RecursionChip,
  rowsFor,
  rowsPerInstruction,
} from "./chips/chip.ts";
import { assertEqChip, constChip, hintChip, hintTwoLaneChip, publicChip, repackChip } from "./chips/moves.ts";
import { poseidon2Chip } from "./chips/poseidon2.ts";
import { poseidon2Degree7Chip } from "./chips/poseidon2-degree7.ts";
import { poseidon2TwoRowChip } from "./chips/poseidon2-two-row.ts";
import { poseidon2TwoRowDegree7Chip } from "./chips/poseidon2-two-row-degree7.ts";
import type { Execution } from "./executor.ts";
import { type Address, type Block, type Instruction, type Program, reads } from "./ir.ts";

/**
 * The recursion AIR of a program (docs/recursion.md): one table per chip, the program's instructions as
 * preprocessed columns, tables padded to the heights of a shape. Programs of one shape and public count share
 * the AIR's structure, hence its structure digest; a program's identity — its control ID — is the AIR
 * digest, which adds the preprocessed root.
 *
 * The chips are a parameter, and a shape names them (its keys are chip names, in table order): the
 * recursion release uses {@link recursionChips} of its configuration, the BN254 step `p254Chips` (p254.ts);
 * {@link ONE_ROW_CHIPS} is the wider one-row layout, kept for tests and measurements. One chip per
 * instruction kind either way.
 */
// biome-ignore lint/suspicious/noExplicitAny: a list of chips of different column types
export type AnyRecursionChip = RecursionChip<any, any>;
type AnyChip = AnyRecursionChip;

/**
 * Chips whose constraints are all of degree ≤ 3, so that any blowup (2 and up) proves them: the recursion
 * AIR of configurations of blowup 2 and 4 (the tests', recursion and BN254). Poseidon2 takes two rows per
 * permutation (259 main columns instead of 467) and `bits` 16 rows of two bits (5 main columns instead of
 * 34): a proof opens every column at each query, so narrow tables make proofs smaller and the wrap circuit
 * ~1,000 constraints cheaper per column, for the same cells to prove (docs/recursion.md §7,
 * docs/wrap-circuit.md §8).
 */
export const DEGREE3_CHIPS: readonly AnyChip[] = [
  constChip,
  hintChip,
  baseAluChip,
  extAluChip,
  dot4Chip,
  selectChip,
  repackChip,
  bitsRowsChip,
  poseidon2TwoRowChip,
  assertEqChip,
  publicChip,
];

/**
 * {@link DEGREE3_CHIPS} with Poseidon2 on one row of degree-7 constraints (238 main columns: one per
 * S-box): half the cells per permutation of the two-row chip, for configurations of blowup ≥ 8 — the
 * BN254 step's, and with hints two a row the recursion release's (docs/recursion.md §7,
 * docs/wrap-circuit.md §8).
 */
export const DEGREE7_CHIPS: readonly AnyChip[] = DEGREE3_CHIPS.map((c) =>
  c === poseidon2TwoRowChip ? poseidon2Degree7Chip : c,
);

/**
 * {@link DEGREE7_CHIPS} with hints two a row ({@link hintTwoLaneChip}): the recursion release's chips. Its
 * largest programs read between 2^16 and 2^17 hints, so a one-lane hint table is the AIR's only table at 2^17
 * rows; on two lanes every table is at most 2^16 rows, and every Merkle tree of a proof half as tall.
 */
export const RELEASE_CHIPS: readonly AnyChip[] = DEGREE7_CHIPS.map((c) =>
  c === hintChip ? hintTwoLaneChip : c,
);

/** {@link extAluChip} two a row. */
export const extAluTwoLaneChip: AnyChip = { ...extAluChip, name: "ext-alu-2-lanes", lanes: 2 };
/** {@link hintChip} four a row. */
export const hintFourLaneChip: AnyChip = { ...hintChip, name: "hint-4-lanes", lanes: 4 };
/** {@link extAluChip} four a row. */
export const extAluFourLaneChip: AnyChip = { ...extAluChip, name: "ext-alu-4-lanes", lanes: 4 };

/**
 * Chips with hints and extension arithmetic four a row: the identity program reads about four times as many
 * hints and runs four times as many extension operations as any other chip's instructions, so on four lanes
 * every chip of the BN254 identity AIR fits one height, and the AIR is one table (src/recursion/p254.ts).
 */
export const withFourLanes = (chips: readonly AnyChip[]): readonly AnyChip[] =>
  chips.map((c) => (c === hintChip ? hintFourLaneChip : c === extAluChip ? extAluFourLaneChip : c));

/**
 * {@link DEGREE7_CHIPS} with Poseidon2 on two rows of degree-7 constraints (142 main columns instead of 238)
 * and hints and extension arithmetic two a row: the BN254 step's chips (src/recursion/p254.ts). At twice the
 * Poseidon2 table's rows, the chips that ran four a row fit its height on two lanes.
 */
export const TWO_ROW_DEGREE7_CHIPS: readonly AnyChip[] = DEGREE7_CHIPS.map((c) =>
  c === poseidon2Degree7Chip
    ? poseidon2TwoRowDegree7Chip
    : c === hintChip
      ? hintTwoLaneChip
      : c === extAluChip
        ? extAluTwoLaneChip
        : c,
);

/** The same chips with Poseidon2 and `bits` on one row an instruction (for comparisons only). */
export const ONE_ROW_CHIPS: readonly AnyChip[] = DEGREE3_CHIPS.map((c) =>
  c === poseidon2TwoRowChip ? poseidon2Chip : c === bitsRowsChip ? bitsChip : c,
);

/** Whether `config` proves the degree-7 Poseidon2 table: its 8 quotient chunks need a blowup of at least 8. */
export const admitsDegree7 = (config: Pick<StarkConfig, "logBlowup">): boolean => config.logBlowup >= 3;

/**
 * The chips of recursion programs proven under `config`: {@link RELEASE_CHIPS} where it admits the degree-7
 * Poseidon2 table, the degree-3 chips otherwise.
 */
export function recursionChips(config: Pick<StarkConfig, "logBlowup">): readonly AnyChip[] {
  return admitsDegree7(config) ? RELEASE_CHIPS : DEGREE3_CHIPS;
}

const CHIPS_BY_NAME = new Map<string, AnyChip>(
  [
    ...DEGREE3_CHIPS,
    ...RELEASE_CHIPS,
    ...DEGREE7_CHIPS,
    ...ONE_ROW_CHIPS,
    ...TWO_ROW_DEGREE7_CHIPS,
    hintFourLaneChip,
    extAluFourLaneChip,
  ].map((c) => [c.name, c]),
);

/**
 * The chips a shape names, in its key order (the AIR's table order). Throws RecursionShapeError for a name
 * no chip has, or a set that does not give every instruction kind exactly one chip.
 */
export function chipsOfShape(shape: RecursionShape): readonly AnyChip[] {
  const chips = Object.keys(shape).map((name) => {
    const chip = CHIPS_BY_NAME.get(name);
    if (!chip) throw new RecursionShapeError(`the shape names an unknown recursion chip "${name}"`);
    return chip;
  });
  const kinds = chips.flatMap((c) => c.kinds);
  if (new Set(kinds).size !== kinds.length || kinds.length !== DEGREE3_CHIPS.flatMap((c) => c.kinds).length)
    throw new RecursionShapeError(
      `the shape's chips [${Object.keys(shape).join(", ")}] do not give every instruction kind one chip`,
    );
  return chips;
}

/** log2 of every chip table's height. */
export type RecursionShape = Readonly<Record<string, number>>;

export class RecursionShapeError extends ZkvmError {
  override name = "RecursionShapeError";
}

export const RECURSION_AIR_NAME = "zkvm-kit/recursion/v1";

export interface RecursionAir {
  readonly air: Air;
  readonly program: Program;
  readonly shape: RecursionShape;
  /** Per AIR table: its chips side by side (one, unless the AIR merges chips of one height). */
  readonly tables: readonly RecursionTable[];
}

/** One table of a recursion AIR: chips of one height, each in its own preprocessed and main columns. */
export interface RecursionTable {
  /** The table as its chips define it (what `defineAir` compiles). */
  readonly builder: TableBuilder;
  readonly logHeight: number;
  readonly width: number;
  /** Each chip's columns (as its `define` returns them, or an array of them per lane) and instructions. */
  readonly members: readonly {
    readonly chip: AnyChip;
    readonly cols: unknown;
    readonly rows: readonly Instruction[];
    /** The chip's first row: 0, or where it starts in a stack (chips sharing columns down the table). */
    readonly rowOffset: number;
    /** Rows the chip owns from there: the table's height, or its instructions' rows in a stack. */
    readonly rowCount: number;
  }[];
}

export interface RecursionAirOptions {
  /**
   * Chips of one height share a table (docs/wrap-circuit.md §8, "Chips of one height in one table"): a
   * table's LogUp running sum, its quotient and its opened row are paid once, and LogUp batches fractions
   * of several chips up to the table's degree. Off by default: the recursion release keeps a table per
   * chip; the BN254 step merges.
   */
  readonly mergeEqualHeights?: boolean;
  /**
   * Chips that share columns down their table (docs/wrap-circuit.md §8, "Stacked chips"), by name: each
   * group's chips take consecutive rows of the same preprocessed and main columns, in the order given, each
   * gated by a preprocessed selector of its own (its constraints and multiplicities multiplied by it). A stack
   * must fit its table's height; its chips must be of one row per instruction and share a table.
   */
  readonly stacks?: readonly (readonly string[])[];
}

/** Instructions per chip. */
export function chipRows(program: Program, chips: readonly AnyChip[]): Map<AnyChip, Instruction[]> {
  const byKind = new Map<string, AnyChip>();
  for (const chip of chips) for (const k of chip.kinds) byKind.set(k, chip);
  const rows = new Map<AnyChip, Instruction[]>(chips.map((c) => [c, []]));
  for (const ins of program.instructions) rows.get(byKind.get(ins.kind)!)!.push(ins);
  return rows;
}

/** The smallest shape that holds every given program (each table at least 2^2 rows). */
export function shapeFor(programs: readonly Program[], chips: readonly AnyChip[]): RecursionShape {
  const shape: Record<string, number> = {};
  for (const chip of chips) shape[chip.name] = 2;
  for (const p of programs)
    for (const [chip, rows] of chipRows(p, chips)) {
      const height = rowsFor(chip, rows.length);
      shape[chip.name] = Math.max(shape[chip.name]!, Math.ceil(Math.log2(Math.max(4, height))));
    }
  return shape;
}

function readCounts(program: Program): ReadCounts {
  const counts = new Uint32Array(program.memorySize);
  for (const ins of program.instructions) for (const a of reads(ins)) counts[a]!++;
  return counts;
}

/**
 * The chips grouped into tables: by height in order of first appearance when merging, else one each. Table
 * names join their chips' names with "+".
 */
function tableGroups(chips: readonly AnyChip[], shape: RecursionShape, merge: boolean): AnyChip[][] {
  if (!merge) return chips.map((c) => [c]);
  // A chip the shape gives no height lands in a group of its own key, which `recursionAir` refuses.
  const byHeight = new Map<number | undefined, AnyChip[]>();
  for (const chip of chips) {
    const h = shape[chip.name];
    const group = byHeight.get(h) ?? [];
    group.push(chip);
    byHeight.set(h, group);
  }
  return [...byHeight.values()];
}

/** A group of chips that share columns (one chip: its own columns) and their preprocessed columns. */
interface Unit {
  readonly chips: readonly {
    readonly chip: AnyChip;
    readonly rowOffset: number;
    readonly rowCount: number;
  }[];
  /** The chips' shared preprocessed columns, then (for a stack) one selector per chip. */
  readonly fixed: readonly Uint32Array[];
  readonly sharedWidth: number;
}

/** The group's chips in order, those of a stack together at its first chip's place. */
function stackUnits(group: readonly AnyChip[], stacks: readonly (readonly string[])[]): AnyChip[][] {
  const byName = new Map(group.map((c) => [c.name, c]));
  const stackOf = new Map<string, readonly string[]>();
  for (const stack of stacks)
    for (const name of stack) {
      if (stackOf.has(name)) throw new RecursionShapeError(`chip "${name}" is in two stacks`);
      stackOf.set(name, stack);
    }
  const units: AnyChip[][] = [];
  const placed = new Set<string>();
  for (const chip of group) {
    if (placed.has(chip.name)) continue;
    const stack = stackOf.get(chip.name) ?? [chip.name];
    const unit = stack.map((name) => {
      const member = byName.get(name);
      if (!member)
        throw new RecursionShapeError(
          `stack [${stack.join(", ")}]: chip "${name}" is not in the table of "${chip.name}"`,
        );
      if (stack.length > 1 && rowsPerInstruction(member) !== 1)
        throw new RecursionShapeError(
          `stack [${stack.join(", ")}]: chip "${name}" spans several rows an instruction`,
        );
      placed.add(name);
      return member;
    });
    units.push(unit);
  }
  return units;
}

function unitLayout(
  chips: readonly AnyChip[],
  rowsOf: Map<AnyChip, Instruction[]>,
  counts: ReadCounts,
  height: number,
  programName: string,
): Unit {
  const fixedOf = chips.map((chip) => chipFixedColumns(chip, rowsOf.get(chip)!, counts, height, programName));
  if (chips.length === 1)
    return {
      chips: [{ chip: chips[0]!, rowOffset: 0, rowCount: height }],
      fixed: fixedOf[0]!,
      sharedWidth: fixedOf[0]!.length,
    };
  let rowOffset = 0;
  const placed = chips.map((chip) => {
    const rowCount = rowsFor(chip, rowsOf.get(chip)!.length);
    const p = { chip, rowOffset, rowCount };
    rowOffset += rowCount;
    return p;
  });
  if (rowOffset > height)
    throw new RecursionShapeError(
      `program "${programName}": the stack [${chips.map((c) => c.name).join(", ")}] needs ${rowOffset} rows; its table has ${height}`,
    );
  const sharedWidth = Math.max(...fixedOf.map((f) => f.length));
  const shared = Array.from({ length: sharedWidth }, () => new Uint32Array(height));
  const selectors = placed.map(({ rowOffset: from, rowCount }) =>
    new Uint32Array(height).fill(1, from, from + rowCount),
  );
  placed.forEach(({ rowOffset: from, rowCount }, k) =>
    fixedOf[k]!.forEach((col, i) => shared[i]!.set(col.subarray(0, rowCount), from)),
  );
  return { chips: placed, fixed: [...shared, ...selectors], sharedWidth };
}

/** A chip's preprocessed columns at `height` rows: its instructions' rows, lanes side by side. */
function chipFixedColumns(
  chip: AnyChip,
  rows: readonly Instruction[],
  counts: ReadCounts,
  height: number,
  programName: string,
): Uint32Array[] {
  const span = rowsPerInstruction(chip);
  const lanes = lanesOf(chip);
  if (lanes > 1 && span > 1) throw new RangeError(`chip "${chip.name}": lanes need one row per instruction`);
  if (rowsFor(chip, rows.length) > height)
    throw new RecursionShapeError(
      `program "${programName}" has ${rows.length} ${chip.name} instructions (${rowsFor(chip, rows.length)} rows); the shape holds ${height} rows`,
    );
  const width = chip.fixedWidth;
  const fixed = Array.from({ length: lanes * width }, () => new Uint32Array(height));
  rows.forEach((ins, n) => {
    const [r, lane] = [Math.floor(n / lanes), n % lanes];
    for (let k = 0; k < span; k++)
      chip.fixedRow(ins, counts, k).forEach((v: number, i: number) => {
        fixed[lane * width + i]![r * span + k] = v;
      });
  });
  return fixed;
}

export function recursionAir(
  program: Program,
  shape: RecursionShape,
  chips: readonly AnyChip[] = chipsOfShape(shape),
  options: RecursionAirOptions = {},
): RecursionAir {
  const counts = readCounts(program);
  const rowsOf = chipRows(program, chips);
  const tables = tableGroups(chips, shape, options.mergeEqualHeights ?? false).map(
    (group): RecursionTable => {
      const logHeight = shape[group[0]!.name];
      if (logHeight === undefined)
        throw new RecursionShapeError(`the shape has no height for chip "${group[0]!.name}"`);
      const height = 2 ** logHeight;
      const units = stackUnits(group, options.stacks ?? []).map((unit) =>
        unitLayout(unit, rowsOf, counts, height, program.name),
      );
      const offsets: number[] = [];
      let offset = 0;
      for (const u of units) {
        offsets.push(offset);
        offset += u.fixed.length;
      }
      // Each chip's columns as it defines them (an array of them for several lanes), chip after chip; the
      // chips of a stack each from the stack's first column, gated by their selectors.
      const defineLanes = (c: ChipContext, chip: AnyChip, fixedAt: number) => {
        const width = chip.fixedWidth;
        const lane = (l: number) => chip.define(c, (i) => c.t.fixed(fixedAt + l * width + i));
        const lanes = lanesOf(chip);
        return lanes === 1 ? lane(0) : Array.from({ length: lanes }, (_, l) => lane(l));
      };
      const def = defineChip(
        units.map((u) => u.chips.map((m) => m.chip.name).join("/")).join("+"),
        (c) =>
          units.map((u, n) => {
            if (u.chips.length === 1) return [defineLanes(c, u.chips[0]!.chip, offsets[n]!)];
            const selector = (k: number) => c.t.fixed(offsets[n]! + u.sharedWidth + k);
            const widths: number[] = [];
            const cols = u.chips.map(({ chip }, k) => {
              const sub = c.stacked();
              const out = c.t.gated(selector(k), () => {
                const defined = defineLanes(sub, chip, offsets[n]!);
                sub.finish();
                return defined;
              });
              widths.push(sub.width);
              return out;
            });
            // Every cell no chip of the stack owns is zero: rows of none of them, columns past a chip's width.
            c.reserve(`stack${n}.`, Math.max(...widths)).forEach((col, j) => {
              const owners = u.chips.flatMap((_, k) => (widths[k]! > j ? [selector(k)] : []));
              c.zero(c.k(1).sub(c.sum(owners)).mul(col.e));
            });
            return cols;
          }),
        { preprocessed: units.flatMap((u) => u.fixed) },
      );
      return {
        builder: def.table,
        logHeight,
        width: def.width,
        members: units.flatMap((u, n) =>
          u.chips.map(({ chip, rowOffset, rowCount }, k) => ({
            chip,
            cols: def.cols[n]![k],
            rows: rowsOf.get(chip)!,
            rowOffset,
            rowCount,
          })),
        ),
      };
    },
  );
  const pub = new PublicInteractionBuilder();
  for (let i = 0; i < program.publicCount; i++) pub.receive(PUBLIC_BUS, [i, pub.public(i)]);
  const air = defineAir({
    name: RECURSION_AIR_NAME,
    publicCount: program.publicCount,
    tables: tables.map((t) => t.builder),
    publicInteractions: pub,
  });
  return { air, program, shape, tables };
}

/** Table heights of a recursion AIR's proofs, in table order. */
export const recursionTableHeights = (ra: Pick<RecursionAir, "tables">): number[] =>
  ra.tables.map((t) => t.logHeight);

/** The recursion AIR's witness from an execution of its program. */
export function recursionWitness(ra: RecursionAir, execution: Execution): Witness {
  const mem = execution.memory;
  const value = (a: Address): Block => [mem[4 * a]!, mem[4 * a + 1]!, mem[4 * a + 2]!, mem[4 * a + 3]!];
  const tables = ra.tables.map((t) => {
    const height = 2 ** t.logHeight;
    const tr = new Trace(t.width, height);
    for (const { chip, cols, rows, rowOffset, rowCount } of t.members) {
      const span = rowsPerInstruction(chip);
      const lanes = lanesOf(chip);
      if (lanes === 1) {
        rows.forEach((ins, r) => chip.fill(tr, rowOffset + r * span, cols, ins, value));
        for (let r = rows.length * span; r < rowCount; r++) chip.fill(tr, rowOffset + r, cols, null, value);
      } else {
        // Instruction n on row n / lanes, in lane n mod lanes; every lane after the last instruction pads.
        const laneCols = cols as unknown[];
        for (let n = 0; n < rowCount * lanes; n++)
          chip.fill(tr, rowOffset + Math.floor(n / lanes), laneCols[n % lanes], rows[n] ?? null, value);
      }
    }
    return tr.columns;
  });
  return { tables, publics: execution.publics };
}
