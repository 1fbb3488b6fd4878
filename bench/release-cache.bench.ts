/**
 * `npm run bench -- release-cache [--production [--wrap]]`: how long a process takes to get a recursion
 * release's programs with an empty disk cache (every preprocessed root computed, then stored: the first run
 * on a machine) and with the entry that run wrote (every later process), each in a fresh child process, so
 * module loading counts as a user sees it. Default: the tests' release (test/recursion/test-release.ts:
 * join, identity and `claim` at the tests' configuration; seconds). `--production`: the published release
 * (recursionReleaseSystem; cold ~3 minutes on 2 cores); `--wrap` adds its BN254 step (wrapReleaseProgram,
 * ~46 s more cold). Last line: JSON.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { wrapReleaseProgram } from "../src/groth16/wrap/release.ts";
import { cachedReleaseBuild, type ReleaseCacheReport } from "../src/recursion/release-cache.ts";
import { recursionReleaseSystem } from "../src/recursion/release-system.ts";
import { TEST_RECURSION_CONFIG, testRelease } from "../test/recursion/test-release.ts";
import { report } from "./util.ts";

const args = process.argv.slice(2);
const production = args.includes("--production");
const wrap = args.includes("--wrap");
const child = args.indexOf("--child");

if (child >= 0) {
  // One process's build through the cache in the given directory: its time and what the cache reported.
  const dir = args[child + 1]!;
  const reports: ReleaseCacheReport[] = [];
  const cache = { dir, onBuilt: (r: ReleaseCacheReport) => reports.push(r) };
  const t = performance.now();
  if (!production)
    cachedReleaseBuild(
      { name: "test-release", key: { config: TEST_RECURSION_CONFIG } },
      (rootOf) => testRelease(TEST_RECURSION_CONFIG, rootOf),
      () => true,
      cache,
    );
  else if (wrap) wrapReleaseProgram(cache);
  else recursionReleaseSystem(cache);
  console.log(JSON.stringify({ ms: performance.now() - t, reports }));
} else {
  const dir = mkdtempSync(join(tmpdir(), "zkvm-release-cache-bench-"));
  const run = (what: string) => {
    const started = performance.now();
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...args, "--child", dir], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    if (r.status !== 0) throw new Error(`the ${what} child failed (status ${r.status})`);
    const out = JSON.parse(r.stdout.trim().split("\n").pop()!) as {
      ms: number;
      reports: ReleaseCacheReport[];
    };
    const processMs = performance.now() - started;
    const summary = out.reports
      .map((x) => `${x.name}: ${x.cached} cached, ${x.computed} computed`)
      .join("; ");
    console.log(
      `${what}: build ${(out.ms / 1000).toFixed(2)} s, process ${(processMs / 1000).toFixed(2)} s (${summary})`,
    );
    return { buildMs: out.ms, processMs, reports: out.reports };
  };
  try {
    const cold = run("cold (empty cache)");
    const warm = run("warm (the entry the cold run wrote)");
    const entryBytes = readdirSync(dir).reduce((s, f) => s + statSync(join(dir, f)).size, 0);
    const s = (ms: number) => Math.round(ms) / 1000;
    report("release-cache", {
      release: production ? (wrap ? "published + BN254 step" : "published") : "tests'",
      coldBuildSeconds: s(cold.buildMs),
      warmBuildSeconds: s(warm.buildMs),
      coldProcessSeconds: s(cold.processMs),
      warmProcessSeconds: s(warm.processMs),
      speedup: Math.round((cold.processMs / warm.processMs) * 10) / 10,
      entryBytes,
      warm: warm.reports,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
