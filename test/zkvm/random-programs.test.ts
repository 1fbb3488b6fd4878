/**
 * Random instruction streams: the execute-only and recording paths must agree exactly (registers,
 * cycles, outputs, or the same fault at the same pc), and nothing but a GuestFault or the cycle limit
 * may escape.
 */
import fc from "fast-check";
import { describe, it } from "vitest";
import { CycleLimitExceededError, GuestFault } from "../../src/zkvm/errors.ts";
import { runBoth } from "./harness.ts";
import { instruction, randomProgram } from "./random-instructions.ts";

describe("random programs", () => {
  it("both execution paths agree and fail only with typed errors", () => {
    fc.assert(
      fc.property(fc.array(instruction, { minLength: 1, maxLength: 60 }), (parts) => {
        const elf = randomProgram(parts);
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
