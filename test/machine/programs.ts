/**
 * Test programs for the machine: each check computes one instruction on chosen operands and compares the
 * result with a hand-computed value (RISC-V semantics), faulting (EBREAK) on a mismatch — so a program
 * halts only if every result is right, and the machine must prove exactly that run.
 */
import { asm, DATA_BASE, type IName, type RName } from "../zkvm/asm.ts";

const A = 6;
const B = 7;
const R = 8;
const E = 9;

/** The result register must hold `expected`, else EBREAK. */
function expectReg(reg: number, expected: number): number[] {
  return [...asm.li(E, expected), asm.beq(reg, E, 8), asm.ebreak()];
}

export function checkR(op: RName, a: number, b: number, expected: number): number[] {
  return [...asm.li(A, a), ...asm.li(B, b), asm.r(op, R, A, B), ...expectReg(R, expected)];
}

export function checkI(op: IName, a: number, imm: number, expected: number): number[] {
  return [...asm.li(A, a), asm.i(op, R, A, imm), ...expectReg(R, expected)];
}

export function checkShiftI(op: "slli" | "srli" | "srai", a: number, sh: number, expected: number): number[] {
  return [...asm.li(A, a), asm[op](R, A, sh), ...expectReg(R, expected)];
}

const M = 0x80000000 | 0;

export const ALU_CHECKS: number[][] = [
  checkR("add", 0x7fffffff, 1, M),
  checkR("add", -1, 1, 0),
  checkR("add", 0x12345678, 0x0fedcba8, 0x22222220),
  checkR("sub", 0, 1, -1),
  checkR("sub", M, 1, 0x7fffffff),
  checkR("slt", -1, 0, 1),
  checkR("slt", 0, -1, 0),
  checkR("slt", M, 0x7fffffff, 1),
  checkR("slt", 5, 5, 0),
  checkR("sltu", -1, 0, 0),
  checkR("sltu", 0, -1, 1),
  checkR("sltu", 7, 7, 0),
  checkR("xor", -1, 0x0f0f0f0f, 0xf0f0f0f0 | 0),
  checkR("or", 0x00ff00ff, 0x0f0f0f0f, 0x0fff0fff),
  checkR("and", -1, 0x12345678, 0x12345678),
  checkR("and", 0xf0f0f0f0 | 0, 0x0f0f0f0f, 0),
  checkI("addi", 5, -6, -1),
  checkI("addi", 0x7fffffff, 1, M),
  checkI("slti", -5, -4, 1),
  checkI("slti", 0, -1, 0),
  checkI("sltiu", 0, -1, 1), // the immediate is sign-extended, then compared unsigned
  checkI("sltiu", -1, -1, 0),
  checkI("xori", 0x12345678, -1, ~0x12345678),
  checkI("ori", 0x10000000, 0x7ff, 0x100007ff),
  checkI("andi", -1, 0x800, 0xfffff800 | 0),
  [asm.lui(R, 0xfffff000), ...expectReg(R, 0xfffff000 | 0)],
  // Writes to x0 are discarded: x0 still reads 0 afterwards.
  [
    ...asm.li(A, 99),
    asm.r("add", 0, A, A),
    asm.i("addi", 0, A, 1),
    asm.r("add", R, 0, 0),
    ...expectReg(R, 0),
  ],
];

export const MUL_CHECKS: number[][] = [
  checkR("mul", -1, -1, 1),
  checkR("mul", M, 2, 0),
  checkR("mul", 0x12345, 0x6789, 0x12345 * 0x6789),
  checkR("mul", 123456789, 0, 0),
  checkR("mulh", M, M, 0x40000000),
  checkR("mulh", -1, 1, -1),
  checkR("mulh", 0x7fffffff, 0x7fffffff, 0x3fffffff),
  checkR("mulhsu", -1, -1, -1),
  checkR("mulhsu", M, 2, -1),
  checkR("mulhsu", 3, -1, 2),
  checkR("mulhu", -1, -1, -2),
  checkR("mulhu", M, 2, 1),
  checkR("sll", 1, 31, M),
  checkR("sll", 0x12345678, 0, 0x12345678),
  checkR("sll", 0x12345678, 32, 0x12345678), // the shift amount is rs2 mod 32
  checkR("sll", 3, 33, 6),
  checkR("srl", M, 31, 1),
  checkR("srl", -1, 0, -1),
  checkR("srl", -1, 1, 0x7fffffff),
  checkR("sra", M, 31, -1),
  checkR("sra", -8, 1, -4),
  checkR("sra", 0x40000000, 30, 1),
  checkR("sra", -1, 0, -1),
  checkShiftI("slli", 0x0000ffff, 16, 0xffff0000 | 0),
  checkShiftI("srli", 0xffff0000 | 0, 16, 0xffff),
  checkShiftI("srai", 0xffff0000 | 0, 16, -1),
  checkShiftI("srai", 0x12345678, 0, 0x12345678),
];

export const DIV_CHECKS: number[][] = [
  checkR("div", M, -1, M),
  checkR("rem", M, -1, 0),
  checkR("div", 7, 0, -1),
  checkR("rem", 7, 0, 7),
  checkR("divu", 7, 0, -1),
  checkR("remu", -7, 0, -7),
  checkR("div", -7, 2, -3),
  checkR("rem", -7, 2, -1),
  checkR("div", 7, -2, -3),
  checkR("rem", 7, -2, 1),
  checkR("div", -7, -2, 3),
  checkR("rem", -7, -2, -1),
  checkR("div", -1, 5, 0),
  checkR("rem", -1, 5, -1),
  checkR("divu", -1, 2, 0x7fffffff),
  checkR("remu", -1, 2, 1),
  checkR("remu", 5, 7, 5),
  checkR("div", 0, 5, 0),
  checkR("divu", 1000000007, 1000, 1000000),
  checkR("remu", 1000000007, 1000, 7),
  checkR("div", M, 1, M),
  checkR("rem", M, 3, -2),
];

const P = 20; // pointer register
export const MEM_CHECKS: number[][] = [
  [...asm.li(P, DATA_BASE + 256)],
  [...asm.li(A, 0x8899aabb | 0), asm.sw(A, P, 0), asm.lw(R, P, 0), ...expectReg(R, 0x8899aabb | 0)],
  [asm.lb(R, P, 0), ...expectReg(R, 0xffffffbb | 0)],
  [asm.lbu(R, P, 1), ...expectReg(R, 0xaa)],
  [asm.lb(R, P, 2), ...expectReg(R, 0xffffff99 | 0)],
  [asm.lbu(R, P, 3), ...expectReg(R, 0x88)],
  [asm.lh(R, P, 0), ...expectReg(R, 0xffffaabb | 0)],
  [asm.lhu(R, P, 2), ...expectReg(R, 0x8899)],
  [...asm.li(A, 0x7f), asm.sb(A, P, 1), asm.lw(R, P, 0), ...expectReg(R, 0x88997fbb | 0)],
  [...asm.li(A, 0x12345601), asm.sb(A, P, 3), asm.lw(R, P, 0), ...expectReg(R, 0x01997fbb)],
  [...asm.li(A, 0xcafe0000 | 0), asm.sh(A, P, 2), asm.lw(R, P, 0), ...expectReg(R, 0x00007fbb)],
  [...asm.li(A, 0x1234), asm.sh(A, P, 0), asm.lh(R, P, 0), ...expectReg(R, 0x1234)],
  [asm.sw(0, P, -4), asm.lw(R, P, -4), ...expectReg(R, 0)],
  // A load from the code segment reads an instruction word.
  [asm.auipc(A, 0), asm.lw(R, A, 0), ...expectReg(R, asm.auipc(A, 0) | 0)],
];

/** Control flow: every branch taken and not taken, jumps both ways, JALR clearing bit 0, AUIPC. */
export const CONTROL_CHECKS: number[][] = [
  // A branch that should not be taken skips nothing; a taken one skips the EBREAK.
  [...asm.li(A, -1), ...asm.li(B, 1)],
  [asm.beq(A, A, 8), asm.ebreak(), asm.beq(A, B, 8), asm.jal(0, 8), asm.ebreak()],
  [asm.bne(A, B, 8), asm.ebreak(), asm.bne(A, A, 8), asm.jal(0, 8), asm.ebreak()],
  [asm.blt(A, B, 8), asm.ebreak(), asm.blt(B, A, 8), asm.jal(0, 8), asm.ebreak()],
  [asm.bge(B, A, 8), asm.ebreak(), asm.bge(A, B, 8), asm.jal(0, 8), asm.ebreak()],
  [asm.bge(A, A, 8), asm.ebreak()],
  [asm.bltu(B, A, 8), asm.ebreak(), asm.bltu(A, B, 8), asm.jal(0, 8), asm.ebreak()],
  [asm.bgeu(A, B, 8), asm.ebreak(), asm.bgeu(B, A, 8), asm.jal(0, 8), asm.ebreak()],
  // A backward branch: a loop counting 5 down to 0.
  [...asm.li(R, 5), asm.i("addi", R, R, -1), asm.bne(R, 0, -4), ...expectReg(R, 0)],
  // jal forward over an EBREAK, link = pc + 4.
  [asm.auipc(A, 0), asm.jal(1, 8), asm.ebreak(), asm.i("addi", B, A, 8), asm.beq(1, B, 8), asm.ebreak()],
  // jalr to an odd address: bit 0 is cleared; rd = rs1 reads before it writes.
  [
    asm.auipc(A, 0),
    asm.i("addi", A, A, 17),
    asm.jalr(A, A, 0),
    asm.ebreak(),
    asm.auipc(B, 0),
    asm.i("addi", B, B, -4),
    asm.beq(A, B, 8),
    asm.ebreak(),
  ],
  // jalr with a negative offset, and a backward jal.
  [asm.jal(0, 12), asm.jalr(0, 1, 0), asm.ebreak(), asm.jal(1, -8)],
  // AUIPC with the top bit set wraps around 2^32.
  [
    asm.auipc(A, 0x80000000 | 0),
    asm.auipc(B, 0),
    asm.i("addi", B, B, -4),
    asm.r("sub", R, A, B),
    ...expectReg(R, M),
  ],
  // Self-modifying code: the store rewrites the instruction 16 bytes after the AUIPC before it runs.
  [
    asm.auipc(20, 0),
    ...asm.li(21, asm.i("addi", 22, 0, 77)),
    asm.sw(21, 20, 16),
    asm.i("addi", 22, 0, 1),
    ...expectReg(22, 77),
  ],
  [asm.fence()],
];

/** Ecalls other than HALT: READ into an unaligned buffer, short reads, WRITE to every fd, CYCLE_COUNT. */
export function ecallChecks(): number[][] {
  const sys = (n: number) => [...asm.li(5, n), asm.ecall()];
  return [
    // READ 6 bytes into DATA_BASE + 513 (unaligned, partial words at both ends): count 6.
    [...asm.li(10, DATA_BASE + 513), ...asm.li(11, 6), ...sys(1), ...expectReg(10, 6)],
    [...asm.li(P, DATA_BASE + 512), asm.lw(R, P, 0), ...expectReg(R, 0x03020100)],
    [asm.lw(R, P, 4), ...expectReg(R, 0x00060504)],
    // Then only 2 bytes are left: a short read, then end of input.
    [...asm.li(10, DATA_BASE + 600), ...asm.li(11, 100), ...sys(1), ...expectReg(10, 2)],
    [...asm.li(10, DATA_BASE + 600), ...asm.li(11, 100), ...sys(1), ...expectReg(10, 0)],
    [...asm.li(10, 1), ...asm.li(11, DATA_BASE + 512), ...asm.li(12, 3), ...sys(2), ...expectReg(10, 3)],
    [...asm.li(10, 2), ...asm.li(11, DATA_BASE + 512), ...asm.li(12, 0), ...sys(2), ...expectReg(10, 0)],
    [...asm.li(10, 3), ...asm.li(11, DATA_BASE + 512), ...asm.li(12, 0), ...sys(2), ...expectReg(10, 0)],
    // CYCLE_COUNT returns the cycles before it: compare two reads 3 instructions apart.
    [
      ...sys(3),
      asm.i("addi", A, 10, 0),
      ...sys(3),
      asm.r("sub", R, 10, A),
      ...expectReg(R, 4),
      ...expectReg(11, 0),
    ],
  ];
}

/** The input the ecall checks read: bytes 1..6 then 7, 8. */
export const ECALL_CHECKS_INPUT = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
