import { describe, expect, it } from "vitest";
import { proveReceipt } from "../../src/receipt/prove.ts";
import { GuestFault } from "../../src/zkvm/errors.ts";
import {
  asm,
  CODE_BASE,
  DATA_BASE,
  EMPTY_OUTPUT_DIGEST,
  program,
  wordsToBytes,
  writeElf,
} from "../zkvm/asm.ts";
import { CONFIG } from "./helpers.ts";

/** A faulting execution gets no receipt: proving stops with the executor's GuestFault. */
function fault(elf: Uint8Array): GuestFault {
  try {
    proveReceipt(elf, { config: CONFIG, dev: false });
  } catch (e) {
    if (e instanceof GuestFault) return e;
    throw e;
  }
  throw new Error("expected a guest fault");
}

describe("machine: faulting guests", () => {
  it("EBREAK, a misaligned load and an illegal instruction get no receipt", () => {
    expect(fault(program([asm.ebreak()])).kind).toBe("ebreak");
    expect(fault(program([...asm.li(9, DATA_BASE + 2), asm.lw(8, 9, 0)])).kind).toBe("misaligned-load");
    expect(fault(program([0xffffffff])).kind).toBe("illegal-instruction");
  });

  it("HALT with a digest pointer that is not word-aligned is a bad ecall", () => {
    // The digest at DATA_BASE + 1 (the right bytes, misaligned).
    const data = new Uint8Array(64);
    data.set(EMPTY_OUTPUT_DIGEST, 1);
    const words = [...asm.li(5, 0), ...asm.li(10, 0), ...asm.li(11, DATA_BASE + 1), asm.ecall()];
    const elf = writeElf(CODE_BASE, [
      { vaddr: CODE_BASE, data: wordsToBytes(words), flags: 5 },
      { vaddr: DATA_BASE, data, flags: 6 },
    ]);
    const f = fault(elf);
    expect(f.kind).toBe("bad-ecall");
    expect(f.message).toMatch(/aligned/);
  });
});
