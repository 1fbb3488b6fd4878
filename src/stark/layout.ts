import type { Air, Table } from "./air.ts";
import type { StarkConfig } from "./config.ts";
import { capLevel, type MerkleArity, merklePathLength } from "./pcs/merkle-shape.ts";

/**
 * The shape of a proof, derived once from (AIR, configuration, table heights): which commitments exist and
 * which matrices each holds, how many values every table opens, how the DEEP combination groups the columns
 * (and which power of γ each group starts at), the FRI schedule, and the shape of every query. The prover,
 * the verifier (all its instances) and the codec read the protocol's structure from here and nowhere else.
 */

/** The commitment rounds, in transcript and opening order. */
export const ROUNDS = ["pre", "main", "aux", "quotient"] as const;
export type Round = (typeof ROUNDS)[number];

export interface TableLayout {
  readonly logHeight: number;
  /** log2 of the LDE height: logHeight + logBlowup. */
  readonly ldeLogHeight: number;
  /** Committed base columns per round (extension columns count their 4 coordinates). */
  readonly widths: Readonly<Record<Round, number>>;
  /**
   * Per round, the base columns (ascending) that the proof opens at ζω too: every aligned group of four
   * columns (0–3, 4–7, …) in which some constraint reads a column at the next row (for an aux column: its 4
   * coordinates). Every column is opened at ζ.
   */
  readonly next: Readonly<Record<Round, readonly number[]>>;
}

export interface CommittedMatrix {
  readonly table: number;
  /** log2 of the matrix height (an LDE height). */
  readonly logHeight: number;
  readonly width: number;
}

/** One mixed-height Merkle commitment (docs/proof-system.md §3). */
export interface CommitmentLayout {
  readonly round: Round;
  /** Matrices in commitment order (table order). */
  readonly matrices: readonly CommittedMatrix[];
  /**
   * log2 of the tallest matrix: the tree's depth in levels and the leaf index's bit count (the path length
   * depends on the Merkle arity too: `commitmentPathLength`).
   */
  readonly logMaxHeight: number;
  /** The Merkle cap height it is committed with: the configuration's, 0 for the preprocessed round. */
  readonly capHeight: number;
}

/** The tables of one LDE height, combined into one DEEP polynomial (docs/proof-system.md §6). */
export interface OpeningGroup {
  readonly ldeLogHeight: number;
  readonly tables: readonly number[];
  /** Base columns of the group's tables over all rounds. */
  readonly width: number;
  /** The power of γ that weighs the group's first column (each group uses 2·width powers). */
  readonly gammaOffset: number;
}

export interface FriLayerLayout {
  /** log2 of the layer's evaluation count before folding. */
  readonly logSize: number;
  readonly logArity: number;
  /** Index of the opening group rolled in after this fold, or null. */
  readonly rollIn: number | null;
  /** The configuration's Merkle cap height (the tree may lower it: `friCapSize`). */
  readonly capHeight: number;
}

export interface FriLayout {
  readonly layers: readonly FriLayerLayout[];
  readonly logFinalSize: number;
  /** Coefficients of the final polynomial, sent in clear. */
  readonly finalCoefficients: number;
}

export interface ProofLayout {
  readonly tables: readonly TableLayout[];
  /** Commitments present in this proof, in round order (pre is the verifying key's, not the proof's). */
  readonly commitments: Readonly<Record<Round, CommitmentLayout | null>>;
  /** Tables with bus interactions, whose cumulative sums the proof reveals, in table order. */
  readonly cumsumTables: readonly number[];
  /** DEEP groups, tallest first. */
  readonly groups: readonly OpeningGroup[];
  readonly fri: FriLayout;
  /** log2 of the tallest LDE: query indices have this many bits. */
  readonly logMaxLdeHeight: number;
  readonly numQueries: number;
}

/**
 * Folding steps from the tallest LDE height down to the final size, never skipping a height where a
 * shorter group's DEEP polynomial is rolled in.
 */
export function friLayout(config: StarkConfig, groupLogHeights: readonly number[]): FriLayout {
  const distinct = [...new Set(groupLogHeights)].sort((a, b) => b - a);
  const logMin = distinct[distinct.length - 1]!;
  const logFinalSize = Math.min(config.logFinalDegree + config.logBlowup, logMin);
  const layers: FriLayerLayout[] = [];
  let l = distinct[0]!;
  while (l > logFinalSize) {
    const below = distinct.filter((h) => h < l);
    const target = below.length > 0 ? Math.max(below[0]!, logFinalSize) : logFinalSize;
    const a = Math.min(config.friLogArity, l - target);
    const folded = l - a;
    const g = distinct.indexOf(folded);
    layers.push({ logSize: l, logArity: a, rollIn: g > 0 ? g : null, capHeight: config.capHeight ?? 0 });
    l = folded;
  }
  return { layers, logFinalSize, finalCoefficients: 1 << (logFinalSize - config.logBlowup) };
}

/** Sibling digests in a commitment opening's Merkle path (pcs/merkle-shape.ts). */
export function commitmentPathLength(c: CommitmentLayout, arity: MerkleArity): number {
  return merklePathLength(
    c.matrices.map((m) => m.logHeight),
    arity,
    c.capHeight,
  );
}

/** The log2 of a FRI layer tree's height: one row per coset of `arity` points. */
export const friTreeLogHeight = (l: FriLayerLayout): number => l.logSize - l.logArity;

/** Sibling digests in the Merkle path of a FRI layer's opened row (one matrix of 2^(logSize − logArity) rows). */
export function friPathLength(l: FriLayerLayout, arity: MerkleArity): number {
  return merklePathLength([friTreeLogHeight(l)], arity, l.capHeight);
}

/** Digests in a commitment's cap: 2^(its cap level) (one, the root, without caps). */
export const commitmentCapSize = (c: CommitmentLayout): number =>
  1 <<
  capLevel(
    c.matrices.map((m) => m.logHeight),
    c.capHeight,
  );

/** Digests in a FRI layer commitment's cap. */
export const friCapSize = (l: FriLayerLayout): number => 1 << capLevel([friTreeLogHeight(l)], l.capHeight);

const cache = new WeakMap<Air, Map<string, ProofLayout>>();

/** The layout of proofs of `air` under `config` with the given table heights (cached). */
export function proofLayout(air: Air, config: StarkConfig, logHeights: readonly number[]): ProofLayout {
  const key = `${config.logBlowup},${config.numQueries},${config.friLogArity},${config.logFinalDegree},${config.capHeight ?? 0}|${logHeights.join(",")}`;
  let m = cache.get(air);
  if (!m) cache.set(air, (m = new Map()));
  const hit = m.get(key);
  if (hit) return hit;
  const layout = buildLayout(air, config, logHeights);
  // Heights come from proofs: bound the cache so that proofs of ever new heights cannot grow it.
  if (m.size >= 64) m.clear();
  m.set(key, layout);
  return layout;
}

const nextCache = new WeakMap<Table, Readonly<Record<Round, readonly number[]>>>();

/**
 * The base columns of each round opened at ζω (`TableLayout.next`): the aligned groups of four holding a
 * column that a constraint reads at the next row. Whole groups because a verifier may read an opened row
 * in blocks of four (the recursion programs hint rows packed): the DEEP sums over the ζω columns and over
 * the others then both consist of whole blocks, and together cost what one sum over the row did.
 */
export function nextRowColumns(t: Table): Readonly<Record<Round, readonly number[]>> {
  let r = nextCache.get(t);
  if (r) return r;
  const groups: Record<"pre" | "main" | "aux", Set<number>> = {
    pre: new Set(),
    main: new Set(),
    aux: new Set(),
  };
  for (const n of t.nodes) {
    if (n.op !== "col" || !n.next) continue;
    // An aux column is one extension value: its 4 coordinates are committed columns 4i … 4i + 3.
    groups[n.kind].add(n.kind === "aux" ? n.index : n.index >> 2);
  }
  const columns = (g: Set<number>, width: number) =>
    [...g]
      .sort((a, b) => a - b)
      .flatMap((k) => [4 * k, 4 * k + 1, 4 * k + 2, 4 * k + 3].filter((c) => c < width));
  r = {
    pre: columns(groups.pre, t.preprocessed.length),
    main: columns(groups.main, t.mainWidth),
    aux: columns(groups.aux, 4 * t.auxWidth),
    quotient: [],
  };
  nextCache.set(t, r);
  return r;
}

function buildLayout(air: Air, config: StarkConfig, logHeights: readonly number[]): ProofLayout {
  if (logHeights.length !== air.tables.length)
    throw new RangeError(`expected ${air.tables.length} table heights, got ${logHeights.length}`);
  const tables: TableLayout[] = air.tables.map((t, i) => ({
    logHeight: logHeights[i]!,
    ldeLogHeight: logHeights[i]! + config.logBlowup,
    widths: {
      pre: t.preprocessed.length,
      main: t.mainWidth,
      aux: 4 * t.auxWidth,
      quotient: 4 * t.quotientChunks,
    },
    next: nextRowColumns(t),
  }));
  const commitment = (round: Round): CommitmentLayout | null => {
    const matrices = tables.flatMap((t, i) =>
      t.widths[round] > 0 ? [{ table: i, logHeight: t.ldeLogHeight, width: t.widths[round] }] : [],
    );
    if (matrices.length === 0) return null;
    return {
      round,
      matrices,
      logMaxHeight: Math.max(...matrices.map((m) => m.logHeight)),
      // The verifying key is the preprocessed root: its commitment takes no cap.
      capHeight: round === "pre" ? 0 : (config.capHeight ?? 0),
    };
  };
  const main = commitment("main");
  const quotient = commitment("quotient");
  if (!main || !quotient) throw new RangeError("every table has main columns and a quotient");
  const heights = [...new Set(tables.map((t) => t.ldeLogHeight))].sort((a, b) => b - a);
  let gammaOffset = 0;
  const groups: OpeningGroup[] = heights.map((h) => {
    const members = tables.flatMap((t, i) => (t.ldeLogHeight === h ? [i] : []));
    const width = members.reduce((s, i) => {
      const w = tables[i]!.widths;
      return s + w.pre + w.main + w.aux + w.quotient;
    }, 0);
    const g = { ldeLogHeight: h, tables: members, width, gammaOffset };
    gammaOffset += 2 * width;
    return g;
  });
  return {
    tables,
    commitments: { pre: commitment("pre"), main, aux: commitment("aux"), quotient },
    cumsumTables: air.tables.flatMap((t, i) => (t.auxWidth > 0 ? [i] : [])),
    groups,
    fri: friLayout(config, heights),
    logMaxLdeHeight: heights[0]!,
    numQueries: config.numQueries,
  };
}
