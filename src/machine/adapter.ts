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
