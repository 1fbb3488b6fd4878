import { type ProveSessionOptions, proveSession } from "../machine/prove.ts";
import { MACHINE_CONFIG } from "../machine/verify.ts";
import type { Program } from "../zkvm/program.ts";
import { loadProgram } from "../zkvm/program.ts";
import { type ProveOptions as DevProveOptions, prove as proveDev } from "../zkvm/prove.ts";
import type { Session } from "../zkvm/session.ts";
import { sessionFromResult } from "../zkvm/session.ts";
import type { CompositeReceipt } from "./composite-receipt.ts";
import { devModeEnabled } from "./fake-receipt.ts";
import type { Receipt } from "./receipt.ts";

/**
 * Proves an execution (Node: the prover uses worker threads). Without dev mode the result is a real
 * composite receipt (docs/machine.md); with dev mode (ZKVM_DEV_MODE=1 or `dev: true`) it only executes and
 * returns a fake receipt, as before. A guest fault throws the executor's GuestFault: no receipt.
 */
export interface ProveReceiptOptions extends ProveSessionOptions, Pick<DevProveOptions, "dev" | "warn"> {}

export function proveReceipt(
  elf: Uint8Array | Program,
  options: ProveReceiptOptions = {},
): { receipt: Receipt; session: Session } {
  if (options.dev ?? devModeEnabled()) return proveDev(elf, { ...options, dev: true });
  const program = elf instanceof Uint8Array ? loadProgram(elf) : elf;
  const proven = proveSession(program, options);
  const session = sessionFromResult(program, proven.result);
  const receipt: CompositeReceipt = {
    kind: "composite",
    config: options.config ?? MACHINE_CONFIG,
    journal: proven.result.journal.slice(),
    segments: proven.segments.map((s) => ({
      kind: "segment",
      index: s.index,
      statement: s.statement,
      seal: s.seal,
    })),
  };
  return { receipt, session };
}
