import { describe, expect, it } from "vitest";
import { verifySegmentSeal } from "../../src/machine/verify.ts";
import { execute } from "../../src/zkvm/executor.ts";
import { loadProgram } from "../../src/zkvm/program.ts";
import { program } from "../zkvm/asm.ts";
import { CONFIG, expectValidWitness, proveAndVerify, witnessOf } from "./helpers.ts";
import {
  ALU_CHECKS,
  CONTROL_CHECKS,
  DIV_CHECKS,
  ECALL_CHECKS_INPUT,
  ecallChecks,
  MEM_CHECKS,
  MUL_CHECKS,
} from "./programs.ts";

/**
 * Every instruction's edge cases: each group is a program whose checks fault unless every result equals
 * its hand-computed value, so the executor halting cleanly confirms the expectations; the machine's
 * witness for that run must then satisfy every constraint and balance every bus (exact checks, no proof),
 * and the whole suite as one program must prove and verify.
 */
const groups: [string, number[][], Uint8Array?][] = [
  ["ALU", ALU_CHECKS],
  ["multiply and shift", MUL_CHECKS],
  ["divide", DIV_CHECKS],
  ["loads and stores", MEM_CHECKS],
  ["control flow", CONTROL_CHECKS],
  ["ecalls", ecallChecks(), ECALL_CHECKS_INPUT],
];

describe("machine: instruction edge cases", () => {
  for (const [name, checks, input] of groups) {
    it(`${name}: the witness of the run satisfies the AIR`, () => {
      const elf = program(checks.flat());
      const run = execute(loadProgram(elf), { input });
      expect(run.exitCode).toBe(0);
      expectValidWitness(witnessOf(elf, { input }));
    });
  }

  it("the blowup-4 variant (LogUp batches of four, degree 5) proves and verifies", () => {
    const config = { logBlowup: 2, numQueries: 12, powBits: 4, friLogArity: 2, logFinalDegree: 1 };
    const s = proveAndVerify(program([...ALU_CHECKS.flat(), ...MUL_CHECKS.slice(0, 4).flat()]), { config });
    expect(s.result.exitCode).toBe(0);
    expect(() => verifySegmentSeal(s.segments[0]!.statement, s.segments[0]!.seal, CONFIG)).toThrow();
  });

  it("all groups in one program prove and verify", () => {
    const body = groups.flatMap(([, checks]) => checks.flat());
    const s = proveAndVerify(program(body), { input: ECALL_CHECKS_INPUT });
    expect(s.result.exitCode).toBe(0);
    expect(s.segments).toHaveLength(1);
  });
});
