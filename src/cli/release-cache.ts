import type { ReleaseCacheOptions } from "../recursion/release-cache.ts";
import { releaseCacheDir } from "../recursion/release-cache-dir.ts";

/**
 * `--cache-dir` and `--no-cache` for the commands that build the published recursion release (docs/cli.md,
 * docs/recursion.md §7): its preprocessed roots are cached on disk, so only the first process on a machine
 * spends minutes building it.
 */
export interface ReleaseCacheCliOptions {
  cacheDir?: string;
  /** false with --no-cache. */
  cache?: boolean;
}

/** The two options, spread into commander's `.option(...)`. */
export const CACHE_DIR_OPTION = [
  "--cache-dir <dir>",
  "where the built recursion release is cached (default: $ZKVM_CACHE_DIR, else $XDG_CACHE_HOME/zkvm-kit, else ~/.cache/zkvm-kit)",
] as const;
export const NO_CACHE_OPTION = [
  "--no-cache",
  "build the recursion release without the disk cache (same as ZKVM_NO_CACHE=1)",
] as const;

/** The cache as the options ask, reporting on stderr where the release came from. */
export function releaseCacheOptions(opts: ReleaseCacheCliOptions): ReleaseCacheOptions {
  return {
    dir: opts.cache === false ? null : (opts.cacheDir ?? releaseCacheDir()),
    warn: (m) => console.error(`warning: ${m}`),
    onBuilt: (r) =>
      console.error(
        r.computed === 0
          ? `${r.name}: taken from the cache (${r.file})`
          : r.written
            ? `${r.name}: built; cached in ${r.file}, so the next run starts in seconds`
            : `${r.name}: built (${r.file === null ? "cache disabled" : "not cached"})`,
      ),
  };
}
