import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ChipKey, machine, machineFor } from "../../src/machine/air.ts";
import { checkWitness } from "../../src/machine/check.ts";
import { extendTrace, Trace } from "../../src/machine/chip.ts";
import { MemoryImage } from "../../src/machine/memory.ts";
import {
  MAX_SEGMENT_PO2,
  MIN_SEGMENT_PO2,
  SEGMENT_PO2S,
  segmentBudget,
  segmentCycleCapacity,
  segmentPo2Of,
  segmentShape,
} from "../../src/machine/shapes.ts";
import { planSegments } from "../../src/machine/split.ts";
import { MAX_SEGMENT_CYCLES } from "../../src/machine/statement.ts";
import { MACHINE_CONFIG, machinePreprocessedRoot, verifySegmentSeal } from "../../src/machine/verify.ts";
import { segmentWitness, WitnessError } from "../../src/machine/witness.ts";
import {
  type CompositeReceipt,
  InvalidSegmentProofError,
  verifySegmentReceipt,
} from "../../src/receipt/composite-receipt.ts";
import { proveReceipt } from "../../src/receipt/prove.ts";
import { verifyReceipt } from "../../src/receipt/verify.ts";
import { CONFIG_BLOWUP_4 } from "../../src/stark/config.ts";
import { VerificationError } from "../../src/stark/errors.ts";
import { poseidon2Hash } from "../../src/stark/poseidon2-hash.ts";
import { encodeProof } from "../../src/stark/proof-codec.ts";
import { proveStark } from "../../src/stark/prover.ts";
import { verifyStark } from "../../src/stark/verifier.ts";
import { CycleLimitExceededError, GuestFault } from "../../src/zkvm/errors.ts";
import { computeImageId, imagePages } from "../../src/zkvm/image-id.ts";
import { loadProgram } from "../../src/zkvm/program.ts";
import { executeRecording } from "../../src/zkvm/recorder.ts";
import { asm, DATA_BASE, program } from "../zkvm/asm.ts";
import { instruction, randomProgram } from "../zkvm/random-instructions.ts";
import { CONFIG } from "./helpers.ts";

/**
 * Segment shapes (docs/machine.md "Segment shapes"): the published table heights per segment po2, the
 * splitter that keeps every segment within them, padding to them, and the verifier pinning them.
 */
const example = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../guests/examples/${name}.elf`, import.meta.url)));

/** Plans a run's segments and builds every segment's witness at its planned po2 (which must fit). */
function plannedWitnesses(elf: Uint8Array, maxPo2: number, maxCycles?: number, input?: Uint8Array) {
  const p = loadProgram(elf);
  const run = executeRecording(p, { input, cycleLimit: 100_000 });
  const plan = planSegments(run.trace, maxPo2, maxCycles);
  const image = new MemoryImage(imagePages(p));
  const witnesses = plan.map((s) =>
    segmentWitness(run.trace, s.start, s.end, image, machine(), undefined, s.po2),
  );
  return { run, plan, witnesses };
}

/** Each planned segment is contiguous, within its limits, and its witness has exactly its shape. */
function expectPlanHolds(r: ReturnType<typeof plannedWitnesses>, maxPo2: number, maxCycles: number) {
  const { run, plan, witnesses } = r;
  expect(plan[0]!.start).toBe(0);
  expect(plan[plan.length - 1]!.end).toBe(run.cycles);
  plan.forEach((s, i) => {
    if (i > 0) expect(s.start).toBe(plan[i - 1]!.end);
    expect(s.end - s.start).toBeLessThanOrEqual(maxCycles);
    expect(s.po2).toBeLessThanOrEqual(maxPo2);
    const w = witnesses[i]!;
    expect(w.po2).toBe(s.po2);
    expect(w.witness.tables.map((t) => Math.log2(t[0]!.length))).toEqual(segmentShape(CONFIG, s.po2));
    expect(w.statement.post.cycles - w.statement.pre.cycles).toBe(s.end - s.start);
  });
}

/** A loop that stores one word into each of `pages` consecutive fresh pages. */
function pageToucher(pages: number): Uint8Array {
  return program(
    [
      ...asm.li(6, DATA_BASE + 4096),
      ...asm.li(7, pages),
      asm.sw(7, 6, 0), // loop:
      asm.i("addi", 6, 6, 1024),
      asm.i("addi", 7, 7, -1),
      asm.bne(7, 0, -12),
    ],
    new Uint8Array(0),
    4096 + 1024 * (pages + 1),
  );
}

describe("segment shapes: the published table", () => {
  it("covers po2 10..21, one distinct shape per po2, growing with po2, in the AIR's table order", () => {
    expect(SEGMENT_PO2S).toEqual(Array.from({ length: 12 }, (_, i) => 10 + i));
    expect([MIN_SEGMENT_PO2, MAX_SEGMENT_PO2]).toEqual([10, 21]);
    expect(segmentCycleCapacity(21)).toBe(MAX_SEGMENT_CYCLES);
    expect(segmentCycleCapacity(16)).toBe(65536);
    for (const config of [MACHINE_CONFIG, CONFIG_BLOWUP_4, CONFIG]) {
      const m = machineFor(config);
      for (const k of SEGMENT_PO2S) {
        const shape = segmentShape(config, k);
        expect(shape).toHaveLength(m.air.tables.length);
        m.air.tables.forEach((t, i) => {
          if (t.fixedLogHeight !== null) expect(shape[i]).toBe(t.fixedLogHeight);
          expect(shape[i]).toBe(segmentBudget(k)[m.order[i]!]);
        });
        // a segment of 2^k cycles of ALU instructions fits: the ALU table has one row per cycle
        expect(shape[m.order.indexOf("alu")]).toBe(k);
        expect(segmentPo2Of(config, shape)).toBe(k);
        if (k > MIN_SEGMENT_PO2) {
          const prev = segmentShape(config, k - 1);
          expect(shape.every((h, i) => h >= prev[i]!)).toBe(true);
        }
      }
    }
    expect(() => segmentShape(MACHINE_CONFIG, 9)).toThrow(RangeError);
    expect(() => segmentShape(MACHINE_CONFIG, 22)).toThrow(RangeError);
    expect(
      segmentPo2Of(
        MACHINE_CONFIG,
        segmentShape(MACHINE_CONFIG, 12).map((h, i) => (i === 3 ? h + 1 : h)),
      ),
    ).toBe(undefined);
  });
});

describe("segment shapes: the splitter", () => {
  it("random programs: every planned segment's witness has its shape and is valid", () => {
    let checked = 0;
    fc.assert(
      fc.property(
        fc.array(instruction, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 64 }),
        (parts, maxCycles) => {
          const elf = randomProgram(parts);
          let r: ReturnType<typeof plannedWitnesses>;
          try {
            r = plannedWitnesses(elf, 10, maxCycles);
          } catch (e) {
            if (e instanceof GuestFault || e instanceof CycleLimitExceededError) return;
            throw e;
          }
          expectPlanHolds(r, 10, maxCycles);
          if (checked++ < 6)
            for (const w of r.witnesses) expect(checkWitness(machine().air, w.witness)).toEqual([]);
        },
      ),
      { numRuns: 30, seed: 0x5a9e },
    );
    expect(checked).toBeGreaterThan(5);
  });

  it("example guests: segments end at their po2's budgets, and the default keeps one segment", () => {
    const input = new TextEncoder().encode("zkvm-kit proves this");
    // One segment under the default: ~33k cycles fit po2 16 (ALU 2^16, shifts ≈ 20% < 2^14 rows, control
    // ≈ 7% < 2^13).
    const whole = planSegments(executeRecording(loadProgram(example("sha")), { input }).trace, 20);
    expect(whole).toHaveLength(1);
    expect(whole[0]!.po2).toBe(16);
    // At po2 10, the multiply/shift budget (2^8 rows) binds before the 1024-cycle capacity in SHA-256's
    // rounds: more segments than cycles alone would need.
    const r = plannedWitnesses(example("sha"), 10, undefined, input);
    expectPlanHolds(r, 10, segmentCycleCapacity(10));
    expect(r.plan.length).toBeGreaterThan(Math.ceil(r.run.cycles / 1024));
    expect(checkWitness(machine().air, r.witnesses[0]!.witness)).toEqual([]);
  });

  it("a guest that touches many pages gets more segments, not an overflowing table; its receipt verifies", () => {
    const elf = pageToucher(12);
    const run = executeRecording(loadProgram(elf), {});
    expect(run.cycles).toBeLessThan(100); // by cycles alone, one segment of po2 10
    // po2 10 holds 8 pages (the page table's 2^8 rows): registers, code and the output digest's page are
    // three of them.
    const plan = planSegments(run.trace, 10);
    expect(plan.length).toBeGreaterThanOrEqual(3);
    const { receipt } = proveReceipt(elf, { config: CONFIG, segmentPo2: 10, dev: false });
    const composite = receipt as CompositeReceipt;
    expect(composite.segments.map((s) => s.statement.post.cycles)).toEqual(plan.map((s) => s.end));
    verifyReceipt(receipt, computeImageId(loadProgram(elf)), undefined, { config: CONFIG });
  });

  it("a READ that needs more host rows than po2 10 holds gets a segment of its own at a larger po2", () => {
    const n = 400; // 100 words: po2 10 has 2^5 host rows, po2 12 the first with ≥ 100 (2^7)
    const elf = program([...asm.li(10, DATA_BASE + 1024), ...asm.li(11, n), ...asm.li(5, 1), asm.ecall()]);
    const r = plannedWitnesses(elf, 10, undefined, new Uint8Array(n).fill(7));
    expectPlanHolds(r, MAX_SEGMENT_PO2, segmentCycleCapacity(10));
    const read = r.plan.find((s) => s.po2 > 10)!;
    expect(read.end - read.start).toBe(1);
    expect(read.po2).toBe(12);
  });

  it("a READ of any length copies at most 4 KiB: 1,025 host rows when unaligned, a segment of po2 16", () => {
    // Asks for 2^16 words and more, which no segment shape holds; the executor copies READ_MAX_BYTES.
    const n = 4 * 2 ** 16 + 4;
    const elf = program(
      [...asm.li(10, DATA_BASE + 1025), ...asm.li(11, n), ...asm.li(5, 1), asm.ecall()],
      new Uint8Array(0),
      8192,
    );
    const r = plannedWitnesses(elf, 10, undefined, new Uint8Array(n).fill(7));
    expectPlanHolds(r, MAX_SEGMENT_PO2, segmentCycleCapacity(10));
    const read = r.plan.find((s) => s.po2 > 10)!;
    expect(read.end - read.start).toBe(1);
    expect(read.po2).toBe(16);
  });
});

describe("segment shapes: padding and pinning", () => {
  const tiny = program([asm.i("addi", 6, 0, 1), asm.r("mul", 7, 6, 6)]);
  const witnessAt = (po2?: number) => {
    const p = loadProgram(tiny);
    const run = executeRecording(p, {});
    return segmentWitness(
      run.trace,
      0,
      run.cycles,
      new MemoryImage(imagePages(p)),
      machine(),
      undefined,
      po2,
    );
  };

  it("padding rows satisfy the AIR at a larger shape, and a changed padding row does not", () => {
    const m = machine();
    expect(witnessAt().po2).toBe(10);
    const w = witnessAt(12);
    expect(w.witness.tables.map((t) => Math.log2(t[0]!.length))).toEqual(segmentShape(CONFIG, 12));
    expect(checkWitness(m.air, w.witness)).toEqual([]);
    const last = (k: ChipKey) => w.witness.tables[m.order.indexOf(k)]!.map((c) => c.length - 1)[0]!;
    const cases: [ChipKey, number][] = [
      ["page", m.chips.page.cols.last.i],
      ["decode", m.chips.decode.cols.rdz.i],
      ["poseidon2", m.chips.poseidon2.cols.chain.partialOut[3]!.i],
      ["alu", 0],
      ["merkle", m.chips.merkle.cols.isSibling.i],
    ];
    for (const [table, column] of cases) {
      const col = w.witness.tables[m.order.indexOf(table)]![column]!;
      const row = last(table);
      const old = col[row]!;
      col[row] = old === 0 ? 1 : 0;
      expect(checkWitness(m.air, w.witness).length, `${table} padding row`).toBeGreaterThan(0);
      col[row] = old;
    }
  });

  it("a witness cannot be built at a po2 it does not fit", () => {
    const elf = pageToucher(20);
    const p = loadProgram(elf);
    const run = executeRecording(p, {});
    expect(() =>
      segmentWitness(run.trace, 0, run.cycles, new MemoryImage(imagePages(p)), machine(), undefined, 10),
    ).toThrow(WitnessError);
  });

  it("a valid proof whose heights are not a published shape is rejected", () => {
    const m = machine();
    const w = witnessAt();
    // Twice the ALU rows of po2 10 (all-zero padding rows): the STARK is valid, the shape is not published.
    const alu = m.order.indexOf("alu");
    const tables = w.witness.tables.map((cols, i) => {
      if (i !== alu) return cols;
      const t = new Trace(cols.length, cols[0]!.length, cols[0]!.length);
      cols.forEach((c, j) => t.columns[j]!.set(c));
      return extendTrace(t, 2 * cols[0]!.length).columns;
    });
    const proof = proveStark(m.air, CONFIG, poseidon2Hash, { tables, publics: w.witness.publics });
    const heights = segmentShape(CONFIG, 10).map((h, i) => (i === alu ? h + 1 : h));
    expect(proof.logHeights).toEqual(heights);
    // Unpinned, the STARK verifies: only the shape can reject it.
    verifyStark(m.air, CONFIG, poseidon2Hash, w.witness.publics, proof, {
      preprocessedRoot: machinePreprocessedRoot(CONFIG),
    });
    const seal = encodeProof(proof, m.air, CONFIG, poseidon2Hash);
    let err: unknown;
    try {
      verifySegmentSeal(w.statement, seal, CONFIG);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VerificationError);
    expect((err as VerificationError).reason).toBe("heights");
    expect((err as Error).message).toMatch(/not a published segment shape/);
    expect(() =>
      verifySegmentReceipt({ kind: "segment", index: 0, statement: w.statement, seal }, { config: CONFIG }),
    ).toThrow(InvalidSegmentProofError);
  });
});
