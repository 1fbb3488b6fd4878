import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { proveReceipt } from "../../src/receipt/prove.ts";
import { verifyReceipt } from "../../src/receipt/verify.ts";
import { CycleLimitExceededError, GuestFault } from "../../src/zkvm/errors.ts";
import { computeImageId } from "../../src/zkvm/image-id.ts";
import { loadProgram } from "../../src/zkvm/program.ts";
import { executeSession } from "../../src/zkvm/session.ts";
import { asm, DATA_BASE, type IName, ITYPE, program, type RName, RTYPE } from "../zkvm/asm.ts";
import { CONFIG, expectValidWitness, proveAndVerify, proveElf, witnessOf } from "./helpers.ts";

/**
 * The example guests (C, compiled by the SDK) proven end to end with their real receipts, and random
 * instruction streams: every halting one has a valid witness (exact checks) and a faulting one gets no
 * receipt but the executor's GuestFault.
 */
const example = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../guests/examples/${name}.elf`, import.meta.url)));
const u32s = (...v: number[]) => new Uint8Array(Uint32Array.from(v).buffer);

const cases: [string, Uint8Array, number][] = [
  ["even-number", new Uint8Array(32).fill(0).map((_, i) => (i === 31 ? 42 : 0)), 0],
  ["sha", new TextEncoder().encode("zkvm-kit proves this"), 0],
  ["sort", u32s(9, 3, 7, 1, 8), 0],
  ["hello", u32s(1, 9), 2], // a trivial factor: exit code 2, still a valid (integrity) receipt
];

describe("machine: example guests", () => {
  for (const [name, input, exit] of cases) {
    it(`${name} proves, and its receipt verifies`, () => {
      const elf = example(name);
      const { receipt, session } = proveReceipt(elf, { input, config: CONFIG, dev: false });
      expect(session.exitCode).toBe(exit);
      expect(session.claimDigest).toEqual(executeSession(elf, { input }).claimDigest);
      if (exit === 0) verifyReceipt(receipt, computeImageId(loadProgram(elf)), undefined, { config: CONFIG });
      else
        expect(() =>
          verifyReceipt(receipt, computeImageId(loadProgram(elf)), undefined, { config: CONFIG }),
        ).toThrow(/exit code 2/);
    });
  }
});

const reg = fc.integer({ min: 0, max: 31 });
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
      fc.integer({ min: 1, max: 4 }),
    )
    .map(([n, a, b, k]) => [asm[n](a, b, k * 4)]),
);

function randomProgram(parts: number[][]): Uint8Array {
  // Registers 20..23 point into the data segment; t0, a0, a1 are restored before the halt.
  const setup = [20, 21, 22, 23].flatMap((r, k) => asm.li(r, DATA_BASE + 1024 + 512 * k));
  const body = parts.flat().map((w) => w);
  return program([...setup, ...body]);
}

describe("machine: random programs", () => {
  it("halting runs have valid witnesses; faulting runs get no receipt", () => {
    let halted = 0;
    fc.assert(
      fc.property(fc.array(instruction, { minLength: 1, maxLength: 40 }), (parts) => {
        const elf = randomProgram(parts);
        try {
          executeSession(elf, { cycleLimit: 2000 });
        } catch (e) {
          if (!(e instanceof GuestFault || e instanceof CycleLimitExceededError)) throw e;
          expect(() => proveElf(elf, { cycleLimit: 2000 })).toThrow(e.constructor as typeof Error);
          return;
        }
        halted++;
        expectValidWitness(witnessOf(elf, { cycleLimit: 2000 }));
      }),
      { numRuns: 25, seed: 0x5eed },
    );
    expect(halted).toBeGreaterThan(5);
  });

  it("a random program proves and verifies", () => {
    // The first of a fixed sample of 30-instruction programs that halts.
    const samples = fc.sample(fc.array(instruction, { minLength: 30, maxLength: 30 }), {
      numRuns: 50,
      seed: 11,
    });
    const elf = samples.map(randomProgram).find((e) => {
      try {
        executeSession(e, { cycleLimit: 2000 });
        return true;
      } catch {
        return false;
      }
    })!;
    const s = proveAndVerify(elf, { cycleLimit: 2000 });
    expect(s.segments.length).toBe(1);
  });
});
