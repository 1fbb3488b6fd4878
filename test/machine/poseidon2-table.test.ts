/**
 * The machine's Poseidon2 table on two rows per permutation (src/machine/chips/poseidon2-table.ts): a first
 * row's looked-up output is the permutation's; rows pair up from row 0; a second row that satisfies its
 * own chain but does not continue its first row is caught; and a first row cannot be read as a second one.
 * (The exact harness, test/machine/harness.test.ts, changes every single cell of the table.)
 */
import { describe, expect, it } from "vitest";
import { P } from "../../src/field/babybear.ts";
import { poseidon2Permute } from "../../src/hash/poseidon2.ts";
import { machine } from "../../src/machine/air.ts";
import { checkWitness } from "../../src/machine/check.ts";
import { poseidon2Trace } from "../../src/machine/chips/poseidon2-table.ts";
import { prng } from "../../src/stark/testing/perturb.ts";
import { program } from "../zkvm/asm.ts";
import { witnessOf } from "./helpers.ts";
import { ALU_CHECKS } from "./programs.ts";

const m = machine();
const chip = m.chips.poseidon2;
const t = m.order.indexOf("poseidon2");

describe("machine: Poseidon2 table on two rows", () => {
  it("a first row holds the input and the looked-up output lanes of its permutation", () => {
    const rand = prng(24);
    const inputs = Array.from({ length: 5 }, () => Uint32Array.from({ length: 24 }, () => rand() % P));
    const tr = poseidon2Trace(chip, inputs);
    expect(tr.height).toBe(16);
    inputs.forEach((input, k) => {
      const out = Uint32Array.from(input);
      poseidon2Permute(out);
      const row = 2 * k;
      expect(tr.get(chip.cols.first, row)).toBe(1);
      expect(tr.get(chip.cols.first, row + 1)).toBe(0);
      expect(chip.cols.chain.s.map((c) => tr.get(c, row))).toEqual([...input]);
      expect(chip.cols.result.map((c) => tr.get(c, row))).toEqual([...out.slice(0, 8), ...out.slice(16, 24)]);
      expect(chip.cols.result.map((c) => tr.get(c, row + 1))).toEqual(new Array(16).fill(0));
    });
  });

  it("rejects a second row that is a valid chain of another permutation, and rows paired from row 1", () => {
    const w = witnessOf(program(ALU_CHECKS.slice(0, 4).flat()));
    expect(checkWitness(m.air, w.witness)).toEqual([]);
    const cols = w.witness.tables[t]!;
    const n = cols[0]!.length;
    expect(n).toBeGreaterThanOrEqual(8);
    const row = (r: number) => cols.map((c) => c[r]!);
    const put = (r: number, values: readonly number[]) => cols.forEach((c, i) => (c[r] = values[i]!));

    // Second rows of pairs 0 and 1 exchanged: each satisfies its own chain, neither continues its first row.
    const [a, b] = [row(1), row(3)];
    put(1, b);
    put(3, a);
    const swapped = checkWitness(m.air, w.witness);
    expect(swapped.length).toBeGreaterThan(0);
    expect(swapped.every((p) => p.message.includes('"poseidon2"'))).toBe(true);
    put(1, a);
    put(3, b);

    // Every row moved down by one (the last to row 0): pairs would start at row 1.
    const all = Array.from({ length: n }, (_, r) => row(r));
    all.forEach((values, r) => put((r + 1) % n, values));
    expect(checkWitness(m.air, w.witness).some((p) => p.message.includes('"poseidon2"'))).toBe(true);
  });
});
