import { P } from "../field/babybear.ts";
import type { Air } from "../stark/air.ts";
import type { Witness } from "../stark/prover.ts";
import { evaluateNodes } from "../stark/verifier/constraints.ts";
import { nativeBackend } from "../stark/verifier/native.ts";
import { constraintViolations, forEachTuple } from "./tally.ts";

/**
 * Exact witness checks without proving (for tests and debugging): every table's own constraints, and every
 * bus balanced tuple by tuple (sends minus receives, public side included). A witness that passes both is
 * one the honest prover accepts; the engine checks the same with random challenges.
 */
export interface WitnessProblem {
  readonly kind: "constraint" | "bus";
  readonly message: string;
}

export function checkWitness(air: Air, w: Witness, limit = 10): WitnessProblem[] {
  const problems: WitnessProblem[] = [];
  air.tables.forEach((t, ti) => {
    for (const v of constraintViolations(air, ti, w.tables[ti]!, w.publics, limit))
      problems.push({
        kind: "constraint",
        message: `table "${t.name}" constraint ${v.constraint} fails at row ${v.row}`,
      });
  });
  const balance = new Map<string, number>();
  const add = (bus: number, tuple: readonly number[], m: number) => {
    const key = `${bus}:${tuple.join(",")}`;
    const v = ((balance.get(key) ?? 0) + m) % P;
    if (v === 0) balance.delete(key);
    else balance.set(key, v);
  };
  air.tables.forEach((t, ti) => {
    for (const it of t.interactions)
      forEachTuple(air, ti, it, w.tables[ti]!, w.publics, (_row, tuple, m) =>
        add(it.bus, tuple, it.kind === "send" ? m : P - m),
      );
  });
  const pv = evaluateNodes(nativeBackend(), air.publicNodes, { publics: w.publics });
  const baseValue = (i: number) => {
    const v = pv[i]!;
    return v.isExt ? v.ext[0] : v.base;
  };
  for (const it of air.publicInteractions) {
    const m = baseValue(it.multiplicity);
    if (m === 0) continue;
    add(
      it.bus,
      it.fields.map((f) => baseValue(f)),
      it.kind === "send" ? m : P - m,
    );
  }
  for (const [key, m] of [...balance].slice(0, limit))
    problems.push({ kind: "bus", message: `bus tuple ${key} is unbalanced by ${m > P / 2 ? m - P : m}` });
  return problems;
}
