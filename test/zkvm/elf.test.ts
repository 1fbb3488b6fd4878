/** ELF loading: every rejection has a typed error; mutated files never crash the loader or executor. */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseElf } from "../../src/zkvm/elf.ts";
import { CycleLimitExceededError, ElfError, type ElfErrorReason, GuestFault } from "../../src/zkvm/errors.ts";
import { execute } from "../../src/zkvm/executor.ts";
import { loadProgram } from "../../src/zkvm/program.ts";
import { asm, CODE_BASE, program, wordsToBytes, writeElf } from "./asm.ts";

const EXAMPLES = resolve(import.meta.dirname, "../../guests/examples");
const hello = new Uint8Array(readFileSync(join(EXAMPLES, "hello.elf")));

function reason(bytes: Uint8Array): ElfErrorReason | "ok" {
  try {
    parseElf(bytes);
    return "ok";
  } catch (e) {
    if (e instanceof ElfError) return e.reason;
    throw e;
  }
}

function patch(bytes: Uint8Array, f: (v: DataView, b: Uint8Array) => void): Uint8Array {
  const copy = bytes.slice();
  f(new DataView(copy.buffer), copy);
  return copy;
}

const code = wordsToBytes([asm.ecall()]);
const text = (extra = {}) => ({ vaddr: CODE_BASE, data: code, flags: 5, ...extra });

describe("ELF loader", () => {
  it("loads the SDK's ELFs", () => {
    const elf = parseElf(hello);
    expect(elf.entry).toBe(0x200800);
    expect(elf.segments.map((s) => [s.executable, s.writable])).toEqual([
      [true, false],
      [false, false],
      [false, true],
    ]);
  });
  it("rejects the wrong class, endianness and machine", () => {
    expect(reason(patch(hello, (_, b) => (b[4] = 2)))).toBe("wrong-class");
    expect(reason(patch(hello, (_, b) => (b[5] = 2)))).toBe("wrong-endianness");
    expect(reason(patch(hello, (v) => v.setUint16(18, 62, true)))).toBe("wrong-machine");
    expect(reason(patch(hello, (v) => v.setUint16(16, 3, true)))).toBe("wrong-type");
    expect(reason(patch(hello, (v) => v.setUint16(16, 1, true)))).toBe("wrong-type");
    expect(reason(patch(hello, (_, b) => (b[0] = 0)))).toBe("bad-magic");
    expect(reason(patch(hello, (v) => v.setUint32(20, 2, true)))).toBe("bad-version");
  });
  it("rejects compressed instructions and float ABIs", () => {
    expect(reason(writeElf(CODE_BASE, [text()], 0x1))).toBe("compressed-instructions");
    expect(reason(writeElf(CODE_BASE, [text()], 0x2))).toBe("float-abi");
    expect(reason(writeElf(CODE_BASE, [text()], 0x4))).toBe("float-abi");
    expect(reason(writeElf(CODE_BASE, [text()], 0x8))).toBe("rve-abi");
    expect(reason(writeElf(CODE_BASE, [text()], 0x10))).toBe("ok"); // TSO: harmless
  });
  it("rejects segments outside guest memory", () => {
    expect(reason(writeElf(0x1000, [text({ vaddr: 0x1000 })]))).toBe("segment-outside-guest-memory");
    expect(
      reason(writeElf(CODE_BASE, [text(), { vaddr: 0x0bfffff0, data: code, memsz: 32, flags: 6 }])),
    ).toBe("segment-outside-guest-memory");
    expect(
      reason(writeElf(CODE_BASE, [text(), { vaddr: 0xfffffff0, data: code, memsz: 0x20, flags: 6 }])),
    ).toBe("segment-outside-guest-memory");
    expect(reason(writeElf(CODE_BASE, [text(), { vaddr: 0x0bfffffc, data: code, flags: 6 }]))).toBe("ok");
  });
  it("rejects overlapping segments", () => {
    expect(reason(writeElf(CODE_BASE, [text(), { vaddr: CODE_BASE + 2, data: code, flags: 6 }]))).toBe(
      "segments-overlap",
    );
    expect(
      reason(writeElf(CODE_BASE, [{ vaddr: CODE_BASE + 4, data: code, flags: 6 }, text({ memsz: 8 })])),
    ).toBe("segments-overlap");
  });
  it("rejects segments past the end of the file and filesz > memsz", () => {
    expect(reason(patch(hello, (v) => v.setUint32(52 + 16, 0x100000, true)))).toBe(
      "segment-filesz-exceeds-memsz",
    );
    expect(
      reason(
        patch(hello, (v) => {
          v.setUint32(52 + 16, 0x100000, true);
          v.setUint32(52 + 20, 0x100000, true);
        }),
      ),
    ).toBe("segment-past-file-end");
    expect(reason(patch(hello, (v) => v.setUint32(52 + 4, 0xfffffff0, true)))).toBe("segment-past-file-end");
  });
  it("rejects entry points outside executable segments", () => {
    expect(reason(writeElf(0x300000, [text(), { vaddr: 0x300000, data: code, flags: 7 & ~1 }]))).toBe(
      "entry-not-executable",
    );
    expect(reason(writeElf(CODE_BASE + 4, [text()]))).toBe("entry-not-executable");
    expect(reason(writeElf(CODE_BASE + 2, [text()]))).toBe("entry-misaligned");
  });
  it("rejects code spans too large to pre-decode", () => {
    const far = { vaddr: 0x0b000000, data: code, flags: 5 };
    expect(() => loadProgram(writeElf(CODE_BASE, [text(), far]))).toThrow(/code-too-large/);
    expect(() => loadProgram(writeElf(CODE_BASE, [text({ memsz: 0x2000000 })]))).toThrow(ElfError);
  });
  it("rejects truncated headers and files without segments", () => {
    expect(reason(hello.subarray(0, 10))).toBe("truncated");
    expect(reason(hello.subarray(0, 40))).toBe("truncated");
    expect(reason(hello.subarray(0, 60))).toBe("truncated");
    expect(reason(patch(hello, (v) => v.setUint16(44, 0, true)))).toBe("no-segments");
    expect(reason(patch(hello, (v) => v.setUint16(42, 40, true)))).toBe("bad-header-size");
    expect(reason(patch(hello, (v) => v.setUint32(52, 2, true)))).toBe("dynamic");
    expect(reason(patch(hello, (v) => v.setUint32(28, 0xffffff00, true)))).toBe("truncated");
  });
  it("every truncation of a real ELF's loadable part gets a typed error", () => {
    const v = new DataView(hello.buffer, hello.byteOffset);
    let end = 0;
    for (let i = 0; i < v.getUint16(44, true); i++) {
      const h = v.getUint32(28, true) + 32 * i;
      if (v.getUint32(h, true) === 1)
        end = Math.max(end, v.getUint32(h + 4, true) + v.getUint32(h + 16, true));
    }
    for (let n = 0; n < end; n += 5) expect(reason(hello.subarray(0, n))).not.toBe("ok");
    // Section headers and symbols after the segments are not needed to load.
    expect(reason(hello.subarray(0, end))).toBe("ok");
  });
  it("fuzz: mutated ELFs load or fail with ElfError; loaded ones run or fault, never crash", () => {
    const base = program([...asm.li(6, 3), asm.r("mul", 7, 6, 6)]);
    const seeds = [hello, base];
    fc.assert(
      fc.property(
        fc.nat(seeds.length - 1),
        fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.boolean(),
        (which, edits, headerOnly) => {
          const bytes = seeds[which]!.slice();
          const span = headerOnly ? Math.min(bytes.length, 52 + 32 * 4) : bytes.length;
          for (const e of edits) bytes[e.at % span] = e.value;
          let p: ReturnType<typeof loadProgram>;
          try {
            p = loadProgram(bytes);
          } catch (err) {
            expect(err).toBeInstanceOf(ElfError);
            return;
          }
          try {
            execute(p, { cycleLimit: 20_000, input: new Uint8Array(8) });
          } catch (err) {
            if (!(err instanceof GuestFault || err instanceof CycleLimitExceededError)) throw err;
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
