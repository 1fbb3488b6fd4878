import {
  decodeInto,
  div,
  divu,
  Format,
  mulh,
  mulhsu,
  mulhu,
  Op,
  opFormat,
  rem,
  remu,
  SINK,
} from "./decode.ts";
import { Host, type HostAccessSink } from "./ecall.ts";
import { CycleLimitExceededError, GuestFault } from "./errors.ts";
import {
  checkCycleLimit,
  type ExecuteOptions,
  type ExecutionResult,
  initialRegisters,
  instructionFault,
} from "./executor.ts";
import { GUEST_MAX_MEM, GUEST_MIN_MEM } from "./memory-map.ts";
import { initialMemory, type Program, redecode } from "./program.ts";

/** Bits of {@link ExecutionTrace.flags}. */
export const TraceFlag = {
  /** The instruction wrote rd (rd ≠ x0). */
  WRITES_RD: 1,
  LOAD: 2,
  STORE: 4,
  ECALL: 8,
} as const;

/**
 * Everything the prover needs, one row per cycle, as a struct of typed arrays (length `cycles`).
 * Register indices are the instruction's fields; values are raw 32-bit patterns (read as u32).
 * An ecall row reads t0 (as rs1) and a0 (as rs2) and writes a0 (as rd).
 * Memory accesses are recorded per aligned word: for a byte or halfword access the whole word
 * before and after the access.
 */
export interface ExecutionTrace {
  cycles: number;
  pc: Uint32Array;
  instruction: Uint32Array;
  rs1: Uint8Array;
  rs1Value: Uint32Array;
  rs2: Uint8Array;
  rs2Value: Uint32Array;
  rd: Uint8Array;
  rdValue: Uint32Array;
  memAddress: Uint32Array;
  memBefore: Uint32Array;
  memAfter: Uint32Array;
  flags: Uint8Array;
  /** Word accesses the host made to serve ecalls (input copied in, journal and digest read). */
  host: HostAccesses;
}

export interface HostAccesses {
  count: number;
  cycle: Uint32Array;
  address: Uint32Array;
  before: Uint32Array;
  after: Uint32Array;
  /** 1 for a write into guest memory, 0 for a read. */
  write: Uint8Array;
}

class HostAccessLog implements HostAccessSink {
  count = 0;
  cycle = new Uint32Array(64);
  address = new Uint32Array(64);
  before = new Uint32Array(64);
  after = new Uint32Array(64);
  write = new Uint8Array(64);
  access(cycle: number, wordAddress: number, before: number, after: number, write: boolean): void {
    if (this.count === this.cycle.length) {
      const n = this.count * 2;
      this.cycle = grow(this.cycle, n);
      this.address = grow(this.address, n);
      this.before = grow(this.before, n);
      this.after = grow(this.after, n);
      this.write = grow(this.write, n);
    }
    const i = this.count++;
    this.cycle[i] = cycle;
    this.address[i] = wordAddress;
    this.before[i] = before;
    this.after[i] = after;
    this.write[i] = write ? 1 : 0;
  }
  done(): HostAccesses {
    const n = this.count;
    return {
      count: n,
      cycle: this.cycle.slice(0, n),
      address: this.address.slice(0, n),
      before: this.before.slice(0, n),
      after: this.after.slice(0, n),
      write: this.write.slice(0, n),
    };
  }
}

function grow<T extends Uint32Array | Uint8Array>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}

const MIN = GUEST_MIN_MEM;
const SPAN = GUEST_MAX_MEM - GUEST_MIN_MEM;

/**
 * Recording execution: the same machine as {@link execute}, also producing the per-cycle trace.
 * Semantics are identical (tests run both paths on the same programs and compare).
 */
export function executeRecording(
  program: Program,
  options: ExecuteOptions = {},
): ExecutionResult & { trace: ExecutionTrace } {
  const limit = checkCycleLimit(options.cycleLimit);
  const host = new Host(options.input ?? new Uint8Array(0), options);
  const log = new HostAccessLog();
  const buffer = initialMemory(program);
  const r = initialRegisters();
  let d = program.decoded;
  const scratch = new Int32Array(4);
  const base = program.codeBase;
  const codeLo = base;
  const codeSpan = program.codeWords * 4;
  const m8 = new Int8Array(buffer);
  const mu8 = new Uint8Array(buffer);
  const m16 = new Int16Array(buffer);
  const mu16 = new Uint16Array(buffer);
  const m32 = new Int32Array(buffer);
  const formats = new Uint8Array(64);
  for (let op = 0; op < 64; op++) formats[op] = opFormat(op);

  let cap = Math.min(limit, 1 << 16);
  let tPc = new Uint32Array(cap);
  let tInsn = new Uint32Array(cap);
  let tRs1 = new Uint8Array(cap);
  let tRs1V = new Uint32Array(cap);
  let tRs2 = new Uint8Array(cap);
  let tRs2V = new Uint32Array(cap);
  let tRd = new Uint8Array(cap);
  let tRdV = new Uint32Array(cap);
  let tMa = new Uint32Array(cap);
  let tMb = new Uint32Array(cap);
  let tMf = new Uint32Array(cap);
  let tFl = new Uint8Array(cap);

  let pc = program.entry | 0;
  let cycles = 0;
  for (;;) {
    if (cycles >= limit) throw new CycleLimitExceededError(limit, pc);
    let dd = d;
    let o = (pc - base) >>> 0;
    if (o >= codeSpan) {
      if ((pc - MIN) >>> 0 >= SPAN) throw new GuestFault("fetch-out-of-range", pc, cycles, pc);
      decodeInto(m32[pc >> 2]!, pc, scratch, 0);
      dd = scratch;
      o = 0;
    }
    if (cycles === cap) {
      cap = Math.min(limit, cap * 2);
      tPc = grow(tPc, cap);
      tInsn = grow(tInsn, cap);
      tRs1 = grow(tRs1, cap);
      tRs1V = grow(tRs1V, cap);
      tRs2 = grow(tRs2, cap);
      tRs2V = grow(tRs2V, cap);
      tRd = grow(tRd, cap);
      tRdV = grow(tRdV, cap);
      tMa = grow(tMa, cap);
      tMb = grow(tMb, cap);
      tMf = grow(tMf, cap);
      tFl = grow(tFl, cap);
    }
    const op = dd[o]!;
    const a = dd[o + 1]!;
    const b = dd[o + 2]!;
    const c = dd[o + 3]!;
    const word = m32[pc >> 2]! >>> 0;
    const rs1 = (word >>> 15) & 31;
    const rs2 = (word >>> 20) & 31;
    const fmt = formats[op]!;
    tPc[cycles] = pc;
    tInsn[cycles] = word;
    if (fmt !== Format.NONE) {
      tRs1[cycles] = rs1;
      tRs1V[cycles] = r[rs1]!;
      if (fmt === Format.RS1_RS2) {
        tRs2[cycles] = rs2;
        tRs2V[cycles] = r[rs2]!;
      }
    }
    let flags = 0;
    let next = pc + 4;
    switch (op) {
      case Op.LUI:
      case Op.AUIPC:
        r[a] = c;
        break;
      case Op.JAL:
        if (c & 3) throw new GuestFault("misaligned-jump", pc, cycles, c);
        r[a] = b;
        next = c;
        break;
      case Op.JALR: {
        const t = (r[b]! + c) & ~1;
        if (t & 3) throw new GuestFault("misaligned-jump", pc, cycles, t);
        r[a] = pc + 4;
        next = t;
        break;
      }
      case Op.BEQ:
      case Op.BNE:
      case Op.BLT:
      case Op.BGE:
      case Op.BLTU:
      case Op.BGEU: {
        const x = r[a]!;
        const y = r[b]!;
        const taken =
          op === Op.BEQ
            ? x === y
            : op === Op.BNE
              ? x !== y
              : op === Op.BLT
                ? x < y
                : op === Op.BGE
                  ? x >= y
                  : op === Op.BLTU
                    ? x >>> 0 < y >>> 0
                    : x >>> 0 >= y >>> 0;
        if (taken) {
          if (c & 3) throw new GuestFault("misaligned-jump", pc, cycles, c);
          next = c;
        }
        break;
      }
      case Op.LB:
      case Op.LBU:
      case Op.LH:
      case Op.LHU:
      case Op.LW: {
        const x = (r[b]! + c) | 0;
        const size = op === Op.LW ? 4 : op === Op.LH || op === Op.LHU ? 2 : 1;
        if (x & (size - 1)) throw new GuestFault("misaligned-load", pc, cycles, x);
        if ((x - MIN) >>> 0 >= SPAN) throw new GuestFault("load-out-of-range", pc, cycles, x);
        r[a] =
          op === Op.LW
            ? m32[x >> 2]!
            : op === Op.LH
              ? m16[x >> 1]!
              : op === Op.LHU
                ? mu16[x >> 1]!
                : op === Op.LB
                  ? m8[x]!
                  : mu8[x]!;
        const w = m32[x >> 2]!;
        tMa[cycles] = x & ~3;
        tMb[cycles] = w;
        tMf[cycles] = w;
        flags |= TraceFlag.LOAD;
        break;
      }
      case Op.SB:
      case Op.SH:
      case Op.SW: {
        const x = (r[b]! + c) | 0;
        const size = op === Op.SW ? 4 : op === Op.SH ? 2 : 1;
        if (x & (size - 1)) throw new GuestFault("misaligned-store", pc, cycles, x);
        if ((x - MIN) >>> 0 >= SPAN) throw new GuestFault("store-out-of-range", pc, cycles, x);
        tMa[cycles] = x & ~3;
        tMb[cycles] = m32[x >> 2]!;
        if (op === Op.SW) m32[x >> 2] = r[a]!;
        else if (op === Op.SH) m16[x >> 1] = r[a]!;
        else m8[x] = r[a]!;
        tMf[cycles] = m32[x >> 2]!;
        flags |= TraceFlag.STORE;
        if ((x - codeLo) >>> 0 < codeSpan) {
          if (d === program.decoded) d = d.slice();
          redecode(program, d, m32, x, x + size);
        }
        break;
      }
      case Op.ADDI:
        r[a] = (r[b]! + c) | 0;
        break;
      case Op.SLTI:
        r[a] = r[b]! < c ? 1 : 0;
        break;
      case Op.SLTIU:
        r[a] = r[b]! >>> 0 < c >>> 0 ? 1 : 0;
        break;
      case Op.XORI:
        r[a] = r[b]! ^ c;
        break;
      case Op.ORI:
        r[a] = r[b]! | c;
        break;
      case Op.ANDI:
        r[a] = r[b]! & c;
        break;
      case Op.SLLI:
        r[a] = r[b]! << c;
        break;
      case Op.SRLI:
        r[a] = r[b]! >>> c;
        break;
      case Op.SRAI:
        r[a] = r[b]! >> c;
        break;
      case Op.ADD:
        r[a] = (r[b]! + r[c]!) | 0;
        break;
      case Op.SUB:
        r[a] = (r[b]! - r[c]!) | 0;
        break;
      case Op.SLL:
        r[a] = r[b]! << r[c]!;
        break;
      case Op.SLT:
        r[a] = r[b]! < r[c]! ? 1 : 0;
        break;
      case Op.SLTU:
        r[a] = r[b]! >>> 0 < r[c]! >>> 0 ? 1 : 0;
        break;
      case Op.XOR:
        r[a] = r[b]! ^ r[c]!;
        break;
      case Op.SRL:
        r[a] = r[b]! >>> r[c]!;
        break;
      case Op.SRA:
        r[a] = r[b]! >> r[c]!;
        break;
      case Op.OR:
        r[a] = r[b]! | r[c]!;
        break;
      case Op.AND:
        r[a] = r[b]! & r[c]!;
        break;
      case Op.MUL:
        r[a] = Math.imul(r[b]!, r[c]!);
        break;
      case Op.MULH:
        r[a] = mulh(r[b]!, r[c]!);
        break;
      case Op.MULHSU:
        r[a] = mulhsu(r[b]!, r[c]!);
        break;
      case Op.MULHU:
        r[a] = mulhu(r[b]!, r[c]!);
        break;
      case Op.DIV:
        r[a] = div(r[b]!, r[c]!);
        break;
      case Op.DIVU:
        r[a] = divu(r[b]!, r[c]!);
        break;
      case Op.REM:
        r[a] = rem(r[b]!, r[c]!);
        break;
      case Op.REMU:
        r[a] = remu(r[b]!, r[c]!);
        break;
      case Op.FENCE:
        break;
      case Op.ECALL: {
        tRs1[cycles] = 5;
        tRs1V[cycles] = r[5]!;
        tRs2[cycles] = 10;
        tRs2V[cycles] = r[10]!;
        const halted = host.ecall(r, mu8, pc, cycles, log);
        if (host.writtenTo > codeLo && host.writtenFrom < codeLo + codeSpan) {
          if (d === program.decoded) d = d.slice();
          redecode(program, d, m32, host.writtenFrom, host.writtenTo);
        }
        tFl[cycles] = TraceFlag.ECALL;
        if (halted) {
          cycles++;
          return {
            exitCode: host.exitCode,
            cycles,
            journal: host.journal.bytes(),
            stdout: host.stdout.bytes(),
            stderr: host.stderr.bytes(),
            outputDigest: host.outputDigest,
            registers: r.slice(0, 32),
            trace: {
              cycles,
              pc: tPc.slice(0, cycles),
              instruction: tInsn.slice(0, cycles),
              rs1: tRs1.slice(0, cycles),
              rs1Value: tRs1V.slice(0, cycles),
              rs2: tRs2.slice(0, cycles),
              rs2Value: tRs2V.slice(0, cycles),
              rd: tRd.slice(0, cycles),
              rdValue: tRdV.slice(0, cycles),
              memAddress: tMa.slice(0, cycles),
              memBefore: tMb.slice(0, cycles),
              memAfter: tMf.slice(0, cycles),
              flags: tFl.slice(0, cycles),
              host: log.done(),
            },
          };
        }
        // An ecall returns its result in a0 (the cycle count also sets a1 = cycle >> 32).
        flags = TraceFlag.ECALL | TraceFlag.WRITES_RD;
        tRd[cycles] = 10;
        tRdV[cycles] = r[10]!;
        break;
      }
      default:
        throw instructionFault(op, word, pc, cycles);
    }
    if (op !== Op.ECALL && a !== SINK && writesRd(op)) {
      flags |= TraceFlag.WRITES_RD;
      tRd[cycles] = a;
      tRdV[cycles] = r[a]!;
    }
    tFl[cycles] = flags;
    pc = next;
    cycles++;
  }
}

function writesRd(op: number): boolean {
  return !(
    (op >= Op.BEQ && op <= Op.BGEU) ||
    (op >= Op.SB && op <= Op.SW) ||
    op === Op.FENCE ||
    op === Op.ECALL
  );
}
