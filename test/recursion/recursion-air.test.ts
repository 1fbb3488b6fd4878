import { describe, expect, it } from "vitest";
import { cellChangeAccepted, checkWitness } from "../../src/machine/check.ts";
import {
  type RecursionAir,
  RecursionShapeError,
  recursionAir,
  recursionChips,
  recursionWitness,
  shapeFor,
} from "../../src/recursion/air.ts";
import { ProgramBuilder } from "../../src/recursion/builder.ts";
import { rowsFor, rowsPerInstruction } from "../../src/recursion/chips/chip.ts";
import { type AssertionInfo, executeProgram } from "../../src/recursion/executor.ts";
import type { Program } from "../../src/recursion/ir.ts";
import { emitStarkVerifier, verifierHints } from "../../src/recursion/verifier-program.ts";
import { poseidon2Hash } from "../../src/stark/poseidon2-hash.ts";
import { encodeProof } from "../../src/stark/proof-codec.ts";
import { preprocessedRoot, proveStark } from "../../src/stark/prover.ts";
import { proveDishonestly } from "../../src/stark/testing/dishonest.ts";
import { runSoundnessHarness } from "../../src/stark/testing/perturb.ts";
import { VerificationError, verifyStark } from "../../src/stark/verifier.ts";
import { fibonacciAir, fibonacciWitness, TEST_CONFIG } from "../stark/airs.ts";

const hash = poseidon2Hash;
const config = TEST_CONFIG;
const inner = fibonacciAir();
const innerHeights = [5];

/** A program that verifies one Fibonacci proof and exposes its public values. */
function fibVerifier(): { program: Program; info: AssertionInfo } {
  const b = new ProgramBuilder("verify fibonacci");
  const v = emitStarkVerifier(b, inner, config, innerHeights, { preprocessedRoot: "constant" });
  for (const p of v.publics) b.expose(p.addr!);
  return b.build();
}

function proveRecursion(ra: RecursionAir, hints: Parameters<typeof executeProgram>[1], info: AssertionInfo) {
  const exec = executeProgram(ra.program, hints, info);
  const witness = recursionWitness(ra, exec);
  return { witness, proof: proveStark(ra.air, config, hash, witness) };
}

describe("the recursion AIR", () => {
  const { program, info } = fibVerifier();
  const ra = recursionAir(program, shapeFor([program], recursionChips(config)));
  const key = { preprocessedRoot: preprocessedRoot(ra.air, config, hash) };
  const w = fibonacciWitness(5);
  const innerProof = proveStark(inner, config, hash, w);

  it("proves the execution of a verifier program; its public values are the inner statement", () => {
    console.log(
      `recursion tables: ${ra.air.tables.map((t, i) => `${t.name} 2^${Object.values(ra.shape)[i]}×(${t.mainWidth}+${t.preprocessed.length}+${4 * t.auxWidth})`).join(", ")}`,
    );
    const { witness, proof } = proveRecursion(
      ra,
      verifierHints(inner, innerProof, w.publics, { preprocessedRoot: "constant" }),
      info,
    );
    expect(witness.publics).toEqual(w.publics);
    expect(() => verifyStark(ra.air, config, hash, w.publics, proof, key)).not.toThrow();
    // Another statement: the same proof does not verify for other public values.
    expect(() => verifyStark(ra.air, config, hash, [w.publics[0]!, w.publics[1]!, 7], proof, key)).toThrow(
      VerificationError,
    );
  });

  it("has no proof for an inner proof the native verifier rejects: a forced witness fails verification", () => {
    const bad = structuredClone(innerProof);
    bad.queries[3]!.main.path[2]![1] ^= 1;
    expect(() => verifyStark(inner, config, hash, w.publics, bad)).toThrow(VerificationError);
    const hints = verifierHints(inner, bad, w.publics, { preprocessedRoot: "constant" });
    expect(() => executeProgram(program, hints, info)).toThrow(/Merkle path/);
    const forced = recursionWitness(ra, executeProgram(program, hints, info, { force: true }));
    expect(() => proveStark(ra.air, config, hash, forced)).toThrow(/does not hold|do not balance/);
    const proof = proveDishonestly(ra.air, config, hash, forced);
    expect(() => verifyStark(ra.air, config, hash, forced.publics, proof, key)).toThrow(VerificationError);
  });

  it("rejects perturbed recursion proofs", () => {
    const exec = executeProgram(
      program,
      verifierHints(inner, innerProof, w.publics, { preprocessedRoot: "constant" }),
      info,
    );
    const report = runSoundnessHarness({
      air: ra.air,
      config,
      hash,
      witness: recursionWitness(ra, exec),
      sampledCells: 40,
      sampledInteractions: 2,
      multiplicitiesPerInteraction: 1,
      byteMutations: 100,
    });
    console.log(`soundness recursion AIR: ${JSON.stringify(report.tried)}`);
    expect(report.accepted).toEqual([]);
  }, 900_000); // ~170 proofs: about a minute alone on 2 cores, several when the machine is shared

  it("binds the program: another program's proof does not verify under this one's key", () => {
    const b = new ProgramBuilder("other");
    const x = b.hint(false);
    b.expose(x);
    b.expose(x);
    b.expose(x);
    const other = b.build();
    const ro = recursionAir(other.program, ra.shape);
    expect(ro.air.tables.map((t) => t.name)).toEqual(ra.air.tables.map((t) => t.name));
    const exec = executeProgram(other.program, [[5, 0, 0, 0]]);
    const proof = proveStark(ro.air, config, hash, recursionWitness(ro, exec));
    expect(() =>
      verifyStark(ro.air, config, hash, [5, 5, 5], proof, {
        preprocessedRoot: preprocessedRoot(ro.air, config, hash),
      }),
    ).not.toThrow();
    expect(() => verifyStark(ra.air, config, hash, [5, 5, 5], proof, key)).toThrow(VerificationError);
    void encodeProof;
  });

  it("puts chips of one height in one table: the same columns side by side, fewer aux and quotient columns", () => {
    const chips = recursionChips(config);
    const fitted = shapeFor([program], chips);
    const tallest = Math.max(...Object.values(fitted));
    // Two heights: the tallest chips and every other one raised to one level below.
    const shape = Object.fromEntries(Object.entries(fitted).map(([k, h]) => [k, Math.max(h, tallest - 1)]));
    const heights = new Set(Object.values(shape));
    const apart = recursionAir(program, shape, chips);
    const merged = recursionAir(program, shape, chips, { mergeEqualHeights: true });
    expect(merged.air.tables).toHaveLength(heights.size);
    expect(merged.tables.map((t) => t.members.map((m) => m.chip.name).join("+"))).toEqual(
      merged.air.tables.map((t) => t.name),
    );
    const hints = verifierHints(inner, innerProof, w.publics, { preprocessedRoot: "constant" });
    const exec = executeProgram(program, hints, info);
    const wa = recursionWitness(apart, exec);
    const wm = recursionWitness(merged, exec);
    // Each merged table is its chips' tables side by side, column for column, and so is its preprocessed part.
    merged.tables.forEach((t, i) => {
      const members = t.members.map((m) => apart.tables.findIndex((a) => a.members[0]!.chip === m.chip));
      expect(wm.tables[i]).toEqual(members.flatMap((j) => wa.tables[j]!));
      expect(merged.air.tables[i]!.preprocessed).toEqual(
        members.flatMap((j) => apart.air.tables[j]!.preprocessed),
      );
      const sum = (f: (t: (typeof apart.air.tables)[number]) => number) =>
        members.reduce((n, j) => n + f(apart.air.tables[j]!), 0);
      if (members.length > 1) {
        expect(merged.air.tables[i]!.auxWidth).toBeLessThan(sum((a) => a.auxWidth));
        expect(merged.air.tables[i]!.quotientChunks).toBeLessThan(sum((a) => a.quotientChunks));
      }
    });
    const key = { preprocessedRoot: preprocessedRoot(merged.air, config, hash) };
    const proof = proveStark(merged.air, config, hash, wm);
    expect(() => verifyStark(merged.air, config, hash, w.publics, proof, key)).not.toThrow();
    // The tables' rows are independent: a chip's padding row under another chip's real row is checked too.
    const report = runSoundnessHarness({
      air: merged.air,
      config,
      hash,
      witness: wm,
      sampledCells: 24,
      sampledInteractions: 1,
      multiplicitiesPerInteraction: 1,
      byteMutations: 40,
    });
    console.log(`soundness merged recursion AIR: ${JSON.stringify(report.tried)}`);
    expect(report.accepted).toEqual([]);
  }, 900_000);
  it("stacks chips down one table: each chip's rows as in its own table, shared columns, gated", () => {
    // Gating raises the chips' degree 3 to 4: blowup 4.
    const config4 = { ...config, logBlowup: 2 };
    const chips = recursionChips(config);
    const fitted = shapeFor([program], chips);
    const height = Math.max(...Object.values(fitted));
    const shape = Object.fromEntries(Object.keys(fitted).map((k) => [k, height]));
    const hints = verifierHints(inner, innerProof, w.publics, { preprocessedRoot: "constant" });
    const exec = executeProgram(program, hints, info);
    const rowsOf = (name: string) => {
      const chip = chips.find((c) => c.name === name)!;
      return rowsFor(
        chip,
        program.instructions.filter((ins) => chip.kinds.includes(ins.kind as never)).length,
      );
    };
    // The narrow one-row chips that fit one table's rows together, in order.
    const stack: string[] = [];
    let used = 0;
    for (const name of ["dot4", "select", "base-alu", "repack", "assert-eq", "const", "public"])
      if (rowsOf(name) > 0 && used + rowsOf(name) <= 2 ** height) {
        stack.push(name);
        used += rowsOf(name);
      }
    expect(stack.length).toBeGreaterThanOrEqual(3);
    const apart = recursionAir(program, shape, chips);
    const merged = recursionAir(program, shape, chips, { mergeEqualHeights: true });
    const stacked = recursionAir(program, shape, chips, { mergeEqualHeights: true, stacks: [stack] });
    expect(stacked.air.tables).toHaveLength(1);
    const wa = recursionWitness(apart, exec);
    const ws = recursionWitness(stacked, exec);
    expect(checkWitness(stacked.air, ws)).toEqual([]);
    const table = (name: string) => apart.tables.findIndex((t) => t.members[0]!.chip.name === name);
    const widths = stack.map((name) => apart.air.tables[table(name)]!.mainWidth);
    const fixedWidths = stack.map((name) => apart.air.tables[table(name)]!.preprocessed.length);
    // The stack's chips share the widest one's columns, and each has a selector.
    expect(stacked.air.tables[0]!.mainWidth).toBe(
      merged.air.tables[0]!.mainWidth - widths.reduce((a, b) => a + b, 0) + Math.max(...widths),
    );
    expect(stacked.air.tables[0]!.preprocessed.length).toBe(
      merged.air.tables[0]!.preprocessed.length -
        fixedWidths.reduce((a, b) => a + b, 0) +
        Math.max(...fixedWidths) +
        stack.length,
    );
    // Each stacked chip's cells are its own table's first rows, moved down to its place in the stack.
    for (const m of stacked.tables[0]!.members.filter((m) => stack.includes(m.chip.name))) {
      const own = wa.tables[table(m.chip.name)]!;
      const first = columnIndex(m.cols);
      own.forEach((col, c) =>
        expect(ws.tables[0]![first + c]!.subarray(m.rowOffset, m.rowOffset + m.rowCount)).toEqual(
          col.subarray(0, m.rowCount),
        ),
      );
    }
    // Cells no stacked chip owns (past the stack's rows, past a narrower chip's columns) are pinned.
    const last = stacked.tables[0]!.members.find((m) => m.chip.name === stack[stack.length - 1])!;
    const narrowest = stacked.tables[0]!.members.find(
      (m) => m.chip.name === stack[widths.indexOf(Math.min(...widths))],
    )!;
    const base = columnIndex(narrowest.cols);
    for (const [c, r] of [
      [base, last.rowOffset + last.rowCount],
      [base + Math.max(...widths) - 1, narrowest.rowOffset],
    ] as const)
      expect(cellChangeAccepted(stacked.air, ws, 0, c, r, 1), `column ${c} row ${r}`).toBe(false);

    const key = { preprocessedRoot: preprocessedRoot(stacked.air, config4, hash) };
    const proof = proveStark(stacked.air, config4, hash, ws);
    expect(() => verifyStark(stacked.air, config4, hash, w.publics, proof, key)).not.toThrow();
    const report = runSoundnessHarness({
      air: stacked.air,
      config: config4,
      hash,
      witness: ws,
      sampledCells: 24,
      sampledInteractions: 2,
      multiplicitiesPerInteraction: 1,
      byteMutations: 40,
    });
    console.log(`soundness stacked recursion AIR: ${JSON.stringify(report.tried)}`);
    expect(report.accepted).toEqual([]);
  }, 900_000);
  it("refuses stacks that cannot be laid out, with the reason", () => {
    const chips = recursionChips(config);
    const fitted = shapeFor([program], chips);
    const height = Math.max(...Object.values(fitted));
    const shape = Object.fromEntries(Object.keys(fitted).map((k) => [k, height]));
    const build = (stacks: string[][]) =>
      recursionAir(program, shape, chips, { mergeEqualHeights: true, stacks });
    expect(() => build([["dot4", "poseidon2-two-row"]])).toThrow(/several rows/);
    expect(() => build([["dot4", "no-such-chip"]])).toThrow(/not in the table/);
    expect(() =>
      build([
        ["dot4", "select"],
        ["select", "base-alu"],
      ]),
    ).toThrow(/two stacks/);
    // A stack of every one-row chip needs more rows than the table has.
    const oneRow = chips.filter((c) => rowsPerInstruction(c) === 1).map((c) => c.name);
    expect(() => build([oneRow])).toThrow(RecursionShapeError);
    expect(() => build([oneRow])).toThrow(/needs \d+ rows; its table has/);
  });
});

/** The first main column a chip's columns (a Col, a list or a record of them, nested) use. */
function columnIndex(cols: unknown): number {
  if (cols && typeof cols === "object" && "i" in cols && typeof (cols as { i: unknown }).i === "number")
    return (cols as { i: number }).i;
  const inner = Array.isArray(cols) ? cols : Object.values(cols as object);
  return Math.min(...inner.map(columnIndex));
}
