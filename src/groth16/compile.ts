/**
 * Compiles circom circuits with the `circom2` npm package (circom in WebAssembly, run in a child process
 * so that its exit() cannot end ours) and circomlib, caching the outputs by content hash outside git.
 *
 * The cache key covers the circom2 and circomlib versions, the flags, and the bytes of the main file and of
 * every file it includes (followed transitively through the same search path circom uses), so editing any
 * template recompiles, and nothing else does.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CircuitCompileError } from "./errors.ts";

const require = createRequire(import.meta.url);

export interface CompileOptions {
  /** Extra include directories (circomlib's circuits/ and the project's circuits/ are always searched). */
  include?: string[];
  /** Cache directory (default: $ZKVM_BUILD_CACHE or <os tmpdir>/zkvm-kit-build-cache). */
  cacheDir?: string;
  /** circom simplification level (default O2: full linear simplification, the smallest R1CS). */
  optimization?: "O0" | "O1" | "O2";
}

export interface CompiledCircuit {
  /** Directory holding the outputs. */
  dir: string;
  r1cs: string;
  /** The witness generator (WebAssembly). */
  wasm: string;
  sym: string;
  /** Content hash (the cache key). */
  hash: string;
  /** True when the outputs came from the cache. */
  cached: boolean;
  /** circom's own summary (constraints, wires …) when it ran. */
  log: string;
}

/** The project's own templates (poseidon_chain.circom, …). */
export const CIRCUITS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../circuits");
/** circomlib's templates. */
export const CIRCOMLIB_DIR = dirname(require.resolve("circomlib/circuits/poseidon.circom"));

export function defaultCacheDir(): string {
  return process.env.ZKVM_BUILD_CACHE ?? join(tmpdir(), "zkvm-kit-build-cache");
}

function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8")) as { version: string })
    .version;
}

/** Every file the circuit includes, resolved like circom does: next to the including file, then -l dirs. */
function sourceClosure(main: string, searchPath: string[]): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/^\s*include\s+"([^"]+)"\s*;/gm)) {
      const name = m[1]!;
      const found = [dirname(file), ...searchPath].map((d) => resolve(d, name)).find((p) => existsSync(p));
      if (!found) {
        throw new CircuitCompileError(
          `${file} includes "${name}", which is in none of: ${[dirname(file), ...searchPath].join(", ")}. ` +
            `Add its directory with the include option (-l).`,
        );
      }
      visit(found);
    }
  };
  visit(main);
  return [...seen];
}

export async function compileCircuit(
  circuit: string,
  options: CompileOptions = {},
): Promise<CompiledCircuit> {
  const main = resolve(circuit);
  if (!existsSync(main)) throw new CircuitCompileError(`circuit file not found: ${circuit}`);
  const searchPath = [...(options.include ?? []).map((d) => resolve(d)), CIRCUITS_DIR, CIRCOMLIB_DIR];
  const optimization = options.optimization ?? "O2";
  const hasher = createHash("sha256");
  hasher.update(
    `circom2@${packageVersion("circom2")} circomlib@${packageVersion("circomlib")} --${optimization}\n`,
  );
  for (const file of sourceClosure(main, searchPath)) {
    hasher.update(`${file}\n`);
    hasher.update(readFileSync(file));
  }
  const hash = hasher.digest("hex").slice(0, 32);
  const name = basename(main, ".circom");
  const dir = join(resolve(options.cacheDir ?? defaultCacheDir()), "circom", `${name}-${hash}`);
  const outputs = {
    dir,
    r1cs: join(dir, `${name}.r1cs`),
    wasm: join(dir, `${name}_js`, `${name}.wasm`),
    sym: join(dir, `${name}.sym`),
    hash,
  };
  if (existsSync(outputs.r1cs) && existsSync(outputs.wasm)) return { ...outputs, cached: true, log: "" };

  const work = `${dir}.${process.pid}.tmp`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  // circom2's WASI sandbox only opens the working directory's ancestors; run from / with root-relative paths.
  const rel = (p: string) => relative("/", p) || ".";
  const args = [
    require.resolve("circom2/cli.js"),
    rel(main),
    "--r1cs",
    "--wasm",
    "--sym",
    `--${optimization}`,
    ...searchPath.flatMap((d) => ["-l", rel(d)]),
    "-o",
    rel(work),
  ];
  const { code, output } = await new Promise<{ code: number | null; output: string }>((done, fail) => {
    const child = spawn(process.execPath, args, { cwd: "/", stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", fail);
    child.on("close", (code) => done({ code, output }));
  });
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips circom's ANSI colours
  const log = output.replace(/\u001b\[[0-9;]*m/g, "").trim();
  if (code !== 0 || !existsSync(join(work, `${name}.r1cs`))) {
    rmSync(work, { recursive: true, force: true });
    throw new CircuitCompileError(`circom failed to compile ${circuit}:\n${log}`);
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(work, dir);
  return { ...outputs, cached: false, log };
}
