import { ZkvmError } from "../errors.ts";
import { SEGMENT_PO2S, segmentShape } from "../machine/shapes.ts";
import { MACHINE_CONFIG } from "../machine/verify.ts";
import { RECURSION_RELEASE } from "./release.ts";
import { type RecursionSystem, recursionSystem } from "./system.ts";

export class RecursionReleaseError extends ZkvmError {
  override name = "RecursionReleaseError";
}

let built: RecursionSystem | undefined;

/**
 * The published release's programs, built from the code (a few minutes on 2 cores; kept for the process).
 * Throws {@link RecursionReleaseError} if the code does not rebuild the published shape and control root:
 * receipts proven with it would not verify against RECURSION_RELEASE.
 */
export function recursionReleaseSystem(): RecursionSystem {
  if (built) return built;
  const sys = recursionSystem(
    MACHINE_CONFIG,
    RECURSION_RELEASE.config,
    SEGMENT_PO2S.map((k) => segmentShape(MACHINE_CONFIG, k)),
  );
  const shapeOk = Object.keys(sys.shape).every((k) => sys.shape[k] === RECURSION_RELEASE.shape[k]);
  const rootOk = sys.tree.root.every((x, i) => x === RECURSION_RELEASE.controlRoot[i]);
  if (!shapeOk || !rootOk)
    throw new RecursionReleaseError(
      `this build's recursion programs do not match the published release (control root ` +
        `[${[...sys.tree.root].join(", ")}], shape ${JSON.stringify(sys.shape)}): update src/recursion/release.ts`,
    );
  built = sys;
  return sys;
}
