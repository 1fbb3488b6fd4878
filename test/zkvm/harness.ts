import { expect } from "vitest";
import { type ExecuteOptions, type ExecutionResult, execute } from "../../src/zkvm/executor.ts";
import { loadProgram } from "../../src/zkvm/program.ts";
import { executeRecording } from "../../src/zkvm/recorder.ts";

/**
 * Runs an ELF on both the execute-only and the recording path, checks that they agree, and returns the
 * result. If one path throws, the other must throw the same error.
 */
export function runBoth(elf: Uint8Array, options: ExecuteOptions = {}): ExecutionResult {
  const program = loadProgram(elf);
  let fast: ExecutionResult | undefined;
  let fastErr: unknown;
  try {
    fast = execute(program, options);
  } catch (e) {
    fastErr = e;
  }
  let rec: ExecutionResult | undefined;
  let recErr: unknown;
  try {
    rec = executeRecording(program, options);
  } catch (e) {
    recErr = e;
  }
  if (fastErr || recErr) {
    expect(String(recErr)).toBe(String(fastErr));
    throw fastErr;
  }
  expect(rec!.cycles).toBe(fast!.cycles);
  expect(rec!.exitCode).toBe(fast!.exitCode);
  expect(Array.from(rec!.registers)).toEqual(Array.from(fast!.registers));
  expect(rec!.journal).toEqual(fast!.journal);
  expect(rec!.stdout).toEqual(fast!.stdout);
  return fast!;
}

/** Registers as unsigned 32-bit values. */
export function uregs(result: ExecutionResult): number[] {
  return Array.from(result.registers, (x) => x >>> 0);
}
