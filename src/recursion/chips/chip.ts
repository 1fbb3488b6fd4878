import type { TableBuilder } from "../../stark/air.ts";
import type { Expr } from "../../stark/expr.ts";
import type { Address, Instruction } from "../ir.ts";

/**
 * What every recursion chip shares: one row per instruction of its kind, the instruction's operands as
 * preprocessed columns (so the program is data of the AIR), the values in main columns, and the memory bus.
 *
 * Memory bus tuple: (address, v0, v1, v2, v3). An instruction that writes an address sends its block with
 * multiplicity = the number of reads of that address (a preprocessed column); each read receives it with
 * multiplicity 1 on real rows. Every address has one writer (the program's construction guarantees it), so
 * the bus balances exactly when every read sees the written value. Base values travel as (v, 0, 0, 0).
 */
export const MEM_BUS = 1;
/** (index, value): the public values the program exposes. */
export const PUBLIC_BUS = 2;

export type InstructionOf<K extends Instruction["kind"]> = Extract<Instruction, { kind: K }>;

/** How many times the program reads each address: the multiplicity of its write. */
export type ReadCounts = Uint32Array;

export interface ChipColumns {
  /** The fixed column i at the current row. */
  fixed(i: number): Expr;
  /** Main column i at the current row. */
  main(i: number): Expr;
}

export interface RecursionChip<K extends Instruction["kind"]> {
  readonly kind: K;
  readonly name: string;
  readonly fixedWidth: number;
  readonly mainWidth: number;
  /** The preprocessed row of one instruction; a padding row is all zeros. */
  fixedRow(ins: InstructionOf<K>, reads: ReadCounts): number[];
  /** States the chip's constraints and bus interactions on its table. */
  define(t: TableBuilder, c: ChipColumns): void;
  /** The main row of one executed instruction; `value(addr)` is the block the execution wrote there. */
  mainRow(ins: InstructionOf<K>, value: (addr: Address) => readonly number[]): number[];
  /** The main row of a padding row (all zeros when omitted). */
  paddingRow?(): number[];
}

/** Receives (addr, block) from the memory bus: a read. */
export function readBlock(t: TableBuilder, addr: Expr, block: readonly (Expr | number)[], mult: Expr): void {
  t.receive(MEM_BUS, [addr, ...block], mult);
}

/** Sends (addr, block) on the memory bus: a write, read `mult` times. */
export function writeBlock(t: TableBuilder, addr: Expr, block: readonly (Expr | number)[], mult: Expr): void {
  t.send(MEM_BUS, [addr, ...block], mult);
}

/** A base value's block. */
export const asBlock = (v: Expr | number): (Expr | number)[] => [v, 0, 0, 0];
