/**
 * Projects: a `zkvm.json` names the guests to build and where the generated `ImageID.sol` goes, so that
 * `zkvm build` with no arguments rebuilds every guest and the contract constants together.
 *
 * ```json
 * {
 *   "guests": [
 *     { "name": "is-even", "rust": "guests/is-even", "out": "build/is-even.elf" },
 *     { "name": "hello", "c": ["guests/hello.c"], "include": ["guests/include"], "define": ["N=4"] }
 *   ],
 *   "imageIdSol": "contracts/ImageID.sol"
 * }
 * ```
 *
 * Paths are relative to the manifest. `out` defaults to `build/<name>.elf`.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import type { Digest } from "../hash/digest.ts";
import { computeImageId } from "../zkvm/image-id.ts";
import { loadProgram } from "../zkvm/program.ts";
import { buildCGuest } from "./c.ts";
import { ProjectConfigError, ToolchainMissingError } from "./errors.ts";
import { renderImageIdSol } from "./image-id-sol.ts";
import { writeFileAtomic } from "./output.ts";
import { buildRustGuest, findRustToolchain } from "./rust.ts";

export const PROJECT_MANIFEST = "zkvm.json";

interface GuestCommon {
  /** Letters, digits, `-` and `_`; names the Solidity constant (`is-even` → `IS_EVEN_ID`). */
  name: string;
  out?: string;
}
export interface RustGuestSpec extends GuestCommon {
  /** The Cargo project directory. */
  rust: string;
  bin?: string;
  features?: string[];
  noDefaultFeatures?: boolean;
}
export interface CGuestSpec extends GuestCommon {
  /** C and assembly sources. */
  c: string[];
  include?: string[];
  define?: string[];
  opt?: string;
}
export type GuestSpec = RustGuestSpec | CGuestSpec;

export interface ProjectManifest {
  guests: GuestSpec[];
  /** Where to write ImageID.sol (omit for none). */
  imageIdSol?: string;
  /** Extra directories of vendored crates for Rust guests. */
  vendor?: string[];
}

export interface BuiltGuest {
  name: string;
  elf: string;
  imageId: Digest;
  /** False for a guest left out of this build (`only`), whose existing ELF was read. */
  rebuilt: boolean;
}

const isStringArray = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((s) => typeof s === "string");

/** Reads and validates a project manifest; `path` is the file or the directory holding zkvm.json. */
export function readProject(path: string): { file: string; dir: string; manifest: ProjectManifest } {
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, PROJECT_MANIFEST) : path;
  if (!existsSync(file)) {
    throw new ProjectConfigError(
      `no ${PROJECT_MANIFEST} at ${file}: run \`zkvm build\` in a project (create one with \`zkvm new <dir>\`), ` +
        "or name the sources to build (`zkvm build guest.c -o guest.elf`, `zkvm build path/to/cargo-project -o guest.elf`)",
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new ProjectConfigError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const bad = (what: string) => new ProjectConfigError(`${file}: ${what}`);
  const m = raw as Record<string, unknown>;
  if (typeof m !== "object" || m === null || !Array.isArray(m.guests) || m.guests.length === 0) {
    throw bad('expected { "guests": [ … ] } with at least one guest');
  }
  if (m.imageIdSol !== undefined && typeof m.imageIdSol !== "string") throw bad("imageIdSol must be a path");
  if (m.vendor !== undefined && !isStringArray(m.vendor)) throw bad("vendor must be a list of directories");
  const names = new Set<string>();
  const guests = m.guests.map((g: unknown, i: number): GuestSpec => {
    const s = g as Record<string, unknown>;
    const where = `guests[${i}]`;
    if (typeof s !== "object" || s === null) throw bad(`${where} must be an object`);
    if (typeof s.name !== "string" || !/^[A-Za-z][A-Za-z0-9_-]*$/.test(s.name)) {
      throw bad(`${where}.name must start with a letter and hold only letters, digits, - and _`);
    }
    if (names.has(s.name)) throw bad(`two guests are named ${s.name}`);
    names.add(s.name);
    if (s.out !== undefined && typeof s.out !== "string") throw bad(`${where}.out must be a path`);
    if ((s.rust === undefined) === (s.c === undefined)) {
      throw bad(
        `${where} needs exactly one of "rust" (a Cargo project directory) and "c" (a list of sources)`,
      );
    }
    if (s.rust !== undefined) {
      if (typeof s.rust !== "string") throw bad(`${where}.rust must be a directory`);
      if (s.bin !== undefined && typeof s.bin !== "string") throw bad(`${where}.bin must be a string`);
      if (s.features !== undefined && !isStringArray(s.features))
        throw bad(`${where}.features must be strings`);
      return s as unknown as RustGuestSpec;
    }
    if (!isStringArray(s.c) || s.c.length === 0) throw bad(`${where}.c must be a non-empty list of sources`);
    for (const k of ["include", "define"] as const) {
      if (s[k] !== undefined && !isStringArray(s[k])) throw bad(`${where}.${k} must be a list of strings`);
    }
    if (s.opt !== undefined && typeof s.opt !== "string")
      throw bad(`${where}.opt must be a string such as "2"`);
    return s as unknown as CGuestSpec;
  });
  return { file, dir: dirname(resolve(file)), manifest: { ...(m as object), guests } as ProjectManifest };
}

export interface BuildProjectOptions {
  /** Build only these guests (default: all). */
  only?: string[];
  cacheDir?: string;
  /** Cargo's target directory for the Rust guests (default: each project's own). */
  targetDir?: string;
  onOutput?: (text: string) => void;
}

/** Builds the project's guests and regenerates its ImageID.sol. */
export async function buildProject(
  path: string,
  options: BuildProjectOptions = {},
): Promise<{ guests: BuiltGuest[]; imageIdSol?: string }> {
  const { file, dir, manifest } = readProject(path);
  for (const name of options.only ?? []) {
    if (!manifest.guests.some((g) => g.name === name)) {
      throw new ProjectConfigError(`${file} has no guest named ${name}`);
    }
  }
  const built: BuiltGuest[] = [];
  for (const guest of manifest.guests) {
    const out = guest.out ?? join("build", `${guest.name}.elf`);
    const rebuild = !options.only || options.only.includes(guest.name);
    if (rebuild) {
      if ("rust" in guest) {
        await buildRustGuest({
          project: guest.rust,
          out,
          bin: guest.bin,
          features: guest.features,
          noDefaultFeatures: guest.noDefaultFeatures,
          vendorDirs: manifest.vendor,
          cacheDir: options.cacheDir,
          targetDir: options.targetDir && resolve(options.targetDir),
          cwd: dir,
          onOutput: options.onOutput,
        });
      } else {
        buildCGuest({
          sources: guest.c,
          out,
          includeDirs: guest.include,
          defines: guest.define,
          opt: guest.opt,
          cwd: dir,
        });
      }
    }
    const elf = resolve(dir, out);
    if (!existsSync(elf)) {
      throw new ProjectConfigError(
        `${guest.name} has not been built yet (${out}); build it too to write ImageID.sol`,
      );
    }
    built.push({
      name: guest.name,
      elf,
      imageId: computeImageId(loadProgram(new Uint8Array(readFileSync(elf)))),
      rebuilt: rebuild,
    });
  }
  if (!manifest.imageIdSol) return { guests: built };
  const sol = resolve(dir, manifest.imageIdSol);
  // The ImageIDs of Rust guests depend on the compiler: say which one made them.
  const rust = manifest.guests.some((g) => "rust" in g) ? rustcVersion() : undefined;
  const text = renderImageIdSol(
    built.map((g) => ({ name: g.name, imageId: g.imageId, elf: relative(dir, g.elf) })),
    { source: relative(dir, file), ...(rust ? { toolchain: `Rust guests built with ${rust}` } : {}) },
  );
  // Rewriting an unchanged file would make Hardhat recompile every contract.
  if (!existsSync(sol) || readFileSync(sol, "utf8") !== text) writeFileAtomic(sol, text);
  return { guests: built, imageIdSol: sol };
}

/** The Rust compiler's version, or undefined without one (a project whose Rust guests were built elsewhere). */
function rustcVersion(): string | undefined {
  try {
    return findRustToolchain().version;
  } catch (err) {
    if (err instanceof ToolchainMissingError) return undefined;
    throw err;
  }
}
