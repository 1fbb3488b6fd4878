import { ZkvmError } from "../errors.ts";
import { recycleColumns } from "../field/shared-columns.ts";
import type { Witness } from "../stark/prover.ts";
import { Syscall } from "../zkvm/ecall.ts";
import type { ExecutionTrace } from "../zkvm/recorder.ts";
import type { CycleWitness } from "./adapter.ts";
import { type ChipKey, type Machine, machine } from "./air.ts";
import { Bus } from "./buses.ts";
import { extendTrace, type PadRow, Trace } from "./chip.ts";
import { aluRow } from "./chips/alu.ts";
import { controlRow } from "./chips/control.ts";
import { decodePadding, decodeTrace } from "./chips/decode.ts";
import { divRow } from "./chips/div.ts";
import { type HostAccess, hostRow } from "./chips/host.ts";
import { BYTES_ROWS, SMALL_ROWS } from "./chips/lookup.ts";
import { memRow } from "./chips/mem.ts";
import { merkleTrace } from "./chips/merkle.ts";
import { mulRow } from "./chips/mul.ts";
import { pagePadding, pageTrace } from "./chips/page.ts";
import { poseidon2Padding, poseidon2Trace } from "./chips/poseidon2-table.ts";
import { systemRow } from "./chips/system.ts";
import { type MemoryImage, SegmentMemory } from "./memory.ts";
import { type ChipName, type Decoded, decodeWord } from "./ops.ts";
import { fitsPo2, segmentBudget, smallestPo2 } from "./shapes.ts";
import { type MachineState, type SegmentStatement, statementPublics } from "./statement.ts";
import { tallyLookups } from "./tally.ts";

/**
 * Trace generation for one segment (docs/machine.md §7): replays the recorded execution cycle by cycle
 * through the chips' witness functions, which restate the instruction semantics and are checked against
 * the executor's record, while a segment memory assigns every access its previous value and timestamp.
 * Then the paging, Merkle, decode and Poseidon2 tables, and finally the lookup multiplicities.
 */
export interface SegmentWitness {
  readonly witness: Witness;
  readonly statement: SegmentStatement;
  /** Rows per table (before padding), for reports. */
  readonly rows: Record<string, number>;
  /** The segment po2: every table is padded to `segmentShape(config, po2)` (shapes.ts). */
  readonly po2: number;
}

export class WitnessError extends ZkvmError {
  override name = "WitnessError";
}

const decodeCache = new Map<number, Decoded | undefined>();
function decoded(word: number): Decoded {
  let d = decodeCache.get(word);
  if (d === undefined && !decodeCache.has(word)) {
    d = decodeWord(word);
    decodeCache.set(word, d);
  }
  if (!d) throw new WitnessError(`0x${(word >>> 0).toString(16)} is not an RV32IM instruction`);
  return d;
}

const EXEC_CHIPS: readonly ChipName[] = ["alu", "control", "mem", "mul", "div", "system"];

/** Index of each ecall cycle's host writes in the record (READ's input). */
function hostWrites(trace: ExecutionTrace, start: number, end: number): Map<number, HostAccess[]> {
  const out = new Map<number, HostAccess[]>();
  const h = trace.host;
  for (let i = 0; i < h.count; i++) {
    const c = h.cycle[i]!;
    if (c < start || c >= end || h.write[i] !== 1) continue;
    const list = out.get(c) ?? [];
    list.push({ clk: 0, kind: 1, ptr: 0, count: 0, address: h.address[i]!, after: h.after[i]! });
    out.set(c, list);
  }
  return out;
}

/**
 * Lies for soundness tests: a witness built with any of these is dishonest (the record cross-checks are
 * off and missing lookup facts are tolerated); the verifier must reject its proof.
 */
export interface WitnessLies {
  /** Cycle → value written to rd instead of the computed one (ALU, multiply/shift, load). */
  readonly result?: ReadonlyMap<number, number>;
  /** Cycle → quotient and remainder of a division. */
  readonly quotient?: ReadonlyMap<number, { q: number; r: number }>;
  /** Cycle → next pc of a control-flow instruction. */
  readonly npc?: ReadonlyMap<number, number>;
  /** Cycle → the memory word after a store. */
  readonly stored?: ReadonlyMap<number, number>;
  /** Cycles whose destination x0 is written as x0 itself instead of the sink register. */
  readonly writeX0?: ReadonlySet<number>;
  /** Cycles left out of the trace. */
  readonly skip?: ReadonlySet<number>;
  /** Cycles executed twice (same clk). */
  readonly repeat?: ReadonlySet<number>;
  /** READ cycle → the halves written to a0 as field elements (e.g. not 16-bit values). */
  readonly readCountHalves?: ReadonlyMap<number, readonly [number, number]>;
  /** Ecall cycle → host writes replacing the recorded ones to the same words, or added. */
  readonly hostWrites?: ReadonlyMap<number, readonly { address: number; after: number }[]>;
}

export function segmentWitness(
  trace: ExecutionTrace,
  start: number,
  end: number,
  image: MemoryImage,
  m: Machine = machine(),
  lies?: WitnessLies,
  po2?: number,
): SegmentWitness {
  if (!(start >= 0 && end > start && end <= trace.cycles))
    throw new RangeError(`bad segment [${start}, ${end})`);
  const chips = m.chips;
  const writes = hostWrites(trace, start, end);
  for (const [k, extra] of lies?.hostWrites ?? [])
    writes.set(k, [
      ...(writes.get(k) ?? []),
      ...extra.map((w) => ({ clk: 0, kind: 1 as const, ptr: 0, count: 0, ...w })),
    ]);
  const honest = lies === undefined;
  const cycles: number[] = [];
  for (let k = start; k < end; k++) {
    if (lies?.skip?.has(k)) continue;
    cycles.push(k);
    if (lies?.repeat?.has(k)) cycles.push(k);
  }
  // Pass 1: rows per chip.
  const count: Record<string, number> = { host: 0 };
  for (const k of EXEC_CHIPS) count[k] = 0;
  for (const k of cycles) {
    const d = decoded(trace.instruction[k]!);
    count[d.spec.chip]!++;
    if (d.spec.name === "ecall") {
      const t0 = trace.rs1Value[k]!;
      if (t0 === Syscall.HALT) count.host! += 8;
      else if (t0 === Syscall.READ) count.host! += writes.get(k)?.length ?? 0;
    }
  }
  const traces: Partial<Record<ChipKey, Trace>> = {};
  const tr = (k: ChipKey) => (traces[k] ??= new Trace(chips[k].width, count[k] ?? 0));
  for (const k of [...EXEC_CHIPS, "host"] as const) tr(k);
  const rowOf: Record<string, number> = {};
  const next = (k: string) => {
    const r = rowOf[k] ?? 0;
    rowOf[k] = r + 1;
    return r;
  };

  const mem = new SegmentMemory(image);
  const words = new Set<number>();
  let halted = false;
  let exitCode = 0;
  let outputPtr = 0;
  let clk = 0;
  let last = -1;
  for (const k of cycles) {
    if (k !== last) clk++;
    last = k;
    const pc = trace.pc[k]!;
    const word = trace.instruction[k]! >>> 0;
    let d = decoded(word);
    if (lies?.writeX0?.has(k)) d = { ...d, rd: 0 };
    words.add(word);
    const cy: CycleWitness = { clk, pc, word, mem, honest };
    let npc = (pc + 4) >>> 0;
    switch (d.spec.chip) {
      case "alu": {
        const c = aluRow(chips.alu, tr("alu"), next("alu"), cy, d, lies?.result?.get(k));
        if (honest) checkRd(trace, k, d, c);
        break;
      }
      case "control": {
        const r = controlRow(chips.control, tr("control"), next("control"), cy, d, {
          npc: lies?.npc?.get(k),
        });
        npc = r.npc;
        if (honest && r.rd !== undefined) checkRd(trace, k, d, r.rd);
        break;
      }
      case "mem": {
        const v = memRow(chips.mem, tr("mem"), next("mem"), cy, d, {
          loaded: lies?.result?.get(k),
          stored: lies?.stored?.get(k),
        });
        if (honest && v !== undefined) checkRd(trace, k, d, v);
        break;
      }
      case "mul": {
        const v = mulRow(chips.mul, tr("mul"), next("mul"), cy, d, lies?.result?.get(k));
        if (honest) checkRd(trace, k, d, v);
        break;
      }
      case "div": {
        const v = divRow(chips.div, tr("div"), next("div"), cy, d, lies?.quotient?.get(k));
        if (honest) checkRd(trace, k, d, v);
        break;
      }
      case "system": {
        const e = systemRow(
          chips.system,
          tr("system"),
          next("system"),
          cy,
          d,
          k,
          trace.rdValue[k]!,
          lies?.readCountHalves?.get(k),
        );
        if (!e) break;
        if (e.syscall === Syscall.HALT) {
          halted = true;
          exitCode = e.exitCode;
          outputPtr = e.ptr;
          npc = 0;
          for (let j = 0; j < 8; j++) {
            const a: HostAccess = {
              clk: cy.clk,
              kind: 0,
              ptr: e.ptr,
              count: 32,
              address: e.ptr + 4 * j,
              k: j,
            };
            hostRow(chips.host, tr("host"), next("host"), a, mem);
          }
        } else if (e.syscall === Syscall.READ) {
          for (const w of writes.get(k) ?? []) {
            const a: HostAccess = { ...w, clk: cy.clk, ptr: e.ptr, count: e.count };
            hostRow(chips.host, tr("host"), next("host"), a, mem);
          }
        }
        break;
      }
    }
    if (honest && k + 1 < trace.cycles && !halted && trace.pc[k + 1] !== npc)
      throw new WitnessError(
        `cycle ${k}: next pc 0x${npc.toString(16)}, record 0x${trace.pc[k + 1]!.toString(16)}`,
      );
    if (honest && halted && k + 1 !== end)
      throw new WitnessError(`cycle ${k}: HALT before the segment's end`);
  }
  const output = new Uint8Array(32);
  if (halted) {
    const view = new DataView(output.buffer);
    for (let j = 0; j < 8; j++) view.setUint32(4 * j, mem.peek(0, (outputPtr >>> 2) + j), true);
  }

  // Paging and the Merkle multi-proof (siblings from the image before this segment's writes).
  const pages = [...mem.touched.values()].sort((a, b) => a.leaf - b.leaf);
  const pg = pageTrace(chips.page, pages);
  const preRootCheck = image.root();
  const mk = merkleTrace(chips.merkle, pg.leaves, image);
  if (mk.preRoot.some((v, i) => v !== preRootCheck[i])) throw new WitnessError("pre-state root mismatch");
  mem.commit();
  const postRoot = image.root();
  if (mk.postRoot.some((v, i) => v !== postRoot[i])) throw new WitnessError("post-state root mismatch");
  traces.page = pg.trace;
  traces.merkle = mk.trace;
  traces.decode = decodeTrace(chips.decode, [...words]);
  const p2 = new Map<string, Uint32Array>();
  for (const x of [...pg.spongeInputs, ...mk.compressInputs]) p2.set(x.join(","), x);
  traces.poseidon2 = poseidon2Trace(chips.poseidon2, [...p2.values()]);
  traces.bytes = new Trace(chips.bytes.width, BYTES_ROWS);
  traces.small = new Trace(chips.small.width, SMALL_ROWS);

  const pre: MachineState = { pc: trace.pc[start]!, root: mk.preRoot, cycles: start };
  const post: MachineState = {
    pc: halted ? 0 : end < trace.cycles ? trace.pc[end]! : 0,
    root: mk.postRoot,
    cycles: start + clk,
  };
  const statement: SegmentStatement = { pre, post, halted, exitCode, output };
  const publics = statementPublics(statement);
  const all = m.order.map((k) => traces[k] ?? new Trace(chips[k].width, 0));
  const needed = Object.fromEntries(m.order.map((k, i) => [k, all[i]!.height])) as Record<ChipKey, number>;
  const shapePo2 = po2 ?? smallestPo2({ ...needed, cycles: clk });
  if (shapePo2 === undefined || !fitsPo2({ ...needed, cycles: clk }, shapePo2))
    throw new WitnessError(
      `the segment (${clk} cycles, table heights ${JSON.stringify(needed)}) fits ${shapePo2 === undefined ? "no segment shape" : `no segment of po2 ${shapePo2}`}: split it (planSegments)`,
    );
  const budget = segmentBudget(shapePo2);
  const padding: Partial<Record<ChipKey, PadRow>> = {
    decode: decodePadding(chips.decode),
    page: pagePadding(chips.page),
    poseidon2: poseidon2Padding(chips.poseidon2),
  };
  const columns = m.order.map((k, i) => {
    const padded = extendTrace(all[i]!, 2 ** budget[k], padding[k]);
    // Copied into the taller trace: the next allocations (the other tables, then the LDEs) take its memory.
    if (padded !== all[i]) recycleColumns(all[i]!.columns);
    return padded.columns;
  });
  tallyLookups(m.air, columns, publics, (t, i) => multiplicityColumn(m, t, i), !honest);
  const rows: Record<string, number> = { ...count, page: pages.length * 32 };
  return { witness: { tables: columns, publics }, statement, rows, po2: shapePo2 };
}

function checkRd(trace: ExecutionTrace, k: number, d: Decoded, value: number): void {
  if (d.rd !== 0 && d.rd !== 32 && trace.rdValue[k]! >>> 0 !== value >>> 0)
    throw new WitnessError(
      `cycle ${k} (${d.spec.name}): the chip computes 0x${(value >>> 0).toString(16)}, the executor wrote 0x${(trace.rdValue[k]! >>> 0).toString(16)}`,
    );
}

/** Main column holding the multiplicity of a lookup provider's interaction. */
function multiplicityColumn(m: Machine, table: number, interaction: number): number {
  const key = m.order[table]!;
  const bus = m.air.tables[table]!.interactions[interaction]!.bus;
  const c = m.chips;
  switch (key) {
    case "bytes": {
      const L = c.bytes.cols;
      return (bus === Bus.RANGE16 ? L.range16 : bus === Bus.BYTE_PAIR ? L.pair : L.and8).i;
    }
    case "small": {
      const L = c.small.cols;
      return (bus === Bus.U12 ? L.u12 : bus === Bus.GUEST_HI ? L.guestHi : L.pow2).i;
    }
    case "decode":
      return c.decode.cols.mult.i;
    case "poseidon2":
      return bus === Bus.P2_SPONGE ? c.poseidon2.cols.mSponge.i : c.poseidon2.cols.mCompress.i;
    case "system":
      return c.system.cols.hostMult.i;
    default:
      throw new Error(`table ${key} has no lookup provider`);
  }
}
