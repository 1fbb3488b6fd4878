/**
 * A tiny RV32IM assembler and ELF writer for tests. Its encodings are checked against clang's assembler
 * in encoding.test.ts, so tests built on it exercise the executor on real instruction words.
 */
import { ZERO_DIGEST } from "../../src/hash/digest.ts";
import { journalDigest, outputDigest } from "../../src/receipt/claim.ts";

const R = (f7: number, rs2: number, rs1: number, f3: number, rd: number, opc: number) =>
  ((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opc) >>> 0;
const I = (imm: number, rs1: number, f3: number, rd: number, opc: number) =>
  (((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opc) >>> 0;
const S = (imm: number, rs2: number, rs1: number, f3: number, opc: number) =>
  ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | opc) >>> 0;
const B = (imm: number, rs2: number, rs1: number, f3: number) =>
  ((((imm >> 12) & 1) << 31) |
    (((imm >> 5) & 0x3f) << 25) |
    (rs2 << 20) |
    (rs1 << 15) |
    (f3 << 12) |
    (((imm >> 1) & 15) << 8) |
    (((imm >> 11) & 1) << 7) |
    0x63) >>>
  0;
const U = (imm: number, rd: number, opc: number) => ((imm & 0xfffff000) | (rd << 7) | opc) >>> 0;
const J = (imm: number, rd: number) =>
  ((((imm >> 20) & 1) << 31) |
    (((imm >> 1) & 0x3ff) << 21) |
    (((imm >> 11) & 1) << 20) |
    (((imm >> 12) & 0xff) << 12) |
    (rd << 7) |
    0x6f) >>>
  0;

export const RTYPE = {
  add: [0, 0],
  sub: [0x20, 0],
  sll: [0, 1],
  slt: [0, 2],
  sltu: [0, 3],
  xor: [0, 4],
  srl: [0, 5],
  sra: [0x20, 5],
  or: [0, 6],
  and: [0, 7],
  mul: [1, 0],
  mulh: [1, 1],
  mulhsu: [1, 2],
  mulhu: [1, 3],
  div: [1, 4],
  divu: [1, 5],
  rem: [1, 6],
  remu: [1, 7],
} as const;
export type RName = keyof typeof RTYPE;

export const ITYPE = { addi: 0, slti: 2, sltiu: 3, xori: 4, ori: 6, andi: 7 } as const;
export type IName = keyof typeof ITYPE;

export const asm = {
  r: (name: RName, rd: number, rs1: number, rs2: number) =>
    R(RTYPE[name][0], rs2, rs1, RTYPE[name][1], rd, 0x33),
  i: (name: IName, rd: number, rs1: number, imm: number) => I(imm, rs1, ITYPE[name], rd, 0x13),
  slli: (rd: number, rs1: number, sh: number) => R(0, sh, rs1, 1, rd, 0x13),
  srli: (rd: number, rs1: number, sh: number) => R(0, sh, rs1, 5, rd, 0x13),
  srai: (rd: number, rs1: number, sh: number) => R(0x20, sh, rs1, 5, rd, 0x13),
  lui: (rd: number, imm: number) => U(imm, rd, 0x37),
  auipc: (rd: number, imm: number) => U(imm, rd, 0x17),
  jal: (rd: number, off: number) => J(off, rd),
  jalr: (rd: number, rs1: number, imm: number) => I(imm, rs1, 0, rd, 0x67),
  beq: (rs1: number, rs2: number, off: number) => B(off, rs2, rs1, 0),
  bne: (rs1: number, rs2: number, off: number) => B(off, rs2, rs1, 1),
  blt: (rs1: number, rs2: number, off: number) => B(off, rs2, rs1, 4),
  bge: (rs1: number, rs2: number, off: number) => B(off, rs2, rs1, 5),
  bltu: (rs1: number, rs2: number, off: number) => B(off, rs2, rs1, 6),
  bgeu: (rs1: number, rs2: number, off: number) => B(off, rs2, rs1, 7),
  lb: (rd: number, rs1: number, imm: number) => I(imm, rs1, 0, rd, 0x03),
  lh: (rd: number, rs1: number, imm: number) => I(imm, rs1, 1, rd, 0x03),
  lw: (rd: number, rs1: number, imm: number) => I(imm, rs1, 2, rd, 0x03),
  lbu: (rd: number, rs1: number, imm: number) => I(imm, rs1, 4, rd, 0x03),
  lhu: (rd: number, rs1: number, imm: number) => I(imm, rs1, 5, rd, 0x03),
  sb: (rs2: number, rs1: number, imm: number) => S(imm, rs2, rs1, 0, 0x23),
  sh: (rs2: number, rs1: number, imm: number) => S(imm, rs2, rs1, 1, 0x23),
  sw: (rs2: number, rs1: number, imm: number) => S(imm, rs2, rs1, 2, 0x23),
  fence: () => 0x0ff0000f,
  ecall: () => 0x00000073,
  ebreak: () => 0x00100073,
  /** Loads any 32-bit constant (two instructions, like the `li` pseudo-instruction). */
  li: (rd: number, value: number): number[] => {
    const v = value | 0;
    const lo = (v << 20) >> 20;
    const hi = (v - lo) | 0;
    return [U(hi, rd, 0x37), I(lo, rd, 0, rd, 0x13)];
  },
};

export const CODE_BASE = 0x0020_0800;
export const DATA_BASE = 0x0030_0000;

export interface SegmentSpec {
  vaddr: number;
  data: Uint8Array;
  memsz?: number;
  flags: number; // PF_X=1, PF_W=2, PF_R=4
}

/** Writes a minimal ELF32 RISC-V executable with these segments. */
export function writeElf(entry: number, segments: SegmentSpec[], eFlags = 0): Uint8Array {
  const phoff = 52;
  let offset = phoff + 32 * segments.length;
  const offsets = segments.map((s) => {
    const o = offset;
    offset += s.data.length;
    return o;
  });
  const out = new Uint8Array(offset);
  const v = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]);
  v.setUint16(16, 2, true);
  v.setUint16(18, 243, true);
  v.setUint32(20, 1, true);
  v.setUint32(24, entry, true);
  v.setUint32(28, phoff, true);
  v.setUint32(36, eFlags, true);
  v.setUint16(40, 52, true);
  v.setUint16(42, 32, true);
  v.setUint16(44, segments.length, true);
  segments.forEach((s, i) => {
    const h = phoff + 32 * i;
    v.setUint32(h, 1, true);
    v.setUint32(h + 4, offsets[i]!, true);
    v.setUint32(h + 8, s.vaddr, true);
    v.setUint32(h + 12, s.vaddr, true);
    v.setUint32(h + 16, s.data.length, true);
    v.setUint32(h + 20, s.memsz ?? s.data.length, true);
    v.setUint32(h + 24, s.flags, true);
    v.setUint32(h + 28, 4, true);
    out.set(s.data, offsets[i]!);
  });
  return out;
}

export function wordsToBytes(words: number[]): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  const v = new DataView(out.buffer);
  words.forEach((w, i) => v.setUint32(4 * i, w >>> 0, true));
  return out;
}

/** Output digest of an empty journal: what a test program passes at halt. */
export const EMPTY_OUTPUT_DIGEST = outputDigest({
  journalDigest: journalDigest(new Uint8Array(0)),
  assumptionsDigest: ZERO_DIGEST,
});

/** Instructions that halt with exit code 0 and an empty journal (clobber t0, a0, a1). */
export function haltWords(): number[] {
  return [...asm.li(5, 0), ...asm.li(10, 0), ...asm.li(11, DATA_BASE)];
}

/**
 * A test program: `body` then a halt. The data segment at DATA_BASE starts with the empty-journal Output
 * digest (32 bytes) followed by `data`, and is `dataSize` bytes long (zero-filled).
 */
export function program(body: number[], data: Uint8Array = new Uint8Array(0), dataSize = 4096): Uint8Array {
  const words = [...body, ...haltWords(), asm.ecall()];
  const dataBytes = new Uint8Array(32 + data.length);
  dataBytes.set(EMPTY_OUTPUT_DIGEST, 0);
  dataBytes.set(data, 32);
  return writeElf(CODE_BASE, [
    { vaddr: CODE_BASE, data: wordsToBytes(words), flags: 5 },
    { vaddr: DATA_BASE, data: dataBytes, memsz: Math.max(dataSize, dataBytes.length), flags: 6 },
  ]);
}
