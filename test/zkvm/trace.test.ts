/**
 * The recorded trace is self-consistent, checked by replaying it without the executor: every register
 * read sees the last value written to that register, every memory access sees the last value written to
 * that word (or the initial image), and every instruction is the image's word at its pc.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadProgram } from "../../src/zkvm/program.ts";
import { type ExecutionTrace, executeRecording, TraceFlag } from "../../src/zkvm/recorder.ts";

const EXAMPLES = resolve(import.meta.dirname, "../../guests/examples");

function replay(trace: ExecutionTrace, image: Map<number, number>): void {
  const regs = new Uint32Array(32);
  const mem = new Map(image);
  const word = (a: number) => mem.get(a) ?? 0;
  let h = 0;
  const host = trace.host;
  for (let i = 0; i < trace.cycles; i++) {
    const at = `cycle ${i} pc 0x${trace.pc[i]!.toString(16)}`;
    expect(trace.instruction[i], at).toBe(word(trace.pc[i]!));
    expect(trace.rs1Value[i], `${at} rs1`).toBe(regs[trace.rs1[i]!]);
    expect(trace.rs2Value[i], `${at} rs2`).toBe(regs[trace.rs2[i]!]);
    const f = trace.flags[i]!;
    if (f & (TraceFlag.LOAD | TraceFlag.STORE)) {
      const a = trace.memAddress[i]!;
      expect(trace.memBefore[i], `${at} mem before`).toBe(word(a));
      if (f & TraceFlag.LOAD) expect(trace.memAfter[i]).toBe(trace.memBefore[i]);
      mem.set(a, trace.memAfter[i]!);
    }
    while (h < host.count && host.cycle[h] === i) {
      expect(host.before[h], `${at} host access`).toBe(word(host.address[h]!));
      if (!host.write[h]) expect(host.after[h]).toBe(host.before[h]);
      mem.set(host.address[h]!, host.after[h]!);
      h++;
    }
    if (f & TraceFlag.WRITES_RD && trace.rd[i] !== 0) regs[trace.rd[i]!] = trace.rdValue[i]!;
    // Sequential flow unless the instruction is a jump or a taken branch.
    if (i + 1 < trace.cycles) {
      const opcode = trace.instruction[i]! & 0x7f;
      if (opcode !== 0x6f && opcode !== 0x67 && opcode !== 0x63)
        expect(trace.pc[i + 1]).toBe(trace.pc[i]! + 4);
    }
  }
  expect(h).toBe(host.count);
}

function imageWords(program: ReturnType<typeof loadProgram>): Map<number, number> {
  const m = new Map<number, number>();
  for (const s of program.segments) {
    const padded = new Uint8Array(s.data.length + 8);
    padded.set(s.data, s.vaddr & 3);
    const v = new DataView(padded.buffer);
    for (let o = 0; o < s.data.length + (s.vaddr & 3); o += 4)
      m.set((s.vaddr & ~3) + o, v.getUint32(o, true));
  }
  return m;
}

describe("recorded trace", () => {
  for (const [guest, input] of [
    ["sort", randomBytes(4 * 200)],
    ["sha", randomBytes(300)],
    ["hello", Buffer.from([3, 0, 0, 0, 5, 0, 0, 0])],
  ] as const) {
    it(`replays consistently: ${guest}`, () => {
      const program = loadProgram(readFileSync(join(EXAMPLES, `${guest}.elf`)));
      const { trace, cycles } = executeRecording(program, { input });
      expect(trace.cycles).toBe(cycles);
      expect(trace.host.count).toBeGreaterThan(0);
      replay(trace, imageWords(program));
    });
  }
});
