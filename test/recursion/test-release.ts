import type { ProgramBuilder } from "../../src/recursion/builder.ts";
import { RECURSION_PUBLIC_COUNT } from "../../src/recursion/programs.ts";
import type { PreprocessedRootOf } from "../../src/recursion/release-cache.ts";
import {
  proveProgram,
  type RecursionProof,
  type RecursionSystem,
  recursionSystem,
} from "../../src/recursion/system.ts";
import type { StarkConfig } from "../../src/stark/config.ts";

/**
 * A recursion release for tests of what comes after it (the BN254 step, the wrap): no lift programs — they
 * need real segment proofs, minutes of proving — but a test program in the allowed set, `claim`, which
 * exposes a control root and claim given as hints. Join and identity are the real programs at the release's
 * shape. A release with `claim` in its allowed set proves any claim: it exists only in tests (as RISC Zero's
 * test control roots admit test programs); production releases are built by `recursionSystem` from lift
 * shapes alone.
 */
export const TEST_RECURSION_CONFIG: StarkConfig = {
  logBlowup: 1,
  numQueries: 2,
  powBits: 2,
  friLogArity: 2,
  logFinalDegree: 1,
};

/**
 * The BN254 layer (the BN254 step and its circuit) at test size: the same code path as P254_CONFIG
 * (docs/wrap-circuit.md §8), Merkle caps included, at blowup 2 and 2 queries.
 */
export const BN254_TEST_CONFIG: StarkConfig = { ...TEST_RECURSION_CONFIG, capHeight: 2 };

function buildClaim(b: ProgramBuilder): void {
  for (let i = 0; i < RECURSION_PUBLIC_COUNT; i++) b.expose(b.hint(false));
}

/** `rootOf`: where the programs' preprocessed roots come from (default: computed; the cache's tests pass theirs). */
export function testRelease(
  config: StarkConfig = TEST_RECURSION_CONFIG,
  rootOf?: PreprocessedRootOf,
): RecursionSystem {
  return recursionSystem(config, config, [], [{ name: "claim", build: buildClaim }], rootOf);
}

/** A recursion proof of `claim` (35 values) naming a control root (default: the release's own). */
export function proveTestClaim(
  sys: RecursionSystem,
  claim: readonly number[],
  root: ArrayLike<number> = sys.tree.root,
): RecursionProof {
  const publics = [...Array.from(root), ...claim];
  if (publics.length !== RECURSION_PUBLIC_COUNT) throw new RangeError("a claim has 35 values");
  return proveProgram(
    sys,
    sys.others.get("claim")!,
    publics.map((v) => [v, 0, 0, 0]),
  );
}
