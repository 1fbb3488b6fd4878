import { ZkvmError } from "../errors.ts";
import { add, mul, P, sub } from "../field/babybear.ts";
import type { Air, Interaction } from "../stark/air.ts";
import { dependencies } from "../stark/eval-domain.ts";
import type { Node } from "../stark/expr.ts";

/**
 * Witness-side evaluation of bus tuples: every table's interaction fields and multiplicities are evaluated
 * on its trace, so that the multiplicity columns of the lookup providers (tables whose rows are facts)
 * can be counted from what the other tables actually look up. Being generic over the AIR, it cannot drift
 * from the constraints the chips state.
 */
const CHUNK = 1 << 12;

/** Values of the needed nodes on rows [start, start + len) of a table (main and preprocessed columns). */
export function evaluateChunk(
  nodes: readonly Node[],
  needed: readonly boolean[],
  main: readonly Uint32Array[],
  pre: readonly Uint32Array[],
  publics: readonly number[],
  start: number,
  len: number,
): (Uint32Array | undefined)[] {
  const n = main[0]?.length ?? pre[0]?.length ?? 1;
  const out: (Uint32Array | undefined)[] = new Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    if (!needed[i]) continue;
    const node = nodes[i]!;
    const v = new Uint32Array(len);
    switch (node.op) {
      case "const":
        v.fill(node.value);
        break;
      case "public":
        v.fill(publics[node.index]!);
        break;
      case "col": {
        const src = (node.kind === "main" ? main : pre)[node.index]!;
        if (node.kind === "aux") throw new Error("tally: interaction uses an aux column");
        const off = node.next ? 1 : 0;
        for (let r = 0; r < len; r++) v[r] = src[(start + r + off) % n]!;
        break;
      }
      case "add": {
        const a = out[node.a]!;
        const b = out[node.b]!;
        for (let r = 0; r < len; r++) v[r] = add(a[r]!, b[r]!);
        break;
      }
      case "sub": {
        const a = out[node.a]!;
        const b = out[node.b]!;
        for (let r = 0; r < len; r++) v[r] = sub(a[r]!, b[r]!);
        break;
      }
      case "mul": {
        const a = out[node.a]!;
        const b = out[node.b]!;
        for (let r = 0; r < len; r++) v[r] = mul(a[r]!, b[r]!);
        break;
      }
      case "neg": {
        const a = out[node.a]!;
        for (let r = 0; r < len; r++) v[r] = a[r] === 0 ? 0 : P - a[r]!;
        break;
      }
      case "first":
        for (let r = 0; r < len; r++) v[r] = (start + r) % n === 0 ? 1 : 0;
        break;
      case "last":
        for (let r = 0; r < len; r++) v[r] = (start + r) % n === n - 1 ? 1 : 0;
        break;
      case "transition":
        for (let r = 0; r < len; r++) v[r] = (start + r) % n === n - 1 ? 0 : 1;
        break;
      default:
        throw new Error(`tally: interaction uses a ${node.op} node`);
    }
    out[i] = v;
  }
  return out;
}

/** Calls `visit(row, tuple, multiplicity)` for every row of a table where an interaction is active. */
export function forEachTuple(
  air: Air,
  table: number,
  interaction: Pick<Interaction, "fields" | "multiplicity">,
  main: readonly Uint32Array[],
  publics: readonly number[],
  visit: (row: number, tuple: number[], mult: number) => void,
  everyRow = false,
): void {
  const t = air.tables[table]!;
  const roots = everyRow ? [...interaction.fields] : [...interaction.fields, interaction.multiplicity];
  const need = dependencies(t.nodes, roots);
  const n = main[0]?.length ?? t.preprocessed[0]!.length;
  for (let start = 0; start < n; start += CHUNK) {
    const len = Math.min(CHUNK, n - start);
    const vals = evaluateChunk(t.nodes, need, main, t.preprocessed, publics, start, len);
    const m = everyRow ? undefined : vals[interaction.multiplicity]!;
    const fields = interaction.fields.map((f) => vals[f]!);
    for (let r = 0; r < len; r++) {
      const mult = m ? m[r]! : 1;
      if (mult === 0) continue;
      visit(
        start + r,
        fields.map((f) => f[r]!),
        mult,
      );
    }
  }
}

export class MissingFactError extends ZkvmError {
  override name = "MissingFactError";
}

/**
 * A 53-bit hash of row r's tuple (two 32-bit mixes): the key under which a provider's tuples are found. A key
 * only narrows the search; a tuple is matched only if every field is equal.
 */
function tupleKey(fields: readonly Uint32Array[], r: number): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x27d4eb2f;
  for (let j = 0; j < fields.length; j++) {
    const v = fields[j]![r]!;
    h1 = Math.imul(h1 ^ v, 0x9e3779b1);
    h1 ^= h1 >>> 15;
    h2 = Math.imul(h2 ^ v, 0x85ebca6b);
    h2 ^= h2 >>> 13;
  }
  return (h1 >>> 0) * 0x200000 + ((h2 >>> 0) & 0x1fffff);
}

/** A lookup provider's tuples: each row's field values, and the first row holding each tuple by key. */
interface Provider {
  readonly table: number;
  readonly column: number;
  readonly fields: readonly Uint32Array[];
  /** Key → first row with that tuple (or the first rows of the distinct tuples sharing the key). */
  readonly rows: Map<number, number | number[]>;
}

function sameTuple(a: readonly Uint32Array[], ra: number, b: readonly Uint32Array[], rb: number): boolean {
  for (let j = 0; j < a.length; j++) if (a[j]![ra] !== b[j]![rb]) return false;
  return true;
}

/** The first provider row holding row r's tuple of `fields`, or undefined. */
function findRow(p: Provider, fields: readonly Uint32Array[], r: number): number | undefined {
  const hit = p.rows.get(tupleKey(fields, r));
  if (hit === undefined) return undefined;
  if (typeof hit === "number") return sameTuple(p.fields, hit, fields, r) ? hit : undefined;
  return hit.find((row) => sameTuple(p.fields, row, fields, r));
}

/** A provider table's tuples of one interaction, on every row (its multiplicity is what is being counted). */
function providerOf(
  air: Air,
  table: number,
  it: Interaction,
  main: readonly Uint32Array[],
  publics: readonly number[],
  column: number,
): Provider {
  const t = air.tables[table]!;
  const n = main[0]?.length ?? t.preprocessed[0]!.length;
  const values = evaluateChunk(
    t.nodes,
    dependencies(t.nodes, [...it.fields]),
    main,
    t.preprocessed,
    publics,
    0,
    n,
  );
  const fields = it.fields.map((f) => values[f]!);
  const p: Provider = { table, column, fields, rows: new Map() };
  for (let r = 0; r < n; r++) {
    const key = tupleKey(fields, r);
    const hit = p.rows.get(key);
    if (hit === undefined) p.rows.set(key, r);
    else if (findRow(p, fields, r) === undefined)
      p.rows.set(key, typeof hit === "number" ? [hit, r] : [...hit, r]);
  }
  return p;
}

/**
 * Sets the multiplicity column of every lookup provider: for each interaction declared with
 * `bound: "lookup"` (the provider side), counts how often the other tables send each of its tuples.
 * `multiplicityColumn(table, interaction)` names the main column holding that interaction's count.
 * A looked-up tuple that no provider row holds is an error unless `allowMissing` (dishonest witnesses).
 * Each table's interactions are evaluated together, chunk by chunk, and tuples are found by a numeric key.
 */
export function tallyLookups(
  air: Air,
  traces: readonly Uint32Array[][],
  publics: readonly number[],
  multiplicityColumn: (table: number, interaction: number) => number,
  allowMissing = false,
): void {
  const providers = new Map<number, Provider>();
  air.tables.forEach((t, ti) => {
    t.interactions.forEach((it, ii) => {
      if (it.bound !== "lookup") return;
      if (providers.has(it.bus)) throw new Error(`bus ${it.bus} has two lookup providers`);
      const column = multiplicityColumn(ti, ii);
      traces[ti]![column]!.fill(0);
      providers.set(it.bus, providerOf(air, ti, it, traces[ti]!, publics, column));
    });
  });
  air.tables.forEach((t, ti) => {
    const lookups = t.interactions.filter((it) => it.bound !== "lookup" && providers.has(it.bus));
    if (lookups.length === 0) return;
    const main = traces[ti]!;
    const need = dependencies(
      t.nodes,
      lookups.flatMap((it) => [...it.fields, it.multiplicity]),
    );
    const n = main[0]?.length ?? t.preprocessed[0]!.length;
    for (let start = 0; start < n; start += CHUNK) {
      const len = Math.min(CHUNK, n - start);
      const vals = evaluateChunk(t.nodes, need, main, t.preprocessed, publics, start, len);
      for (const it of lookups) {
        const prov = providers.get(it.bus)!;
        const col = traces[prov.table]![prov.column]!;
        const m = vals[it.multiplicity]!;
        const fields = it.fields.map((f) => vals[f]!);
        for (let r = 0; r < len; r++) {
          const mult = m[r]!;
          if (mult === 0) continue;
          const row = findRow(prov, fields, r);
          if (row === undefined) {
            if (allowMissing) continue;
            const tuple = fields.map((f) => f[r]!);
            throw new MissingFactError(
              `table "${t.name}" row ${start + r} looks up (${tuple.join(", ")}) on bus ${it.bus}, which table "${air.tables[prov.table]!.name}" does not hold`,
            );
          }
          col[row] = add(col[row]!, it.kind === "send" ? mult : P - mult);
        }
      }
    }
  });
}

/**
 * Development aid: rows where a table's own constraints (not the LogUp ones) fail, with selectors read as
 * 0/1 on the trace domain (the engine's check reports only the first failure).
 */
export function constraintViolations(
  air: Air,
  table: number,
  main: readonly Uint32Array[],
  publics: readonly number[],
  limit = 10,
  rows?: { start: number; len: number },
): { constraint: number; row: number }[] {
  const t = air.tables[table]!;
  const roots = t.constraints.filter((c) => {
    const need = dependencies(t.nodes, [c]);
    return !t.nodes.some(
      (n, i) => need[i] && (n.op === "col" ? n.kind === "aux" : n.op === "challenge" || n.op === "cumsum"),
    );
  });
  const need = dependencies(t.nodes, roots);
  const n = main[0]!.length;
  const out: { constraint: number; row: number }[] = [];
  const from = rows?.start ?? 0;
  const to = rows ? rows.start + rows.len : n;
  for (let start = from; start < to && out.length < limit; start += CHUNK) {
    const len = Math.min(CHUNK, to - start);
    const vals = evaluateChunk(t.nodes, need, main, t.preprocessed, publics, start, len);
    for (const c of roots) {
      const v = vals[c]!;
      for (let r = 0; r < len && out.length < limit; r++)
        if (v[r] !== 0) out.push({ constraint: t.constraints.indexOf(c), row: (start + r) % n });
    }
  }
  return out;
}
