import { join } from "node:path";
import { defaultCacheDir } from "../../src/groth16/compile.ts";

/**
 * The cargo target directory every Rust build of a test run shares (in the build cache, outside git), so
 * the standard library (`-Zbuild-std`) and common crates are compiled once per machine, not per test.
 */
export const RUST_TARGET_DIR = join(defaultCacheDir(), "cargo-target-tests");
