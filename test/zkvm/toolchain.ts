import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Assembles RV32IM assembly text with clang and links it at 0x200800 with lld; returns the ELF path. */
export function assemble(source: string): string {
  const dir = mkdtempSync(join(tmpdir(), "zkvm-asm-"));
  const s = join(dir, "t.s");
  const o = join(dir, "t.o");
  const elf = join(dir, "t.elf");
  writeFileSync(s, source);
  execFileSync("clang", ["--target=riscv32-unknown-elf", "-march=rv32im", "-mno-relax", "-c", s, "-o", o]);
  execFileSync("ld.lld", [
    "-m",
    "elf32lriscv",
    "--no-relax",
    "-Ttext=0x200800",
    "-e",
    "_start",
    o,
    "-o",
    elf,
  ]);
  return elf;
}

export const tmp = (name: string) => join(mkdtempSync(join(tmpdir(), "zkvm-test-")), name);
