import { P } from "../field/babybear.ts";
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

/** Σ |m| over the AIR's public interactions at these public values (m read in (−p/2, p/2)). */
export function publicMultiplicityTotal(air: Air, publics: readonly number[]): number {
  if (air.publicInteractions.length === 0) return 0;
  const values = evaluateNodes(arithmetic, air.publicNodes, { publics });
  let total = 0;
  for (const it of air.publicInteractions) {
    const v = values[it.multiplicity]!;
    const m = v.isExt ? v.ext[0] : v.base;
    total += Math.min(m, P - m);
  }
  return total;
}
