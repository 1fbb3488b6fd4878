import { ZkvmError } from "../errors.ts";
import { devModeEnabled, fakeReceipt, type Warn } from "../receipt/fake-receipt.ts";
import type { Receipt } from "../receipt/receipt.ts";
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
 * Proves an execution and returns its receipt (any kind of src/receipt/receipt.ts). In dev mode it only
 * executes and returns a fake receipt (claim + journal, no proof), with a warning. The STARK prover plugs
 * in here: without dev mode, this is where it runs and returns its own receipt kind.
 */
export function prove(
  elf: Uint8Array | Program,
  options: ProveOptions = {},
): { receipt: Receipt; session: Session } {
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
