import { P } from "../field/babybear.ts";
import { type Ext, extAdd, extMul, extSub } from "../field/extension.ts";
import type { Node } from "./expr.ts";

/**
 * Evaluates a constraint DAG at one point with extension-field arithmetic (the verifier's evaluator,
 * also used for public bus interactions). Missing inputs evaluate to an error, never to a default.
 */
export interface PointInputs {
  readonly pre?: { readonly cur: readonly Ext[]; readonly next: readonly Ext[] };
  readonly main?: { readonly cur: readonly Ext[]; readonly next: readonly Ext[] };
  readonly aux?: { readonly cur: readonly Ext[]; readonly next: readonly Ext[] };
  readonly publics: readonly number[];
  readonly challenges?: readonly Ext[];
  readonly cumsum?: Ext;
  readonly selectors?: { readonly first: Ext; readonly last: Ext; readonly transition: Ext };
}

export function evaluateAtPoint(nodes: readonly Node[], inp: PointInputs): Ext[] {
  const v: Ext[] = new Array(nodes.length);
  const need = <T>(x: T | undefined, what: string): T => {
    if (x === undefined) throw new RangeError(`constraint evaluation needs ${what}`);
    return x;
  };
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    switch (n.op) {
      case "const":
        v[i] = [n.value, 0, 0, 0];
        break;
      case "public":
        v[i] = [need(inp.publics[n.index], `public value ${n.index}`), 0, 0, 0];
        break;
      case "challenge":
        v[i] = need(inp.challenges?.[n.index], `challenge ${n.index}`);
        break;
      case "cumsum":
        v[i] = need(inp.cumsum, "the cumulative sum");
        break;
      case "col": {
        const src = need(
          n.kind === "main" ? inp.main : n.kind === "aux" ? inp.aux : inp.pre,
          `${n.kind} columns`,
        );
        v[i] = need((n.next ? src.next : src.cur)[n.index], `${n.kind} column ${n.index}`);
        break;
      }
      case "first":
      case "last":
      case "transition":
        v[i] = need(inp.selectors, "selectors")[n.op];
        break;
      case "add":
        v[i] = extAdd(v[n.a]!, v[n.b]!);
        break;
      case "sub":
        v[i] = extSub(v[n.a]!, v[n.b]!);
        break;
      case "mul":
        v[i] = extMul(v[n.a]!, v[n.b]!);
        break;
      case "neg": {
        const a = v[n.a]!;
        v[i] = [a[0] ? P - a[0] : 0, a[1] ? P - a[1] : 0, a[2] ? P - a[2] : 0, a[3] ? P - a[3] : 0];
        break;
      }
    }
  }
  return v;
}
