/**
 * The offline crate source of Rust guest builds. Cargo can replace crates.io by one directory of unpacked
 * crates (`directory` source: one `<name>-<version>/` per crate, each with a `.cargo-checksum.json`). The
 * crates a guest build may use live in several such directories: Debian's `librust-*-dev` packages in
 * /usr/share/cargo/registry, the standard library's own dependencies in rust-web-src's `library/vendor`
 * (needed by `-Zbuild-std`), and any the user vendored (`cargo vendor`). This module merges them into one
 * directory of symbolic links, cached by the exact set of crates, so cargo sees a single source.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, realpathSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";

/** Where Debian's `librust-*-dev` packages unpack their crates. */
export const DEBIAN_CARGO_REGISTRY = "/usr/share/cargo/registry";

/** The crates of `dir` that a directory source can serve: `<name>-<version>` → absolute path. */
function cratesIn(dir: string): Array<[string, string]> {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() || e.isSymbolicLink())
    .map((e) => join(dir, e.name))
    .filter((p) => existsSync(join(p, "Cargo.toml")) && existsSync(join(p, ".cargo-checksum.json")))
    .map((p) => [p.slice(dir.length + 1), realpathSync(p)]);
}

/**
 * Returns a directory holding every crate of `sources` (the first source wins when two hold the same
 * `<name>-<version>`). Created once per distinct set of crates under `cacheDir`; safe under concurrent
 * builds (each builds its own copy and renames it into place).
 */
export function mergedCrateDirectory(sources: readonly string[], cacheDir: string): string {
  const crates = new Map<string, string>();
  for (const dir of sources) {
    for (const [name, path] of cratesIn(dir)) if (!crates.has(name)) crates.set(name, path);
  }
  const entries = [...crates].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const key = createHash("sha256").update(JSON.stringify(entries)).digest("hex").slice(0, 16);
  const root = join(cacheDir, "cargo-sources");
  const dir = join(root, key);
  if (existsSync(dir)) return dir;
  mkdirSync(root, { recursive: true });
  const tmp = `${dir}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  for (const [name, path] of entries) symlinkSync(path, join(tmp, name));
  try {
    renameSync(tmp, dir);
  } catch (err) {
    // Another build put the same set in place first.
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(dir)) throw err;
  }
  return dir;
}
