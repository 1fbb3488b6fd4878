import { ZkvmError } from "../errors.ts";
import { P } from "../field/babybear.ts";
import type { Ext } from "../field/extension.ts";
import type { Air } from "./air.ts";
import { MAX_LOG_HEIGHT, MAX_LOG_LDE_HEIGHT, MIN_LOG_HEIGHT, type StarkConfig } from "./config.ts";
import type { StarkHash } from "./hash-config.ts";
import {
  commitmentCapSize,
  friCapSize,
  friTreeLogHeight,
  type ProofLayout,
  proofLayout,
  ROUNDS,
  type Round,
} from "./layout.ts";
import { commitmentLeaf, friLeaf, type OpeningSlots, openingSlots } from "./pcs/opening-positions.ts";
import type {
  FriQueryStep,
  MerkleOpening,
  OpenedValues,
  QueryProof,
  StarkProof,
  TableOpenings,
} from "./proof.ts";

/**
 * Binary proof format, version 3 (docs/proof-system.md §9). Deterministic: one encoding per proof. Every
 * length follows from the AIR, the configuration and the table heights in the proof, so none is encoded;
 * field elements are u32 little-endian and must be canonical; digests are 8 u32 words the hash
 * configuration must accept. The decoder reads each byte at most once, so it cannot hang.
 *
 *   u8 version | u8 logHeight × tables | digest mainRoot | [digest auxRoot] | digest quotientRoot
 *   | ext cumsum × tables-with-buses | per table: (pre, main, aux, quotient) × (ζ: every column, ζω: the
 *     columns a constraint reads at the next row, `TableLayout.next`) ext values
 *   | digest × FRI layers | ext × final coefficients | u32 PoW nonce | u32 query index × queries
 *   | per query: [pre rows + path], main rows + path, [aux rows + path], quotient rows + path,
 *     per FRI layer: row + path
 *
 * A path lists its sibling digests from the leaves up: one per binary step, the three other children in
 * order per 4-ary step; its length follows from the heights and the hash configuration's Merkle arity
 * (pcs/merkle-shape.ts). Queries share openings: a row or sibling that an earlier query of the same tree
 * already sent at the same position (pcs/opening-positions.ts, from the query indices) is not sent again,
 * and the decoder restores it (as the same array: treat a decoded proof as read-only). The decoded proof has
 * every query's full paths, so every verifier instance
 * reads it unchanged; the native verifier requires the indices to be the ones the transcript draws.
 * Version 1 (2026-11) sent every opening in full and had no indices; version 2 (2026-12-06) sent every
 * column's value at ζω.
 */
export const PROOF_VERSION = 3;

export class ProofFormatError extends ZkvmError {
  override name = "ProofFormatError";
}
export class TruncatedProofError extends ProofFormatError {
  override name = "TruncatedProofError";
}
export class ProofVersionError extends ProofFormatError {
  override name = "ProofVersionError";
}
export class NonCanonicalProofError extends ProofFormatError {
  override name = "NonCanonicalProofError";
}
export class ProofLengthError extends ProofFormatError {
  override name = "ProofLengthError";
}
export class TrailingBytesError extends ProofFormatError {
  override name = "TrailingBytesError";
}

class Writer {
  private buf = new Uint8Array(1 << 16);
  private view = new DataView(this.buf.buffer);
  len = 0;
  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
    this.view = new DataView(b.buffer);
  }
  u8(x: number): void {
    this.ensure(1);
    this.buf[this.len++] = x;
  }
  u32(x: number): void {
    this.ensure(4);
    this.view.setUint32(this.len, x, true);
    this.len += 4;
  }
  elems(xs: ArrayLike<number>): void {
    for (let i = 0; i < xs.length; i++) this.u32(xs[i]!);
  }
  ext(x: Readonly<Ext>): void {
    this.elems(x);
  }
  bytes(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

class Reader {
  private readonly view: DataView;
  pos = 0;
  private readonly bytes: Uint8Array;
  private readonly hash: StarkHash;
  constructor(bytes: Uint8Array, hash: StarkHash) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.hash = hash;
  }
  private need(n: number, what: string): void {
    if (this.pos + n > this.bytes.length)
      throw new TruncatedProofError(
        `proof truncated: ${what} needs ${n} bytes at offset ${this.pos}, only ${this.bytes.length - this.pos} remain`,
      );
  }
  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.pos++]!;
  }
  u32(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  elem(what: string): number {
    const v = this.u32(what);
    if (v >= P)
      throw new NonCanonicalProofError(`${what} at offset ${this.pos - 4} is ${v}, not below p = ${P}`);
    return v;
  }
  elems(n: number, what: string): Uint32Array {
    this.need(4 * n, what);
    const out = new Uint32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.elem(what);
    return out;
  }
  ext(what: string): Ext {
    return [this.elem(what), this.elem(what), this.elem(what), this.elem(what)];
  }
  exts(n: number, what: string): Ext[] {
    this.need(16 * n, what);
    return Array.from({ length: n }, () => this.ext(what));
  }
  digest(what: string): Uint32Array {
    this.need(32, what);
    const d = new Uint32Array(8);
    for (let i = 0; i < 8; i++) d[i] = this.u32(what);
    if (!this.hash.isCanonicalDigest(d))
      throw new NonCanonicalProofError(
        `${what} at offset ${this.pos - 32} is not a canonical ${this.hash.id} digest`,
      );
    return d;
  }
  digests(n: number, what: string): Uint32Array[] {
    this.need(32 * n, what);
    return Array.from({ length: n }, () => this.digest(what));
  }
  get remaining(): number {
    return this.bytes.length - this.pos;
  }
}

/**
 * Encodes a proof. The hash configuration gives its Merkle arity (the path shapes); a proof whose queries
 * disagree on a row or sibling at a shared position (no honest prover makes one) has no encoding and throws
 * ProofLengthError.
 */
export function encodeProof(proof: StarkProof, air: Air, config: StarkConfig, hash: StarkHash): Uint8Array {
  const w = new Writer();
  const fail = (what: string): never => {
    throw new ProofLengthError(`cannot encode: ${what} does not match the AIR and configuration`);
  };
  if (proof.logHeights.length !== air.tables.length) fail("table count");
  const layout = proofLayout(air, config, proof.logHeights);
  w.u8(PROOF_VERSION);
  for (const h of proof.logHeights) w.u8(h);
  const cap = (c: readonly Uint32Array[], size: number, what: string) => {
    if (c.length !== size) fail(what);
    for (const d of c) w.elems(d);
  };
  const { main, aux, quotient } = layout.commitments;
  cap(proof.mainCap, commitmentCapSize(main!), "main cap");
  if ((aux !== null) !== (proof.auxCap !== null)) fail("aux commitment");
  if (aux && proof.auxCap) cap(proof.auxCap, commitmentCapSize(aux), "aux cap");
  cap(proof.quotientCap, commitmentCapSize(quotient!), "quotient cap");
  if (proof.cumsums.length !== layout.cumsumTables.length) fail("cumulative sums");
  for (const c of proof.cumsums) w.ext(c);
  proof.openings.forEach((o, i) => {
    for (const round of ROUNDS) {
      const t = layout.tables[i]!;
      if (o[round].zeta.length !== t.widths[round] || o[round].zetaNext.length !== t.next[round].length)
        fail("opened values");
      for (const v of o[round].zeta) w.ext(v);
      for (const v of o[round].zetaNext) w.ext(v);
    }
  });
  if (proof.friCaps.length !== layout.fri.layers.length) fail("FRI layers");
  proof.friCaps.forEach((c, li) => cap(c, friCapSize(layout.fri.layers[li]!), "FRI cap"));
  if (proof.finalPoly.length !== layout.fri.finalCoefficients) fail("final polynomial");
  for (const c of proof.finalPoly) w.ext(c);
  w.u32(proof.powNonce);
  if (proof.queries.length !== layout.numQueries) fail("query count");
  for (const q of proof.queries) {
    if (!Number.isInteger(q.index) || q.index < 0 || q.index >= 2 ** layout.logMaxLdeHeight)
      fail("query index");
    w.u32(q.index);
  }
  const trees = openingTrees(layout, hash);
  for (const q of proof.queries) {
    const opened = (tree: OpeningTree, o: { rows: readonly Uint32Array[]; path: readonly Uint32Array[] }) => {
      const slots = tree.slots(q.index);
      if (o.rows.length !== slots.rows.length || o.path.length !== slots.siblings.length)
        fail(`${tree.what} opening`);
      o.rows.forEach((row, m) => {
        if (tree.first("row", slots.rows[m]!, row)) w.elems(row);
      });
      o.path.forEach((d, k) => {
        if (tree.first("sibling", slots.siblings[k]!, d)) w.elems(d);
      });
    };
    for (const round of ROUNDS) {
      const o = q[round];
      if ((layout.commitments[round] !== null) !== (o !== null)) fail(`${round} opening`);
      if (o) opened(trees[round]!, o);
    }
    if (q.fri.length !== layout.fri.layers.length) fail("FRI steps");
    q.fri.forEach((step, li) => opened(trees.fri[li]!, { rows: [step.row], path: step.path }));
  }
  return w.bytes();
}

export function decodeProof(bytes: Uint8Array, air: Air, config: StarkConfig, hash: StarkHash): StarkProof {
  if (!(bytes instanceof Uint8Array)) throw new ProofFormatError("a proof is a Uint8Array");
  const r = new Reader(bytes, hash);
  const version = r.u8("version");
  if (version !== PROOF_VERSION)
    throw new ProofVersionError(
      `proof format version ${version} is not supported (expected ${PROOF_VERSION})`,
    );
  const logHeights: number[] = [];
  for (let i = 0; i < air.tables.length; i++) {
    const h = r.u8("table height");
    if (h < MIN_LOG_HEIGHT || h > MAX_LOG_HEIGHT || h + config.logBlowup > MAX_LOG_LDE_HEIGHT)
      throw new ProofLengthError(
        `table ${i} log height ${h} is outside [${MIN_LOG_HEIGHT}, ${MAX_LOG_HEIGHT}]`,
      );
    logHeights.push(h);
  }
  const layout = proofLayout(air, config, logHeights);
  const { main, aux, quotient } = layout.commitments;
  const mainCap = r.digests(commitmentCapSize(main!), "main cap");
  const auxCap = aux ? r.digests(commitmentCapSize(aux), "aux cap") : null;
  const quotientCap = r.digests(commitmentCapSize(quotient!), "quotient cap");
  const cumsums = r.exts(layout.cumsumTables.length, "cumulative sum");
  const openings: TableOpenings[] = layout.tables.map((t) => {
    const ov = (round: Round): OpenedValues => ({
      zeta: r.exts(t.widths[round], "opened value"),
      zetaNext: r.exts(t.next[round].length, "opened value"),
    });
    return { pre: ov("pre"), main: ov("main"), aux: ov("aux"), quotient: ov("quotient") };
  });
  const friCaps = layout.fri.layers.map((l) => r.digests(friCapSize(l), "FRI cap"));
  const finalPoly = r.exts(layout.fri.finalCoefficients, "final polynomial");
  const powNonce = r.elem("PoW nonce");
  const indices: number[] = [];
  for (let q = 0; q < layout.numQueries; q++) {
    const index = r.u32("query index");
    if (index >= 2 ** layout.logMaxLdeHeight)
      throw new NonCanonicalProofError(
        `query index ${index} is outside the LDE domain of 2^${layout.logMaxLdeHeight} points`,
      );
    indices.push(index);
  }
  const trees = openingTrees(layout, hash);
  const opened = (tree: OpeningTree, index: number, widths: readonly number[]): MerkleOpening => {
    const slots = tree.slots(index);
    return {
      rows: widths.map(
        (n, m) =>
          tree.sent("row", slots.rows[m]!) ??
          tree.keep("row", slots.rows[m]!, r.elems(n, `${tree.what} row`)),
      ),
      path: slots.siblings.map(
        (slot) =>
          tree.sent("sibling", slot) ?? tree.keep("sibling", slot, r.digest(`${tree.what} Merkle path`)),
      ),
    };
  };
  const queries: QueryProof[] = indices.map((index) => {
    const opening = (round: Round): MerkleOpening | null => {
      const c = layout.commitments[round];
      return c
        ? opened(
            trees[round]!,
            index,
            c.matrices.map((m) => m.width),
          )
        : null;
    };
    const pre = opening("pre");
    const main = opening("main")!;
    const aux = opening("aux");
    const quotient = opening("quotient")!;
    const fri: FriQueryStep[] = layout.fri.layers.map((l, li) => {
      const o = opened(trees.fri[li]!, index, [4 << l.logArity]);
      return { row: o.rows[0]!, path: o.path };
    });
    return { index, pre, main, aux, quotient, fri };
  });
  if (r.remaining !== 0) throw new TrailingBytesError(`${r.remaining} bytes follow the end of the proof`);
  return {
    logHeights,
    mainCap,
    auxCap,
    quotientCap,
    cumsums,
    openings,
    friCaps,
    finalPoly,
    powNonce,
    queries,
  };
}

type Part = "row" | "sibling";

/**
 * One tree's openings across the queries, in encoding order: which slots (pcs/opening-positions.ts) were
 * already sent, and their values.
 */
interface OpeningTree {
  readonly what: string;
  slots(index: number): OpeningSlots;
  /** The value already sent at `slot`, if any. */
  sent(part: Part, slot: number): Uint32Array | undefined;
  keep(part: Part, slot: number, value: Uint32Array): Uint32Array;
  /** Whether `value` is the first at `slot` (to be sent); throws if it differs from the one sent. */
  first(part: Part, slot: number, value: Uint32Array): boolean;
}

function openingTree(
  what: string,
  logHeights: readonly number[],
  arity: StarkHash["merkleArity"],
  capHeight: number,
  leaf: (index: number) => number,
): OpeningTree {
  const values: Record<Part, Map<number, Uint32Array>> = { row: new Map(), sibling: new Map() };
  return {
    what,
    slots: (index) => openingSlots(logHeights, arity, leaf(index), capHeight),
    sent: (part, slot) => values[part].get(slot),
    keep(part, slot, value) {
      values[part].set(slot, value);
      return value;
    },
    first(part, slot, value) {
      const earlier = values[part].get(slot);
      if (!earlier) {
        values[part].set(slot, value);
        return true;
      }
      if (earlier.length !== value.length || earlier.some((x, i) => x !== value[i]))
        throw new ProofLengthError(
          `cannot encode: two queries open different ${what} ${part}s at one position`,
        );
      return false;
    },
  };
}

function openingTrees(
  layout: ProofLayout,
  hash: StarkHash,
): Record<Round, OpeningTree | null> & { fri: OpeningTree[] } {
  const a = hash.merkleArity;
  const commitment = (round: Round) => {
    const c = layout.commitments[round];
    if (!c) return null;
    return openingTree(
      `${round} commitment`,
      c.matrices.map((m) => m.logHeight),
      a,
      c.capHeight,
      (index) => commitmentLeaf(index, layout.logMaxLdeHeight, c),
    );
  };
  return {
    pre: commitment("pre"),
    main: commitment("main"),
    aux: commitment("aux"),
    quotient: commitment("quotient"),
    fri: layout.fri.layers.map((l, li) =>
      openingTree(`FRI layer ${li}`, [friTreeLogHeight(l)], a, l.capHeight, (index) => friLeaf(index, l)),
    ),
  };
}
