import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { proveReceipt } from "../../src/receipt/prove.ts";
import { verifyReceipt } from "../../src/receipt/verify.ts";
import { CycleLimitExceededError, GuestFault } from "../../src/zkvm/errors.ts";
import { computeImageId } from "../../src/zkvm/image-id.ts";
import { loadProgram } from "../../src/zkvm/program.ts";
import { array, encode, enumOf, struct, u8, u64, vec } from "../../src/zkvm/serde.ts";
import { executeSession } from "../../src/zkvm/session.ts";
import { instruction, randomProgram } from "../zkvm/random-instructions.ts";
import { CONFIG, expectValidWitness, proveAndVerify, proveElf, witnessOf } from "./helpers.ts";

/**
 * The example guests (C, compiled by the SDK) proven end to end with their real receipts, and random
 * instruction streams: every halting one has a valid witness (exact checks) and a faulting one gets no
 * receipt but the executor's GuestFault.
 */
const example = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../guests/examples/${name}.elf`, import.meta.url)));
const u32s = (...v: number[]) => new Uint8Array(Uint32Array.from(v).buffer);

const abiUint = (v: number) => new Uint8Array(32).fill(0).map((_, i) => (i === 31 ? v : 0));
/** The input of guests/examples/rust/balances: a ledger as the host codec writes it. */
const Ledger = struct({
  account: array(u8, 20),
  sequence: u64,
  entries: vec(enumOf({ Credit: u64, Debit: u64 })),
});
const ledger = encode(Ledger, {
  account: Array(20).fill(7),
  sequence: 9n,
  entries: [{ Credit: 10n }, { Debit: 3n }],
});

const cases: [string, Uint8Array, number][] = [
  ["even-number", abiUint(42), 0],
  ["sha", new TextEncoder().encode("zkvm-kit proves this"), 0],
  ["sort", u32s(9, 3, 7, 1, 8), 0],
  ["hello", u32s(1, 9), 2], // a trivial factor: exit code 2, still a valid (integrity) receipt
  // The Rust examples (the zkvm-guest crate; built by test/build/rust-guests.test.ts to these ELFs).
  ["rust/even-number", abiUint(42), 0],
  ["rust/even-number", abiUint(43), 1], // odd: the guest exits 1
  ["rust/sha", new TextEncoder().encode("zkvm-kit proves this"), 0],
  ["rust/balances", ledger, 0],
];

describe("machine: example guests", () => {
  for (const [name, input, exit] of cases) {
    it(`${name} (exit ${exit}) proves, and its receipt verifies`, () => {
      const elf = example(name);
      const { receipt, session } = proveReceipt(elf, { input, config: CONFIG, dev: false });
      expect(session.exitCode).toBe(exit);
      const executed = executeSession(elf, { input });
      expect(session.claimDigest).toEqual(executed.claimDigest);
      if (exit === 0) {
        const claim = verifyReceipt(receipt, computeImageId(loadProgram(elf)), executed.journal, {
          config: CONFIG,
        });
        expect(claim.exitCode).toEqual({ kind: "halted", user: 0 });
      } else
        expect(() =>
          verifyReceipt(receipt, computeImageId(loadProgram(elf)), undefined, { config: CONFIG }),
        ).toThrow(new RegExp(`exit code ${exit}`));
    });
  }
});

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
      { numRuns: 40, seed: 0x5eed },
    );
    expect(halted).toBeGreaterThan(5);
  });

  it("a random program proves and verifies", () => {
    // The first of a fixed sample of 12-instruction programs that halts.
    const samples = fc.sample(fc.array(instruction, { minLength: 12, maxLength: 12 }), {
      numRuns: 300,
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
