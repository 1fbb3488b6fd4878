import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The published package is the TypeScript build in dist/ (JavaScript modules, no .ts files). This builds it
 * into a temporary directory and proves with worker threads through it, in a fresh process: the worker
 * pool must find its thread script and task modules as .js files there.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const dir = mkdtempSync(join(tmpdir(), "zkvm-dist-"));
const dist = join(dir, "dist");

beforeAll(() => {
  execFileSync(
    process.execPath,
    [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json", "--outDir", dist],
    {
      cwd: root,
    },
  );
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the built package", () => {
  it("has a file for every entry point package.json exports", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
      exports: Record<string, { types: string; default: string }>;
    };
    for (const [entry, target] of Object.entries(pkg.exports)) {
      for (const file of [target.default, target.types])
        expect(existsSync(join(dir, file)), `${entry} → ${file}`).toBe(true);
    }
  });

  it("proves with worker threads through dist/stark and verifies through dist/stark/verifier", () => {
    const script = join(dir, "prove.mjs");
    writeFileSync(
      script,
      `import { CONFIG_BLOWUP_2, TableBuilder, defineAir, poseidon2Hash, proveStark } from "${dist}/stark/index.js";
import { verifyStark } from "${dist}/stark/verifier.js";
const t = new TableBuilder("counter", 2);
t.assertZeroTransition(t.next(0).sub(t.main(0)).sub(1));
t.assertZero(t.main(1).sub(t.main(0).mul(t.main(0))));
t.assertZeroFirstRow(t.main(0));
const air = defineAir({ name: "counter", publicCount: 0, tables: [t] });
const n = 1 << 14;
const a = Uint32Array.from({ length: n }, (_, i) => i);
const b = a.map((x) => x * x);
const proof = proveStark(air, CONFIG_BLOWUP_2, poseidon2Hash, { tables: [[a, b]], publics: [] }, { workers: 1 });
console.log(JSON.stringify(verifyStark(air, CONFIG_BLOWUP_2, poseidon2Hash, [], proof).logHeights));
`,
    );
    const r = spawnSync(process.execPath, [script], { encoding: "utf8", timeout: 120_000 });
    expect(r.signal, "the process had to be killed (a hang)").toBeNull();
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe("[14]");
  });
});
