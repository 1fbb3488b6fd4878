import { Op } from "../zkvm/decode.ts";

/**
 * The RV32IM instructions the machine executes, with their encodings (opcode, funct3, funct7 patterns that
 * the decode table enforces), immediate formats, register use and the chip that executes them. Op ids are
 * the executor's (src/zkvm/decode.ts), so a decoded word means the same thing in both.
 */
export type ImmFormat =
  /** no immediate (imm_a = imm_b = 0) */
  | "none"
  /** 12-bit sign-extended, as 16-bit halves */
  | "I"
  /** shift amount (5 bits) in imm_a */
  | "shamt"
  /** store offset, sign-extended, as halves */
  | "S"
  /** branch offset as a signed field element in imm_a */
  | "B"
  /** upper immediate (word & 0xfffff000) as halves */
  | "U"
  /** jump offset as a signed field element in imm_a */
  | "J";

export type ChipName = "alu" | "control" | "mem" | "mul" | "div" | "system";

export interface OpSpec {
  readonly name: string;
  readonly op: number;
  readonly opcode: number;
  /** funct3 pattern; "fence" means funct3 ∈ {0, 1}. */
  readonly funct3?: number | "fence";
  readonly funct7?: number;
  /** ECALL is a single word. */
  readonly word?: number;
  readonly imm: ImmFormat;
  readonly rs1: boolean;
  readonly rs2: boolean;
  readonly rd: boolean;
  readonly chip: ChipName;
}

const r = (name: string, op: number, f3: number, f7: number, chip: ChipName): OpSpec => ({
  name,
  op,
  opcode: 0x33,
  funct3: f3,
  funct7: f7,
  imm: "none",
  rs1: true,
  rs2: true,
  rd: true,
  chip,
});
const i = (name: string, op: number, f3: number, chip: ChipName): OpSpec => ({
  name,
  op,
  opcode: 0x13,
  funct3: f3,
  imm: "I",
  rs1: true,
  rs2: false,
  rd: true,
  chip,
});
const sh = (name: string, op: number, f3: number, f7: number): OpSpec => ({
  name,
  op,
  opcode: 0x13,
  funct3: f3,
  funct7: f7,
  imm: "shamt",
  rs1: true,
  rs2: false,
  rd: true,
  chip: "mul",
});
const br = (name: string, op: number, f3: number): OpSpec => ({
  name,
  op,
  opcode: 0x63,
  funct3: f3,
  imm: "B",
  rs1: true,
  rs2: true,
  rd: false,
  chip: "control",
});
const ld = (name: string, op: number, f3: number): OpSpec => ({
  name,
  op,
  opcode: 0x03,
  funct3: f3,
  imm: "I",
  rs1: true,
  rs2: false,
  rd: true,
  chip: "mem",
});
const st = (name: string, op: number, f3: number): OpSpec => ({
  name,
  op,
  opcode: 0x23,
  funct3: f3,
  imm: "S",
  rs1: true,
  rs2: true,
  rd: false,
  chip: "mem",
});

export const OPS: readonly OpSpec[] = [
  { name: "lui", op: Op.LUI, opcode: 0x37, imm: "U", rs1: false, rs2: false, rd: true, chip: "alu" },
  { name: "auipc", op: Op.AUIPC, opcode: 0x17, imm: "U", rs1: false, rs2: false, rd: true, chip: "control" },
  { name: "jal", op: Op.JAL, opcode: 0x6f, imm: "J", rs1: false, rs2: false, rd: true, chip: "control" },
  {
    name: "jalr",
    op: Op.JALR,
    opcode: 0x67,
    funct3: 0,
    imm: "I",
    rs1: true,
    rs2: false,
    rd: true,
    chip: "control",
  },
  br("beq", Op.BEQ, 0),
  br("bne", Op.BNE, 1),
  br("blt", Op.BLT, 4),
  br("bge", Op.BGE, 5),
  br("bltu", Op.BLTU, 6),
  br("bgeu", Op.BGEU, 7),
  ld("lb", Op.LB, 0),
  ld("lh", Op.LH, 1),
  ld("lw", Op.LW, 2),
  ld("lbu", Op.LBU, 4),
  ld("lhu", Op.LHU, 5),
  st("sb", Op.SB, 0),
  st("sh", Op.SH, 1),
  st("sw", Op.SW, 2),
  i("addi", Op.ADDI, 0, "alu"),
  i("slti", Op.SLTI, 2, "alu"),
  i("sltiu", Op.SLTIU, 3, "alu"),
  i("xori", Op.XORI, 4, "alu"),
  i("ori", Op.ORI, 6, "alu"),
  i("andi", Op.ANDI, 7, "alu"),
  sh("slli", Op.SLLI, 1, 0),
  sh("srli", Op.SRLI, 5, 0),
  sh("srai", Op.SRAI, 5, 0x20),
  r("add", Op.ADD, 0, 0, "alu"),
  r("sub", Op.SUB, 0, 0x20, "alu"),
  r("sll", Op.SLL, 1, 0, "mul"),
  r("slt", Op.SLT, 2, 0, "alu"),
  r("sltu", Op.SLTU, 3, 0, "alu"),
  r("xor", Op.XOR, 4, 0, "alu"),
  r("srl", Op.SRL, 5, 0, "mul"),
  r("sra", Op.SRA, 5, 0x20, "mul"),
  r("or", Op.OR, 6, 0, "alu"),
  r("and", Op.AND, 7, 0, "alu"),
  r("mul", Op.MUL, 0, 1, "mul"),
  r("mulh", Op.MULH, 1, 1, "mul"),
  r("mulhsu", Op.MULHSU, 2, 1, "mul"),
  r("mulhu", Op.MULHU, 3, 1, "mul"),
  r("div", Op.DIV, 4, 1, "div"),
  r("divu", Op.DIVU, 5, 1, "div"),
  r("rem", Op.REM, 6, 1, "div"),
  r("remu", Op.REMU, 7, 1, "div"),
  {
    name: "fence",
    op: Op.FENCE,
    opcode: 0x0f,
    funct3: "fence",
    imm: "none",
    rs1: false,
    rs2: false,
    rd: false,
    chip: "system",
  },
  {
    name: "ecall",
    op: Op.ECALL,
    opcode: 0x73,
    word: 0x73,
    imm: "none",
    rs1: false,
    rs2: false,
    rd: false,
    chip: "system",
  },
];

export const OP_BY_ID: ReadonlyMap<number, OpSpec> = new Map(OPS.map((s) => [s.op, s]));

export function opsOf(chip: ChipName): OpSpec[] {
  return OPS.filter((s) => s.chip === chip);
}

export function opSpec(name: string): OpSpec {
  const s = OPS.find((o) => o.name === name);
  if (!s) throw new Error(`no op ${name}`);
  return s;
}

/** The immediate fields (imm_a, imm_b) the decode table gives for a word of this format. */
export function immFields(word: number, fmt: ImmFormat): [number, number] {
  const w = word >>> 0;
  const sign = w >>> 31;
  switch (fmt) {
    case "none":
      return [0, 0];
    case "I": {
      const v = (w | 0) >> 20;
      return [v & 0xffff, (v >>> 16) & 0xffff];
    }
    case "shamt":
      return [(w >>> 20) & 31, 0];
    case "S": {
      const v = (((w | 0) >> 25) << 5) | ((w >>> 7) & 31);
      return [v & 0xffff, (v >>> 16) & 0xffff];
    }
    case "B": {
      const v =
        (((w >>> 8) & 15) << 1) | (((w >>> 25) & 63) << 5) | (((w >>> 7) & 1) << 11) | (sign ? -4096 : 0);
      return [v, 0];
    }
    case "U":
      return [w & 0xf000, w >>> 16];
    case "J": {
      const v =
        (((w >>> 21) & 1023) << 1) |
        (((w >>> 20) & 1) << 11) |
        (((w >>> 12) & 255) << 12) |
        (sign ? -(1 << 20) : 0);
      return [v, 0];
    }
  }
}

/** The decoded fields of an instruction word, or undefined for an encoding outside RV32IM. */
export interface Decoded {
  readonly spec: OpSpec;
  /** Destination register; writes to x0 go to the sink register 32. Zero for ops that write none. */
  readonly rd: number;
  readonly rs1: number;
  readonly rs2: number;
  /** imm_a and imm_b; signed immediates (B, J) are integers that may be negative. */
  readonly immA: number;
  readonly immB: number;
}

/** Register index that absorbs writes to x0 (as in the executor). */
export const SINK_REGISTER = 32;

export function matches(s: OpSpec, word: number): boolean {
  const w = word >>> 0;
  if (s.word !== undefined) return w === s.word;
  if ((w & 0x7f) !== s.opcode) return false;
  const f3 = (w >>> 12) & 7;
  if (s.funct3 === "fence") {
    if (f3 > 1) return false;
  } else if (s.funct3 !== undefined && f3 !== s.funct3) return false;
  if (s.funct7 !== undefined && w >>> 25 !== s.funct7) return false;
  return true;
}

export function decodeWord(word: number): Decoded | undefined {
  const spec = OPS.find((s) => matches(s, word));
  if (!spec) return undefined;
  const w = word >>> 0;
  const rdBits = (w >>> 7) & 31;
  const [immA, immB] = immFields(w, spec.imm);
  return {
    spec,
    rd: spec.rd ? (rdBits === 0 ? SINK_REGISTER : rdBits) : 0,
    rs1: spec.rs1 ? (w >>> 15) & 31 : 0,
    rs2: spec.rs2 ? (w >>> 20) & 31 : 0,
    immA,
    immB,
  };
}
