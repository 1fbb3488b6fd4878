import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { add, P } from "../../src/field/babybear.ts";
import { machine } from "../../src/machine/air.ts";
import { Bus } from "../../src/machine/buses.ts";
import { forEachTuple, MissingFactError, tallyLookups } from "../../src/machine/tally.ts";
import type { Air } from "../../src/stark/air.ts";
import { witnessOf } from "./helpers.ts";

/** The loop guest with a small input: every lookup provider (bytes, small, decode, host, Poseidon2) in use. */
const input = Uint8Array.of(200, 0, 0, 0);
const honest = witnessOf(readFileSync(new URL("../../guests/bench/loop.elf", import.meta.url)), { input });
const { air } = machine();

/** Main column of a provider interaction's multiplicity (a column node by the chips' construction). */
function multiplicityColumn(a: Air, table: number, interaction: number): number {
  const t = a.tables[table]!;
  const node = t.nodes[t.interactions[interaction]!.multiplicity]!;
  if (node.op !== "col" || node.kind !== "main")
    throw new Error("a provider's multiplicity is a main column");
  return node.index;
}

/** The counts as first written: every tuple's string as the key, one interaction at a time. */
function referenceTally(a: Air, traces: Uint32Array[][], publics: readonly number[]): void {
  const providers = new Map<number, { table: number; column: number; rows: Map<string, number> }>();
  a.tables.forEach((t, ti) =>
    t.interactions.forEach((it, ii) => {
      if (it.bound !== "lookup") return;
      const rows = new Map<string, number>();
      const column = multiplicityColumn(a, ti, ii);
      traces[ti]![column]!.fill(0);
      forEachTuple(
        a,
        ti,
        it,
        traces[ti]!,
        publics,
        (row, tuple) => {
          if (!rows.has(tuple.join(","))) rows.set(tuple.join(","), row);
        },
        true,
      );
      providers.set(it.bus, { table: ti, column, rows });
    }),
  );
  a.tables.forEach((t, ti) => {
    for (const it of t.interactions) {
      const prov = providers.get(it.bus);
      if (!prov || it.bound === "lookup") continue;
      const col = traces[prov.table]![prov.column]!;
      forEachTuple(a, ti, it, traces[ti]!, publics, (_row, tuple, m) => {
        const r = prov.rows.get(tuple.join(","))!;
        col[r] = add(col[r]!, it.kind === "send" ? m : P - m);
      });
    }
  });
}

const copy = (tables: readonly (readonly Uint32Array[])[]) => tables.map((t) => t.map((c) => c.slice()));

describe("lookup multiplicities (tally)", () => {
  it("counts every provider's tuples as the string-keyed reference does", () => {
    const { tables, publics } = honest.witness;
    const expected = copy(tables);
    referenceTally(air, expected, publics);
    const actual = copy(tables);
    // Start from garbage in the counted columns: the tally must overwrite them.
    air.tables.forEach((t, ti) =>
      t.interactions.forEach((it, ii) => {
        if (it.bound === "lookup") actual[ti]![multiplicityColumn(air, ti, ii)]!.fill(12345);
      }),
    );
    tallyLookups(air, actual, publics, (t, i) => multiplicityColumn(air, t, i));
    expect(actual).toEqual(expected);
    // And both are the witness's own counts, which balance every bus.
    expect(actual).toEqual(tables);
    const counted = air.tables.flatMap((t, ti) =>
      t.interactions.flatMap((it, ii) =>
        it.bound === "lookup" ? [actual[ti]![multiplicityColumn(air, ti, ii)]!.some((x) => x !== 0)] : [],
      ),
    );
    expect(counted.filter(Boolean).length).toBeGreaterThanOrEqual(5);
  });

  it("refuses a looked-up tuple that no provider row holds, unless told to allow it", () => {
    const { tables, publics } = honest.witness;
    // An active RANGE16 lookup of a main column: make its value 2^16 + 5, which the bytes table does not hold.
    let target: { table: number; column: number; row: number } | undefined;
    air.tables.forEach((t, ti) =>
      t.interactions.forEach((it) => {
        const f = t.nodes[it.fields[0]!]!;
        if (
          target ||
          it.bus !== Bus.RANGE16 ||
          it.bound === "lookup" ||
          f.op !== "col" ||
          f.kind !== "main" ||
          f.next
        )
          return;
        forEachTuple(air, ti, it, tables[ti]!, publics, (row) => {
          target ??= { table: ti, column: f.index, row };
        });
      }),
    );
    expect(target).toBeDefined();
    const lied = copy(tables);
    lied[target!.table]![target!.column]![target!.row] = (1 << 16) + 5;
    const count = (allowMissing: boolean) =>
      tallyLookups(air, lied, publics, (t, i) => multiplicityColumn(air, t, i), allowMissing);
    expect(() => count(false)).toThrow(MissingFactError);
    expect(() => count(false)).toThrow(/looks up \(65541\) on bus/);
    expect(() => count(true)).not.toThrow();
  });
});
