import type { Ext } from "../../field/extension.ts";
import {
  commitmentCapSize,
  commitmentPathLength,
  friCapSize,
  friPathLength,
  type ProofLayout,
} from "../layout.ts";
import type { MerkleArity } from "../pcs/merkle-shape.ts";
import type { StarkProof } from "../proof.ts";

/**
 * A proof as the verifier algorithm reads it: the structure of `StarkProof` with its values in a backend's
 * representation. A native `StarkProof` is already a `ProofVars<number, Ext, Uint32Array>`; other backends
 * map its leaves with {@link mapProof} (or map a zero proof of the right layout, {@link zeroProof}, when they
 * build a verifier before any proof exists).
 */
export interface OpenedVars<E> {
  readonly zeta: readonly E[];
  /** At ζω, the columns of the round's `TableLayout.next` only. */
  readonly zetaNext: readonly E[];
}

export interface TableOpeningVars<E> {
  readonly pre: OpenedVars<E>;
  readonly main: OpenedVars<E>;
  readonly aux: OpenedVars<E>;
  readonly quotient: OpenedVars<E>;
}

export interface MerkleOpeningVars<F, D> {
  readonly rows: readonly ArrayLike<F>[];
  readonly path: readonly D[];
}

export interface FriStepVars<F, D> {
  readonly row: ArrayLike<F>;
  readonly path: readonly D[];
}

export interface QueryVars<F, D> {
  readonly pre: MerkleOpeningVars<F, D> | null;
  readonly main: MerkleOpeningVars<F, D>;
  readonly aux: MerkleOpeningVars<F, D> | null;
  readonly quotient: MerkleOpeningVars<F, D>;
  readonly fri: readonly FriStepVars<F, D>[];
}

export interface ProofVars<F, E, D> {
  /** Each commitment's Merkle cap (`StarkProof`): its digests in node order, one without a cap. */
  readonly mainCap: readonly D[];
  readonly auxCap: readonly D[] | null;
  readonly quotientCap: readonly D[];
  readonly cumsums: readonly E[];
  readonly openings: readonly TableOpeningVars<E>[];
  readonly friCaps: readonly (readonly D[])[];
  readonly finalPoly: readonly E[];
  readonly powNonce: F;
  readonly queries: readonly QueryVars<F, D>[];
}

export interface ValueMaps<F, E, D> {
  base(x: number): F;
  ext(x: Readonly<Ext>): E;
  digest(d: Uint32Array): D;
  /** An opened row as a whole (default: `base` on each element), for backends that store rows packed. */
  row?(r: Uint32Array): ArrayLike<F>;
}

/** The proof's values mapped into another representation, structure unchanged. */
export function mapProof<F, E, D>(proof: StarkProof, m: ValueMaps<F, E, D>): ProofVars<F, E, D> {
  const opened = (o: { zeta: Ext[]; zetaNext: Ext[] }): OpenedVars<E> => ({
    zeta: o.zeta.map((v) => m.ext(v)),
    zetaNext: o.zetaNext.map((v) => m.ext(v)),
  });
  const row = (r: Uint32Array): ArrayLike<F> => (m.row ? m.row(r) : Array.from(r, (x) => m.base(x)));
  const merkle = (o: { rows: Uint32Array[]; path: Uint32Array[] }): MerkleOpeningVars<F, D> => ({
    rows: o.rows.map(row),
    path: o.path.map((d) => m.digest(d)),
  });
  const cap = (c: readonly Uint32Array[]): D[] => c.map((d) => m.digest(d));
  return {
    mainCap: cap(proof.mainCap),
    auxCap: proof.auxCap ? cap(proof.auxCap) : null,
    quotientCap: cap(proof.quotientCap),
    cumsums: proof.cumsums.map((c) => m.ext(c)),
    openings: proof.openings.map((o) => ({
      pre: opened(o.pre),
      main: opened(o.main),
      aux: opened(o.aux),
      quotient: opened(o.quotient),
    })),
    friCaps: proof.friCaps.map(cap),
    finalPoly: proof.finalPoly.map((c) => m.ext(c)),
    powNonce: m.base(proof.powNonce),
    queries: proof.queries.map((q) => ({
      pre: q.pre ? merkle(q.pre) : null,
      main: merkle(q.main),
      aux: q.aux ? merkle(q.aux) : null,
      quotient: merkle(q.quotient),
      fri: q.fri.map((s) => ({
        row: row(s.row),
        path: s.path.map((d) => m.digest(d)),
      })),
    })),
  };
}

/**
 * A proof of the given layout with every value zero, its Merkle paths as long as `merkleArity` makes them:
 * the input shape for building a verifier.
 */
export function zeroProof(layout: ProofLayout, merkleArity: MerkleArity): StarkProof {
  const digest = () => new Uint32Array(8);
  const exts = (n: number): Ext[] => Array.from({ length: n }, () => [0, 0, 0, 0]);
  const merkle = (round: "pre" | "main" | "aux" | "quotient") => {
    const c = layout.commitments[round];
    if (!c) return null;
    return {
      rows: c.matrices.map((mx) => new Uint32Array(mx.width)),
      path: Array.from({ length: commitmentPathLength(c, merkleArity) }, digest),
    };
  };
  const cap = (size: number) => Array.from({ length: size }, digest);
  const { main, aux, quotient } = layout.commitments;
  return {
    logHeights: layout.tables.map((t) => t.logHeight),
    mainCap: cap(commitmentCapSize(main!)),
    auxCap: aux ? cap(commitmentCapSize(aux)) : null,
    quotientCap: cap(commitmentCapSize(quotient!)),
    cumsums: exts(layout.cumsumTables.length),
    openings: layout.tables.map((t) => ({
      pre: { zeta: exts(t.widths.pre), zetaNext: exts(t.next.pre.length) },
      main: { zeta: exts(t.widths.main), zetaNext: exts(t.next.main.length) },
      aux: { zeta: exts(t.widths.aux), zetaNext: exts(t.next.aux.length) },
      quotient: { zeta: exts(t.widths.quotient), zetaNext: exts(t.next.quotient.length) },
    })),
    friCaps: layout.fri.layers.map((l) => cap(friCapSize(l))),
    finalPoly: exts(layout.fri.finalCoefficients),
    powNonce: 0,
    queries: Array.from({ length: layout.numQueries }, () => ({
      index: 0,
      pre: merkle("pre"),
      main: merkle("main")!,
      aux: merkle("aux"),
      quotient: merkle("quotient")!,
      fri: layout.fri.layers.map((l) => ({
        row: new Uint32Array(4 << l.logArity),
        path: Array.from({ length: friPathLength(l, merkleArity) }, digest),
      })),
    })),
  };
}
