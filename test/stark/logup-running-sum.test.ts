import { describe, expect, it } from "vitest";
import { add, P, sub } from "../../src/field/babybear.ts";
import type { Ext } from "../../src/field/extension.ts";
import { VerificationError } from "../../src/stark/errors.ts";
import { poseidon2Hash } from "../../src/stark/poseidon2-hash.ts";
import { proveStark } from "../../src/stark/prover.ts";
import { proveDishonestly } from "../../src/stark/testing/dishonest.ts";
import { verifyStark } from "../../src/stark/verifier.ts";
import { rangeCheckAir, rangeCheckWitness, TEST_CONFIG } from "./airs.ts";

/**
 * LogUp's running sum φ (docs/proof-system.md §2): the sum of the batches over the rows before, held by
 * first·φ = 0, transition·(φ' − φ − Σh) = 0 and last·(φ + Σh − cumsum) = 0. Each change below breaks
 * exactly one of the three while the buses still balance (the changes of the two tables cancel), so the
 * verifier rejects it only through that constraint.
 */
const hash = poseidon2Hash;
const air = rangeCheckAir(4);
const witness = () => rangeCheckWitness([3, 5, 5, 9, 0, 15, 1, 2], 7, 4);
const C = 12345;

/** φ's first coordinate in a table's LogUp columns (its four columns come last). */
const phi0 = (columns: Uint32Array[]) => columns[columns.length - 4]!;
/** The cumulative sum moved by +C in table 0 and −C in table 1: the buses still balance. */
const shifted = (table: number, cumsum: Ext): Ext => [
  table === 0 ? add(cumsum[0], C) : sub(cumsum[0], C),
  cumsum[1],
  cumsum[2],
  cumsum[3],
];
const signed = (table: number) => (table === 0 ? C : P - C);

/** The reason the verifier gives for the proof of a tampered LogUp trace, or "accepted". */
function verdict(tamperAux: (table: number, columns: Uint32Array[], cumsum: Ext) => Ext): string {
  const w = witness();
  const proof = proveDishonestly(air, TEST_CONFIG, hash, w, { tamperAux });
  try {
    verifyStark(air, TEST_CONFIG, hash, w.publics, proof);
    return "accepted";
  } catch (e) {
    if (!(e instanceof VerificationError)) throw e;
    return e.reason;
  }
}
/** Rejected by the constraints at ζ or by FRI (the quotient is then not low-degree), not by the bus balance. */
const BY_A_CONSTRAINT = /^(constraints|fri-.*)$/;

describe("LogUp's running sum", () => {
  it("an honest proof verifies, and the hook that changes nothing keeps it valid", () => {
    const w = witness();
    verifyStark(air, TEST_CONFIG, hash, w.publics, proveStark(air, TEST_CONFIG, hash, w));
    expect(verdict((_, __, cumsum) => cumsum)).toBe("accepted");
  });

  it("φ not starting at 0 (every row and the sum moved together: only first·φ = 0 fails)", () => {
    const reason = verdict((table, columns, cumsum) => {
      const c = phi0(columns);
      for (let r = 0; r < c.length; r++) c[r] = add(c[r]!, signed(table));
      return shifted(table, cumsum);
    });
    expect(reason).toMatch(BY_A_CONSTRAINT);
  });

  it("φ jumping between two rows (one row moved: only the transition fails)", () => {
    const reason = verdict((table, columns, cumsum) => {
      const c = phi0(columns);
      c[3] = add(c[3]!, signed(table));
      return cumsum;
    });
    expect(reason).toMatch(BY_A_CONSTRAINT);
  });

  it("a revealed sum other than the trace's (only the last-row constraint fails)", () => {
    const reason = verdict((table, _, cumsum) => shifted(table, cumsum));
    expect(reason).toMatch(BY_A_CONSTRAINT);
  });
});
