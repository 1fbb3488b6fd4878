import { P } from "../field/babybear.ts";
import { type Ext, extAdd, extInv, extMul, extSub } from "../field/extension.ts";
import type { Air, Interaction } from "./air.ts";
import { evaluateAtPoint } from "./eval-point.ts";

const extOfBase = (x: number): Ext => [x, 0, 0, 0];

/** Σ over an interaction list of ±m/d at a point where every node has been evaluated. */
export function interactionSum(
  interactions: readonly Interaction[],
  values: readonly Ext[],
  alpha: Ext,
  beta: Ext,
): Ext {
  let sum: Ext = [0, 0, 0, 0];
  for (const it of interactions) {
    let d = extAdd(beta, extOfBase(it.bus));
    let ap = alpha;
    for (const f of it.fields) {
      d = extAdd(d, extMul(ap, values[f]!));
      ap = extMul(ap, alpha);
    }
    const term = extMul(values[it.multiplicity]!, extInv(d));
    sum = it.kind === "send" ? extAdd(sum, term) : extSub(sum, term);
  }
  return sum;
}

/** Public side of the buses: Σ ±m/d over the AIR's public interactions. */
export function publicBusSum(air: Air, publics: readonly number[], alpha: Ext, beta: Ext): Ext {
  if (air.publicInteractions.length === 0) return [0, 0, 0, 0];
  const pv = evaluateAtPoint(air.publicNodes, { publics });
  return interactionSum(air.publicInteractions, pv, alpha, beta);
}

/** Σ |m| over the AIR's public interactions at these public values (m read in (−p/2, p/2)). */
export function publicMultiplicityTotal(air: Air, publics: readonly number[]): number {
  if (air.publicInteractions.length === 0) return 0;
  const pv = evaluateAtPoint(air.publicNodes, { publics });
  let total = 0;
  for (const it of air.publicInteractions) {
    const m = pv[it.multiplicity]![0];
    total += Math.min(m, P - m);
  }
  return total;
}
