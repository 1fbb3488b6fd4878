/**
 * Random RV32IM instruction streams for property tests (the executor's and the machine's): every
 * instruction kind, loads and stores through registers 20..23 (which `randomProgram` points into the data
 * segment so that accesses often succeed), short branches and jumps, and arbitrary words.
 */
import fc from "fast-check";
import { asm, DATA_BASE, type IName, ITYPE, program, type RName, RTYPE } from "./asm.ts";

const reg = fc.integer({ min: 0, max: 31 });
const ptrReg = fc.integer({ min: 20, max: 23 });
const off = fc.integer({ min: -64, max: 64 }).map((x) => x * 4);

export const instruction: fc.Arbitrary<number[]> = fc.oneof(
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

/** A test program: pointer registers set up, then the instructions, then a halt. */
export function randomProgram(parts: readonly number[][]): Uint8Array {
  const setup = [20, 21, 22, 23].flatMap((r, k) => asm.li(r, DATA_BASE + 1024 + 512 * k));
  return program([...setup, ...parts.flat()], new Uint8Array(0), 4096);
}
