import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../build/output.ts";
import type { Air } from "../stark/air.ts";
import type { StarkConfig } from "../stark/config.ts";
import type { StarkHash } from "../stark/hash-config.ts";
import { preprocessedRoot } from "../stark/prover.ts";
import { releaseCacheDir } from "./release-cache-dir.ts";

export { releaseCacheDir };

/**
 * The on-disk cache of a release's preprocessed roots (docs/recursion.md §7). Building the published release
 * spends ~97% of its time committing each program's preprocessed columns (their LDE and Merkle tree: ~19 s
 * per recursion program on 2 cores, ~46 s for the BN254 step); generating the programs themselves takes
 * under a second each. So an entry stores only the commitment roots, each under the SHA-256 of exactly what
 * it commits to (hash, configuration, table names, heights and column contents): a process rebuilds the
 * programs from its own code, looks their roots up, and computes only what it does not find. A changed
 * program cannot meet a stale root, and the caller still checks the result against the published constants
 * (control root, BN254 control ID), dropping the entry if it does not reproduce them. The prover computes
 * the commitment of a program it proves with anyway and checks it against the root in use
 * (`proveProgram`, `proveP254`), so a wrong root can fail a proof but never yield a wrong one.
 *
 * An entry is one small JSON file named after the release's key, written through a temporary file and a
 * rename; a missing, unreadable, corrupt, truncated or stale file is reported through `warn` and rebuilt.
 */
export const RELEASE_CACHE_FORMAT = "zkvm-kit/release-cache/1";

export interface ReleaseCacheOptions {
  /** The cache directory; null disables the cache. Default: {@link releaseCacheDir}. */
  readonly dir?: string | null;
  /** Where warnings go (an ignored entry, a failed write). Default: `process.emitWarning`. */
  readonly warn?: (message: string) => void;
  /** Called once the release is built: where its roots came from. */
  readonly onBuilt?: (report: ReleaseCacheReport) => void;
}

export interface ReleaseCacheReport {
  /** The entry's name (which release). */
  readonly name: string;
  /** The entry's file (null: the cache is disabled). */
  readonly file: string | null;
  /** Roots found in the entry. */
  readonly cached: number;
  /** Roots computed (the expensive part). */
  readonly computed: number;
  /** Whether the entry was (re)written. */
  readonly written: boolean;
}

/** What an entry belongs to: a name (its file's prefix) and the published constants it must reproduce. */
export interface ReleaseCacheEntry {
  readonly name: string;
  readonly key: Readonly<Record<string, unknown>>;
}

/** How a release's builder obtains a preprocessed root (computing it, or from the cache). */
export type PreprocessedRootOf = (air: Air, config: StarkConfig, hash: StarkHash) => Uint32Array;

/** Computes the root (no cache). */
export const computePreprocessedRoot: PreprocessedRootOf = (air, config, hash) => {
  const root = preprocessedRoot(air, config, hash);
  if (!root) throw new RangeError(`AIR "${air.name}" has no preprocessed columns`);
  return root;
};

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    return typeof pkg.version === "string" ? pkg.version : "unknown";
  } catch {
    return "unknown";
  }
}

const VERSION = packageVersion();

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * SHA-256 of what an AIR's preprocessed root commits to: the hash and its Merkle arity, the configuration,
 * and per table its name, height and preprocessed columns (host byte order: a cache is not moved between
 * machines of different endianness, and there a lookup would only miss).
 */
export function preprocessedContentDigest(air: Air, config: StarkConfig, hash: StarkHash): string {
  const h = createHash("sha256");
  h.update(JSON.stringify({ hash: hash.id, arity: hash.merkleArity ?? 2, config }));
  for (const t of air.tables) {
    h.update(JSON.stringify({ table: t.name, log: t.fixedLogHeight, columns: t.preprocessed.length }));
    for (const c of t.preprocessed) h.update(new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
  }
  return h.digest("hex");
}

/** Roots found in an entry, and those this process looked up or computed (what it writes back). */
class RootStore {
  readonly used = new Map<string, Uint32Array>();
  hits = 0;
  misses = 0;
  private readonly known: ReadonlyMap<string, Uint32Array>;
  constructor(known: ReadonlyMap<string, Uint32Array>) {
    this.known = known;
  }

  readonly rootOf: PreprocessedRootOf = (air, config, hash) => {
    const digest = preprocessedContentDigest(air, config, hash);
    let root = this.known.get(digest);
    if (root) this.hits++;
    else {
      root = computePreprocessedRoot(air, config, hash);
      this.misses++;
    }
    this.used.set(digest, root);
    return root.slice();
  };
}

interface EntryFile {
  readonly format: string;
  readonly version: string;
  readonly name: string;
  readonly key: Readonly<Record<string, unknown>>;
  readonly roots: Readonly<Record<string, readonly number[]>>;
}

/** The canonical text of an entry's header and roots (its integrity digest covers exactly this). */
const body = (e: EntryFile) =>
  JSON.stringify({ format: e.format, version: e.version, name: e.name, key: e.key, roots: e.roots });

/** The entry's file: the name, then a digest of the format, the version and the key. */
export function releaseCacheFile(dir: string, entry: ReleaseCacheEntry): string {
  const id = sha256(JSON.stringify({ format: RELEASE_CACHE_FORMAT, version: VERSION, key: entry.key }));
  return join(dir, `${entry.name}-${id.slice(0, 16)}.json`);
}

const isWord = (x: unknown) => Number.isInteger(x) && (x as number) >= 0 && (x as number) < 2 ** 32;

/** The roots of a valid entry; undefined (after a warning, unless there is no file) for anything else. */
function readEntry(
  file: string,
  entry: ReleaseCacheEntry,
  warn: (m: string) => void,
): Map<string, Uint32Array> | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // No entry yet (or no directory: the write reports why).
    if (code !== "ENOENT" && code !== "ENOTDIR")
      warn(`release cache: cannot read ${file} (${code ?? String(err)}); rebuilding`);
    return undefined;
  }
  const reject = (why: string) => {
    warn(`release cache: ignoring ${file}: ${why}; rebuilding`);
    return undefined;
  };
  let o: EntryFile & { digest?: unknown };
  try {
    o = JSON.parse(text);
  } catch {
    return reject("not valid JSON (truncated or corrupt)");
  }
  if (typeof o !== "object" || o === null || typeof o.roots !== "object" || o.roots === null)
    return reject("not a release cache entry");
  if (o.format !== RELEASE_CACHE_FORMAT) return reject(`format ${JSON.stringify(o.format)} (stale)`);
  if (o.digest !== sha256(body(o))) return reject("its content digest does not match (corrupt)");
  if (o.version !== VERSION) return reject(`written by zkvm-kit ${JSON.stringify(o.version)} (stale)`);
  if (o.name !== entry.name || JSON.stringify(o.key) !== JSON.stringify(entry.key))
    return reject("it belongs to another release (stale)");
  const roots = new Map<string, Uint32Array>();
  for (const [digest, root] of Object.entries(o.roots)) {
    if (!/^[0-9a-f]{64}$/.test(digest) || !Array.isArray(root) || root.length !== 8 || !root.every(isWord))
      return reject("a root is malformed");
    roots.set(digest, Uint32Array.from(root));
  }
  return roots;
}

function writeEntry(
  file: string,
  entry: ReleaseCacheEntry,
  roots: ReadonlyMap<string, Uint32Array>,
  warn: (m: string) => void,
): boolean {
  const e: EntryFile = {
    format: RELEASE_CACHE_FORMAT,
    version: VERSION,
    name: entry.name,
    key: entry.key,
    roots: Object.fromEntries([...roots].map(([d, r]) => [d, Array.from(r)])),
  };
  try {
    writeFileAtomic(file, `${JSON.stringify({ ...e, digest: sha256(body(e)) }, null, 1)}\n`);
    return true;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    warn(`release cache: cannot write ${file} (${e.code ?? e.message}); the next process rebuilds again`);
    return false;
  }
}

const emitWarning = (message: string) => process.emitWarning(message, "ZkvmReleaseCacheWarning");

/**
 * Builds a release with its preprocessed roots from the cache entry where they are found, computing (and
 * then storing) the rest. `reproduces` says whether a build gives the published constants: a build that used
 * cached roots and does not is redone without them (the entry is stale or forged), and only a build that
 * does is written back. The caller still checks its result (and throws if the code itself is off).
 */
export function cachedReleaseBuild<T>(
  entry: ReleaseCacheEntry,
  build: (rootOf: PreprocessedRootOf) => T,
  reproduces: (built: T) => boolean,
  options: ReleaseCacheOptions = {},
): T {
  const dir = options.dir === undefined ? releaseCacheDir() : options.dir;
  const warn = options.warn ?? emitWarning;
  if (dir === null) {
    let computed = 0;
    const built = build((air, config, hash) => {
      computed++;
      return computePreprocessedRoot(air, config, hash);
    });
    options.onBuilt?.({ name: entry.name, file: null, cached: 0, computed, written: false });
    return built;
  }
  const file = releaseCacheFile(dir, entry);
  let store = new RootStore(readEntry(file, entry, warn) ?? new Map());
  let built = build(store.rootOf);
  let ok = reproduces(built);
  if (store.hits > 0 && !ok) {
    warn(`release cache: ${file} does not reproduce the published release; ignoring it and rebuilding`);
    store = new RootStore(new Map());
    built = build(store.rootOf);
    ok = reproduces(built);
  }
  const written = ok && store.misses > 0 && writeEntry(file, entry, store.used, warn);
  options.onBuilt?.({ name: entry.name, file, cached: store.hits, computed: store.misses, written });
  return built;
}
