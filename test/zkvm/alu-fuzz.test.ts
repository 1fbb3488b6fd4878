/**
 * Random operands for every ALU instruction, checked against a BigInt model written directly from the
 * RISC-V specification (an implementation independent of the executor's int32 tricks).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { asm, DATA_BASE, type IName, ITYPE, program, type RName, RTYPE } from "./asm.ts";
import { runBoth } from "./harness.ts";

const M32 = (1n << 32n) - 1n;
const u = (x: number) => BigInt(x >>> 0);
const s = (x: number) => BigInt(x | 0);
const out = (v: bigint) => Number(v & M32);

function reference(op: RName | IName, x: number, y: number): number {
  const sh = BigInt(y & 31);
  switch (op) {
    case "add":
    case "addi":
      return out(u(x) + u(y));
    case "sub":
      return out(u(x) - u(y));
    case "sll":
      return out(u(x) << sh);
    case "srl":
      return out(u(x) >> sh);
    case "sra":
      return out(s(x) >> sh);
    case "slt":
    case "slti":
      return s(x) < s(y) ? 1 : 0;
    case "sltu":
    case "sltiu":
      return u(x) < u(y) ? 1 : 0;
    case "xor":
    case "xori":
      return out(u(x) ^ u(y));
    case "or":
    case "ori":
      return out(u(x) | u(y));
    case "and":
    case "andi":
      return out(u(x) & u(y));
    case "mul":
      return out(s(x) * s(y));
    case "mulh":
      return out((s(x) * s(y)) >> 32n);
    case "mulhsu":
      return out((s(x) * u(y)) >> 32n);
    case "mulhu":
      return out((u(x) * u(y)) >> 32n);
    case "div":
      if (y === 0) return out(-1n);
      if ((x | 0) === -0x80000000 && (y | 0) === -1) return 0x80000000;
      return out(s(x) / s(y)); // BigInt division truncates toward zero
    case "divu":
      return y === 0 ? 0xffffffff : out(u(x) / u(y));
    case "rem":
      if (y === 0) return x >>> 0;
      if ((x | 0) === -0x80000000 && (y | 0) === -1) return 0;
      return out(s(x) % s(y));
    case "remu":
      return y === 0 ? x >>> 0 : out(u(x) % u(y));
  }
}

const rOps = Object.keys(RTYPE) as RName[];
const iOps = Object.keys(ITYPE) as IName[];
const interesting = [0, 1, -1, 2, -2, 0x7fffffff, -0x80000000, 31, 32, 33, 0xffff, 0x10000];
const word = fc.oneof(fc.integer({ min: -0x80000000, max: 0x7fffffff }), fc.constantFrom(...interesting));

interface Case {
  op: RName | IName;
  x: number;
  y: number;
}

/** Runs a batch of operations in one guest; results are written to stdout. */
function runBatch(cases: Case[]): number[] {
  const buf = DATA_BASE + 64;
  const words: number[] = [...asm.li(9, buf)];
  cases.forEach((c, k) => {
    words.push(...asm.li(6, c.x));
    if (c.op in RTYPE) {
      words.push(...asm.li(7, c.y), asm.r(c.op as RName, 8, 6, 7));
    } else {
      words.push(asm.i(c.op as IName, 8, 6, c.y));
    }
    words.push(asm.sw(8, 9, 0), asm.i("addi", 9, 9, 4));
    void k;
  });
  words.push(
    ...asm.li(5, 2),
    ...asm.li(10, 1),
    ...asm.li(11, buf),
    ...asm.li(12, cases.length * 4),
    asm.ecall(),
  );
  const res = runBoth(program(words, new Uint8Array(0), 64 + cases.length * 4));
  const view = new DataView(res.stdout.buffer, res.stdout.byteOffset, res.stdout.byteLength);
  return cases.map((_, k) => view.getUint32(4 * k, true));
}

describe("ALU against a BigInt reference", () => {
  it("register-register ops on random operands", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ op: fc.constantFrom(...rOps), x: word, y: word }), {
          minLength: 1,
          maxLength: 200,
        }),
        (cases) => {
          expect(runBatch(cases)).toEqual(cases.map((c) => reference(c.op, c.x, c.y)));
        },
      ),
      { numRuns: 40 },
    );
  });
  it("register-immediate ops on random operands", () => {
    const imm = fc.integer({ min: -2048, max: 2047 });
    fc.assert(
      fc.property(
        fc.array(fc.record({ op: fc.constantFrom(...iOps), x: word, y: imm }), {
          minLength: 1,
          maxLength: 200,
        }),
        (cases) => {
          expect(runBatch(cases)).toEqual(cases.map((c) => reference(c.op, c.x, c.y)));
        },
      ),
      { numRuns: 20 },
    );
  });
});
