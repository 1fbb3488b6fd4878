import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { ElfError } from "../zkvm/errors.ts";
import { loadProgram } from "../zkvm/program.ts";
import { GuestBuildError } from "./errors.ts";

/**
 * Writes `data` to `path` through a temporary file and a rename, creating missing parent directories, so
 * that readers never see a half-written file.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644): void {
  mkdirSync(dirname(path), { recursive: true });
  // Unique per writer: threads of one process (relay provers) may write the same file at once.
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    writeFileSync(tmp, data, { mode });
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Checks that a freshly linked guest loads in the zkVM, then copies it to `out`. Returns `out`. */
export function writeElf(linked: string, out: string): string {
  const bytes = readFileSync(linked);
  try {
    loadProgram(new Uint8Array(bytes));
  } catch (err) {
    if (err instanceof ElfError) {
      throw new GuestBuildError(`the linked guest is not a valid zkVM program: ${err.message}`, {
        cause: err,
      });
    }
    throw err;
  }
  // Executable, as a linker leaves it.
  writeFileAtomic(out, bytes, 0o755);
  return out;
}
