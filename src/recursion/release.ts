import type { RecursionRelease } from "../receipt/succinct-receipt.ts";
import { RECURSION_CONFIG } from "./config.ts";

/**
 * The recursion release this version publishes (docs/recursion.md §4), as RISC Zero publishes its
 * ALLOWED_CONTROL_ROOT: lift programs for every published segment shape (machine/shapes.ts, po2 10–21)
 * verifying proofs made under MACHINE_CONFIG, and join and identity, all proven under RECURSION_CONFIG at
 * the shape below. A succinct receipt verifies only if it carries this control root and its program is a
 * member of the tree. `recursionReleaseSystem()` (release-system.ts) rebuilds the release from the code and
 * checks that it yields these constants; test/recursion/release.test.ts does the same.
 *
 * Any change to the machine AIR, its configuration, the segment shapes, the recursion AIR or programs, or
 * RECURSION_CONFIG changes the root: update it here (and say so in the changelog) with the value the
 * rebuild reports.
 */
export const RECURSION_RELEASE: RecursionRelease = Object.freeze({
  shape: Object.freeze({
    const: 9,
    "hint-2-lanes": 16,
    "base-alu": 15,
    "ext-alu": 16,
    dot4: 15,
    select: 15,
    repack: 15,
    "bits-16-rows": 11,
    "poseidon2-degree7": 15,
    "assert-eq": 12,
    public: 6,
  }),
  config: RECURSION_CONFIG,
  controlRoot: Uint32Array.from([
    1353394683, 1428451833, 1723595660, 1383359057, 1578039241, 823806450, 1440126999, 998984248,
  ]),
});
