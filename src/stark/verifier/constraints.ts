import type { Interaction } from "../air.ts";
import type { Node } from "../expr.ts";
import type { VerifierBackend } from "./backend.ts";

/**
 * Walks a constraint DAG at one point over a backend: base-field nodes (constants, public values, and the
 * arithmetic between them) stay base values; a node becomes an extension value as soon as an input is one.
 */
export type PointValue<F, E> =
  | { readonly isExt: false; readonly base: F }
  | { readonly isExt: true; readonly ext: E };

export interface PointInputs<F, E> {
  readonly pre?: { readonly cur: readonly E[]; readonly next: readonly E[] };
  readonly main?: { readonly cur: readonly E[]; readonly next: readonly E[] };
  readonly aux?: { readonly cur: readonly E[]; readonly next: readonly E[] };
  readonly publics: readonly F[];
  readonly challenges?: readonly E[];
  readonly cumsum?: E;
  readonly selectors?: { readonly first: E; readonly last: E; readonly transition: E };
}

const base = <F, E>(v: F): PointValue<F, E> => ({ isExt: false, base: v });
const ext = <F, E>(v: E): PointValue<F, E> => ({ isExt: true, ext: v });

export function asExt<F, E, D>(b: VerifierBackend<F, E, D>, v: PointValue<F, E>): E {
  return v.isExt ? v.ext : b.extFromBase(v.base);
}

export function evaluateNodes<F, E, D>(
  b: VerifierBackend<F, E, D>,
  nodes: readonly Node[],
  inp: PointInputs<F, E>,
): PointValue<F, E>[] {
  const v: PointValue<F, E>[] = new Array(nodes.length);
  const need = <T>(x: T | undefined, what: string): T => {
    if (x === undefined) throw new RangeError(`constraint evaluation needs ${what}`);
    return x;
  };
  const binary = (op: "add" | "sub" | "mul", x: PointValue<F, E>, y: PointValue<F, E>): PointValue<F, E> => {
    if (!x.isExt && !y.isExt) return base(b[op](x.base, y.base));
    if (op === "mul" && !x.isExt && y.isExt) return ext(b.extMulBase(y.ext, x.base));
    if (op === "mul" && x.isExt && !y.isExt) return ext(b.extMulBase(x.ext, y.base));
    const ex = asExt(b, x);
    const ey = asExt(b, y);
    return ext(op === "add" ? b.extAdd(ex, ey) : op === "sub" ? b.extSub(ex, ey) : b.extMul(ex, ey));
  };
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    switch (n.op) {
      case "const":
        v[i] = base(b.constant(n.value));
        break;
      case "public":
        v[i] = base(need(inp.publics[n.index], `public value ${n.index}`));
        break;
      case "challenge":
        v[i] = ext(need(inp.challenges?.[n.index], `challenge ${n.index}`));
        break;
      case "cumsum":
        v[i] = ext(need(inp.cumsum, "the cumulative sum"));
        break;
      case "col": {
        const src = need(
          n.kind === "main" ? inp.main : n.kind === "aux" ? inp.aux : inp.pre,
          `${n.kind} columns`,
        );
        v[i] = ext(need((n.next ? src.next : src.cur)[n.index], `${n.kind} column ${n.index}`));
        break;
      }
      case "first":
      case "last":
      case "transition":
        v[i] = ext(need(inp.selectors, "selectors")[n.op]);
        break;
      case "add":
      case "sub":
      case "mul":
        v[i] = binary(n.op, v[n.a]!, v[n.b]!);
        break;
      case "neg":
        v[i] = binary("sub", base(b.constant(0)), v[n.a]!);
        break;
    }
  }
  return v;
}

/**
 * Σ ±m/(β + bus + Σ_j α^j·f_j) over interactions whose nodes have been evaluated (+ for a send). A vanishing
 * denominator rejects the proof.
 */
export function interactionSum<F, E, D>(
  b: VerifierBackend<F, E, D>,
  interactions: readonly Interaction[],
  values: readonly PointValue<F, E>[],
  alpha: E,
  beta: E,
  what: string,
): E {
  let sum = b.extConstant([0, 0, 0, 0]);
  for (const it of interactions) {
    // Σ_j α^(j+1)·f_j by Horner's rule, last field first: one extension product per field.
    let h: E | null = null;
    for (let j = it.fields.length - 1; j >= 0; j--) {
      const fv = values[it.fields[j]!]!;
      const withField: E =
        h === null ? asExt(b, fv) : fv.isExt ? b.extAdd(h, fv.ext) : b.extAdd(h, b.extFromBase(fv.base));
      h = b.extMul(withField, alpha);
    }
    let d = b.extAdd(beta, b.extConstant([it.bus, 0, 0, 0]));
    if (h !== null) d = b.extAdd(d, h);
    const m = values[it.multiplicity]!;
    const dInv = b.extInverse(d, "degenerate-point", `${what}: a LogUp denominator vanishes`);
    const term = m.isExt ? b.extMul(dInv, m.ext) : b.extMulBase(dInv, m.base);
    sum = it.kind === "send" ? b.extAdd(sum, term) : b.extSub(sum, term);
  }
  return sum;
}
