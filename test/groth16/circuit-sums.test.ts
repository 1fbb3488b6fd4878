/**
 * Where the circuit pays its reductions: fixed-base powers by chunks of bits, powers and sums whose excess is
 * paid once (lazy-sums.ts), and constraints evaluated in their linear forms (src/stark/linear-forms.ts). Each
 * is checked against the native field code, for a satisfying witness of the written .r1cs, against a
 * tampered witness, and against the arrangement it replaces, counted in the same test.
 */
import { describe, expect, it } from "vitest";
import { mul, P as P_NUMBER, pow } from "../../src/field/babybear.ts";
import { type Ext as ExtNumbers, extAdd, extMul } from "../../src/field/extension.ts";
import type { Bb } from "../../src/groth16/circuit/babybear.ts";
import { R1csBackend } from "../../src/groth16/circuit/backend.ts";
import { type BuilderOptions, CircuitBuilder } from "../../src/groth16/circuit/builder.ts";
import type { Ext } from "../../src/groth16/circuit/extension.ts";
import { PowerTable } from "../../src/groth16/circuit/lazy-sums.ts";
import { DEGREE3_CHIPS, DEGREE7_CHIPS, recursionAir, shapeFor } from "../../src/recursion/air.ts";
import { ProgramBuilder } from "../../src/recursion/builder.ts";
import { P254_CONFIG, p254Chips } from "../../src/recursion/p254.ts";
import { ExprGraph, type Node } from "../../src/stark/expr.ts";
import { linearForms } from "../../src/stark/linear-forms.ts";
import { evaluatePolynomial, foldValues } from "../../src/stark/pcs/fri-verify.ts";
import { prng } from "../../src/stark/testing/perturb.ts";
import { evaluateNodes, type PointInputs, type PointValue } from "../../src/stark/verifier/constraints.ts";
import { nativeBackend } from "../../src/stark/verifier/native.ts";
import { extPowConst, horner } from "../../src/stark/verifier/ops.ts";
import { byteLookupsAir, cubicAir, rangeCheckAir } from "../stark/airs.ts";
import { r1csAccepts } from "./r1cs-accepts.ts";

type Tamper = NonNullable<BuilderOptions["tamper"]>;
const rand = prng(0x5a5);
const element = () => rand() % P_NUMBER;
const extElement = (): ExtNumbers => [element(), element(), element(), element()];

function backend(tamper?: Tamper): R1csBackend {
  return new R1csBackend(new CircuitBuilder({ publicCount: 0, record: true, tamper }));
}

const canonicalOf = (b: R1csBackend, x: Bb) => Number(b.bb.reduce(x).value);
const extValueOf = (b: R1csBackend, x: Ext) => x.map((c) => canonicalOf(b, c)) as unknown as ExtNumbers;
const extInput = (b: R1csBackend, x: ExtNumbers): Ext => x.map((c) => b.bb.input(c)) as unknown as Ext;
const extPow = (x: ExtNumbers, e: number): ExtNumbers => {
  let acc: ExtNumbers = [1, 0, 0, 0];
  for (let i = 0; i < e; i++) acc = extMul(acc, x);
  return acc;
};

describe("fixed-base powers by chunks of four bits", () => {
  const g = 31; // BabyBear's generator

  /** g^e by the select-and-multiply chain it replaces, on the same kind of builder. */
  function selectChain(b: R1csBackend, bits: readonly Bb[]): Bb {
    let acc = b.constant(1);
    let gk = g;
    for (const bit of bits) {
      acc = b.bb.mul(acc, b.bb.select(bit, b.constant(gk), b.constant(1)));
      gk = mul(gk, gk);
    }
    return acc;
  }

  it.each([0, 1, 3, 4, 5, 9, 20, 27])(
    "equals g^e for %i-bit exponents, with fewer constraints than a select chain",
    (n) => {
      for (const e of [0, 2 ** n - 1, Math.floor(rand() % 2 ** n)]) {
        const b = backend();
        const bits = b.bits(b.bb.input(e), n);
        const before = b.c.constraints;
        const v = b.fixedBasePow(g, bits);
        const cost = b.c.constraints - before;
        expect(canonicalOf(b, v)).toBe(pow(g, e));
        expect(r1csAccepts(b.c)).toBe(true);
        const ref = backend();
        const refBits = ref.bits(ref.bb.input(e), n);
        const refBefore = ref.c.constraints;
        ref.bb.reduce(selectChain(ref, refBits));
        const refCost = ref.c.constraints - refBefore;
        if (n >= 4) expect(cost).toBeLessThan(refCost);
      }
    },
  );

  it("rejects a wrong product of bits", () => {
    const b = backend((kind, i, honest) => (kind === "product" && i === 0 ? honest ^ 1n : honest));
    const bits = b.bits(b.bb.input(0b1011), 4);
    b.bb.reduce(b.fixedBasePow(g, bits));
    expect(b.c.violationTotal).toBeGreaterThan(0);
    expect(r1csAccepts(b.c)).toBe(false);
  });
});

describe("powers and sums that pay their excess once", () => {
  it("x^i as products of canonical powers, and Σ x^k·t_k, equal the native values", () => {
    const b = backend();
    const xv = extElement();
    const x = extInput(b, xv);
    const table = new PowerTable(b.ext, x);
    for (const i of [0, 1, 2, 31, 32, 33, 63, 64, 100, 1000])
      expect(extValueOf(b, table.at(i))).toEqual(extPow(xv, i));
    for (const n of [0, 1, 2, 31, 32, 33, 100]) {
      const tv = Array.from({ length: n }, extElement);
      const expected = tv.reduceRight<ExtNumbers>((acc, t) => extAdd(extMul(acc, xv), t), [0, 0, 0, 0]);
      expect(extValueOf(b, table.sum(tv.map((t) => extInput(b, t))))).toEqual(expected);
    }
    expect(b.c.failures).toEqual([]);
    expect(r1csAccepts(b.c)).toBe(true);
  });

  it("a 300-term power sum costs less than half of Horner's rule", () => {
    const terms = Array.from({ length: 300 }, extElement);
    const xv = extElement();
    const cost = (f: (b: R1csBackend, ts: Ext[], x: Ext) => Ext) => {
      const b = backend();
      const ts = terms.map((t) => extInput(b, t));
      const x = extInput(b, xv);
      const before = b.c.constraints;
      const v = b.ext.reduce(f(b, ts, x));
      return { cost: b.c.constraints - before, value: extValueOf(b, v) };
    };
    const lazy = cost((b, ts, x) => b.powerSum(ts, x));
    const ruled = cost((b, ts, x) => horner(b, ts, x));
    expect(lazy.value).toEqual(ruled.value);
    expect(lazy.cost * 2).toBeLessThan(ruled.cost);
  });

  it("rejects a wrong power", () => {
    const b = backend((kind, i, honest) => (kind === "ext-product" && i === 20 ? honest + 1n : honest));
    const x = extInput(b, extElement());
    const table = new PowerTable(b.ext, x);
    b.ext.reduce(b.dotExt([table.at(40), table.at(41)], [x, x]));
    expect(b.c.violationTotal).toBeGreaterThan(0);
    expect(r1csAccepts(b.c)).toBe(false);
  });
});

describe("FRI folds and the final polynomial as sums", () => {
  /** The fold and the final polynomial's value, natively and by the circuit's primitive or Horner's rule. */
  function fold(logArity: number, arranged: boolean, tamper?: Tamper) {
    const r = prng(0xf01d + logArity);
    const e = (): ExtNumbers => [r() % P_NUMBER, r() % P_NUMBER, r() % P_NUMBER, r() % P_NUMBER];
    const values = Array.from({ length: 1 << logArity }, e);
    const beta = e();
    const yInv = r() % P_NUMBER;
    const native = foldValues(nativeBackend(), values, beta, yInv, logArity);
    const b = backend(tamper);
    if (!arranged) (b as { friFold?: unknown }).friFold = undefined;
    const betaIn = extInput(b, beta);
    // Two queries of one layer: β's powers are built at the first and shared by the second.
    const costs: number[] = [];
    let folded: Ext | undefined;
    for (let q = 0; q < 2; q++) {
      const vs = values.map((v) => extInput(b, v));
      const y = b.bb.input(yInv);
      const before = b.c.constraints;
      folded = b.ext.reduce(foldValues(b, vs, betaIn, y, logArity));
      costs.push(b.c.constraints - before);
    }
    return { b, native, value: extValueOf(b, folded!), costs };
  }

  it.each([1, 2, 3])(
    "a fold of arity 2^%i equals the native fold, for at most what Horner's rule costs",
    (logArity) => {
      const sum = fold(logArity, true);
      const ruled = fold(logArity, false);
      expect(sum.value).toEqual(sum.native);
      expect(ruled.value).toEqual(sum.native);
      expect(sum.b.c.failures).toEqual([]);
      expect(r1csAccepts(sum.b.c)).toBe(true);
      // The second query pays no power of β.
      // The second query pays no power of β: from arity 4 on it costs under 60 % of Horner's rule.
      if (logArity === 1) expect(sum.costs[1]!).toBeLessThanOrEqual(ruled.costs[1]!);
      else expect(sum.costs[1]!).toBeLessThan(0.6 * ruled.costs[1]!);
    },
  );

  it.each([3, 50, 60])("rejects a wrong extension product (the %i-th) in a fold", (index) => {
    // The first 42 build β^2 … β^7; from there on they are the folds' terms.
    const b = fold(3, true, (kind, i, v) => (kind === "ext-product" && i === index ? v + 1n : v)).b;
    expect(b.c.violationTotal).toBeGreaterThan(0);
    expect(r1csAccepts(b.c)).toBe(false);
  });

  it("the final polynomial's value equals Horner's rule at a base point", () => {
    for (const n of [1, 2, 8, 9]) {
      const coefficients = Array.from({ length: n }, extElement);
      const y = element();
      const native = evaluatePolynomial(nativeBackend(), coefficients, y);
      const b = backend();
      const v = b.ext.reduce(
        evaluatePolynomial(
          b,
          coefficients.map((c) => extInput(b, c)),
          b.bb.input(y),
        ),
      );
      expect(extValueOf(b, v)).toEqual(native);
      expect(r1csAccepts(b.c)).toBe(true);
    }
  });
});

describe("repeated work built once", () => {
  it("ζ^n for two heights shares its squarings; (ζ − 1)⁻¹ again costs nothing", () => {
    const b = backend();
    const zv = extElement();
    const z = extInput(b, zv);
    const c0 = b.c.constraints;
    const z10 = extPowConst(b, z, 1 << 10);
    const c1 = b.c.constraints;
    const z12 = extPowConst(b, z, 1 << 12);
    const c2 = b.c.constraints;
    expect(extValueOf(b, z10)).toEqual(extPow(zv, 1 << 10));
    expect(extValueOf(b, z12)).toEqual(extPow(zv, 1 << 12));
    // Two more squarings, not twelve.
    expect(c2 - c1).toBeLessThan((c1 - c0) / 3);
    const one = b.extConstant([1, 0, 0, 0]);
    const i1 = b.extInverse(b.extSub(z, one), "degenerate-point", "ζ = 1");
    const c3 = b.c.constraints;
    const i2 = b.extInverse(b.extSub(z, b.extConstant([1, 0, 0, 0])), "degenerate-point", "ζ = 1");
    expect(b.c.constraints).toBe(c3);
    expect(extValueOf(b, i2)).toEqual(extValueOf(b, i1));
    expect(extMul(extValueOf(b, i1), extAdd(zv, [P_NUMBER - 1, 0, 0, 0]))).toEqual([1, 0, 0, 0]);
    expect(r1csAccepts(b.c)).toBe(true);
  });
});

describe("constraints in their linear forms", () => {
  /** Every node of a graph at one random point, natively. */
  function evaluateAt(nodes: readonly Node[], seed: number): PointValue<number, ExtNumbers>[] {
    const r = prng(seed);
    const e = (): ExtNumbers => [r() % P_NUMBER, r() % P_NUMBER, r() % P_NUMBER, r() % P_NUMBER];
    const cols = () => ({ cur: Array.from({ length: 600 }, e), next: Array.from({ length: 600 }, e) });
    const inputs: PointInputs<number, ExtNumbers> = {
      pre: cols(),
      main: cols(),
      aux: cols(),
      publics: Array.from({ length: 64 }, () => r() % P_NUMBER),
      challenges: [e(), e()],
      cumsum: e(),
      selectors: { first: e(), last: e(), transition: e() },
    };
    return evaluateNodes(nativeBackend(), nodes, inputs);
  }
  const asExt = (v: PointValue<number, ExtNumbers>): ExtNumbers => (v.isExt ? v.ext : [v.base, 0, 0, 0]);
  const products = (nodes: readonly Node[]) =>
    nodes.filter((n) => n.op === "mul" && nodes[n.a]!.op !== "const" && nodes[n.b]!.op !== "const").length;

  function bitsProgram() {
    const b = new ProgramBuilder("linear-forms");
    const input = b.hint(false);
    const outs = [b.alloc(), b.alloc()];
    b.emit({ kind: "bits", input, outs });
    for (const o of outs) b.expose(o);
    return b.build().program;
  }
  const program = bitsProgram();
  const recursion = recursionAir(program, shapeFor([program], DEGREE3_CHIPS), DEGREE3_CHIPS).air;
  // The recursion release's Poseidon2 (one row of degree 7) and the BN254 step's (two rows of degree 7).
  const degree7 = recursionAir(program, shapeFor([program], DEGREE7_CHIPS), DEGREE7_CHIPS).air;
  const p254 = recursionAir(program, shapeFor([program], p254Chips(P254_CONFIG)), p254Chips(P254_CONFIG)).air;
  const poseidon2Tables = [...recursion.tables, ...degree7.tables, ...p254.tables].filter((t) =>
    t.name.startsWith("poseidon2"),
  );
  const tables = [
    ...recursion.tables,
    poseidon2Tables.find((t) => t.name === "poseidon2-degree7")!,
    poseidon2Tables.find((t) => t.name === "poseidon2-two-row-degree7")!,
    ...[cubicAir(8), rangeCheckAir(8), byteLookupsAir()].flatMap((a) => a.tables),
  ];

  it.each(tables.map((t) => [t.name, t] as const))(
    "%s: the same constraint values at random points, no more products",
    (_, t) => {
      const f = linearForms(t.nodes, t.constraints);
      for (const seed of [1, 2]) {
        const before = evaluateAt(t.nodes, seed);
        const after = evaluateAt(f.nodes, seed);
        expect(f.roots.map((i) => asExt(after[i]!))).toEqual(t.constraints.map((i) => asExt(before[i]!)));
      }
      expect(products(f.nodes)).toBeLessThanOrEqual(products(t.nodes));
    },
  );

  // The two-row table's S-box constraints are of degree 3 in its columns, so its linear forms save most; the
  // degree-7 table's x^7 at ζ (four extension products, each reduced) stays whatever form x takes.
  const saving: Record<string, [number, number]> = {
    "poseidon2-two-row": [1, 2],
    "poseidon2-degree7": [3, 4],
    "poseidon2-two-row-degree7": [3, 4],
  };
  it.each(poseidon2Tables.map((t) => [t.name, t] as const))(
    "%s: the Poseidon2 table costs the circuit less in its linear forms (two-row: under half; degree-7: under three quarters)",
    (_, t) => {
      const cost = (nodes: readonly Node[], roots: readonly number[]) => {
        const b = backend();
        const r = prng(3);
        const e = () => extInput(b, [r() % P_NUMBER, r() % P_NUMBER, r() % P_NUMBER, r() % P_NUMBER]);
        const cols = (n: number) => ({
          cur: Array.from({ length: n }, e),
          next: Array.from({ length: n }, e),
        });
        const inputs = {
          pre: cols(t.preprocessed.length),
          main: cols(t.mainWidth),
          aux: cols(t.auxWidth),
          publics: [],
          challenges: [e(), e()],
          cumsum: e(),
          selectors: { first: e(), last: e(), transition: e() },
        };
        const before = b.c.constraints;
        const values = evaluateNodes(b, nodes, inputs);
        const sum = b.powerSum(
          roots.map((i) => {
            const v = values[i]!;
            return v.isExt ? v.ext : b.extFromBase(v.base);
          }),
          e(),
        );
        const value = extValueOf(b, sum);
        expect(r1csAccepts(b.c)).toBe(true);
        return { cost: b.c.constraints - before, value };
      };
      const f = linearForms(t.nodes, t.constraints);
      const flat = cost(f.nodes, f.roots);
      const built = cost(t.nodes, t.constraints);
      console.log(`${t.name}: ${flat.cost} constraints in linear forms, ${built.cost} as built`);
      expect(flat.value).toEqual(built.value);
      const [num, den] = saving[t.name]!;
      expect(flat.cost * den).toBeLessThan(built.cost * num);
    },
  );

  it("a chain of constant multiplications becomes one term", () => {
    const g = new ExprGraph();
    const x = g.node({ op: "col", kind: "main", index: 0, next: false });
    let v = x;
    for (let i = 2; i < 40; i++) v = v.mul(i).add(x);
    const root = v.sub(g.node({ op: "col", kind: "main", index: 1, next: false }));
    const nodes = g.nodes;
    const f = linearForms(nodes, [root.id]);
    expect(f.nodes.length).toBeLessThan(8);
    const before = evaluateAt(nodes, 4);
    const after = evaluateAt(f.nodes, 4);
    expect(asExt(after[f.roots[0]!]!)).toEqual(asExt(before[root.id]!));
  });
});
