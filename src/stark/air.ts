import { add, isCanonical, mul, P, sub } from "../field/babybear.ts";
import { MAX_LOG_HEIGHT, MIN_LOG_HEIGHT } from "./config.ts";
import {
  AirDefinitionError,
  CHALLENGE_LOGUP_ALPHA,
  CHALLENGE_LOGUP_BETA,
  type Expr,
  ExprGraph,
  type Node,
  nodeDegrees,
} from "./expr.ts";

export { AirDefinitionError } from "./expr.ts";

/**
 * AIR description: tables with main columns, constraints as an expression DAG, and bus interactions.
 * `defineAir` compiles the interactions into LogUp auxiliary columns and constraints (docs/proof-system.md
 * §2), so the resulting `Air` is pure data that the prover, the verifier and circuit generators share.
 */
export type InteractionKind = "send" | "receive";

/**
 * What keeps an interaction's multiplicity small enough for LogUp to be sound (docs/proof-system.md §2):
 *
 * - a non-negative integer b: the AIR's own constraints keep the multiplicity m within |m| ≤ b on every row
 *   (m read as an integer in (−p/2, p/2)); the engine sums these bounds and refuses heights at which the sum
 *   could reach p;
 * - `"lookup"`: m is free (a lookup table's count column). Each row must then be a fact that holds whatever
 *   the count, because a free multiplicity can balance any tuple the row carries;
 * - `{ fixedTotal }`: inferred, never declared: a multiplicity computed from preprocessed columns and
 *   constants only is known in advance, and Σ_rows |m| is counted exactly.
 */
export type MultiplicityBound = number | "lookup" | { readonly fixedTotal: number };

export interface InteractionOptions {
  /**
   * Required when the multiplicity is neither a constant (bound min(c, p − c)) nor computed from
   * preprocessed columns (its total is then counted exactly). The engine cannot check a declared bound: the
   * AIR's constraints must enforce it.
   */
  readonly bound?: number | "lookup";
}

export interface Interaction {
  readonly bus: number;
  readonly kind: InteractionKind;
  /** Node ids of the tuple fields. */
  readonly fields: readonly number[];
  /** Node id of the multiplicity. */
  readonly multiplicity: number;
  readonly bound: MultiplicityBound;
}

export interface Table {
  readonly name: string;
  /**
   * Preprocessed (fixed) columns: data of the AIR itself, committed once (its root is part of the
   * verifying key). A table with preprocessed columns has their height.
   */
  readonly preprocessed: readonly Uint32Array[];
  /** log2 of the preprocessed height, or null when the prover chooses the height. */
  readonly fixedLogHeight: number | null;
  readonly mainWidth: number;
  /**
   * Auxiliary (extension-field) columns: one per LogUp batch plus the running sum φ (last; the sum of the
   * batches over the rows before), or none.
   */
  readonly auxWidth: number;
  readonly nodes: readonly Node[];
  /** Node ids of the constraints, in the order their α powers are assigned. */
  readonly constraints: readonly number[];
  readonly interactions: readonly Interaction[];
  /** Interaction indices summed in each LogUp aux column, in column order. */
  readonly logupBatches: readonly (readonly number[])[];
  /** Maximum constraint degree (at least 2). */
  readonly degree: number;
  /** Quotient chunks: 2^⌈log2(degree − 1)⌉. */
  readonly quotientChunks: number;
}

export interface Air {
  readonly name: string;
  readonly publicCount: number;
  readonly tables: readonly Table[];
  /** Graph of public-side bus interactions (only const and public nodes). */
  readonly publicNodes: readonly Node[];
  readonly publicInteractions: readonly Interaction[];
}

const MAX_BUS = 1 << 20;

/** Collects a table's constraints and interactions. */
export class TableBuilder {
  readonly name: string;
  readonly mainWidth: number;
  readonly graph = new ExprGraph();
  readonly constraints: number[] = [];
  readonly interactions: Interaction[] = [];
  readonly preprocessed: readonly Uint32Array[];
  private gate: Expr | undefined;

  constructor(name: string, mainWidth: number, options: { preprocessed?: readonly Uint32Array[] } = {}) {
    if (!Number.isInteger(mainWidth) || mainWidth < 1)
      throw new AirDefinitionError(`table "${name}" needs at least one main column`);
    this.name = name;
    this.mainWidth = mainWidth;
    const pre = options.preprocessed ?? [];
    if (pre.length > 0) {
      const n = pre[0]!.length;
      const log = Math.log2(n);
      if (!Number.isInteger(log) || log < MIN_LOG_HEIGHT || log > MAX_LOG_HEIGHT)
        throw new AirDefinitionError(
          `table "${name}": preprocessed columns have ${n} rows; use a power of two from 2^${MIN_LOG_HEIGHT} to 2^${MAX_LOG_HEIGHT}`,
        );
      for (const c of pre) {
        if (c.length !== n)
          throw new AirDefinitionError(`table "${name}": preprocessed columns differ in length`);
        for (let r = 0; r < n; r++)
          if (!isCanonical(c[r]!))
            throw new AirDefinitionError(`table "${name}": non-canonical preprocessed value`);
      }
    }
    this.preprocessed = pre.map((c) => new Uint32Array(c));
  }

  /** Preprocessed column i at the current row. */
  fixed(i: number): Expr {
    this.checkFixed(i);
    return this.graph.node({ op: "col", kind: "pre", index: i, next: false });
  }

  /** Preprocessed column i at the next row (cyclically). */
  fixedNext(i: number): Expr {
    this.checkFixed(i);
    return this.graph.node({ op: "col", kind: "pre", index: i, next: true });
  }

  private checkFixed(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.preprocessed.length)
      throw new AirDefinitionError(
        `table "${this.name}" has no preprocessed column ${i} (it has ${this.preprocessed.length})`,
      );
  }

  /** Main column i at the current row. */
  main(i: number): Expr {
    this.checkColumn(i);
    return this.graph.node({ op: "col", kind: "main", index: i, next: false });
  }

  /** Main column i at the next row (cyclically). */
  next(i: number): Expr {
    this.checkColumn(i);
    return this.graph.node({ op: "col", kind: "main", index: i, next: true });
  }

  public(i: number): Expr {
    return this.graph.node({ op: "public", index: i });
  }

  constant(v: number | bigint): Expr {
    return this.graph.constant(v);
  }

  get isFirstRow(): Expr {
    return this.graph.node({ op: "first" });
  }

  get isLastRow(): Expr {
    return this.graph.node({ op: "last" });
  }

  get isTransition(): Expr {
    return this.graph.node({ op: "transition" });
  }

  /** The constraint e = 0 on every row (next-row references wrap around). */
  assertZero(e: Expr | number): void {
    const x = this.graph.lift(e);
    this.constraints.push((this.gate ? this.gate.mul(x) : x).id);
  }

  /**
   * States `body`'s constraints multiplied by `gate`, and its interactions with their multiplicities multiplied
   * by it: for a part of the table that holds only on the rows where the gate (a 0/1 preprocessed selector) is
   * one, as chips that share their columns down a table (src/recursion/air.ts, `stacks`).
   */
  gated<T>(gate: Expr, body: () => T): T {
    if (this.gate) throw new AirDefinitionError(`table "${this.name}": gates do not nest`);
    this.gate = gate;
    try {
      return body();
    } finally {
      this.gate = undefined;
    }
  }

  assertEqual(a: Expr | number, b: Expr | number): void {
    this.assertZero(this.graph.binary("sub", a, b));
  }

  assertZeroFirstRow(e: Expr | number): void {
    this.assertZero(this.isFirstRow.mul(e));
  }

  assertZeroLastRow(e: Expr | number): void {
    this.assertZero(this.isLastRow.mul(e));
  }

  /** e = 0 on every row but the last, where the next row would wrap to the first. */
  assertZeroTransition(e: Expr | number): void {
    this.assertZero(this.isTransition.mul(e));
  }

  /**
   * Sends the tuple on a bus with a multiplicity (default 1). A multiplicity that is not a constant needs
   * `options.bound` (see {@link MultiplicityBound}).
   */
  send(
    bus: number,
    fields: readonly (Expr | number)[],
    multiplicity: Expr | number = 1,
    options: InteractionOptions = {},
  ): void {
    this.interact(bus, "send", fields, multiplicity, options);
  }

  /** Receives the tuple from a bus; the multiplicity rules are those of {@link send}. */
  receive(
    bus: number,
    fields: readonly (Expr | number)[],
    multiplicity: Expr | number = 1,
    options: InteractionOptions = {},
  ): void {
    this.interact(bus, "receive", fields, multiplicity, options);
  }

  private interact(
    bus: number,
    kind: InteractionKind,
    fields: readonly (Expr | number)[],
    multiplicity: Expr | number,
    options: InteractionOptions,
  ): void {
    checkBus(bus);
    if (fields.length === 0) throw new AirDefinitionError("an interaction needs at least one field");
    const lifted = this.graph.lift(multiplicity);
    const m = this.gate ? this.gate.mul(lifted) : lifted;
    this.interactions.push({
      bus,
      kind,
      fields: fields.map((f) => this.graph.lift(f).id),
      multiplicity: m.id,
      bound: this.resolveBound(m.id, options.bound, `table "${this.name}", bus ${bus}`),
    });
  }

  private resolveBound(
    node: number,
    declared: number | "lookup" | undefined,
    where: string,
  ): MultiplicityBound {
    const m = this.graph.nodes[node]!;
    if (declared === "lookup") return declared;
    if (declared !== undefined) {
      if (!Number.isSafeInteger(declared) || declared < 0 || declared >= P)
        throw new AirDefinitionError(
          `${where}: a multiplicity bound is an integer in [0, p), got ${declared}`,
        );
      if (m.op === "const" && Math.min(m.value, P - m.value) > declared)
        throw new AirDefinitionError(
          `${where}: the constant multiplicity ${m.value} exceeds its bound ${declared}`,
        );
      return declared;
    }
    if (m.op === "const") return Math.min(m.value, P - m.value);
    const fixed = this.fixedValues(node);
    if (fixed) {
      let total = 0;
      for (let r = 0; r < fixed.length; r++) total += Math.min(fixed[r]!, P - fixed[r]!);
      return { fixedTotal: total };
    }
    throw new AirDefinitionError(
      `${where}: the multiplicity is not a constant; declare { bound: b } (the AIR keeps |m| ≤ b) or { bound: "lookup" } (a table of facts)`,
    );
  }

  /** The node's value on every row, when it depends on preprocessed columns and constants only. */
  private fixedValues(node: number): Uint32Array | null {
    const pre = this.preprocessed;
    if (pre.length === 0) return null;
    const n = pre[0]!.length;
    const memo = new Map<number, Uint32Array | null>();
    const value = (id: number): Uint32Array | null => {
      if (memo.has(id)) return memo.get(id)!;
      const x = this.graph.nodes[id]!;
      let v: Uint32Array | null = null;
      if (x.op === "const") v = new Uint32Array(n).fill(x.value);
      else if (x.op === "col" && x.kind === "pre") {
        const c = pre[x.index]!;
        if (x.next) {
          v = new Uint32Array(n);
          v.set(c.subarray(1));
          v[n - 1] = c[0]!;
        } else v = c;
      } else if (x.op === "add" || x.op === "sub" || x.op === "mul") {
        const a = value(x.a);
        const b = a && value(x.b);
        if (a && b) {
          const f = x.op === "add" ? add : x.op === "sub" ? sub : mul;
          v = new Uint32Array(n);
          for (let r = 0; r < n; r++) v[r] = f(a[r]!, b[r]!);
        }
      } else if (x.op === "neg") {
        const a = value(x.a);
        if (a) v = a.map((ai) => (ai === 0 ? 0 : P - ai));
      }
      memo.set(id, v);
      return v;
    };
    return value(node);
  }

  private checkColumn(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.mainWidth)
      throw new AirDefinitionError(`table "${this.name}" has no main column ${i} (width ${this.mainWidth})`);
  }
}

/**
 * Interactions whose fields and multiplicities depend only on public values and constants. A multiplicity
 * that depends on public values needs `{ bound: b }` (b ≤ 64): the verifier requires |m| ≤ b (it checks
 * Π_(j=−b..b) (m − j) = 0) and counts b towards LogUp's capacity.
 */
export class PublicInteractionBuilder {
  readonly graph = new ExprGraph();
  readonly interactions: Interaction[] = [];

  public(i: number): Expr {
    return this.graph.node({ op: "public", index: i });
  }

  send(
    bus: number,
    fields: readonly (Expr | number)[],
    multiplicity: Expr | number = 1,
    options: { readonly bound?: number } = {},
  ): void {
    this.interact(bus, "send", fields, multiplicity, options.bound);
  }

  receive(
    bus: number,
    fields: readonly (Expr | number)[],
    multiplicity: Expr | number = 1,
    options: { readonly bound?: number } = {},
  ): void {
    this.interact(bus, "receive", fields, multiplicity, options.bound);
  }

  private interact(
    bus: number,
    kind: InteractionKind,
    fields: readonly (Expr | number)[],
    multiplicity: Expr | number,
    declared: number | undefined,
  ): void {
    checkBus(bus);
    if (fields.length === 0) throw new AirDefinitionError("an interaction needs at least one field");
    const m = this.graph.lift(multiplicity);
    const node = this.graph.nodes[m.id]!;
    const where = `public interaction on bus ${bus}`;
    let bound: number;
    if (node.op === "const") {
      bound = Math.min(node.value, P - node.value);
      if (declared !== undefined && bound > declared)
        throw new AirDefinitionError(`${where}: the constant multiplicity exceeds its bound ${declared}`);
    } else {
      if (declared === undefined)
        throw new AirDefinitionError(
          `${where}: a multiplicity that depends on public values needs { bound: b }`,
        );
      if (!Number.isInteger(declared) || declared < 0 || declared > MAX_PUBLIC_BOUND)
        throw new AirDefinitionError(
          `${where}: a public multiplicity bound is an integer in [0, ${MAX_PUBLIC_BOUND}]`,
        );
      bound = declared;
    }
    this.interactions.push({
      bus,
      kind,
      fields: fields.map((f) => this.graph.lift(f).id),
      multiplicity: m.id,
      bound,
    });
  }
}

/** Largest bound a public multiplicity may declare (the verifier's check costs 2b + 1 products). */
export const MAX_PUBLIC_BOUND = 64;

function checkBus(bus: number): void {
  if (!Number.isInteger(bus) || bus < 0 || bus >= MAX_BUS)
    throw new AirDefinitionError(`bus ids are integers in [0, ${MAX_BUS}), got ${bus}`);
}

export interface AirSpec {
  name: string;
  publicCount: number;
  tables: readonly TableBuilder[];
  publicInteractions?: PublicInteractionBuilder;
  /**
   * Highest degree the LogUp constraints may reach when several interactions share an aux column (default
   * 3, what blowup 2 admits; 5 suits blowup 4). A table whose own constraints are of higher degree batches
   * up to its own degree.
   */
  maxLogupDegree?: number;
}

/** LogUp denominator β + bus + Σ_j α^j f_j as an expression in the table's graph. */
export function logupDenominator(graph: ExprGraph, bus: number, fields: readonly number[]): Expr {
  const alpha = graph.node({ op: "challenge", index: CHALLENGE_LOGUP_ALPHA });
  let d = graph.node({ op: "challenge", index: CHALLENGE_LOGUP_BETA }).add(bus);
  let alphaPow = alpha;
  for (let j = 0; j < fields.length; j++) {
    d = d.add(alphaPow.mul(graph.ref(fields[j]!)));
    alphaPow = alphaPow.mul(alpha);
  }
  return d;
}

/**
 * Groups a table's interactions (in order) into LogUp batches: one aux column holds the sum of a batch's
 * fractions, constrained by h·Π d_i = Σ_i ±m_i·Π_(j≠i) d_j, whose degree is the larger of
 * 1 + Σ deg d_i and max_i (deg m_i + Σ_(j≠i) deg d_j). A batch grows while that stays ≤ maxDegree.
 */
function batchInteractions(
  interactions: readonly Interaction[],
  degreeOf: (node: number, alphaDegree: number) => number,
  maxDegree: number,
): number[][] {
  const batches: number[][] = [];
  const cost = (batch: readonly number[]) => {
    const dens = batch.map((i) => Math.max(...interactions[i]!.fields.map((f) => degreeOf(f, 0))));
    const sum = dens.reduce((a, b) => a + b, 0);
    const lhs = 1 + sum;
    const rhs = Math.max(...batch.map((i, k) => degreeOf(interactions[i]!.multiplicity, 0) + sum - dens[k]!));
    return Math.max(lhs, rhs);
  };
  for (let i = 0; i < interactions.length; i++) {
    const last = batches[batches.length - 1];
    if (last && cost([...last, i]) <= maxDegree) last.push(i);
    else batches.push([i]);
  }
  return batches;
}

function compileTable(t: TableBuilder, publicCount: number, maxDegree: number): Table {
  const g = t.graph;
  const constraints = [...t.constraints];
  const k = t.interactions.length;
  let batches: number[][] = [];
  if (k > 0) {
    const deg = nodeDegrees(g.nodes);
    batches = batchInteractions(t.interactions, (n) => deg[n]!, maxDegree);
    const h = (i: number, next: boolean) => g.node({ op: "col", kind: "aux", index: i, next });
    let sum: Expr | undefined;
    batches.forEach((batch, c) => {
      const dens = batch.map((i) => logupDenominator(g, t.interactions[i]!.bus, t.interactions[i]!.fields));
      const signed = batch.map((i) => {
        const it = t.interactions[i]!;
        const m = g.ref(it.multiplicity);
        return it.kind === "send" ? m : m.neg();
      });
      // h·Π d_i − Σ_i (±m_i)·Π_(j≠i) d_j = 0: h is the batch's Σ ±m_i/d_i wherever no d_i vanishes.
      let lhs = h(c, false);
      for (const d of dens) lhs = lhs.mul(d);
      let rhs: Expr | undefined;
      signed.forEach((m, a) => {
        let term = m;
        dens.forEach((d, b) => {
          if (b !== a) term = term.mul(d);
        });
        rhs = rhs ? rhs.add(term) : term;
      });
      constraints.push(lhs.sub(rhs!).id);
      sum = sum ? sum.add(h(c, false)) : h(c, false);
    });
    // φ is the running sum of the rows before this one (0 on the first row), so that the only aux column
    // read at the next row is φ: the proof opens at ζω only the columns some constraint reads there.
    const phi = h(batches.length, false);
    const phiNext = h(batches.length, true);
    const first = g.node({ op: "first" });
    const last = g.node({ op: "last" });
    const transition = g.node({ op: "transition" });
    constraints.push(first.mul(phi).id);
    constraints.push(transition.mul(phiNext.sub(phi).sub(sum!)).id);
    constraints.push(last.mul(phi.add(sum!).sub(g.node({ op: "cumsum" }))).id);
  }
  const auxWidth = k === 0 ? 0 : batches.length + 1;
  const nodes = [...g.nodes];
  for (const n of nodes) {
    if (n.op === "public" && (n.index < 0 || n.index >= publicCount))
      throw new AirDefinitionError(`table "${t.name}" uses public value ${n.index} of ${publicCount}`);
  }
  if (constraints.length === 0) throw new AirDefinitionError(`table "${t.name}" has no constraints`);
  const deg = nodeDegrees(nodes);
  const degree = Math.max(2, ...constraints.map((c) => deg[c]!));
  const quotientChunks = 1 << Math.ceil(Math.log2(degree - 1));
  return {
    name: t.name,
    preprocessed: t.preprocessed,
    fixedLogHeight: t.preprocessed.length > 0 ? Math.log2(t.preprocessed[0]!.length) : null,
    mainWidth: t.mainWidth,
    auxWidth,
    nodes,
    constraints,
    interactions: t.interactions.map((it) => ({ ...it, fields: [...it.fields] })),
    logupBatches: batches,
    degree,
    quotientChunks,
  };
}

/** The LogUp degree budget of a table: the AIR's, or the table's own constraint degree if higher. */
function logupDegree(t: TableBuilder, budget: number): number {
  if (!Number.isInteger(budget) || budget < 2)
    throw new AirDefinitionError(`maxLogupDegree must be an integer ≥ 2, got ${budget}`);
  const deg = nodeDegrees(t.graph.nodes);
  return Math.max(budget, ...t.constraints.map((c) => deg[c]!));
}

/** Compiles tables and public interactions into an immutable AIR. */
export function defineAir(spec: AirSpec): Air {
  if (spec.tables.length === 0) throw new AirDefinitionError("an AIR needs at least one table");
  if (!Number.isInteger(spec.publicCount) || spec.publicCount < 0)
    throw new AirDefinitionError("publicCount must be a non-negative integer");
  const names = new Set(spec.tables.map((t) => t.name));
  if (names.size !== spec.tables.length) throw new AirDefinitionError("table names must be distinct");
  const pub = spec.publicInteractions ?? new PublicInteractionBuilder();
  for (const n of pub.graph.nodes) {
    if (
      n.op !== "const" &&
      n.op !== "public" &&
      n.op !== "add" &&
      n.op !== "sub" &&
      n.op !== "mul" &&
      n.op !== "neg"
    )
      throw new AirDefinitionError("public interactions may use only public values and constants");
    if (n.op === "public" && n.index >= spec.publicCount)
      throw new AirDefinitionError(`public interaction uses public value ${n.index} of ${spec.publicCount}`);
  }
  return {
    name: spec.name,
    publicCount: spec.publicCount,
    tables: spec.tables.map((t) =>
      compileTable(t, spec.publicCount, logupDegree(t, spec.maxLogupDegree ?? 3)),
    ),
    publicNodes: [...pub.graph.nodes],
    publicInteractions: pub.interactions.map((it) => ({ ...it, fields: [...it.fields] })),
  };
}
