import { ZkvmError } from "../errors.ts";
import { devModeEnabled, type FakeReceipt, fakeReceipt, type Warn } from "../receipt/fake-receipt.ts";
import type { ExecuteOptions } from "./executor.ts";
import type { Program } from "./program.ts";
import { executeSession, type Session } from "./session.ts";

/**
 * This module's `prove` only makes dev-mode receipts (src/zkvm cannot depend on the machine's prover):
 * real receipts come from `proveReceipt` (src/receipt/prove.ts) or `zkvm prove` without --dev.
 */
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
      "zkvm/prove's prove() makes dev-mode receipts only; for a real receipt call proveReceipt() " +
        "(src/receipt/prove.ts) or run `zkvm prove` without --dev; set ZKVM_DEV_MODE=1 (or pass dev: true) " +
        "to execute and get a fake dev-mode receipt",
    );
  }
  const session = executeSession(elf, options);
  return { receipt: fakeReceipt(session.claim, session.journal, options.warn), session };
}
