/**
 * Random instruction streams: the execute-only and recording paths must agree exactly (registers,
 * cycles, outputs, or the same fault at the same pc), and nothing but a GuestFault or the cycle limit
 * may escape.
 */
import fc from "fast-check";
import { describe, it } from "vitest";
import { CycleLimitExceededError, GuestFault } from "../../src/zkvm/errors.ts";
import { asm, DATA_BASE, type IName, ITYPE, program, type RName, RTYPE } from "./asm.ts";
import { runBoth } from "./harness.ts";

const reg = fc.integer({ min: 0, max: 31 });
// Registers 20..23 hold pointers into the data segment so that loads and stores often succeed.
const ptrReg = fc.integer({ min: 20, max: 23 });
const off = fc.integer({ min: -64, max: 64 }).map((x) => x * 4);
const instruction = fc.oneof(
  fc
    .tuple(fc.constantFrom(...(Object.keys(RTYPE) as RName[])), reg, reg, reg)
    .map(([n, d, a, b]) => [asm.r(n, d, a, b)]),
  fc
    .tuple(
      fc.constantFrom(...(Object.keys(ITYPE) as IName[])),
      reg,
      reg,
      fc.integer({ min: -2048, max: 2047 }),
    )
    .map(([n, d, a, i]) => [asm.i(n, d, a, i)]),
  fc
    .tuple(reg, reg, fc.integer({ min: 0, max: 31 }))
    .map(([d, a, s]) => [asm.srai(d, a, s), asm.slli(d, a, s)]),
  fc.tuple(reg, fc.integer({ min: 0, max: 0xfffff })).map(([d, i]) => [asm.lui(d, i << 12)]),
  fc.tuple(reg, fc.integer({ min: 0, max: 0xfffff })).map(([d, i]) => [asm.auipc(d, i << 12)]),
  fc
    .tuple(fc.constantFrom("lb", "lh", "lw", "lbu", "lhu") as fc.Arbitrary<"lb">, reg, ptrReg, off)
    .map(([n, d, p, o]) => [asm[n](d, p, o + (o & 3))]),
  fc
    .tuple(fc.constantFrom("sb", "sh", "sw") as fc.Arbitrary<"sb">, reg, ptrReg, off)
    .map(([n, s, p, o]) => [asm[n](s, p, o)]),
  fc
    .tuple(
      fc.constantFrom("beq", "bne", "blt", "bge", "bltu", "bgeu") as fc.Arbitrary<"beq">,
      reg,
      reg,
      fc.integer({ min: -8, max: 8 }),
    )
    .map(([n, a, b, k]) => [asm[n](a, b, k * 4)]),
  fc.integer({ min: -8, max: 8 }).map((k) => [asm.jal(1, k * 4)]),
  fc.integer({ min: 0, max: 0xffffffff }).map((w) => [w]),
);

describe("random programs", () => {
  it("both execution paths agree and fail only with typed errors", () => {
    fc.assert(
      fc.property(fc.array(instruction, { minLength: 1, maxLength: 60 }), (parts) => {
        const setup = [20, 21, 22, 23].flatMap((r, k) => asm.li(r, DATA_BASE + 1024 + 512 * k));
        const elf = program([...setup, ...parts.flat()], new Uint8Array(0), 4096);
        try {
          runBoth(elf, { cycleLimit: 5000 });
        } catch (e) {
          if (!(e instanceof GuestFault || e instanceof CycleLimitExceededError)) throw e;
        }
      }),
      { numRuns: 150 },
    );
  });
});
