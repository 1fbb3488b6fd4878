import { ZkvmError } from "../errors.ts";
import { isCanonical, P, reduce } from "../field/babybear.ts";

/**
 * Constraint expressions as data: a DAG of nodes in topological order (every operand precedes its user).
 * The prover evaluates it column-wise on the quotient coset, the verifier at the out-of-domain point, and a
 * circuit generator can walk the same nodes. Structurally equal nodes are shared.
 */
/** Preprocessed (fixed, part of the AIR), main (witness), aux (LogUp, extension field). */
export type ColumnKind = "pre" | "main" | "aux";
export type SelectorKind = "first" | "last" | "transition";

export type Node =
  | { readonly op: "const"; readonly value: number }
  | { readonly op: "col"; readonly kind: ColumnKind; readonly index: number; readonly next: boolean }
  | { readonly op: "public"; readonly index: number }
  | { readonly op: "challenge"; readonly index: number }
  | { readonly op: "cumsum" }
  | { readonly op: SelectorKind }
  | { readonly op: "add" | "sub" | "mul"; readonly a: number; readonly b: number }
  | { readonly op: "neg"; readonly a: number };

/** Challenge indices: LogUp tuple compression α and pole β. */
export const CHALLENGE_LOGUP_ALPHA = 0;
export const CHALLENGE_LOGUP_BETA = 1;
export const CHALLENGE_COUNT = 2;

export class AirDefinitionError extends ZkvmError {
  override name = "AirDefinitionError";
}

/** A handle to a node of one graph; arithmetic builds new nodes in the same graph. */
export class Expr {
  readonly graph: ExprGraph;
  readonly id: number;
  constructor(graph: ExprGraph, id: number) {
    this.graph = graph;
    this.id = id;
  }
  add(other: Expr | number): Expr {
    return this.graph.binary("add", this, other);
  }
  sub(other: Expr | number): Expr {
    return this.graph.binary("sub", this, other);
  }
  mul(other: Expr | number): Expr {
    return this.graph.binary("mul", this, other);
  }
  neg(): Expr {
    return this.graph.node({ op: "neg", a: this.id });
  }
}

function nodeKey(n: Node): string {
  switch (n.op) {
    case "const":
      return `c${n.value}`;
    case "col":
      return `${n.kind}${n.index}${n.next ? "'" : ""}`;
    case "public":
      return `p${n.index}`;
    case "challenge":
      return `ch${n.index}`;
    case "neg":
      return `neg${n.a}`;
    case "add":
    case "sub":
    case "mul":
      return `${n.op}${n.a},${n.b}`;
    default:
      return n.op;
  }
}

export class ExprGraph {
  readonly nodes: Node[] = [];
  private readonly index = new Map<string, number>();

  node(n: Node): Expr {
    const key = nodeKey(n);
    let id = this.index.get(key);
    if (id === undefined) {
      id = this.nodes.length;
      this.nodes.push(n);
      this.index.set(key, id);
    }
    return new Expr(this, id);
  }

  ref(id: number): Expr {
    if (!(id >= 0 && id < this.nodes.length)) throw new AirDefinitionError(`no node ${id}`);
    return new Expr(this, id);
  }

  lift(x: Expr | number | bigint): Expr {
    if (x instanceof Expr) {
      if (x.graph !== this)
        throw new AirDefinitionError("an expression was combined with one of another table");
      return x;
    }
    return this.constant(x);
  }

  constant(v: number | bigint): Expr {
    return this.node({ op: "const", value: reduce(v) });
  }

  binary(op: "add" | "sub" | "mul", a: Expr | number, b: Expr | number): Expr {
    return this.node({ op, a: this.lift(a).id, b: this.lift(b).id });
  }
}

/** Degree of every node (trace columns and selectors count 1; constants, publics, challenges 0). */
export function nodeDegrees(nodes: readonly Node[]): number[] {
  const d: number[] = new Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    switch (n.op) {
      case "const":
      case "public":
      case "challenge":
      case "cumsum":
        d[i] = 0;
        break;
      case "col":
      case "first":
      case "last":
      case "transition":
        d[i] = 1;
        break;
      case "neg":
        d[i] = d[n.a]!;
        break;
      case "add":
      case "sub":
        d[i] = Math.max(d[n.a]!, d[n.b]!);
        break;
      case "mul":
        d[i] = d[n.a]! + d[n.b]!;
        break;
    }
  }
  return d;
}

/** Whether each node's value lies in the extension field (aux columns, challenges, cumsum and their users). */
export function nodeIsExt(nodes: readonly Node[]): boolean[] {
  const e: boolean[] = new Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    switch (n.op) {
      case "col":
        e[i] = n.kind === "aux";
        break;
      case "challenge":
      case "cumsum":
        e[i] = true;
        break;
      case "neg":
        e[i] = e[n.a]!;
        break;
      case "add":
      case "sub":
      case "mul":
        e[i] = e[n.a]! || e[n.b]!;
        break;
      default:
        e[i] = false;
    }
  }
  return e;
}

const OP_CODES: Record<Node["op"], number> = {
  const: 0,
  col: 1,
  public: 2,
  challenge: 3,
  cumsum: 4,
  first: 5,
  last: 6,
  transition: 7,
  add: 8,
  sub: 9,
  mul: 10,
  neg: 11,
};

/** Canonical serialisation of nodes as small integers (each < p), for the AIR digest. */
export function serializeNodes(nodes: readonly Node[], out: number[]): void {
  out.push(nodes.length);
  for (const n of nodes) {
    out.push(OP_CODES[n.op]);
    switch (n.op) {
      case "const":
        if (!isCanonical(n.value) || n.value >= P) throw new AirDefinitionError("non-canonical constant");
        out.push(n.value);
        break;
      case "col":
        out.push(n.kind === "main" ? 0 : n.kind === "aux" ? 1 : 2, n.index, n.next ? 1 : 0);
        break;
      case "public":
      case "challenge":
        out.push(n.index);
        break;
      case "neg":
        out.push(n.a);
        break;
      case "add":
      case "sub":
      case "mul":
        out.push(n.a, n.b);
        break;
      default:
        break;
    }
  }
}
