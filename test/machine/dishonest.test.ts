import { describe, expect, it } from "vitest";
import { machine } from "../../src/machine/air.ts";
import { Bus } from "../../src/machine/buses.ts";
import { checkWitness } from "../../src/machine/check.ts";
import { MemoryImage } from "../../src/machine/memory.ts";
import { Pub } from "../../src/machine/publics.ts";
import type { SegmentStatement } from "../../src/machine/statement.ts";
import { type SegmentWitness, segmentWitness, type WitnessLies } from "../../src/machine/witness.ts";
import { imagePages } from "../../src/zkvm/image-id.ts";
import { loadProgram } from "../../src/zkvm/program.ts";
import { executeRecording } from "../../src/zkvm/recorder.ts";
import {
  asm,
  CODE_BASE,
  DATA_BASE,
  EMPTY_OUTPUT_DIGEST,
  haltWords,
  wordsToBytes,
  writeElf,
} from "../zkvm/asm.ts";
import { dishonestProof, verifies, witnessOf } from "./helpers.ts";

/**
 * Dishonest traces: each lie is built into an otherwise consistent witness (later accesses see the lied
 * values), proven with the prover's own constraint check off, and the verifier must reject the proof for
 * the statement it claims. The exact witness checks must also find every lie.
 */
const ADD = asm.r("add", 8, 6, 7);
const MUL = asm.r("mul", 9, 6, 7);
const DIV = asm.r("div", 10, 6, 7);
const DIV0 = asm.r("divu", 13, 6, 0);
const SW = asm.sw(8, 20, 0);
const LW = asm.lw(11, 20, 0);
const BEQ = asm.beq(6, 7, 8);
const X0 = asm.r("add", 0, 6, 7);
const BODY = [
  ...asm.li(6, 7),
  ...asm.li(7, 2),
  ADD,
  MUL,
  DIV,
  DIV0,
  ...asm.li(20, DATA_BASE + 256),
  SW,
  LW,
  BEQ,
  asm.i("addi", 12, 0, 1),
  // READ 4 bytes into DATA_BASE + 513 (the words at 512 and 516 are partly written).
  ...asm.li(10, DATA_BASE + 513),
  ...asm.li(11, 4),
  ...asm.li(5, 1),
  asm.ecall(),
  asm.lw(15, 20, 256),
];
// The write to x0 comes last, after the halt's register setup, so that the lie it tells (x0 ≠ 0) does
// not derail the rest of the run.
const ELF = writeElf(CODE_BASE, [
  { vaddr: CODE_BASE, data: wordsToBytes([...BODY, ...haltWords(), X0, asm.ecall()]), flags: 5 },
  { vaddr: DATA_BASE, data: EMPTY_OUTPUT_DIGEST, memsz: 4096, flags: 6 },
]);
const INPUT = Uint8Array.of(9, 8, 7, 6);
const run = executeRecording(loadProgram(ELF), { input: INPUT });
const cycleOf = (word: number, nth = 0) => {
  const hits: number[] = [];
  for (let k = 0; k < run.cycles; k++) if (run.trace.instruction[k] === word >>> 0) hits.push(k);
  return hits[nth]!;
};
const ECALL_READ = cycleOf(asm.ecall(), 0);

function rejectLie(lies: WitnessLies): void {
  const w = witnessOf(ELF, { input: INPUT }, lies);
  expect(checkWitness(machine().air, w.witness).length).toBeGreaterThan(0);
  expect(verifies(w, dishonestProof(w))).toBe(false);
}

/** A witness whose publics claim another statement than the one its trace supports. */
function withStatement(w: SegmentWitness, st: SegmentStatement, publics: number[]): SegmentWitness {
  return { ...w, statement: st, witness: { ...w.witness, publics } };
}

describe("machine: dishonest traces are rejected", () => {
  it("the honest witness of the test program is valid (so each lie is the only defect)", () => {
    const w = witnessOf(ELF, { input: INPUT });
    expect(checkWitness(machine().air, w.witness)).toEqual([]);
  });

  it("a wrong ALU result", () => rejectLie({ result: new Map([[cycleOf(ADD), 10]]) }));
  it("a wrong MUL result", () => rejectLie({ result: new Map([[cycleOf(MUL), 15]]) }));
  it("a wrong DIV result that still satisfies q·b + r = a (remainder too large)", () =>
    rejectLie({ quotient: new Map([[cycleOf(DIV), { q: 2, r: 3 }]]) }));
  it("a quotient other than 2^32 − 1 for a division by zero", () =>
    rejectLie({ quotient: new Map([[cycleOf(DIV0), { q: 5, r: 7 }]]) }));
  it("a skipped instruction", () => rejectLie({ skip: new Set([cycleOf(MUL)]) }));
  it("a repeated instruction", () => rejectLie({ repeat: new Set([cycleOf(ADD)]) }));
  it("a wrong next pc (a branch not taken, claimed taken)", () =>
    rejectLie({ npc: new Map([[cycleOf(BEQ), run.trace.pc[cycleOf(BEQ)]! + 8]]) }));
  it("a load returning a value never stored", () => rejectLie({ result: new Map([[cycleOf(LW), 1234]]) }));
  it("a store that is lost", () => rejectLie({ stored: new Map([[cycleOf(SW), 0]]) }));
  it("a register write to x0", () => rejectLie({ writeX0: new Set([cycleOf(X0)]) }));
  it("a READ that writes outside its buffer", () =>
    rejectLie({ hostWrites: new Map([[ECALL_READ, [{ address: DATA_BASE + 520, after: 0xdeadbeef }]]]) }));
  it("a READ that changes a byte before its buffer in a partially written word", () => {
    // Honestly the word at 512 becomes 0x07080900 (bytes 513..515 = 9, 8, 7); the lie also sets byte 512.
    rejectLie({ hostWrites: new Map([[ECALL_READ, [{ address: DATA_BASE + 512, after: 0x070809ff }]]]) });
  });

  it("a READ count written to a0 as halves that are not 16-bit values", () =>
    rejectLie({ readCountHalves: new Map([[ECALL_READ, [1, 2013265920]]]) }));

  it("READ's count halves are range-checked (a0 must hold a valid word whatever the host says)", () => {
    // White-box: a lie that kept the count's field value and every bus balanced would need non-canonical
    // halves everywhere a0 is used next; the defence is that the system table checks both halves itself.
    const m = machine();
    const table = m.air.tables[m.order.indexOf("system")]!;
    const L = m.chips.system.cols;
    const checksColumn = (col: number) =>
      table.interactions.some((it) => {
        const f = table.nodes[it.fields[0]!]!;
        return it.bus === Bus.RANGE16 && f.op === "col" && f.kind === "main" && f.index === col && !f.next;
      });
    expect(checksColumn(L.n0Lo.i)).toBe(true);
    expect(checksColumn(L.n0Hi.i)).toBe(true);
  });

  it("a page whose content differs from the ImageID", () => {
    const prog = loadProgram(ELF);
    const honest = witnessOf(ELF, { input: INPUT });
    const pages = imagePages(prog);
    const dataPage = DATA_BASE / 1024;
    const page = pages.get(dataPage)!.slice();
    page[64] = 0x55555555; // the word at DATA_BASE + 256, which the program stores to and loads
    pages.set(dataPage, page);
    const forged = segmentWitness(run.trace, 0, run.cycles, new MemoryImage(pages), machine(), {});
    // Claim the real ImageID's root while paging in the forged content.
    const publics = [...forged.witness.publics];
    for (let k = 0; k < 8; k++) publics[Pub.PRE_ROOT + k] = honest.statement.pre.root[k]!;
    const st = { ...forged.statement, pre: honest.statement.pre };
    const w = withStatement(forged, st, publics);
    expect(checkWitness(machine().air, w.witness).length).toBeGreaterThan(0);
    expect(verifies(w, dishonestProof(w))).toBe(false);
  });

  for (const [what, edit] of [
    ["a wrong exit code", (st: SegmentStatement) => ({ ...st, exitCode: 1 })],
    [
      "a wrong output digest",
      (st: SegmentStatement) => ({ ...st, output: st.output.map((b, i) => (i === 5 ? b ^ 1 : b)) }),
    ],
  ] as const) {
    it(what, () => {
      const honest = witnessOf(ELF, { input: INPUT });
      const st = edit(honest.statement);
      const publics = [...honest.witness.publics];
      publics[Pub.EXIT_LO] = st.exitCode & 0xffff;
      for (let k = 0; k < 16; k++) publics[Pub.OUTPUT + k] = st.output[2 * k]! | (st.output[2 * k + 1]! << 8);
      const w = withStatement(honest, st, publics);
      expect(checkWitness(machine().air, w.witness).length).toBeGreaterThan(0);
      expect(verifies(w, dishonestProof(w))).toBe(false);
      // The honest proof does not verify for the edited statement either.
      expect(verifies(w, dishonestProof(honest))).toBe(false);
    });
  }
});
