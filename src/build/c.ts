/**
 * Builds C (and assembly) guests with the SDK in guests/sdk: Debian's clang for rv32im/ilp32, ld.lld with
 * the guest linker script, and the rv32im libgcc.a of gcc-riscv64-unknown-elf (64-bit division and
 * multiplication helpers).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, extname, join, resolve } from "node:path";
import { GuestBuildError, ToolchainMissingError } from "./errors.ts";
import { writeElf } from "./output.ts";
import { C_SDK_DIR, GUEST_LINKER_SCRIPT, which } from "./paths.ts";

export const C_DEBIAN_PACKAGES = "clang lld gcc-riscv64-unknown-elf";

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

/** Link flags shared by C and Rust guests. */
export const GUEST_LINK_FLAGS = [
  "--no-relax",
  "--gc-sections",
  "--build-id=none",
  "-z",
  "max-page-size=1024",
  "-T",
  GUEST_LINKER_SCRIPT,
];

export interface CToolchain {
  clang: string;
  lld: string;
  libgcc: string;
}

/** Finds clang, ld.lld and the rv32im/ilp32 libgcc.a, or explains which Debian packages to install. */
export function findCToolchain(): CToolchain {
  const clang = which("clang");
  const lld = which("ld.lld");
  const gcc = which("riscv64-unknown-elf-gcc");
  if (!clang || !lld || !gcc) {
    const missing = [!clang && "clang", !lld && "ld.lld", !gcc && "riscv64-unknown-elf-gcc"].filter(Boolean);
    throw new ToolchainMissingError(
      `the guest cross toolchain is missing (${missing.join(", ")}); install the Debian packages: ` +
        `apt-get install -y ${C_DEBIAN_PACKAGES}`,
    );
  }
  const libgcc = execFileSync(gcc, ["-march=rv32im", "-mabi=ilp32", "-print-libgcc-file-name"], {
    encoding: "utf8",
  }).trim();
  if (!existsSync(libgcc) || !libgcc.includes("rv32im")) {
    throw new ToolchainMissingError(
      `no rv32im/ilp32 libgcc.a found (got ${libgcc}); install the Debian packages: apt-get install -y ${C_DEBIAN_PACKAGES}`,
    );
  }
  return { clang, lld, libgcc };
}

export interface CBuildOptions {
  /** C (`.c`) and assembly (`.S`, `.s`) sources, relative to `cwd`. */
  sources: string[];
  /** Output ELF, relative to `cwd`. */
  out: string;
  /** Include directories (-I), relative to `cwd`. The SDK's are always searched. */
  includeDirs?: string[];
  /** Preprocessor definitions (-D): `NAME` or `NAME=VALUE`. */
  defines?: string[];
  /** Optimisation level: 0, 1, 2 (default), 3, s or z. */
  opt?: string;
  /** Base directory of relative paths (default: the current directory). */
  cwd?: string;
}

const SOURCE_KINDS = new Set([".c", ".S", ".s"]);
const OPT_LEVELS = new Set(["0", "1", "2", "3", "s", "z"]);

/**
 * Compiles the sources with the SDK and links them into `out` (written atomically). Reproducible: the
 * same sources and options give the same ELF bytes wherever they are built (no paths or timestamps are
 * embedded).
 */
export function buildCGuest(options: CBuildOptions): { elf: string } {
  const cwd = resolve(options.cwd ?? ".");
  const opt = options.opt ?? "2";
  if (!OPT_LEVELS.has(opt))
    throw new GuestBuildError(`optimisation level -O${opt} is not one of 0 1 2 3 s z`);
  if (options.sources.length === 0) throw new GuestBuildError("no C sources given");
  const sources = options.sources.map((s) => {
    const path = resolve(cwd, s);
    if (!SOURCE_KINDS.has(extname(path))) {
      throw new GuestBuildError(`${s}: guest sources are C (.c) or assembly (.S, .s)`);
    }
    if (!existsSync(path) || !statSync(path).isFile())
      throw new GuestBuildError(`guest source ${s} does not exist`);
    return path;
  });
  for (const d of options.defines ?? []) {
    if (!/^[A-Za-z_]\w*(=.*)?$/s.test(d)) throw new GuestBuildError(`-D${d} is not NAME or NAME=VALUE`);
  }
  const includes = (options.includeDirs ?? []).map((d) => {
    const path = resolve(cwd, d);
    if (!existsSync(path) || !statSync(path).isDirectory()) {
      throw new GuestBuildError(`include directory ${d} does not exist`);
    }
    return path;
  });
  const tc = findCToolchain();
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
    const flags = [
      ...C_FLAGS,
      `-O${opt}`,
      // __FILE__ and friends name sources relative to the project, never by their absolute path.
      `-ffile-prefix-map=${cwd}/=`,
      `-ffile-prefix-map=${C_SDK_DIR}/=zkvm-sdk/`,
      ...includes.flatMap((d) => ["-I", d]),
      "-I",
      C_SDK_DIR,
      "-isystem",
      join(C_SDK_DIR, "include"),
      ...(options.defines ?? []).map((d) => `-D${d}`),
    ];
    const units = [join(C_SDK_DIR, "start.S"), join(C_SDK_DIR, "zkvm.c"), ...sources];
    const objects = units.map((src, i) => {
      const o = join(work, `${i}-${basename(src)}.o`);
      run(tc.clang, [...flags, "-c", src, "-o", o]);
      return o;
    });
    const linked = join(work, "guest.elf");
    run(tc.lld, ["-m", "elf32lriscv", ...GUEST_LINK_FLAGS, "-o", linked, ...objects, tc.libgcc]);
    return { elf: writeElf(linked, resolve(cwd, options.out)) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
