import { decodeInto, div, divu, mulh, mulhsu, mulhu, OP_NAMES, Op, rem, remu } from "./decode.ts";
import { Host, type HostIo } from "./ecall.ts";
import { CycleLimitExceededError, GuestFault } from "./errors.ts";
import type { InputSource } from "./input.ts";
import { GUEST_MAX_MEM, GUEST_MIN_MEM, hex32 } from "./memory-map.ts";
import { initialMemory, type Program, redecode } from "./program.ts";

/** Default cycle limit: 2^28 cycles (a few seconds of execute-only time). */
export const DEFAULT_CYCLE_LIMIT = 2 ** 28;

export interface ExecuteOptions extends HostIo {
  /** What the guest reads with zkvm_read / env::read: bytes, or a source read as the guest consumes it. */
  input?: Uint8Array | InputSource;
  /** Stop with {@link CycleLimitExceededError} after this many cycles. */
  cycleLimit?: number;
}

/** What an execution produced. The claim is built from it in session.ts. */
export interface ExecutionResult {
  /** The guest's exit code (zkvm_exit / return value of main), as an unsigned 32-bit value. */
  exitCode: number;
  /** Instructions executed, including the halting ecall. One instruction is one cycle. */
  cycles: number;
  journal: Uint8Array;
  stdout: Uint8Array;
  stderr: Uint8Array;
  /** The Output digest the guest passed at halt (checked against the journal). */
  outputDigest: Uint8Array;
  /** Registers x0..x31 at halt (for debugging and tests). */
  registers: Int32Array;
}

if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
  throw new Error("the zkVM executor needs a little-endian host (typed-array views alias guest memory)");
}

const MIN = GUEST_MIN_MEM;
const SPAN = GUEST_MAX_MEM - GUEST_MIN_MEM;

export function checkCycleLimit(limit: number | undefined): number {
  const l = limit ?? DEFAULT_CYCLE_LIMIT;
  if (!Number.isSafeInteger(l) || l < 1) {
    throw new RangeError(`cycle limit must be a positive integer, got ${limit}`);
  }
  return l;
}

/** Registers at entry: all zero (the SDK's start code sets sp and gp). Index 32 is the x0 sink. */
export function initialRegisters(): Int32Array {
  return new Int32Array(33);
}

/**
 * Execute-only: runs the guest as fast as possible and returns its result. Deterministic: the same
 * program and input always give the same result, cycle count and faults.
 */
export function execute(program: Program, options: ExecuteOptions = {}): ExecutionResult {
  const limit = checkCycleLimit(options.cycleLimit);
  const host = new Host(options.input ?? new Uint8Array(0), options);
  const buffer = initialMemory(program);
  const r = initialRegisters();
  const cycles = runFast(program, buffer, r, host, limit);
  return {
    exitCode: host.exitCode,
    cycles,
    journal: host.journal.bytes(),
    stdout: host.stdout.bytes(),
    stderr: host.stderr.bytes(),
    outputDigest: host.outputDigest,
    registers: r.slice(0, 32),
  };
}

function runFast(program: Program, buffer: ArrayBuffer, r: Int32Array, host: Host, limit: number): number {
  // Copy-on-write: the first store into the pre-decoded range takes a private copy to re-decode into.
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
  let pc = program.entry | 0;
  let cycles = 0;
  for (;;) {
    if (cycles >= limit) throw new CycleLimitExceededError(limit, pc);
    let dd = d;
    let o = (pc - base) >>> 0;
    // pc and base are 4-aligned, so the byte offset is also the offset of the word's four slots.
    if (o >= codeSpan) {
      // Outside the pre-decoded range: decode the memory word on the fly.
      if ((pc - MIN) >>> 0 >= SPAN) throw new GuestFault("fetch-out-of-range", pc, cycles, pc);
      decodeInto(m32[pc >> 2]!, pc, scratch, 0);
      dd = scratch;
      o = 0;
    }
    const a = dd[o + 1]!;
    const b = dd[o + 2]!;
    const c = dd[o + 3]!;
    switch (dd[o]) {
      case Op.ADDI:
        r[a] = (r[b]! + c) | 0;
        pc += 4;
        break;
      case Op.ADD:
        r[a] = (r[b]! + r[c]!) | 0;
        pc += 4;
        break;
      case Op.LW: {
        const x = (r[b]! + c) | 0;
        if (x & 3) throw new GuestFault("misaligned-load", pc, cycles, x);
        if ((x - MIN) >>> 0 >= SPAN) throw new GuestFault("load-out-of-range", pc, cycles, x);
        r[a] = m32[x >> 2]!;
        pc += 4;
        break;
      }
      case Op.SW: {
        const x = (r[b]! + c) | 0;
        if (x & 3) throw new GuestFault("misaligned-store", pc, cycles, x);
        if ((x - MIN) >>> 0 >= SPAN) throw new GuestFault("store-out-of-range", pc, cycles, x);
        m32[x >> 2] = r[a]!;
        if ((x - codeLo) >>> 0 < codeSpan) {
          if (d === program.decoded) d = d.slice();
          redecode(program, d, m32, x, x + 4);
        }
        pc += 4;
        break;
      }
      case Op.BNE:
        if (r[a] !== r[b]) {
          if (c & 3) throw new GuestFault("misaligned-jump", pc, cycles, c);
          pc = c;
        } else pc += 4;
        break;
      case Op.BEQ:
        if (r[a] === r[b]) {
          if (c & 3) throw new GuestFault("misaligned-jump", pc, cycles, c);
          pc = c;
        } else pc += 4;
        break;
      case Op.BLT:
        if (r[a]! < r[b]!) {
          if (c & 3) throw new GuestFault("misaligned-jump", pc, cycles, c);
          pc = c;
        } else pc += 4;
        break;
      case Op.BGE:
        if (r[a]! >= r[b]!) {
          if (c & 3) throw new GuestFault("misaligned-jump", pc, cycles, c);
          pc = c;
        } else pc += 4;
        break;
      case Op.BLTU:
        if (r[a]! >>> 0 < r[b]! >>> 0) {
          if (c & 3) throw new GuestFault("misaligned-jump", pc, cycles, c);
          pc = c;
        } else pc += 4;
        break;
      case Op.BGEU:
        if (r[a]! >>> 0 >= r[b]! >>> 0) {
          if (c & 3) throw new GuestFault("misaligned-jump", pc, cycles, c);
          pc = c;
        } else pc += 4;
        break;
      case Op.JAL:
        if (c & 3) throw new GuestFault("misaligned-jump", pc, cycles, c);
        r[a] = b;
        pc = c;
        break;
      case Op.JALR: {
        const t = (r[b]! + c) & ~1;
        if (t & 3) throw new GuestFault("misaligned-jump", pc, cycles, t);
        r[a] = pc + 4;
        pc = t;
        break;
      }
      case Op.LUI:
      case Op.AUIPC:
        r[a] = c;
        pc += 4;
        break;
      case Op.LB:
      case Op.LBU: {
        const x = (r[b]! + c) | 0;
        if ((x - MIN) >>> 0 >= SPAN) throw new GuestFault("load-out-of-range", pc, cycles, x);
        r[a] = dd[o] === Op.LB ? m8[x]! : mu8[x]!;
        pc += 4;
        break;
      }
      case Op.LH:
      case Op.LHU: {
        const x = (r[b]! + c) | 0;
        if (x & 1) throw new GuestFault("misaligned-load", pc, cycles, x);
        if ((x - MIN) >>> 0 >= SPAN) throw new GuestFault("load-out-of-range", pc, cycles, x);
        r[a] = dd[o] === Op.LH ? m16[x >> 1]! : mu16[x >> 1]!;
        pc += 4;
        break;
      }
      case Op.SB: {
        const x = (r[b]! + c) | 0;
        if ((x - MIN) >>> 0 >= SPAN) throw new GuestFault("store-out-of-range", pc, cycles, x);
        m8[x] = r[a]!;
        if ((x - codeLo) >>> 0 < codeSpan) {
          if (d === program.decoded) d = d.slice();
          redecode(program, d, m32, x, x + 1);
        }
        pc += 4;
        break;
      }
      case Op.SH: {
        const x = (r[b]! + c) | 0;
        if (x & 1) throw new GuestFault("misaligned-store", pc, cycles, x);
        if ((x - MIN) >>> 0 >= SPAN) throw new GuestFault("store-out-of-range", pc, cycles, x);
        m16[x >> 1] = r[a]!;
        if ((x - codeLo) >>> 0 < codeSpan) {
          if (d === program.decoded) d = d.slice();
          redecode(program, d, m32, x, x + 2);
        }
        pc += 4;
        break;
      }
      case Op.SLTI:
        r[a] = r[b]! < c ? 1 : 0;
        pc += 4;
        break;
      case Op.SLTIU:
        r[a] = r[b]! >>> 0 < c >>> 0 ? 1 : 0;
        pc += 4;
        break;
      case Op.XORI:
        r[a] = r[b]! ^ c;
        pc += 4;
        break;
      case Op.ORI:
        r[a] = r[b]! | c;
        pc += 4;
        break;
      case Op.ANDI:
        r[a] = r[b]! & c;
        pc += 4;
        break;
      case Op.SLLI:
        r[a] = r[b]! << c;
        pc += 4;
        break;
      case Op.SRLI:
        r[a] = r[b]! >>> c;
        pc += 4;
        break;
      case Op.SRAI:
        r[a] = r[b]! >> c;
        pc += 4;
        break;
      case Op.SUB:
        r[a] = (r[b]! - r[c]!) | 0;
        pc += 4;
        break;
      case Op.SLL:
        r[a] = r[b]! << r[c]!;
        pc += 4;
        break;
      case Op.SLT:
        r[a] = r[b]! < r[c]! ? 1 : 0;
        pc += 4;
        break;
      case Op.SLTU:
        r[a] = r[b]! >>> 0 < r[c]! >>> 0 ? 1 : 0;
        pc += 4;
        break;
      case Op.XOR:
        r[a] = r[b]! ^ r[c]!;
        pc += 4;
        break;
      case Op.SRL:
        r[a] = r[b]! >>> r[c]!;
        pc += 4;
        break;
      case Op.SRA:
        r[a] = r[b]! >> r[c]!;
        pc += 4;
        break;
      case Op.OR:
        r[a] = r[b]! | r[c]!;
        pc += 4;
        break;
      case Op.AND:
        r[a] = r[b]! & r[c]!;
        pc += 4;
        break;
      case Op.MUL:
        r[a] = Math.imul(r[b]!, r[c]!);
        pc += 4;
        break;
      case Op.MULH:
        r[a] = mulh(r[b]!, r[c]!);
        pc += 4;
        break;
      case Op.MULHSU:
        r[a] = mulhsu(r[b]!, r[c]!);
        pc += 4;
        break;
      case Op.MULHU:
        r[a] = mulhu(r[b]!, r[c]!);
        pc += 4;
        break;
      case Op.DIV:
        r[a] = div(r[b]!, r[c]!);
        pc += 4;
        break;
      case Op.DIVU:
        r[a] = divu(r[b]!, r[c]!);
        pc += 4;
        break;
      case Op.REM:
        r[a] = rem(r[b]!, r[c]!);
        pc += 4;
        break;
      case Op.REMU:
        r[a] = remu(r[b]!, r[c]!);
        pc += 4;
        break;
      case Op.FENCE:
        pc += 4;
        break;
      case Op.ECALL:
        if (host.ecall(r, mu8, pc, cycles)) return cycles + 1;
        if (host.writtenTo > codeLo && host.writtenFrom < codeLo + codeSpan) {
          if (d === program.decoded) d = d.slice();
          redecode(program, d, m32, host.writtenFrom, host.writtenTo);
        }
        pc += 4;
        break;
      default:
        throw instructionFault(dd[o]!, m32[pc >> 2]!, pc, cycles);
    }
    cycles++;
  }
}

export function instructionFault(op: number, word: number, pc: number, cycles: number): GuestFault {
  if (op === Op.EBREAK) return new GuestFault("ebreak", pc, cycles, undefined, "EBREAK stops the guest");
  return new GuestFault(
    "illegal-instruction",
    pc,
    cycles,
    undefined,
    `instruction word ${hex32(word)} is not RV32IM (${OP_NAMES[op] ?? "unknown"})`,
  );
}
