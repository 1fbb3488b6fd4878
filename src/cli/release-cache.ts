import type { Command } from "commander";
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

export function addReleaseCacheOptions(command: Command): Command {
  return command
    .option(
      "--cache-dir <dir>",
      "where the built recursion release is cached (default: $ZKVM_CACHE_DIR, else $XDG_CACHE_HOME/zkvm-kit, else ~/.cache/zkvm-kit)",
    )
    .option("--no-cache", "build the recursion release without the disk cache (same as ZKVM_NO_CACHE=1)");
}

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
