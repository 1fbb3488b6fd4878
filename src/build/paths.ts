import { existsSync } from "node:fs";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The root of the zkvm-kit package (the same from src/ and from the built dist/). */
export const KIT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** The C guest SDK: start code, linker script, runtime, headers. */
export const C_SDK_DIR = join(KIT_ROOT, "guests", "sdk");
/** The linker script of every guest, C or Rust (memory map: docs/abi.md §3). */
export const GUEST_LINKER_SCRIPT = join(C_SDK_DIR, "guest.ld");
/** The Rust guest SDK crate (`zkvm-guest`). */
export const RUST_SDK_DIR = join(KIT_ROOT, "guests", "rust", "zkvm-guest");

/** The first executable named `tool` on PATH. */
export function which(tool: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const p = join(dir, tool);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}
