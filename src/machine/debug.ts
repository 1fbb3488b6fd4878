import type { Air } from "../stark/air.ts";
import type { Node } from "../stark/expr.ts";

/** Development aid: a constraint of a table as text, with the chip's column names. */
export function describeNode(
  nodes: readonly Node[],
  id: number,
  names: readonly string[],
  depth = 0,
): string {
  const n = nodes[id]!;
  if (depth > 12) return "…";
  const r = (x: number) => describeNode(nodes, x, names, depth + 1);
  switch (n.op) {
    case "const":
      return n.value > 2 ** 30 ? `-${2013265921 - n.value}` : String(n.value);
    case "col":
      return `${n.kind === "main" ? (names[n.index] ?? `m${n.index}`) : `${n.kind}${n.index}`}${n.next ? "'" : ""}`;
    case "public":
      return `pub${n.index}`;
    case "add":
      return `(${r(n.a)} + ${r(n.b)})`;
    case "sub":
      return `(${r(n.a)} - ${r(n.b)})`;
    case "mul":
      return `${r(n.a)}·${r(n.b)}`;
    case "neg":
      return `-${r(n.a)}`;
    default:
      return n.op;
  }
}

export function describeConstraint(air: Air, table: number, k: number, names: readonly string[]): string {
  const t = air.tables[table]!;
  return describeNode(t.nodes, t.constraints[k]!, names);
}
