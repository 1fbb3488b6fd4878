/**
 * Every RV32IM instruction with its edge cases. Expected values come from the RISC-V unprivileged
 * specification (chapter "M" for division corner cases), written out by hand here; a BigInt reference
 * model checks random operands in alu-fuzz.test.ts.
 */
import { describe, expect, it } from "vitest";
import { READ_MAX_BYTES } from "../../src/zkvm/ecall.ts";
import { CycleLimitExceededError, GuestFault } from "../../src/zkvm/errors.ts";
import { execute } from "../../src/zkvm/executor.ts";
import { loadProgram } from "../../src/zkvm/program.ts";
import { asm, CODE_BASE, DATA_BASE, program, type RName } from "./asm.ts";
import { runBoth, uregs } from "./harness.ts";

const X = 6; // first operand register (t1)
const Y = 7; // second operand register (t2)
const D = 8; // destination (s0)

function rr(name: RName, x: number, y: number): number {
  const res = runBoth(program([...asm.li(X, x), ...asm.li(Y, y), asm.r(name, D, X, Y)]));
  return uregs(res)[D]!;
}

const INT_MIN = 0x80000000;
const M1 = 0xffffffff;

describe("RV32I register-register", () => {
  it("add and sub wrap around", () => {
    expect(rr("add", 0x7fffffff, 1)).toBe(0x80000000);
    expect(rr("add", M1, 1)).toBe(0);
    expect(rr("sub", 0, 1)).toBe(M1);
    expect(rr("sub", INT_MIN, 1)).toBe(0x7fffffff);
  });
  it("shift amounts are masked to 5 bits", () => {
    expect(rr("sll", 1, 31)).toBe(0x80000000);
    expect(rr("sll", 1, 32)).toBe(1);
    expect(rr("sll", 1, 33)).toBe(2);
    expect(rr("srl", INT_MIN, 31)).toBe(1);
    expect(rr("srl", INT_MIN, 63)).toBe(1);
    expect(rr("srl", INT_MIN, M1)).toBe(1);
    expect(rr("sra", INT_MIN, 31)).toBe(M1);
    expect(rr("sra", INT_MIN, 4)).toBe(0xf8000000);
    expect(rr("sra", 0x40000000, 36)).toBe(0x04000000);
  });
  it("slt is signed, sltu unsigned", () => {
    expect(rr("slt", M1, 0)).toBe(1);
    expect(rr("sltu", M1, 0)).toBe(0);
    expect(rr("slt", 0, M1)).toBe(0);
    expect(rr("sltu", 0, M1)).toBe(1);
    expect(rr("slt", 5, 5)).toBe(0);
    expect(rr("slt", INT_MIN, 0x7fffffff)).toBe(1);
  });
  it("logic", () => {
    expect(rr("xor", 0xf0f0f0f0, 0xff00ff00)).toBe(0x0ff00ff0);
    expect(rr("or", 0xf0f0f0f0, 0x0f000000)).toBe(0xfff0f0f0);
    expect(rr("and", 0xf0f0f0f0, 0xff00ff00)).toBe(0xf000f000);
  });
});

describe("RV32M", () => {
  it("mul keeps the low 32 bits", () => {
    expect(rr("mul", INT_MIN, M1)).toBe(INT_MIN);
    expect(rr("mul", 0x10000, 0x10000)).toBe(0);
    expect(rr("mul", 0x12345678, 0x9abcdef0)).toBe(Number((0x12345678n * 0x9abcdef0n) & 0xffffffffn));
    expect(rr("mul", M1, M1)).toBe(1);
  });
  it("mulh, mulhsu, mulhu give the high half with the right signedness", () => {
    expect(rr("mulh", M1, M1)).toBe(0);
    expect(rr("mulhu", M1, M1)).toBe(0xfffffffe);
    expect(rr("mulhsu", M1, M1)).toBe(M1);
    expect(rr("mulh", INT_MIN, INT_MIN)).toBe(0x40000000);
    expect(rr("mulhu", INT_MIN, INT_MIN)).toBe(0x40000000);
    expect(rr("mulhsu", INT_MIN, M1)).toBe(0x80000000);
    expect(rr("mulh", INT_MIN, 0x7fffffff)).toBe(0xc0000000);
    expect(rr("mulhsu", 2, M1)).toBe(1);
    expect(rr("mulh", 0x7fffffff, 0x7fffffff)).toBe(0x3fffffff);
  });
  it("division rounds toward zero", () => {
    expect(rr("div", 7, -2 >>> 0)).toBe(-3 >>> 0);
    expect(rr("div", -7 >>> 0, 2)).toBe(-3 >>> 0);
    expect(rr("rem", -7 >>> 0, 2)).toBe(-1 >>> 0);
    expect(rr("rem", 7, -2 >>> 0)).toBe(1);
    expect(rr("divu", M1, 2)).toBe(0x7fffffff);
    expect(rr("remu", M1, 10)).toBe(5);
  });
  it("division by zero: quotient all ones, remainder the dividend", () => {
    expect(rr("div", 42, 0)).toBe(M1);
    expect(rr("div", INT_MIN, 0)).toBe(M1);
    expect(rr("divu", 42, 0)).toBe(M1);
    expect(rr("rem", -42 >>> 0, 0)).toBe(-42 >>> 0);
    expect(rr("remu", 42, 0)).toBe(42);
  });
  it("INT_MIN / -1 overflows to INT_MIN with remainder 0", () => {
    expect(rr("div", INT_MIN, M1)).toBe(INT_MIN);
    expect(rr("rem", INT_MIN, M1)).toBe(0);
    expect(rr("divu", INT_MIN, M1)).toBe(0);
    expect(rr("remu", INT_MIN, M1)).toBe(INT_MIN);
  });
});

describe("RV32I immediates", () => {
  const ri = (words: number[]) => uregs(runBoth(program(words)));
  it("addi sign-extends its immediate", () => {
    expect(ri([...asm.li(X, 10), asm.i("addi", D, X, -11)])[D]).toBe(M1);
    expect(ri([...asm.li(X, 0x7fffffff), asm.i("addi", D, X, 1)])[D]).toBe(INT_MIN);
    expect(ri([asm.i("addi", D, 0, 2047)])[D]).toBe(2047);
    expect(ri([asm.i("addi", D, 0, -2048)])[D]).toBe(-2048 >>> 0);
  });
  it("slti is signed, sltiu compares with the sign-extended immediate as unsigned", () => {
    expect(ri([...asm.li(X, -5), asm.i("slti", D, X, -4)])[D]).toBe(1);
    expect(ri([...asm.li(X, 5), asm.i("sltiu", D, X, -1)])[D]).toBe(1);
    expect(ri([...asm.li(X, -1), asm.i("sltiu", D, X, -1)])[D]).toBe(0);
    expect(ri([asm.i("sltiu", D, 0, 1)])[D]).toBe(1); // seqz
  });
  it("xori -1 is not; andi and ori sign-extend", () => {
    expect(ri([...asm.li(X, 0x12345678), asm.i("xori", D, X, -1)])[D]).toBe(~0x12345678 >>> 0);
    expect(ri([...asm.li(X, 0x12345678), asm.i("andi", D, X, -16)])[D]).toBe(0x12345670);
    expect(ri([asm.i("ori", D, 0, -2048)])[D]).toBe(0xfffff800);
  });
  it("immediate shifts", () => {
    const r = ri([...asm.li(X, INT_MIN | 1), asm.slli(8, X, 1), asm.srli(9, X, 31), asm.srai(18, X, 31)]);
    expect(r[8]).toBe(2);
    expect(r[9]).toBe(1);
    expect(r[18]).toBe(M1);
  });
  it("lui and auipc", () => {
    const r = ri([asm.lui(D, 0xfffff000), asm.auipc(9, 0x1000), asm.auipc(18, 0x80000000)]);
    expect(r[D]).toBe(0xfffff000);
    expect(r[9]).toBe(CODE_BASE + 4 + 0x1000);
    expect(r[18]).toBe((CODE_BASE + 8 + 0x80000000) >>> 0);
  });
  it("x0 stays zero whatever is written to it", () => {
    const r = ri([
      asm.i("addi", 0, 0, 5),
      asm.lui(0, 0x12345000),
      asm.r("add", 0, 0, 0),
      ...asm.li(X, DATA_BASE),
      asm.lw(0, X, 0),
      asm.jal(0, 4),
      asm.r("add", D, 0, 0),
    ]);
    expect(r[0]).toBe(0);
    expect(r[D]).toBe(0);
  });
  it("fence is a no-op", () => {
    const r = ri([asm.i("addi", D, 0, 3), asm.fence(), asm.i("addi", D, D, 1)]);
    expect(r[D]).toBe(4);
  });
});

describe("loads and stores", () => {
  const data = new Uint8Array([0x80, 0x01, 0x80, 0xff, 0x78, 0x56, 0x34, 0x12]);
  const base = DATA_BASE + 32; // after the output digest
  const ld = (words: number[]) => uregs(runBoth(program([...asm.li(9, base), ...words], data)));
  it("sign- and zero-extend", () => {
    const r = ld([
      asm.lb(8, 9, 0),
      asm.lbu(18, 9, 0),
      asm.lh(19, 9, 2),
      asm.lhu(20, 9, 2),
      asm.lh(21, 9, 0),
      asm.lw(22, 9, 4),
      asm.lb(23, 9, 1),
    ]);
    expect(r[8]).toBe(0xffffff80);
    expect(r[18]).toBe(0x80);
    expect(r[19]).toBe(0xffffff80);
    expect(r[20]).toBe(0xff80);
    expect(r[21]).toBe(0x0180);
    expect(r[22]).toBe(0x12345678);
    expect(r[23]).toBe(1);
  });
  it("negative offsets", () => {
    expect(ld([asm.i("addi", 9, 9, 8), asm.lw(8, 9, -4)])[8]).toBe(0x12345678);
  });
  it("sb and sh write only their bytes", () => {
    const r = ld([
      ...asm.li(X, 0xaabbccdd),
      asm.sb(X, 9, 4),
      asm.lw(8, 9, 4),
      asm.sh(X, 9, 6),
      asm.lw(18, 9, 4),
      asm.sw(X, 9, 0),
      asm.lw(19, 9, 0),
    ]);
    expect(r[8]).toBe(0x123456dd);
    expect(r[18]).toBe(0xccdd56dd);
    expect(r[19]).toBe(0xaabbccdd);
  });
});

describe("control flow", () => {
  // Each branch skips one `addi D, D, 1` when taken.
  const br = (op: "beq" | "bne" | "blt" | "bge" | "bltu" | "bgeu", x: number, y: number) => {
    const r = uregs(
      runBoth(program([...asm.li(X, x), ...asm.li(Y, y), asm[op](X, Y, 8), asm.i("addi", D, D, 1)])),
    );
    return r[D] === 0;
  };
  it("branches compare with the right signedness", () => {
    expect(br("beq", 3, 3)).toBe(true);
    expect(br("beq", 3, 4)).toBe(false);
    expect(br("bne", 3, 4)).toBe(true);
    expect(br("bne", 3, 3)).toBe(false);
    expect(br("blt", -1, 0)).toBe(true);
    expect(br("blt", 0, -1)).toBe(false);
    expect(br("bltu", -1, 0)).toBe(false);
    expect(br("bltu", 0, -1)).toBe(true);
    expect(br("bge", 0, -1)).toBe(true);
    expect(br("bge", 5, 5)).toBe(true);
    expect(br("bge", -1, 0)).toBe(false);
    expect(br("bgeu", -1, 0)).toBe(true);
    expect(br("bgeu", 0, -1)).toBe(false);
  });
  it("backward branches loop", () => {
    // D = 10 + 9 + … + 1
    const r = uregs(
      runBoth(
        program([asm.i("addi", X, 0, 10), asm.r("add", D, D, X), asm.i("addi", X, X, -1), asm.bne(X, 0, -8)]),
      ),
    );
    expect(r[D]).toBe(55);
  });
  it("jal links pc + 4; jalr clears bit 0 and may use rd = rs1", () => {
    const r = uregs(
      runBoth(
        program([
          asm.jal(1, 8), // CODE_BASE: ra = CODE_BASE + 4, skip next
          asm.i("addi", D, D, 100),
          ...asm.li(X, CODE_BASE + 24 + 1), // CODE_BASE+8, +12: odd target, bit 0 cleared
          asm.jalr(X, X, 0), // CODE_BASE+16: X = CODE_BASE + 20
          asm.i("addi", D, D, 100), // skipped
          asm.i("addi", D, D, 1), // CODE_BASE+24
        ]),
      ),
    );
    expect(r[1]).toBe(CODE_BASE + 4);
    expect(r[X]).toBe(CODE_BASE + 20);
    expect(r[D]).toBe(1);
  });
});

describe("memory is code (von Neumann): execution depends only on the image and the pc", () => {
  const target = CODE_BASE + 4 * 6; // the instruction after li, li, sw/sb (2 + 2 + 1 words) and one nop
  it("a store over a later instruction changes what runs", () => {
    const r = uregs(
      runBoth(
        program([
          ...asm.li(9, target),
          ...asm.li(6, asm.i("addi", D, 0, 42)),
          asm.sw(6, 9, 0),
          asm.fence(),
          asm.i("addi", D, 0, 1), // overwritten before it runs
        ]),
      ),
    );
    expect(r[D]).toBe(42);
  });
  it("byte stores re-decode the containing word", () => {
    // addi D, x0, 1 → change the immediate's top byte: imm = 0x101 … set byte 3 (imm[11:4]) to 0x10.
    const r = uregs(
      runBoth(
        program([
          ...asm.li(9, target),
          ...asm.li(6, 0x10),
          asm.sb(6, 9, 3),
          asm.fence(),
          asm.i("addi", D, 0, 1),
        ]),
      ),
    );
    expect(r[D]).toBe(0x101);
  });
  it("host input read over code is executed", () => {
    const input = new Uint8Array(4);
    new DataView(input.buffer).setUint32(0, asm.i("addi", D, 0, 99), true);
    const t = CODE_BASE + 4 * 7;
    const words = [
      ...asm.li(5, 1),
      ...asm.li(10, t),
      ...asm.li(11, 4),
      asm.ecall(), // READ 4 bytes to t
      asm.i("addi", D, 0, 1), // at t: replaced by the input
    ];
    expect(uregs(runBoth(program(words), { input }))[D]).toBe(99);
  });
  it("a READ copies at most READ_MAX_BYTES: a larger request returns short, and the rest comes next", () => {
    const input = Uint8Array.from({ length: 2 * READ_MAX_BYTES + 1808 }, (_, i) => (i * 7 + 3) & 0xff);
    const counts = [18, 19, 20, 21];
    const words = counts.flatMap((rd, k) => [
      ...asm.li(5, 1),
      ...asm.li(10, DATA_BASE + 32 + k * READ_MAX_BYTES),
      ...asm.li(11, 10_000),
      asm.ecall(), // READ up to 10,000 bytes
      asm.i("addi", rd, 10, 0),
    ]);
    const r = runBoth(program(words, new Uint8Array(0), 32 + 4 * READ_MAX_BYTES), { input });
    expect(counts.map((rd) => r.registers[rd])).toEqual([READ_MAX_BYTES, READ_MAX_BYTES, 1808, 0]);
  });
  it("jumping into a data segment executes it", () => {
    const data = new Uint8Array(
      new Uint32Array([
        asm.i("addi", D, 0, 7),
        ...asm.li(5, 0),
        ...asm.li(10, 0),
        ...asm.li(11, DATA_BASE),
        asm.ecall(),
      ]).buffer,
    );
    const r = uregs(runBoth(program([...asm.li(9, DATA_BASE + 32), asm.jalr(0, 9, 0)], data)));
    expect(r[D]).toBe(7);
  });
  it("the pre-decoded program is not changed by a run that modified its code", () => {
    const elf = program([
      ...asm.li(9, target),
      ...asm.li(6, asm.i("addi", D, 0, 42)),
      asm.sw(6, 9, 0),
      asm.fence(),
      asm.i("addi", D, 0, 1),
    ]);
    const p = loadProgram(elf);
    expect(execute(p).registers[D]).toBe(42);
    expect(execute(p).registers[D]).toBe(42);
    expect(p.decoded[4 * 6 + 3]).toBe(1); // still the original immediate
  });
});

describe("faults", () => {
  const fault = (words: number[], options = {}): GuestFault => {
    try {
      runBoth(program(words), options);
    } catch (e) {
      if (e instanceof GuestFault) return e;
      throw e;
    }
    throw new Error("expected a guest fault");
  };
  it("misaligned word and halfword accesses report pc and address", () => {
    const f = fault([...asm.li(9, DATA_BASE + 2), asm.lw(8, 9, 0)]);
    expect(f.kind).toBe("misaligned-load");
    expect(f.pc).toBe(CODE_BASE + 8);
    expect(f.address).toBe(DATA_BASE + 2);
    expect(fault([...asm.li(9, DATA_BASE + 1), asm.lh(8, 9, 0)]).kind).toBe("misaligned-load");
    expect(fault([...asm.li(9, DATA_BASE + 1), asm.lhu(8, 9, 0)]).kind).toBe("misaligned-load");
    expect(fault([...asm.li(9, DATA_BASE + 2), asm.sw(8, 9, 0)]).kind).toBe("misaligned-store");
    expect(fault([...asm.li(9, DATA_BASE + 3), asm.sh(8, 9, 0)]).kind).toBe("misaligned-store");
    // A load into x0 still performs (and checks) the access.
    expect(fault([...asm.li(9, DATA_BASE + 2), asm.lw(0, 9, 0)]).kind).toBe("misaligned-load");
  });
  it("accesses outside guest memory", () => {
    const f = fault([asm.lw(8, 0, 0)]);
    expect(f.kind).toBe("load-out-of-range");
    expect(f.address).toBe(0);
    expect(fault([...asm.li(9, 0x0c000000), asm.lb(8, 9, 0)]).kind).toBe("load-out-of-range");
    expect(fault([...asm.li(9, 0x0c000000), asm.sb(8, 9, 0)]).kind).toBe("store-out-of-range");
    expect(fault([...asm.li(9, 0x3ffc), asm.sw(8, 9, 0)]).address).toBe(0x3ffc);
    expect(fault([...asm.li(9, 0xfffffff0), asm.lw(8, 9, 0)]).kind).toBe("load-out-of-range");
  });
  it("the last guest word is accessible", () => {
    const r = runBoth(program([...asm.li(9, 0x0bfffffc), asm.lw(8, 9, 0), asm.sw(9, 9, 0), asm.lw(8, 9, 0)]));
    expect(uregs(r)[8]).toBe(0x0bfffffc);
  });
  it("jumps", () => {
    const f = fault([...asm.li(9, CODE_BASE + 2), asm.jalr(0, 9, 0)]);
    expect(f.kind).toBe("misaligned-jump");
    expect(f.address).toBe(CODE_BASE + 2);
    expect(fault([asm.jal(0, 6)]).kind).toBe("misaligned-jump");
    expect(fault([asm.beq(0, 0, 2)]).kind).toBe("misaligned-jump");
    // Zero memory just before the code is an illegal instruction; below guest memory nothing is fetched.
    expect(fault([asm.jal(0, -8)]).kind).toBe("illegal-instruction");
    const out = fault([...asm.li(9, 0x100), asm.jalr(0, 9, 0)]);
    expect(out.kind).toBe("fetch-out-of-range");
    expect(out.pc).toBe(0x100);
    expect(fault([...asm.li(9, 0x0c000000), asm.jalr(0, 9, 0)]).kind).toBe("fetch-out-of-range");
  });
  it("ebreak and illegal instructions", () => {
    expect(fault([asm.ebreak()]).kind).toBe("ebreak");
    const f = fault([0xffffffff]);
    expect(f.kind).toBe("illegal-instruction");
    expect(f.message).toContain("0xffffffff");
    expect(fault([0]).kind).toBe("illegal-instruction");
    expect(fault([0x00002073]).kind).toBe("illegal-instruction"); // csrrs: no CSRs
    expect(fault([asm.r("add", 1, 2, 3) | (0x10 << 25)]).kind).toBe("illegal-instruction");
  });
  it("unknown syscalls and descriptors", () => {
    expect(fault([...asm.li(5, 99), asm.ecall()]).kind).toBe("bad-ecall");
    expect(fault([...asm.li(5, 2), ...asm.li(10, 7), asm.ecall()]).message).toContain("file descriptor 7");
  });
  it("output beyond the limit", () => {
    const write = (fd: number, len: number) => [
      ...asm.li(5, 2),
      ...asm.li(10, fd),
      ...asm.li(11, DATA_BASE),
      ...asm.li(12, len),
      asm.ecall(),
    ];
    const f = fault([...write(3, 60), ...write(3, 41)], { maxOutputBytes: 100 });
    expect(f.kind).toBe("output-too-large");
    expect(fault([...write(1, 60), ...write(2, 41)], { maxOutputBytes: 100 }).kind).toBe("output-too-large");
    expect(runBoth(program([...write(1, 60), ...write(2, 40)]), { maxOutputBytes: 100 }).stdout.length).toBe(
      60,
    );
  });
  it("an Output digest that does not match the journal", () => {
    const words = [...asm.li(5, 0), ...asm.li(10, 0), ...asm.li(11, DATA_BASE + 4), asm.ecall()];
    expect(fault(words).kind).toBe("output-digest-mismatch");
  });
  it("the cycle limit stops a loop with a clear error", () => {
    let err: unknown;
    try {
      runBoth(program([asm.jal(0, 0)]), { cycleLimit: 1000 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CycleLimitExceededError);
    expect((err as Error).message).toContain("1000 cycles");
    // A program of exactly n cycles runs with limit n and fails with n - 1.
    const n = runBoth(program([asm.fence()])).cycles;
    expect(runBoth(program([asm.fence()]), { cycleLimit: n }).cycles).toBe(n);
    expect(() => runBoth(program([asm.fence()]), { cycleLimit: n - 1 })).toThrow(CycleLimitExceededError);
  });
});
