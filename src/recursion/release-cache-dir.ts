import { homedir } from "node:os";
import { join } from "node:path";

/**
 * The release cache's default directory (release-cache.ts): `$ZKVM_CACHE_DIR`, else
 * `$XDG_CACHE_HOME/zkvm-kit`, else `~/.cache/zkvm-kit`; null (disabled) when `ZKVM_NO_CACHE` is set to
 * anything but "" or "0". Its own module so that the command line reads it without loading the prover.
 */
export function releaseCacheDir(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.ZKVM_NO_CACHE && env.ZKVM_NO_CACHE !== "0") return null;
  if (env.ZKVM_CACHE_DIR) return env.ZKVM_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "zkvm-kit");
}
