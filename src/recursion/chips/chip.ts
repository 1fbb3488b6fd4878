import type { ChipContext, Trace } from "../../machine/chip.ts";
import type { TableBuilder } from "../../stark/air.ts";
import type { Expr } from "../../stark/expr.ts";
import type { Address, Block, Instruction } from "../ir.ts";

/**
 * What every recursion chip shares: one row per instruction of its kinds, the instruction's operands as
 * preprocessed columns (so the program is data of the AIR), the values in main columns, and the memory bus.
 *
 * Memory bus tuple: (address, v0, v1, v2, v3). An instruction that writes an address sends its block with
 * multiplicity = the number of reads of that address (a preprocessed column); each read receives it with
 * multiplicity 1 on real rows. Every address has one writer (the program's construction guarantees it), so
 * the bus balances exactly when every read sees the written value. Base values travel as (v, 0, 0, 0). All
 * multiplicities are preprocessed, so LogUp counts their exact totals.
 */
export const MEM_BUS = 1;
/** (index, value): the public values the program exposes. */
export const PUBLIC_BUS = 2;

export type InstructionOf<K extends Instruction["kind"]> = Extract<Instruction, { kind: K }>;

/** How many times the program reads each address: the multiplicity of its write. */
export type ReadCounts = Uint32Array;

export interface RecursionChip<K extends Instruction["kind"], C> {
  readonly name: string;
  readonly kinds: readonly K[];
  /** Consecutive rows each instruction occupies (default 1); padding rows are single rows. */
  readonly rowsPerInstruction?: number;
  /**
   * Instructions side by side on one row (default 1), each in its own copy of the preprocessed and main
   * columns, constraints and interactions: the same cells on `lanes` times fewer, wider rows. For a chip of
   * one row per instruction whose table would be the AIR's tallest (docs/recursion.md §7).
   */
  readonly lanes?: number;
  readonly fixedWidth: number;
  /** Preprocessed row `k` (< rowsPerInstruction) of one instruction; a padding row is all zeros. */
  fixedRow(ins: InstructionOf<K>, reads: ReadCounts, k: number): number[];
  /** Allocates the main columns and states the constraints and bus interactions; `fixed(i)` is preprocessed column i. */
  define(c: ChipContext, fixed: (i: number) => Expr): C;
  /**
   * Fills the rows of an executed instruction from `row` on (`value(addr)` is the block the execution
   * wrote there) or, for `ins` null, one padding row (left zero unless the chip's constraints need otherwise).
   */
  fill(tr: Trace, row: number, cols: C, ins: InstructionOf<K> | null, value: (addr: Address) => Block): void;
}

/** Rows one instruction of the chip occupies. */
export const rowsPerInstruction = (chip: { readonly rowsPerInstruction?: number }): number =>
  chip.rowsPerInstruction ?? 1;

/** Instructions of the chip side by side on one row. */
export const lanesOf = (chip: { readonly lanes?: number }): number => chip.lanes ?? 1;

/** Rows `count` instructions of the chip occupy. */
export const rowsFor = (
  chip: { readonly rowsPerInstruction?: number; readonly lanes?: number },
  count: number,
): number => Math.ceil(count / lanesOf(chip)) * rowsPerInstruction(chip);

/** Receives (addr, block) from the memory bus: a read. */
export function readBlock(t: TableBuilder, addr: Expr, block: readonly (Expr | number)[], mult: Expr): void {
  t.receive(MEM_BUS, [addr, ...block], mult);
}

/** Sends (addr, block) on the memory bus: a write, read `mult` times. */
export function writeBlock(t: TableBuilder, addr: Expr, block: readonly (Expr | number)[], mult: Expr): void {
  t.send(MEM_BUS, [addr, ...block], mult);
}

/**
 * Padding rows (real = 0) read and write nothing, so their main values would be free; pinning them to 0
 * makes the witness of a program and its inputs unique.
 */
export function zeroWhenPadding(c: ChipContext, real: Expr, cols: readonly { readonly e: Expr }[]): void {
  const padding = c.k(1).sub(real);
  for (const col of cols) c.zero(padding.mul(col.e));
}

/** A base value's block. */
export const asBlock = (v: Expr | number): (Expr | number)[] => [v, 0, 0, 0];
