import { P } from "../field/babybear.ts";
import type { Node } from "./expr.ts";

/**
 * An AIR's constraint graph rewritten so that every linear sub-expression is one linear combination of
 * non-linear terms, with canonical coefficients. The polynomials are the same over F_p — every rewrite is a
 * field identity — only their arithmetic changes shape.
 *
 * Why: the graph as an AIR builds it chains linear steps (a Poseidon2 partial round multiplies every cell by a
 * constant and adds the sum of the state, 21 times). A backend whose values are integers tracked by their
 * bound — the R1CS circuit emulating BabyBear — pays for every such constant with ~31 bits of bound, and so
 * with a reduction per cell and round. Flattened, a cell is Σ c_i·t_i over the terms it depends on (columns,
 * challenges, products), each c_i < p: its bound grows with the number of terms, not with the depth.
 *
 * Atoms (leaves and products of two non-constant operands) are kept once each; a linear combination is
 * emitted once per original node that needs it as an operand or a root. A coefficient above p/2 is emitted as
 * a subtraction of its negation, so that −1, −2 … stay small.
 */
export interface LinearForms {
  readonly nodes: readonly Node[];
  /** The new index of each requested root, in order. */
  readonly roots: readonly number[];
}

interface Form {
  /** Atom (new node index) → coefficient in [1, p). */
  readonly terms: Map<number, number>;
  /** Constant term in [0, p). */
  readonly k: number;
}

const mod = (x: number): number => {
  const m = x % P;
  return m < 0 ? m + P : m;
};
const mulMod = (a: number, b: number): number => Number((BigInt(a) * BigInt(b)) % BigInt(P));

function combine(a: Form, b: Form, f: number): Form {
  const terms = new Map(a.terms);
  for (const [atom, c] of b.terms) {
    const v = mod((terms.get(atom) ?? 0) + mulMod(c, f));
    if (v === 0) terms.delete(atom);
    else terms.set(atom, v);
  }
  return { terms, k: mod(a.k + mulMod(b.k, f)) };
}

function scale(a: Form, f: number): Form {
  if (f === 0) return { terms: new Map(), k: 0 };
  const terms = new Map<number, number>();
  for (const [atom, c] of a.terms) terms.set(atom, mulMod(c, f));
  return { terms, k: mulMod(a.k, f) };
}

export function linearForms(nodes: readonly Node[], roots: readonly number[]): LinearForms {
  const out: Node[] = [];
  const emit = (n: Node): number => {
    out.push(n);
    return out.length - 1;
  };
  const constants = new Map<number, number>();
  const constant = (v: number): number => {
    let id = constants.get(v);
    if (id === undefined) {
      id = emit({ op: "const", value: v });
      constants.set(v, id);
    }
    return id;
  };
  const forms: Form[] = new Array(nodes.length);
  const emitted = new Map<number, number>();
  /** The new node holding original node i's form (emitted on first need). */
  const materialize = (i: number): number => {
    const done = emitted.get(i);
    if (done !== undefined) return done;
    const { terms, k } = forms[i]!;
    let acc: number | null = null;
    for (const [atom, c] of terms) {
      const negative = c > (P - 1) / 2;
      const magnitude = negative ? P - c : c;
      const term = magnitude === 1 ? atom : emit({ op: "mul", a: constant(magnitude), b: atom });
      if (acc === null) acc = negative ? emit({ op: "neg", a: term }) : term;
      else acc = emit({ op: negative ? "sub" : "add", a: acc, b: term });
    }
    if (acc === null) acc = constant(k);
    else if (k !== 0) {
      const negative = k > (P - 1) / 2;
      acc = emit({ op: negative ? "sub" : "add", a: acc, b: constant(negative ? P - k : k) });
    }
    emitted.set(i, acc);
    return acc;
  };
  const atom = (n: Node): Form => ({ terms: new Map([[emit(n), 1]]), k: 0 });

  nodes.forEach((n, i) => {
    switch (n.op) {
      case "const":
        forms[i] = { terms: new Map(), k: mod(n.value) };
        break;
      case "add":
        forms[i] = combine(forms[n.a]!, forms[n.b]!, 1);
        break;
      case "sub":
        forms[i] = combine(forms[n.a]!, forms[n.b]!, P - 1);
        break;
      case "neg":
        forms[i] = scale(forms[n.a]!, P - 1);
        break;
      case "mul": {
        const a = forms[n.a]!;
        const b = forms[n.b]!;
        if (a.terms.size === 0) forms[i] = scale(b, a.k);
        else if (b.terms.size === 0) forms[i] = scale(a, b.k);
        else forms[i] = atom({ op: "mul", a: materialize(n.a), b: materialize(n.b) });
        break;
      }
      default:
        forms[i] = atom(n);
    }
  });
  return { nodes: out, roots: roots.map(materialize) };
}

const cache = new WeakMap<readonly Node[], LinearForms>();

/** `linearForms` of a table's constraint graph and constraints, computed once per table. */
export function tableLinearForms(t: {
  readonly nodes: readonly Node[];
  readonly constraints: readonly number[];
}): LinearForms {
  let f = cache.get(t.nodes);
  if (!f) {
    f = linearForms(t.nodes, t.constraints);
    cache.set(t.nodes, f);
  }
  return f;
}
