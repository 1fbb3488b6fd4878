import { ZkvmError } from "../errors.ts";
import { devModeEnabled, type FakeReceipt, fakeReceipt, type Warn } from "../receipt/fake-receipt.ts";
import type { ExecuteOptions } from "./executor.ts";
import type { Program } from "./program.ts";
import { executeSession, type Session } from "./session.ts";

/** Proving without dev mode needs the STARK prover, which is not available in this build yet. */
export class ProverUnavailableError extends ZkvmError {
  override name = "ProverUnavailableError";
}

export interface ProveOptions extends ExecuteOptions {
  /** Force dev mode on (like --dev); default: the ZKVM_DEV_MODE environment variable. */
  dev?: boolean;
  warn?: Warn;
}

/**
 * Proves an execution. In dev mode it only executes and returns a fake receipt (claim + journal, no
 * seal), with a warning.
 */
export function prove(
  elf: Uint8Array | Program,
  options: ProveOptions = {},
): { receipt: FakeReceipt; session: Session } {
  const dev = options.dev ?? devModeEnabled();
  if (!dev) {
    throw new ProverUnavailableError(
      "the STARK prover is not available in this build yet; set ZKVM_DEV_MODE=1 (or pass --dev) " +
        "to execute and get a fake dev-mode receipt instead",
    );
  }
  const session = executeSession(elf, options);
  return { receipt: fakeReceipt(session.claim, session.journal, options.warn), session };
}
