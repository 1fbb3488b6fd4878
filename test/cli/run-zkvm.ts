import { execFile, spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const ROOT = resolve(import.meta.dirname, "../..");
const CLI = join(ROOT, "src/cli/main.ts");

/** What a `zkvm` run gave: its exit code, output, and how long it took. */
export interface ZkvmRun {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs the `zkvm` command from the sources, asynchronously (tests may serve a chain meanwhile), with dev
 * mode off unless `env` turns it on.
 */
export async function zkvm(args: string[], env: Record<string, string> = {}, cwd = ROOT): Promise<ZkvmRun> {
  const started = Date.now();
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], {
      cwd,
      env: { ...process.env, ZKVM_DEV_MODE: "", ...env },
      timeout: 120_000,
      maxBuffer: 1 << 26,
    });
    return { code: 0, stdout, stderr, ms: Date.now() - started };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "", ms: Date.now() - started };
  }
}

/** The same, synchronously. */
export function zkvmSync(args: string[], env: Record<string, string> = {}, cwd = ROOT) {
  return spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, ZKVM_DEV_MODE: "", ...env },
  });
}
