/**
 * The release cache (src/recursion/release-cache.ts). The cache layer on a release of two small AIRs with
 * preprocessed columns (milliseconds per build): a warm build takes every root from the entry; a corrupt,
 * truncated, stale or forged entry is ignored with a warning and rebuilt; a disabled or unwritable cache
 * still builds. Then on the tests' recursion release (test-release.ts: join, identity and `claim` at the
 * test configuration): the warm release equals the one built without the cache and proves, its BN254 step
 * round-trips, and a root that does not match its program's columns is refused by the prover.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RecursionProgramError } from "../../src/recursion/executor.ts";
import { p254Program } from "../../src/recursion/p254.ts";
import {
  cachedReleaseBuild,
  computePreprocessedRoot,
  type PreprocessedRootOf,
  RELEASE_CACHE_FORMAT,
  type ReleaseCacheEntry,
  type ReleaseCacheReport,
  releaseCacheDir,
  releaseCacheFile,
} from "../../src/recursion/release-cache.ts";
import type { RecursionSystem } from "../../src/recursion/system.ts";
import type { Air } from "../../src/stark/air.ts";
import { poseidon2Hash } from "../../src/stark/poseidon2-hash.ts";
import { byteLookupsAir, rangeCheckFixedAir, TEST_CONFIG } from "../stark/airs.ts";
import { BN254_TEST_CONFIG, proveTestClaim, TEST_RECURSION_CONFIG, testRelease } from "./test-release.ts";

const root = mkdtempSync(join(tmpdir(), "zkvm-release-cache-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const newDir = () => mkdtempSync(join(root, "cache-"));

/** Builds through the cache in `dir`, with what the cache reported and warned. */
function through<T>(
  entry: ReleaseCacheEntry,
  dir: string | null,
  build: (rootOf: PreprocessedRootOf) => T,
  reproduces: (t: T) => boolean,
) {
  const warnings: string[] = [];
  let report: ReleaseCacheReport | undefined;
  const built = cachedReleaseBuild(entry, build, reproduces, {
    dir,
    warn: (m) => warnings.push(m),
    onBuilt: (r) => (report = r),
  });
  return { built, warnings, report: report! };
}

/** Rewrites an entry's JSON and its integrity digest (what a forger or another version would write). */
function rewrite(file: string, change: (o: Record<string, unknown>) => void) {
  const o = JSON.parse(readFileSync(file, "utf8"));
  change(o);
  const body = JSON.stringify({
    format: o.format,
    version: o.version,
    name: o.name,
    key: o.key,
    roots: o.roots,
  });
  o.digest = createHash("sha256").update(body).digest("hex");
  writeFileSync(file, JSON.stringify(o));
}

describe("release cache: the cache layer", () => {
  const ENTRY: ReleaseCacheEntry = { name: "small", key: { release: "small", config: TEST_CONFIG } };
  const airs = (bits = 8): Air[] => [rangeCheckFixedAir(bits), byteLookupsAir()];
  const reference = airs().map((a) => [...computePreprocessedRoot(a, TEST_CONFIG, poseidon2Hash)]);
  const reproduces = (roots: Uint32Array[]) =>
    roots.every((r, i) => r.every((x, j) => x === reference[i]![j]));
  // Fresh AIR objects per build, as a new process has (the prover keeps commitments per AIR object).
  const build = (dir: string | null, bits = 8) =>
    through(ENTRY, dir, (rootOf) => airs(bits).map((a) => rootOf(a, TEST_CONFIG, poseidon2Hash)), reproduces);

  /** A fresh cache directory holding a valid entry (a cold build through it). */
  function warmDir(): string {
    const dir = newDir();
    const cold = build(dir);
    expect(cold.report).toEqual({
      name: "small",
      file: releaseCacheFile(dir, ENTRY),
      cached: 0,
      computed: 2,
      written: true,
    });
    expect(cold.warnings).toEqual([]);
    return dir;
  }

  it("a cold build writes the entry through a rename; a warm one computes nothing and gives the same roots", () => {
    const dir = warmDir();
    const file = releaseCacheFile(dir, ENTRY);
    // Only the entry: the temporary file was renamed into place.
    expect(readdirSync(dir)).toEqual([file.slice(dir.length + 1)]);
    const entry = JSON.parse(readFileSync(file, "utf8"));
    expect(entry.format).toBe(RELEASE_CACHE_FORMAT);
    expect(Object.keys(entry.roots)).toHaveLength(2);
    const warm = build(dir);
    expect(warm.report).toMatchObject({ cached: 2, computed: 0, written: false });
    expect(warm.warnings).toEqual([]);
    expect(warm.built.map((r) => [...r])).toEqual(reference);
  });

  it("a leftover temporary file of an interrupted writer is never read", () => {
    const dir = newDir();
    const file = releaseCacheFile(dir, ENTRY);
    writeFileSync(`${file}.4242.deadbeef.tmp`, '{"format":');
    const cold = build(dir);
    expect(cold.warnings).toEqual([]);
    expect(cold.report.computed).toBe(2);
    expect(build(dir).report.cached).toBe(2);
  });

  const corruptions: [string, (file: string) => void, RegExp][] = [
    [
      "a changed digit",
      (f) => {
        const text = readFileSync(f, "utf8");
        const at = text.search(/\d,\n/);
        writeFileSync(f, text.slice(0, at) + ((Number(text[at]) + 1) % 10) + text.slice(at + 1));
      },
      /content digest does not match/,
    ],
    ["truncation", (f) => writeFileSync(f, readFileSync(f).subarray(0, 100)), /not valid JSON/],
    ["an empty file", (f) => writeFileSync(f, ""), /not valid JSON/],
    ["another JSON value", (f) => writeFileSync(f, "[1, 2]"), /not a release cache entry/],
    [
      "an older format",
      (f) => rewrite(f, (o) => (o.format = "zkvm-kit/release-cache/0")),
      /format .* \(stale\)/,
    ],
    [
      "another version",
      (f) => rewrite(f, (o) => (o.version = "0.0.1")),
      /written by zkvm-kit "0.0.1" \(stale\)/,
    ],
    ["another release's key", (f) => rewrite(f, (o) => (o.key = { release: "other" })), /another release/],
    [
      "a malformed root",
      (f) =>
        rewrite(f, (o) => {
          const roots = o.roots as Record<string, number[]>;
          roots[Object.keys(roots)[0]!]!.push(1);
        }),
      /malformed/,
    ],
    [
      "a forged root (valid digest)",
      (f) =>
        rewrite(f, (o) => {
          const roots = o.roots as Record<string, number[]>;
          roots[Object.keys(roots)[1]!]![0]! ^= 1;
        }),
      /does not reproduce the published release/,
    ],
  ];
  for (const [what, corrupt, warning] of corruptions)
    it(`an entry with ${what} is ignored with a warning, rebuilt and rewritten`, () => {
      const dir = warmDir();
      corrupt(releaseCacheFile(dir, ENTRY));
      const rebuilt = build(dir);
      expect(rebuilt.warnings).toHaveLength(1);
      expect(rebuilt.warnings[0]).toMatch(warning);
      expect(rebuilt.report).toMatchObject({ cached: 0, computed: 2, written: true });
      expect(rebuilt.built.map((r) => [...r])).toEqual(reference);
      const again = build(dir);
      expect(again.warnings).toEqual([]);
      expect(again.report.cached).toBe(2);
    });

  it("roots are found by the content they commit to: a changed program misses, an unchanged one hits", () => {
    const dir = warmDir();
    // Another range table (2^9 rows), accepted as its release: its root is computed, the byte table's found.
    const changed = through(
      ENTRY,
      dir,
      (rootOf) => airs(9).map((a) => rootOf(a, TEST_CONFIG, poseidon2Hash)),
      () => true,
    );
    expect(changed.report).toMatchObject({ cached: 1, computed: 1, written: true });
    expect([...changed.built[0]!]).not.toEqual(reference[0]);
    expect([...changed.built[1]!]).toEqual(reference[1]);
    // A build that does not reproduce its release after using cached roots is redone without them.
    const mismatched = build(dir, 9);
    expect(mismatched.warnings).toHaveLength(1);
    expect(mismatched.warnings[0]).toMatch(/does not reproduce the published release/);
    expect(mismatched.report).toMatchObject({ cached: 0, computed: 2, written: false });
  });

  it("disabled (dir null): builds, writes nothing", () => {
    const off = build(null);
    expect(off.report).toEqual({ name: "small", file: null, cached: 0, computed: 2, written: false });
    expect(off.built.map((r) => [...r])).toEqual(reference);
  });

  it("an unwritable directory: a warning, and the release is still built", () => {
    const blocker = join(root, "a-file");
    writeFileSync(blocker, "not a directory");
    const r = build(join(blocker, "cache"));
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/cannot write .* the next process rebuilds again/);
    expect(r.report.written).toBe(false);
    expect(r.built.map((x) => [...x])).toEqual(reference);
  });

  it("the default directory: ZKVM_CACHE_DIR, XDG_CACHE_HOME/zkvm-kit, ~/.cache/zkvm-kit; ZKVM_NO_CACHE disables", () => {
    expect(releaseCacheDir({ ZKVM_CACHE_DIR: "/x/y", XDG_CACHE_HOME: "/c" })).toBe("/x/y");
    expect(releaseCacheDir({ XDG_CACHE_HOME: "/c" })).toBe(join("/c", "zkvm-kit"));
    expect(releaseCacheDir({})).toMatch(/[/\\]\.cache[/\\]zkvm-kit$/);
    expect(releaseCacheDir({ ZKVM_NO_CACHE: "1", ZKVM_CACHE_DIR: "/x/y" })).toBeNull();
    expect(releaseCacheDir({ ZKVM_NO_CACHE: "0", ZKVM_CACHE_DIR: "/x/y" })).toBe("/x/y");
  });
});

describe("release cache: the tests' recursion release", () => {
  const ENTRY: ReleaseCacheEntry = { name: "test-release", key: { config: TEST_RECURSION_CONFIG } };
  let reference: RecursionSystem;
  const build = (dir: string | null) =>
    through(
      ENTRY,
      dir,
      (rootOf) => testRelease(TEST_RECURSION_CONFIG, rootOf),
      (s) => s.tree.root.every((x, i) => x === reference.tree.root[i]),
    );
  const programs = (s: RecursionSystem) => [s.join, s.identity, ...s.others.values()];

  beforeAll(() => {
    reference = testRelease();
  }, 300_000);

  it("cold, then warm in the same directory: the same release as without the cache, and it proves", () => {
    const dir = newDir();
    expect(build(dir).report).toMatchObject({ cached: 0, computed: 3, written: true });
    const warm = build(dir);
    expect(warm.report).toMatchObject({ cached: 3, computed: 0, written: false });
    expect(warm.warnings).toEqual([]);
    const sys = warm.built;
    expect([...sys.tree.root]).toEqual([...reference.tree.root]);
    expect(sys.shape).toEqual(reference.shape);
    programs(sys).forEach((p, i) => {
      const q = programs(reference)[i]!;
      expect(p.name).toBe(q.name);
      expect(p.program.instructions).toEqual(q.program.instructions);
      expect([...p.preprocessedRoot]).toEqual([...q.preprocessedRoot]);
      expect([...p.controlId]).toEqual([...q.controlId]);
    });
    // The prover commits to `claim`'s columns itself and finds the cached root.
    const proof = proveTestClaim(
      sys,
      Array.from({ length: 35 }, (_, i) => i),
    );
    expect(proof.publics.slice(0, 8)).toEqual([...reference.tree.root]);
  });

  it("the BN254 step (its control ID is the Poseidon-BN254 root): cold, then warm", () => {
    const dir = newDir();
    const entry: ReleaseCacheEntry = { name: "test-wrap", key: { config: BN254_TEST_CONFIG } };
    const p254 = () =>
      through(
        entry,
        dir,
        (rootOf) => p254Program(reference, BN254_TEST_CONFIG, { rootOf }),
        () => true,
      );
    const cold = p254();
    expect(cold.report).toMatchObject({ cached: 0, computed: 1, written: true });
    const warm = p254();
    expect(warm.report).toMatchObject({ cached: 1, computed: 0, written: false });
    expect([...warm.built.bn254ControlId]).toEqual([...cold.built.bn254ControlId]);
    expect([...warm.built.airDigest]).toEqual([...cold.built.airDigest]);
  });

  it("a root that does not match its program's columns: the prover refuses to prove with it", () => {
    // The reference's roots in build order (join, identity, claim), `claim`'s with one bit flipped.
    const roots = programs(reference).map((p) => p.preprocessedRoot.slice());
    roots[2]![0]! ^= 1;
    let n = 0;
    const wrong = testRelease(TEST_RECURSION_CONFIG, () => roots[n++]!);
    expect(() =>
      proveTestClaim(
        wrong,
        Array.from({ length: 35 }, () => 0),
      ),
    ).toThrow(RecursionProgramError);
  });
});
