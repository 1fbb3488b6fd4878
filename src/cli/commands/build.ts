import { existsSync, statSync } from "node:fs";
import { basename, extname, join, relative, resolve } from "node:path";
import { bytesToHex } from "@noble/hashes/utils.js";
import type { Command } from "commander";
import { buildCGuest } from "../../build/c.ts";
import { GuestBuildError, ProjectConfigError, ToolchainMissingError } from "../../build/errors.ts";
import { type BuiltGuest, buildProject, PROJECT_MANIFEST } from "../../build/project.ts";
import { buildRustGuest } from "../../build/rust.ts";
import { computeImageId } from "../../zkvm/image-id.ts";
import { loadProgram } from "../../zkvm/program.ts";
import { CliError, usageError } from "../errors.ts";
import { EXIT } from "../exit-codes.ts";
import { readElfArg } from "../io.ts";

interface BuildCliOptions {
  out?: string;
  include: string[];
  define: string[];
  optLevel?: string;
  bin?: string;
  features?: string;
  defaultFeatures: boolean;
  locked?: boolean;
  vendor: string[];
  targetDir?: string;
  project?: string;
  guest: string[];
  cacheDir?: string;
  json?: boolean;
}

const collect = (v: string, all: string[]) => [...all, v];

type Mode =
  | { kind: "project"; path: string }
  | { kind: "rust"; project: string }
  | { kind: "c"; sources: string[] };

/** What to build: a project (zkvm.json), a Cargo project (Rust), or C sources. */
function modeOf(sources: string[], opts: BuildCliOptions): Mode {
  if (opts.project) {
    if (sources.length)
      throw usageError("--project builds the guests its manifest names; give no sources with it");
    return { kind: "project", path: opts.project };
  }
  if (sources.length === 0) {
    if (!existsSync(PROJECT_MANIFEST)) {
      throw usageError(
        `nothing to build: no ${PROJECT_MANIFEST} here. Build C sources (zkvm build guest.c -o guest.elf), a ` +
          "Cargo project (zkvm build path/to/guest -o guest.elf), or a project (zkvm new <dir> makes one)",
      );
    }
    return { kind: "project", path: PROJECT_MANIFEST };
  }
  const first = sources[0]!;
  const isDir = existsSync(first) && statSync(first).isDirectory();
  if (
    sources.length === 1 &&
    (basename(first) === "Cargo.toml" || (isDir && existsSync(join(first, "Cargo.toml"))))
  ) {
    return { kind: "rust", project: first };
  }
  if (
    sources.length === 1 &&
    (basename(first) === PROJECT_MANIFEST || (isDir && existsSync(join(first, PROJECT_MANIFEST))))
  ) {
    return { kind: "project", path: first };
  }
  if (isDir) throw usageError(`${first} is a directory without a Cargo.toml or ${PROJECT_MANIFEST}`);
  return { kind: "c", sources };
}

function rejectOptions(opts: BuildCliOptions, mode: Mode): void {
  const c = opts.include.length > 0 || opts.define.length > 0 || opts.optLevel !== undefined;
  const rust = !!(opts.bin || opts.features || !opts.defaultFeatures || opts.locked || opts.vendor.length);
  if (mode.kind === "rust" && c) {
    throw usageError("-I, -D and -O apply to C guests; a Cargo project has its own settings");
  }
  if (mode.kind === "c" && (rust || opts.targetDir)) {
    throw usageError("--bin, --features, --locked, --vendor and --target-dir apply to Rust guests");
  }
  if (mode.kind === "project" && (c || rust || opts.out)) {
    throw usageError(
      `a project's guests are configured in ${PROJECT_MANIFEST}; only --guest, --target-dir and --cache-dir apply`,
    );
  }
  if (mode.kind !== "project" && opts.guest.length) {
    throw usageError("--guest selects guests of a project (zkvm.json)");
  }
}

export function register(program: Command): void {
  program
    .command("build")
    .description(
      "build guests: C sources, a Rust Cargo project, or every guest of a project (zkvm.json, which also regenerates its ImageID.sol)",
    )
    .argument("[sources...]", "C/assembly sources, a Cargo project directory, or nothing for ./zkvm.json")
    .option("-o, --out <file>", "output ELF (default: <name>.elf here)")
    .option("-I, --include <dir>", "C include directory (repeatable)", collect, [])
    .option("-D, --define <name[=value]>", "C preprocessor definition (repeatable)", collect, [])
    .option("-O, --opt-level <level>", "C optimisation level: 0 1 2 3 s z (default 2)")
    .option("--bin <name>", "Rust: the binary to build when the package has several")
    .option("--features <list>", "Rust: comma-separated features to enable")
    .option("--no-default-features", "Rust: do not enable the package's default features")
    .option("--locked", "Rust: fail instead of updating Cargo.lock")
    .option(
      "--vendor <dir>",
      "Rust: extra directory of vendored crates (`cargo vendor` output; repeatable)",
      collect,
      [],
    )
    .option("--target-dir <dir>", "Rust: cargo's target directory (default: the project's target/)")
    .option("--project <path>", `a project manifest (${PROJECT_MANIFEST}) or its directory`)
    .option("--guest <name>", "with a project: build only this guest (repeatable)", collect, [])
    .option("--cache-dir <dir>", "build cache (default: $ZKVM_BUILD_CACHE or the OS temp dir)")
    .option("--json", "print the result as one JSON object")
    .addHelpText(
      "after",
      "\nC guests need Debian's clang, lld and gcc-riscv64-unknown-elf; Rust guests rustc-web, cargo-web, " +
        "rust-web-src and lld (docs/rust-guests.md). Paths are relative to the current directory.",
    )
    .action(async (sources: string[], opts: BuildCliOptions) => {
      const mode = modeOf(sources, opts);
      rejectOptions(opts, mode);
      const onOutput = (text: string) => process.stderr.write(text);
      let built: BuiltGuest[];
      let imageIdSol: string | undefined;
      try {
        if (mode.kind === "project") {
          ({ guests: built, imageIdSol } = await buildProject(mode.path, {
            only: opts.guest.length ? opts.guest : undefined,
            cacheDir: opts.cacheDir,
            targetDir: opts.targetDir,
            onOutput,
          }));
        } else if (mode.kind === "rust") {
          const dir =
            basename(mode.project) === "Cargo.toml" ? resolve(mode.project, "..") : resolve(mode.project);
          const { elf } = await buildRustGuest({
            project: mode.project,
            out: opts.out ?? `${basename(dir)}.elf`,
            bin: opts.bin,
            features: opts.features?.split(",").filter(Boolean),
            noDefaultFeatures: !opts.defaultFeatures,
            locked: opts.locked,
            vendorDirs: opts.vendor,
            targetDir: opts.targetDir,
            cacheDir: opts.cacheDir,
            onOutput,
          });
          built = [{ name: basename(dir), elf, imageId: imageIdOf(elf), rebuilt: true }];
        } else {
          const out = opts.out ?? `${basename(mode.sources[0]!, extname(mode.sources[0]!))}.elf`;
          const { elf } = buildCGuest({
            sources: mode.sources,
            out,
            includeDirs: opts.include,
            defines: opts.define,
            opt: opts.optLevel,
          });
          built = [{ name: basename(out, ".elf"), elf, imageId: imageIdOf(elf), rebuilt: true }];
        }
      } catch (err) {
        if (err instanceof ProjectConfigError) throw usageError(err.shortMessage);
        if (err instanceof GuestBuildError || err instanceof ToolchainMissingError) {
          throw new CliError(err.shortMessage, EXIT.FAILED);
        }
        throw err;
      }
      // Paths as the user would type them: relative below the current directory, absolute elsewhere.
      const rel = (p: string) => {
        const r = relative(process.cwd(), p);
        return r && !r.startsWith("..") ? r : p;
      };
      if (opts.json) {
        console.log(
          JSON.stringify({
            guests: built.map((g) => ({
              name: g.name,
              elf: rel(g.elf),
              imageId: `0x${bytesToHex(g.imageId)}`,
              rebuilt: g.rebuilt,
            })),
            ...(imageIdSol ? { imageIdSol: rel(imageIdSol) } : {}),
          }),
        );
        return;
      }
      for (const g of built) {
        console.log(`${g.rebuilt ? "built" : "kept "} ${rel(g.elf)}  image id 0x${bytesToHex(g.imageId)}`);
      }
      if (imageIdSol) console.log(`wrote ${rel(imageIdSol)}`);
    });
}

function imageIdOf(elf: string): Uint8Array {
  return computeImageId(loadProgram(readElfArg(elf)));
}
