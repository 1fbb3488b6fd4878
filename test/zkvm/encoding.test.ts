/** The test assembler (asm.ts) must produce the same words as clang's assembler. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseElf } from "../../src/zkvm/elf.ts";
import { asm } from "./asm.ts";
import { assemble } from "./toolchain.ts";

const NOP = 0x13;
const nops = (n: number) => new Array<number>(n).fill(NOP);

const cases: Array<[string, number | number[]]> = [
  ["add s0, t1, t2", asm.r("add", 8, 6, 7)],
  ["sub a0, a1, a2", asm.r("sub", 10, 11, 12)],
  ["sll x1, x2, x3", asm.r("sll", 1, 2, 3)],
  ["slt x1, x2, x3", asm.r("slt", 1, 2, 3)],
  ["sltu x1, x2, x3", asm.r("sltu", 1, 2, 3)],
  ["xor x1, x2, x3", asm.r("xor", 1, 2, 3)],
  ["srl x1, x2, x3", asm.r("srl", 1, 2, 3)],
  ["sra x31, x30, x29", asm.r("sra", 31, 30, 29)],
  ["or x1, x2, x3", asm.r("or", 1, 2, 3)],
  ["and x1, x2, x3", asm.r("and", 1, 2, 3)],
  ["mul x1, x2, x3", asm.r("mul", 1, 2, 3)],
  ["mulh x1, x2, x3", asm.r("mulh", 1, 2, 3)],
  ["mulhsu x1, x2, x3", asm.r("mulhsu", 1, 2, 3)],
  ["mulhu x1, x2, x3", asm.r("mulhu", 1, 2, 3)],
  ["div x1, x2, x3", asm.r("div", 1, 2, 3)],
  ["divu x1, x2, x3", asm.r("divu", 1, 2, 3)],
  ["rem x1, x2, x3", asm.r("rem", 1, 2, 3)],
  ["remu x1, x2, x3", asm.r("remu", 1, 2, 3)],
  ["addi x1, x2, -2048", asm.i("addi", 1, 2, -2048)],
  ["slti x1, x2, 2047", asm.i("slti", 1, 2, 2047)],
  ["sltiu x1, x2, -1", asm.i("sltiu", 1, 2, -1)],
  ["xori x1, x2, -1", asm.i("xori", 1, 2, -1)],
  ["ori x1, x2, 0x555", asm.i("ori", 1, 2, 0x555)],
  ["andi x1, x2, -16", asm.i("andi", 1, 2, -16)],
  ["slli x1, x2, 31", asm.slli(1, 2, 31)],
  ["srli x1, x2, 1", asm.srli(1, 2, 1)],
  ["srai x1, x2, 17", asm.srai(1, 2, 17)],
  ["lui x5, 0xfffff", asm.lui(5, 0xfffff000)],
  ["auipc x5, 0x80000", asm.auipc(5, 0x80000000)],
  ["lb x1, -1(x2)", asm.lb(1, 2, -1)],
  ["lh x1, 2(x2)", asm.lh(1, 2, 2)],
  ["lw x1, -2048(x2)", asm.lw(1, 2, -2048)],
  ["lbu x1, 2047(x2)", asm.lbu(1, 2, 2047)],
  ["lhu x1, 6(x2)", asm.lhu(1, 2, 6)],
  ["sb x3, -1(x2)", asm.sb(3, 2, -1)],
  ["sh x3, 2046(x2)", asm.sh(3, 2, 2046)],
  ["sw x3, -2048(x2)", asm.sw(3, 2, -2048)],
  ["beq x1, x2, 1f\nnop\n1:", [asm.beq(1, 2, 8), NOP]],
  ["2:\nnop\nbne x1, x2, 2b", [NOP, asm.bne(1, 2, -4)]],
  ["blt x1, x2, 3f\n.fill 1022, 4, 0x13\n3:", [asm.blt(1, 2, 4092), ...nops(1022)]],
  ["4:\n.fill 1024, 4, 0x13\nbge x1, x2, 4b", [...nops(1024), asm.bge(1, 2, -4096)]],
  ["bltu x1, x2, 5f\nnop\nnop\n5:", [asm.bltu(1, 2, 12), NOP, NOP]],
  ["6:\nbgeu x1, x2, 6b", asm.bgeu(1, 2, 0)],
  ["jal x1, 7f\n.fill 3, 4, 0x13\n7:", [asm.jal(1, 16), ...nops(3)]],
  ["8:\n.fill 300, 4, 0x13\njal x0, 8b", [...nops(300), asm.jal(0, -1200)]],
  ["jalr x1, -1(x2)", asm.jalr(1, 2, -1)],
  ["fence", asm.fence()],
  ["ecall", asm.ecall()],
  ["ebreak", asm.ebreak()],
  ["lui x9, 0x12345\naddi x9, x9, 0x678", asm.li(9, 0x12345678)],
  ["lui x9, 0x80000\naddi x9, x9, 0", asm.li(9, 0x80000000)],
  ["lui x9, 0x12346\naddi x9, x9, -0x800", asm.li(9, 0x12345800)],
];

describe("test assembler", () => {
  it("encodes like clang", () => {
    const source = `.globl _start\n_start:\n${cases.map(([s]) => s).join("\n")}\n`;
    const elf = parseElf(readFileSync(assemble(source)));
    const text = elf.segments.find((s) => s.executable)!;
    const view = new DataView(text.data.buffer, text.data.byteOffset, text.data.byteLength);
    let at = 0;
    for (const [s, enc] of cases) {
      for (const w of Array.isArray(enc) ? enc : [enc]) {
        expect({ s, word: view.getUint32(at, true).toString(16) }).toEqual({
          s,
          word: (w >>> 0).toString(16),
        });
        at += 4;
      }
    }
  });
});
