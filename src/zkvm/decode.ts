/**
 * RV32IM decoding into a flat pre-decoded form: four int32 slots per instruction word,
 * `[op, a, b, c]`, read by the executors' switch loops. Operand meaning by op class:
 *
 * - register-register (ADD … REMU):     a = rd, b = rs1, c = rs2
 * - register-immediate, loads, JALR:    a = rd, b = rs1, c = sign-extended immediate
 * - stores:                             a = rs2, b = rs1, c = immediate
 * - branches:                           a = rs1, b = rs2, c = absolute target pc
 * - LUI: a = rd, c = value; AUIPC: a = rd, c = pc + imm; JAL: a = rd, b = pc + 4, c = target pc
 *
 * A destination of x0 is rewritten to the sink register 32, so the executors never write x0 and never
 * need to re-zero it; the recorder maps it back to 0.
 */

export const Op = {
  ILLEGAL: 0,
  LUI: 2,
  AUIPC: 3,
  JAL: 4,
  JALR: 5,
  BEQ: 6,
  BNE: 7,
  BLT: 8,
  BGE: 9,
  BLTU: 10,
  BGEU: 11,
  LB: 12,
  LH: 13,
  LW: 14,
  LBU: 15,
  LHU: 16,
  SB: 17,
  SH: 18,
  SW: 19,
  ADDI: 20,
  SLTI: 21,
  SLTIU: 22,
  XORI: 23,
  ORI: 24,
  ANDI: 25,
  SLLI: 26,
  SRLI: 27,
  SRAI: 28,
  ADD: 29,
  SUB: 30,
  SLL: 31,
  SLT: 32,
  SLTU: 33,
  XOR: 34,
  SRL: 35,
  SRA: 36,
  OR: 37,
  AND: 38,
  MUL: 39,
  MULH: 40,
  MULHSU: 41,
  MULHU: 42,
  DIV: 43,
  DIVU: 44,
  REM: 45,
  REMU: 46,
  FENCE: 47,
  ECALL: 48,
  EBREAK: 49,
} as const;
export type OpCode = (typeof Op)[keyof typeof Op];

export const OP_NAMES: readonly string[] = Object.entries(Op)
  .sort((x, y) => x[1] - y[1])
  .map(([name]) => name.toLowerCase());

/** The register index that absorbs writes to x0. */
export const SINK = 32;

/** How an instruction uses its register operands (for recording register reads). */
export const Format = { NONE: 0, RS1: 1, RS1_RS2: 2 } as const;

export function opFormat(op: number): number {
  if (op >= Op.BEQ && op <= Op.BGEU) return Format.RS1_RS2;
  if (op >= Op.SB && op <= Op.SW) return Format.RS1_RS2;
  if (op >= Op.ADD && op <= Op.REMU) return Format.RS1_RS2;
  if (op === Op.JALR || (op >= Op.LB && op <= Op.LHU) || (op >= Op.ADDI && op <= Op.SRAI)) return Format.RS1;
  return Format.NONE;
}

/** Decodes one instruction word at `pc` into `out[o..o+4]`. Unknown encodings decode to ILLEGAL. */
export function decodeInto(word: number, pc: number, out: Int32Array, o: number): void {
  const opcode = word & 0x7f;
  const rd = (word >>> 7) & 31;
  const funct3 = (word >>> 12) & 7;
  const rs1 = (word >>> 15) & 31;
  const rs2 = (word >>> 20) & 31;
  const funct7 = word >>> 25;
  const immI = word >> 20;
  const immS = ((word >> 25) << 5) | ((word >>> 7) & 31);
  const immB =
    ((word >> 31) << 12) |
    (((word >>> 7) & 1) << 11) |
    (((word >>> 25) & 63) << 5) |
    (((word >>> 8) & 15) << 1);
  const immU = word & 0xfffff000;
  const immJ =
    ((word >> 31) << 20) |
    (((word >>> 12) & 255) << 12) |
    (((word >>> 20) & 1) << 11) |
    (((word >>> 21) & 1023) << 1);
  const dst = rd === 0 ? SINK : rd;

  let op: number = Op.ILLEGAL;
  let a = 0;
  let b = 0;
  let c = 0;
  switch (opcode) {
    case 0x37:
      op = Op.LUI;
      a = dst;
      c = immU | 0;
      break;
    case 0x17:
      op = Op.AUIPC;
      a = dst;
      c = (pc + immU) | 0;
      break;
    case 0x6f:
      op = Op.JAL;
      a = dst;
      b = (pc + 4) | 0;
      c = (pc + immJ) | 0;
      break;
    case 0x67:
      if (funct3 === 0) {
        op = Op.JALR;
        a = dst;
        b = rs1;
        c = immI;
      }
      break;
    case 0x63: {
      const ops = [Op.BEQ, Op.BNE, -1, -1, Op.BLT, Op.BGE, Op.BLTU, Op.BGEU];
      const o2 = ops[funct3]!;
      if (o2 >= 0) {
        op = o2;
        a = rs1;
        b = rs2;
        c = (pc + immB) | 0;
      }
      break;
    }
    case 0x03: {
      const ops = [Op.LB, Op.LH, Op.LW, -1, Op.LBU, Op.LHU, -1, -1];
      const o2 = ops[funct3]!;
      if (o2 >= 0) {
        op = o2;
        a = dst;
        b = rs1;
        c = immI;
      }
      break;
    }
    case 0x23: {
      const ops = [Op.SB, Op.SH, Op.SW, -1, -1, -1, -1, -1];
      const o2 = ops[funct3]!;
      if (o2 >= 0) {
        op = o2;
        a = rs2;
        b = rs1;
        c = immS;
      }
      break;
    }
    case 0x13: {
      a = dst;
      b = rs1;
      c = immI;
      switch (funct3) {
        case 0:
          op = Op.ADDI;
          break;
        case 2:
          op = Op.SLTI;
          break;
        case 3:
          op = Op.SLTIU;
          break;
        case 4:
          op = Op.XORI;
          break;
        case 6:
          op = Op.ORI;
          break;
        case 7:
          op = Op.ANDI;
          break;
        case 1:
          if (funct7 === 0) {
            op = Op.SLLI;
            c = rs2;
          }
          break;
        case 5:
          if (funct7 === 0) {
            op = Op.SRLI;
            c = rs2;
          } else if (funct7 === 0x20) {
            op = Op.SRAI;
            c = rs2;
          }
          break;
      }
      break;
    }
    case 0x33: {
      a = dst;
      b = rs1;
      c = rs2;
      if (funct7 === 0) {
        op = [Op.ADD, Op.SLL, Op.SLT, Op.SLTU, Op.XOR, Op.SRL, Op.OR, Op.AND][funct3]!;
      } else if (funct7 === 0x20) {
        if (funct3 === 0) op = Op.SUB;
        else if (funct3 === 5) op = Op.SRA;
      } else if (funct7 === 1) {
        op = [Op.MUL, Op.MULH, Op.MULHSU, Op.MULHU, Op.DIV, Op.DIVU, Op.REM, Op.REMU][funct3]!;
      }
      break;
    }
    case 0x0f:
      // FENCE and FENCE.I (Zifencei) have no effect on a single in-order hart.
      if (funct3 === 0 || funct3 === 1) op = Op.FENCE;
      break;
    case 0x73:
      if (word === 0x00000073) op = Op.ECALL;
      else if (word === 0x00100073) op = Op.EBREAK;
      break;
  }
  if (op === Op.ILLEGAL) {
    a = 0;
    b = 0;
    c = 0;
  }
  out[o] = op;
  out[o + 1] = a;
  out[o + 2] = b;
  out[o + 3] = c;
}

/** Upper 32 bits of the unsigned 64-bit product of two 32-bit values. */
export function mulhu(x: number, y: number): number {
  const a = x >>> 0;
  const b = y >>> 0;
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  const bLo = b & 0xffff;
  const bHi = b >>> 16;
  const lo = aLo * bLo;
  const m1 = aHi * bLo;
  const m2 = aLo * bHi;
  const carry = ((lo >>> 16) + (m1 & 0xffff) + (m2 & 0xffff)) >>> 16;
  return (aHi * bHi + (m1 >>> 16) + (m2 >>> 16) + carry) | 0;
}

/** Upper 32 bits of the signed × signed product. */
export function mulh(x: number, y: number): number {
  return (mulhu(x, y) - (x < 0 ? y : 0) - (y < 0 ? x : 0)) | 0;
}

/** Upper 32 bits of the signed × unsigned product. */
export function mulhsu(x: number, y: number): number {
  return (mulhu(x, y) - (x < 0 ? y : 0)) | 0;
}

export function div(x: number, y: number): number {
  if (y === 0) return -1;
  if (x === -0x80000000 && y === -1) return x;
  return (x / y) | 0;
}

export function divu(x: number, y: number): number {
  if (y === 0) return -1;
  return ((x >>> 0) / (y >>> 0)) | 0;
}

export function rem(x: number, y: number): number {
  if (y === 0) return x;
  if (y === -1) return 0;
  return (x % y) | 0;
}

export function remu(x: number, y: number): number {
  if (y === 0) return x;
  return ((x >>> 0) % (y >>> 0)) | 0;
}
