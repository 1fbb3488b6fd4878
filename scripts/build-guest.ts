/**
 * `npm run build:guest -- <file.c> -o <out.elf> [-O<level>]`: builds a single-file C guest with the SDK
 * (guests/sdk) into an RV32IM ELF. Needs clang, lld and the rv32im libgcc from gcc-riscv64-unknown-elf.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const SDK = resolve(dirname(fileURLToPath(import.meta.url)), "..", "guests", "sdk");
const DEBIAN_PACKAGES = "clang lld gcc-riscv64-unknown-elf";

/** The cross toolchain is missing or incomplete. */
export class ToolchainMissingError extends Error {
  override name = "ToolchainMissingError";
}

/** A guest failed to compile or link; the message holds the compiler's output. */
export class GuestBuildError extends Error {
  override name = "GuestBuildError";
}

const TARGET_FLAGS = ["--target=riscv32-unknown-elf", "-march=rv32im", "-mabi=ilp32", "-mno-relax"];
const C_FLAGS = [
  ...TARGET_FLAGS,
  "-nostdlib",
  "-ffreestanding",
  "-fno-builtin",
  "-fno-pic",
  "-fno-common",
  "-fno-stack-protector",
  "-fno-asynchronous-unwind-tables",
  "-fno-ident",
  "-ffunction-sections",
  "-fdata-sections",
  "-Wall",
  "-Wextra",
  "-std=c11",
];

function which(tool: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    const p = join(dir, tool);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

interface Toolchain {
  clang: string;
  lld: string;
  libgcc: string;
}

export function findToolchain(): Toolchain {
  const clang = which("clang");
  const lld = which("ld.lld");
  const gcc = which("riscv64-unknown-elf-gcc");
  const missing = [!clang && "clang", !lld && "ld.lld", !gcc && "riscv64-unknown-elf-gcc"].filter(Boolean);
  if (missing.length > 0 || !clang || !lld || !gcc) {
    throw new ToolchainMissingError(
      `the guest cross toolchain is missing (${missing.join(", ")}); install the Debian packages: ` +
        `apt-get install -y ${DEBIAN_PACKAGES}`,
    );
  }
  const libgcc = execFileSync(gcc, ["-march=rv32im", "-mabi=ilp32", "-print-libgcc-file-name"], {
    encoding: "utf8",
  }).trim();
  if (!existsSync(libgcc) || !libgcc.includes("rv32im")) {
    throw new ToolchainMissingError(
      `no rv32im/ilp32 libgcc.a found (got ${libgcc}); install the Debian packages: apt-get install -y ${DEBIAN_PACKAGES}`,
    );
  }
  return { clang, lld, libgcc };
}

export interface BuildOptions {
  /** Optimisation level passed as -O<level>; default "2". */
  opt?: string;
  /** Extra C flags (e.g. -D definitions). */
  cflags?: string[];
}

/** Compiles `source` with the SDK and links it to `out`. */
export function buildGuest(source: string, out: string, options: BuildOptions = {}): void {
  const tc = findToolchain();
  if (!existsSync(source)) throw new GuestBuildError(`guest source ${source} does not exist`);
  const work = mkdtempSync(join(tmpdir(), "zkvm-guest-"));
  const run = (cmd: string, args: string[]) => {
    try {
      execFileSync(cmd, args, { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
    } catch (err) {
      const e = err as { stderr?: string; stdout?: string };
      throw new GuestBuildError(`${basename(cmd)} failed:\n${e.stderr ?? ""}${e.stdout ?? ""}`.trimEnd());
    }
  };
  try {
    const flags = [...C_FLAGS, `-O${options.opt ?? "2"}`, "-I", SDK, "-isystem", join(SDK, "include")];
    const objects: string[] = [];
    const units: Array<[string, string]> = [
      [join(SDK, "start.S"), "start.o"],
      [join(SDK, "zkvm.c"), "zkvm.o"],
      [resolve(source), "guest.o"],
    ];
    for (const [src, obj] of units) {
      const o = join(work, obj);
      run(tc.clang, [...flags, ...(options.cflags ?? []), "-c", src, "-o", o]);
      objects.push(o);
    }
    run(tc.lld, [
      "-m",
      "elf32lriscv",
      "--no-relax",
      "--gc-sections",
      "--build-id=none",
      "-z",
      "max-page-size=1024",
      "-T",
      join(SDK, "guest.ld"),
      "-o",
      resolve(out),
      ...objects,
      tc.libgcc,
    ]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The example guests, built next to their sources (their ELFs are committed). */
export const EXAMPLES_DIR = resolve(SDK, "..", "examples");

function usage(): never {
  console.error(
    "usage: npm run build:guest -- <file.c> -o <out.elf> [-O<level>] [-D<name>=<value>…]\n" +
      "       npm run build:guest -- --examples   (rebuilds guests/examples/*.elf)",
  );
  process.exit(2);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args.length === 1 && args[0] === "--examples") {
    for (const f of readdirSync(EXAMPLES_DIR).filter((n) => n.endsWith(".c"))) {
      const out = join(EXAMPLES_DIR, f.replace(/\.c$/, ".elf"));
      buildGuest(join(EXAMPLES_DIR, f), out);
      console.log(`built ${out}`);
    }
    process.exit(0);
  }
  let source: string | undefined;
  let out: string | undefined;
  let opt: string | undefined;
  const cflags: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "-o") out = args[++i];
    else if (a.startsWith("-O")) opt = a.slice(2);
    else if (a.startsWith("-D")) cflags.push(a);
    else if (!a.startsWith("-") && !source) source = a;
    else usage();
  }
  if (!source || !out) usage();
  try {
    buildGuest(source, out, { opt, cflags });
    console.log(`built ${out}`);
  } catch (err) {
    if (err instanceof ToolchainMissingError || err instanceof GuestBuildError) {
      console.error(`error: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
}
