import { inv, P } from "../field/babybear.ts";
import { sharedColumn } from "../field/shared-columns.ts";
import { TableBuilder } from "../stark/air.ts";
import type { Expr } from "../stark/expr.ts";
import { Bus, TS_PER_CYCLE } from "./buses.ts";

/**
 * Building blocks shared by the machine's tables: named main columns, the lookups every chip uses
 * (range checks, byte pairs, AND of bytes), and a timestamped memory access. A chip is defined by a
 * function that allocates its columns and states its constraints; {@link defineChip} runs it twice, first
 * to count the columns (TableBuilder needs its width up front), then for real.
 */
export class Col {
  readonly i: number;
  readonly name: string;
  private readonly t: TableBuilder;
  constructor(t: TableBuilder, i: number, name: string) {
    this.t = t;
    this.i = i;
    this.name = name;
  }
  /** The column at the current row. */
  get e(): Expr {
    return this.t.main(this.i);
  }
  /** The column at the next row (cyclically). */
  get n(): Expr {
    return this.t.next(this.i);
  }
}

/** 1/2^16 in BabyBear: the high part of a value x = lo + 2^16·hi is (x − lo)·INV_2_16. */
export const INV_2_16 = inv(65536);
export const INV_4 = inv(4);

/** Columns of one timestamped memory access (see {@link ChipContext.access}). */
export interface AccessCols {
  readonly prevTs: Col;
  /** Low 16 bits of ts − prevTs − 1; the high byte is checked through the byte-pair pool. */
  readonly dlo: Col;
}

export interface AccessSpec {
  readonly space: Expr | number;
  readonly index: Expr;
  readonly prev: readonly [Expr, Expr];
  readonly next: readonly [Expr, Expr];
  readonly ts: Expr;
  readonly mult: Expr;
}

export class ChipContext {
  readonly t: TableBuilder;
  private readonly names: string[] = [];
  private readonly bytes: { v: Expr; mult: Expr }[] = [];
  /** The table column of this context's first column (chips stacked down a table share columns). */
  private readonly start: number;
  constructor(t: TableBuilder, start = 0) {
    this.t = t;
    this.start = start;
  }

  /**
   * A context on the same table whose columns begin at this one's next column: chips stacked down a table
   * each allocate from there (src/recursion/air.ts, `stacks`); {@link reserve} then takes the widest's columns.
   */
  stacked(): ChipContext {
    return new ChipContext(this.t, this.start + this.names.length);
  }

  /** Takes `count` columns that stacked contexts allocated; returns them. */
  reserve(name: string, count: number): Col[] {
    return this.cols(name, count);
  }

  get width(): number {
    return this.names.length;
  }

  get columnNames(): readonly string[] {
    return this.names;
  }

  col(name: string): Col {
    this.names.push(name);
    return new Col(this.t, this.start + this.names.length - 1, name);
  }

  cols(name: string, n: number): Col[] {
    return Array.from({ length: n }, (_, k) => this.col(`${name}${k}`));
  }

  k(v: number): Expr {
    return this.t.constant(((v % P) + P) % P);
  }

  sum(xs: readonly (Expr | number)[]): Expr {
    let s = this.k(0);
    for (const x of xs) s = s.add(x);
    return s;
  }

  public(i: number): Expr {
    return this.t.public(i);
  }

  zero(e: Expr | number): void {
    this.t.assertZero(e);
  }

  bool(e: Expr): void {
    this.t.assertZero(e.mul(e.sub(1)));
  }

  /**
   * The columns are 0 wherever `active` (a 0/1 expression) is 0: every cell of a witness is then fixed by
   * the statement (no free cells), so any single-cell change is caught.
   */
  pin(cols: Col | readonly Col[], active: Expr): void {
    const inactive = this.k(1).sub(active);
    for (const c of Array.isArray(cols) ? cols : [cols as Col]) this.t.assertZero(inactive.mul(c.e));
  }

  /** Pins the columns of an access to its multiplicity. */
  pinAccess(a: AccessCols, mult: Expr): void {
    this.pin([a.prevTs, a.dlo], mult);
  }

  range16(v: Expr | number, mult: Expr | number): void {
    this.t.send(Bus.RANGE16, [v], mult, { bound: 1 });
  }

  u12(v: Expr | number, mult: Expr | number): void {
    this.t.send(Bus.U12, [v], mult, { bound: 1 });
  }

  guestHi(v: Expr | number, mult: Expr | number): void {
    this.t.send(Bus.GUEST_HI, [v], mult, { bound: 1 });
  }

  bytePair(x: Expr | number, y: Expr | number, mult: Expr | number): void {
    this.t.send(Bus.BYTE_PAIR, [x, y], mult, { bound: 1 });
  }

  and8(x: Expr | number, y: Expr | number, z: Expr | number, mult: Expr | number): void {
    this.t.send(Bus.AND8, [x, y, z], mult, { bound: 1 });
  }

  /** x ∈ [0, 2^28): x = lo + 2^16·hi with lo a column checked as u16 and hi checked as u12. */
  range28(x: Expr, lo: Col, mult: Expr | number): void {
    this.range16(lo.e, mult);
    this.u12(x.sub(lo.e).mul(INV_2_16), mult);
  }

  /** A byte check that {@link finish} pairs with another of the same multiplicity into one lookup. */
  byte(v: Expr, mult: Expr): void {
    this.bytes.push({ v, mult });
  }

  /**
   * One timestamped access of memory word (space, index): consumes the token (prev, prevTs) and issues
   * (next, ts), with ts − prevTs − 1 ∈ [0, 2^24) so that accesses to a word are ordered in time.
   */
  access(name: string, s: AccessSpec): AccessCols {
    const prevTs = this.col(`${name}.prevTs`);
    const dlo = this.col(`${name}.dlo`);
    this.t.receive(Bus.MEM, [s.space, s.index, s.prev[0], s.prev[1], prevTs.e], s.mult, { bound: 1 });
    this.t.send(Bus.MEM, [s.space, s.index, s.next[0], s.next[1], s.ts], s.mult, { bound: 1 });
    this.range16(dlo.e, s.mult);
    this.byte(s.ts.sub(prevTs.e).sub(1).sub(dlo.e).mul(INV_2_16), s.mult);
    return { prevTs, dlo };
  }

  /** Timestamp of a slot of cycle clk. */
  ts(clk: Expr, slot: number): Expr {
    return clk.mul(TS_PER_CYCLE).add(slot);
  }

  /** Emits the pooled byte checks, two per lookup. */
  finish(): void {
    const groups = new Map<number, Expr[]>();
    const mults = new Map<number, Expr>();
    for (const b of this.bytes) {
      const list = groups.get(b.mult.id) ?? [];
      list.push(b.v);
      groups.set(b.mult.id, list);
      mults.set(b.mult.id, b.mult);
    }
    for (const [id, list] of groups) {
      for (let j = 0; j < list.length; j += 2) this.bytePair(list[j]!, list[j + 1] ?? 0, mults.get(id)!);
    }
    this.bytes.length = 0;
  }
}

export interface ChipDefinition<T> {
  readonly table: TableBuilder;
  readonly cols: T;
  readonly width: number;
  readonly columnNames: readonly string[];
}

/** Runs a chip definition twice: once to count its columns, once on a table of that width. */
export function defineChip<T>(
  name: string,
  define: (c: ChipContext) => T,
  options: { preprocessed?: readonly Uint32Array[] } = {},
): ChipDefinition<T> {
  const probe = new ChipContext(new TableBuilder(name, 1 << 16, options));
  define(probe);
  probe.finish();
  const c = new ChipContext(new TableBuilder(name, probe.width, options));
  const cols = define(c);
  c.finish();
  if (c.width !== probe.width) throw new Error(`chip ${name}: column allocation is not deterministic`);
  return { table: c.t, cols, width: c.width, columnNames: c.columnNames };
}

/** Canonical field element of an integer (negative values wrap). */
export function fe(v: number): number {
  const r = v % P;
  return r < 0 ? r + P : r;
}

/**
 * A zeroed column, in shared memory where the platform has it: the prover's threads then read the witness in
 * place instead of copying every column before its LDE and again before its LogUp fractions. A session
 * recycles a segment's columns once it is proven (prove.ts), so the next segment's reuse them.
 */
const newColumn = sharedColumn;

/** Column-major witness of one table. */
export class Trace {
  readonly columns: Uint32Array[];
  readonly height: number;
  /** Room for `rows` rows: the smallest power of two ≥ 4 that holds them, or `height` if given. */
  constructor(width: number, rows: number, height = paddedHeight(rows)) {
    if (!(height >= rows && height >= 4 && Number.isInteger(Math.log2(height))))
      throw new RangeError(`a trace of ${rows} rows cannot have height ${height}`);
    this.height = height;
    this.columns = Array.from({ length: width }, () => newColumn(this.height));
  }
  set(c: Col, row: number, v: number): void {
    this.columns[c.i]![row] = v >= 0 && v < P ? v : fe(v);
  }
  get(c: Col, row: number): number {
    return this.columns[c.i]![row]!;
  }
}

/**
 * Fills padding row r of a table (rows after the real ones). Tables without one pad with all-zero rows,
 * which their constraints accept with no bus traffic.
 */
export type PadRow = (tr: Trace, r: number) => void;

/** The trace grown to `height` rows, the new ones padding rows. */
export function extendTrace(tr: Trace, height: number, padRow?: PadRow): Trace {
  if (height === tr.height) return tr;
  const out = new Trace(tr.columns.length, tr.height, height);
  tr.columns.forEach((c, i) => out.columns[i]!.set(c));
  if (padRow) for (let r = tr.height; r < height; r++) padRow(out, r);
  return out;
}

/** Power-of-two height ≥ 4 (the engine's minimum) that holds `rows` rows. */
export function paddedHeight(rows: number): number {
  let h = 4;
  while (h < rows) h *= 2;
  return h;
}

/**
 * Fills the columns of an access. Out-of-order timestamps (possible only in a dishonest witness) give a
 * difference outside the range check, which the constraint check or the verifier rejects.
 */
export function fillAccess(tr: Trace, row: number, a: AccessCols, prevTs: number, ts: number): void {
  tr.set(a.prevTs, row, prevTs);
  tr.set(a.dlo, row, fe(ts - prevTs - 1) & 0xffff);
}
