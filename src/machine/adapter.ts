import type { Expr } from "../stark/expr.ts";
import { Bus, Slot, Space, TS_PER_CYCLE } from "./buses.ts";
import { type AccessCols, type ChipContext, type Col, fillAccess, INV_4, type Trace } from "./chip.ts";
import type { SegmentMemory } from "./memory.ts";
import type { OpSpec } from "./ops.ts";

/**
 * The part every execution chip shares (docs/machine.md §3): one flag per instruction it executes, the
 * execution-bus token it consumes (pc, clk, 0) and the one it issues, the fetch (a timestamped read of the
 * memory word at pc: von Neumann, so a store into code changes what runs next), the decode lookup of
 * that word, and register accesses.
 */
export interface Adapter {
  readonly flags: readonly Col[];
  readonly real: Expr;
  readonly op: Expr;
  readonly pc: Col;
  readonly clk: Col;
  readonly wlo: Col;
  readonly whi: Col;
  readonly fetch: AccessCols;
  /** Sum of the flags of the named instructions. */
  is(...names: string[]): Expr;
  /** The decode lookup; fields the chip's instructions do not use must be 0 (as decode gives them). */
  decode(f: { rd?: Expr; rs1?: Expr; rs2?: Expr; immA?: Expr; immB?: Expr }): void;
  /** The execution token issued: (npc, clk + 1, halted). */
  next(npc: Expr, halted?: Expr | number): void;
  /** A register access at a slot of this cycle: consumes (prev) and issues (next). */
  reg(
    name: string,
    slot: number,
    index: Expr,
    prev: readonly [Expr, Expr],
    next: readonly [Expr, Expr],
    mult: Expr,
  ): AccessCols;
}

export function defineAdapter(c: ChipContext, ops: readonly OpSpec[]): Adapter {
  const flags = ops.map((s) => c.col(`is_${s.name}`));
  for (const f of flags) c.bool(f.e);
  const real = c.sum(flags.map((f) => f.e));
  c.bool(real);
  const op = c.sum(ops.map((s, k) => flags[k]!.e.mul(s.op)));
  const pc = c.col("pc");
  const clk = c.col("clk");
  const wlo = c.col("w_lo");
  const whi = c.col("w_hi");
  c.t.receive(Bus.EXEC, [pc.e, clk.e, 0], real, { bound: 1 });
  const fetch = c.access("fetch", {
    space: Space.GUEST,
    index: pc.e.mul(INV_4),
    prev: [wlo.e, whi.e],
    next: [wlo.e, whi.e],
    ts: c.ts(clk.e, Slot.FETCH),
    mult: real,
  });
  c.pin([pc, clk, wlo, whi], real);
  c.pinAccess(fetch, real);
  const index = new Map(ops.map((s, k) => [s.name, k]));
  return {
    flags,
    real,
    op,
    pc,
    clk,
    wlo,
    whi,
    fetch,
    is: (...names) =>
      c.sum(
        names.map((n) => {
          const k = index.get(n);
          if (k === undefined) throw new Error(`chip ${c.t.name} has no instruction ${n}`);
          return flags[k]!.e;
        }),
      ),
    decode: (f) => {
      const z = c.k(0);
      c.t.send(
        Bus.DECODE,
        [wlo.e, whi.e, op, f.rd ?? z, f.rs1 ?? z, f.rs2 ?? z, f.immA ?? z, f.immB ?? z],
        real,
        { bound: 1 },
      );
    },
    next: (npc, halted = 0) => {
      c.t.send(Bus.EXEC, [npc, clk.e.add(1), halted], real, { bound: 1 });
    },
    reg: (name, slot, idx, prev, next, mult) => {
      const acc = c.access(name, {
        space: Space.REGISTER,
        index: idx,
        prev,
        next,
        ts: c.ts(clk.e, slot),
        mult,
      });
      c.pinAccess(acc, mult);
      return acc;
    },
  };
}

/** Witness side of one cycle: where it runs and the segment's memory. */
export interface CycleWitness {
  readonly clk: number;
  readonly pc: number;
  readonly word: number;
  readonly mem: SegmentMemory;
  /** False for a dishonest witness (soundness tests): record cross-checks are skipped. */
  readonly honest?: boolean;
}

/** Fills the adapter columns of a row and performs the fetch; `opIndex` is the op's index in the chip. */
export function fillAdapter(tr: Trace, row: number, a: Adapter, opIndex: number, cy: CycleWitness): void {
  tr.set(a.flags[opIndex]!, row, 1);
  tr.set(a.pc, row, cy.pc);
  tr.set(a.clk, row, cy.clk);
  const ts = cy.clk * TS_PER_CYCLE + Slot.FETCH;
  const { prev, prevTs } = cy.mem.access(Space.GUEST, cy.pc >>> 2, ts);
  if (cy.honest !== false && prev !== cy.word >>> 0)
    throw new Error(
      `fetch at pc 0x${cy.pc.toString(16)}: memory holds 0x${prev.toString(16)}, record 0x${cy.word.toString(16)}`,
    );
  tr.set(a.wlo, row, prev & 0xffff);
  tr.set(a.whi, row, prev >>> 16);
  fillAccess(tr, row, a.fetch, prevTs, ts);
}

/**
 * Performs a register access in the witness and fills its columns: reads (value undefined) keep the
 * register, writes replace it. Returns the previous value.
 */
export function fillReg(
  tr: Trace,
  row: number,
  acc: AccessCols,
  cy: CycleWitness,
  slot: number,
  index: number,
  value?: number,
): number {
  const ts = cy.clk * TS_PER_CYCLE + slot;
  const { prev, prevTs } = cy.mem.access(Space.REGISTER, index, ts, value);
  fillAccess(tr, row, acc, prevTs, ts);
  return prev;
}

/** Fills the two 16-bit halves of a 32-bit value. */
export function setHalves(tr: Trace, row: number, lo: Col, hi: Col, v: number): void {
  tr.set(lo, row, v & 0xffff);
  tr.set(hi, row, (v >>> 16) & 0xffff);
}

/** Register operands of an execution chip: the indices, rs1's and rs2's values, rd's previous value. */
export interface Operands {
  readonly rd: Col;
  readonly rs1: Col;
  readonly rs2: Col;
  readonly aLo: Col;
  readonly aHi: Col;
  /** rs2's value (a chip may put its immediate here when it does not read rs2). */
  readonly bLo: Col;
  readonly bHi: Col;
  readonly pLo: Col;
  readonly pHi: Col;
}

export function operandColumns(c: ChipContext): Operands {
  return {
    rd: c.col("rd"),
    rs1: c.col("rs1"),
    rs2: c.col("rs2"),
    aLo: c.col("a_lo"),
    aHi: c.col("a_hi"),
    bLo: c.col("b_lo"),
    bHi: c.col("b_hi"),
    pLo: c.col("rd_prev_lo"),
    pHi: c.col("rd_prev_hi"),
  };
}

export interface OperandAccesses {
  readonly rs1: AccessCols;
  readonly rs2: AccessCols;
  readonly rd: AccessCols;
}

/** The reads of rs1 and rs2 and the write of `result` to rd, each active where its multiplicity says. */
export function operandAccesses(
  A: Adapter,
  o: Operands,
  mult: { readonly rs1: Expr; readonly rs2: Expr; readonly rd: Expr },
  result: readonly [Expr, Expr],
): OperandAccesses {
  const a = [o.aLo.e, o.aHi.e] as const;
  const b = [o.bLo.e, o.bHi.e] as const;
  return {
    rs1: A.reg("rs1", Slot.RS1, o.rs1.e, a, a, mult.rs1),
    rs2: A.reg("rs2", Slot.RS2, o.rs2.e, b, b, mult.rs2),
    rd: A.reg("rd", Slot.RD, o.rd.e, [o.pLo.e, o.pHi.e], result, mult.rd),
  };
}

/**
 * Witness: fills the adapter and the operand indices, reads rs1 (when `read.rs1`) and rs2 (when `read.rs2`;
 * otherwise b is `imm`), and returns the two values.
 */
export function fillOperands(
  tr: Trace,
  row: number,
  A: Adapter,
  o: Operands,
  acc: OperandAccesses,
  opIndex: number,
  cy: CycleWitness,
  d: { readonly rd: number; readonly rs1: number; readonly rs2: number },
  read: { readonly rs1: boolean; readonly rs2: boolean },
  imm = 0,
): { a: number; b: number } {
  fillAdapter(tr, row, A, opIndex, cy);
  tr.set(o.rd, row, d.rd);
  tr.set(o.rs1, row, d.rs1);
  tr.set(o.rs2, row, d.rs2);
  const a = read.rs1 ? fillReg(tr, row, acc.rs1, cy, Slot.RS1, d.rs1) : 0;
  const b = read.rs2 ? fillReg(tr, row, acc.rs2, cy, Slot.RS2, d.rs2) : imm >>> 0;
  setHalves(tr, row, o.aLo, o.aHi, a);
  setHalves(tr, row, o.bLo, o.bHi, b);
  return { a, b };
}

/** Witness: writes `value` to rd and fills rd's previous value. */
export function fillResult(
  tr: Trace,
  row: number,
  o: Operands,
  acc: OperandAccesses,
  cy: CycleWitness,
  rd: number,
  value: number,
): void {
  const prev = fillReg(tr, row, acc.rd, cy, Slot.RD, rd, value);
  setHalves(tr, row, o.pLo, o.pHi, prev);
}
