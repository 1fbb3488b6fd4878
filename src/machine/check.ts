import { P } from "../field/babybear.ts";
import type { Air } from "../stark/air.ts";
import { dependencies } from "../stark/eval-domain.ts";
import type { Witness } from "../stark/prover.ts";
import { constraintViolations, evaluateChunk, forEachTuple } from "./tally.ts";

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
  const roots = air.publicInteractions.flatMap((it) => [...it.fields, it.multiplicity]);
  const pv = evaluateChunk(air.publicNodes, dependencies(air.publicNodes, roots), [], [], w.publics, 0, 1);
  for (const it of air.publicInteractions) {
    const m = pv[it.multiplicity]![0]!;
    if (m === 0) continue;
    add(
      it.bus,
      it.fields.map((f) => pv[f]![0]!),
      it.kind === "send" ? m : P - m,
    );
  }
  for (const [key, m] of [...balance].slice(0, limit))
    problems.push({ kind: "bus", message: `bus tuple ${key} is unbalanced by ${m > P / 2 ? m - P : m}` });
  return problems;
}

/** Bus tuples (key → signed multiplicity) that table `t` contributes on rows [start, start + len). */
function rowTuples(
  air: Air,
  t: number,
  main: readonly Uint32Array[],
  publics: readonly number[],
  start: number,
  len: number,
) {
  const table = air.tables[t]!;
  const roots = table.interactions.flatMap((it) => [...it.fields, it.multiplicity]);
  const vals = evaluateChunk(
    table.nodes,
    dependencies(table.nodes, roots),
    main,
    table.preprocessed,
    publics,
    start,
    len,
  );
  const out = new Map<string, number>();
  for (const it of table.interactions) {
    for (let r = 0; r < len; r++) {
      const m = vals[it.multiplicity]![r]!;
      if (m === 0) continue;
      const key = `${it.bus}:${it.fields.map((f) => vals[f]![r]).join(",")}`;
      out.set(key, ((out.get(key) ?? 0) + (it.kind === "send" ? m : P - m)) % P);
    }
  }
  return out;
}

function sameMultiset(a: Map<string, number>, b: Map<string, number>): boolean {
  const keys = new Set([...a.keys(), ...b.keys()]);
  for (const k of keys) if ((a.get(k) ?? 0) !== (b.get(k) ?? 0)) return false;
  return true;
}

/**
 * Whether a witness that satisfies the AIR still does after cell (table t, column c, row r) is set to
 * `value`: the table's constraints on every row, and its bus contribution on the rows that read the cell
 * (the row itself and the one before, through next-row references). Exact, and far cheaper than a proof.
 */
export function cellChangeAccepted(
  air: Air,
  w: Witness,
  t: number,
  c: number,
  r: number,
  value: number,
): boolean {
  const main = w.tables[t]!;
  const n = main[c]!.length;
  const changed = main.slice();
  const col = main[c]!.slice();
  col[r] = value;
  changed[c] = col;
  const start = (r - 1 + n) % n;
  if (constraintViolations(air, t, changed, w.publics, 1, { start, len: 2 }).length > 0) return false;
  return sameMultiset(
    rowTuples(air, t, main, w.publics, start, 2),
    rowTuples(air, t, changed, w.publics, start, 2),
  );
}

/** Whether the AIR still accepts the witness with public value i set to `value` (exact). */
export function publicChangeAccepted(air: Air, w: Witness, i: number, value: number): boolean {
  const publics = [...w.publics];
  publics[i] = value;
  return checkWitness(air, { tables: w.tables, publics }, 1).length === 0;
}
