import type { Ext } from "../field/extension.ts";
import type { Air } from "./air.ts";
import { evaluateNodes, interactionSum } from "./verifier/constraints.ts";
import { nativeBackend } from "./verifier/native.ts";

/** The public side of the buses, evaluated natively with the verifier's own code (verifier/constraints.ts). */
const arithmetic = nativeBackend();

/** Σ ±m/d over the AIR's public interactions. */
export function publicBusSum(air: Air, publics: readonly number[], alpha: Ext, beta: Ext): Ext {
  if (air.publicInteractions.length === 0) return [0, 0, 0, 0];
  const values = evaluateNodes(arithmetic, air.publicNodes, { publics });
  return interactionSum(arithmetic, air.publicInteractions, values, alpha, beta, "public interactions");
}
