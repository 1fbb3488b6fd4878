import { ZkvmError } from "../errors.ts";
import { SEGMENT_PO2S, segmentShape } from "../machine/shapes.ts";
import { MACHINE_CONFIG } from "../machine/verify.ts";
import { RECURSION_RELEASE } from "./release.ts";
import { cachedReleaseBuild, type ReleaseCacheEntry, type ReleaseCacheOptions } from "./release-cache.ts";
import { type RecursionSystem, recursionSystem } from "./system.ts";

export class RecursionReleaseError extends ZkvmError {
  override name = "RecursionReleaseError";
}

let built: RecursionSystem | undefined;

/** The published constants a release cache entry of the recursion release is keyed by. */
export const RECURSION_RELEASE_CACHE_ENTRY: ReleaseCacheEntry = {
  name: "recursion-release",
  key: {
    controlRoot: Array.from(RECURSION_RELEASE.controlRoot),
    shape: RECURSION_RELEASE.shape,
    config: RECURSION_RELEASE.config,
    machineConfig: MACHINE_CONFIG,
    segmentPo2s: SEGMENT_PO2S,
  },
};

const publishes = (sys: RecursionSystem) =>
  Object.keys(sys.shape).every((k) => sys.shape[k] === RECURSION_RELEASE.shape[k]) &&
  sys.tree.root.every((x, i) => x === RECURSION_RELEASE.controlRoot[i]);

/**
 * The published release's programs, built from the code and kept for the process. Their preprocessed roots
 * — nearly all of the build's time, a few minutes on 2 cores — come from the disk cache when an earlier
 * process stored them (release-cache.ts; `cache` sets its directory or disables it), so a warm start takes
 * seconds. Throws {@link RecursionReleaseError} if the code does not rebuild the published shape and
 * control root: receipts proven with it would not verify against RECURSION_RELEASE.
 */
export function recursionReleaseSystem(cache: ReleaseCacheOptions = {}): RecursionSystem {
  if (built) return built;
  const sys = cachedReleaseBuild(
    RECURSION_RELEASE_CACHE_ENTRY,
    (rootOf) =>
      recursionSystem(
        MACHINE_CONFIG,
        RECURSION_RELEASE.config,
        SEGMENT_PO2S.map((k) => segmentShape(MACHINE_CONFIG, k)),
        [],
        rootOf,
      ),
    publishes,
    cache,
  );
  if (!publishes(sys))
    throw new RecursionReleaseError(
      `this build's recursion programs do not match the published release (control root ` +
        `[${[...sys.tree.root].join(", ")}], shape ${JSON.stringify(sys.shape)}): update src/recursion/release.ts`,
    );
  built = sys;
  return sys;
}
