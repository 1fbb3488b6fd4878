import type { Ext } from "../field/extension.ts";

/** A STARK proof in memory (docs/proof-system.md); proof-codec.ts gives its binary form. */
export interface MerkleOpening {
  /** The opened row of every matrix of the commitment, in commitment order. */
  readonly rows: Uint32Array[];
  /** Sibling digests from the leaves up. */
  readonly path: Uint32Array[];
}

export interface OpenedValues {
  /** One value per committed base column at ζ. */
  readonly zeta: Ext[];
  /**
   * One value at ζ·ω per base column that a constraint reads at the next row (`TableLayout.next`, ascending).
   */
  readonly zetaNext: Ext[];
}

export interface TableOpenings {
  /** Preprocessed columns (empty for tables without). */
  readonly pre: OpenedValues;
  readonly main: OpenedValues;
  /** Four base coordinates per aux column (empty for tables without interactions). */
  readonly aux: OpenedValues;
  /** Four base coordinates per quotient chunk. */
  readonly quotient: OpenedValues;
}

export interface FriQueryStep {
  /** The arity extension values folded together, as 4·arity base elements. */
  readonly row: Uint32Array;
  readonly path: Uint32Array[];
}

export interface QueryProof {
  /**
   * The query's index in the tallest LDE domain, as the transcript draws it. Every opening's position follows
   * from it (pcs/opening-positions.ts); the verifier requires the transcript's.
   */
  readonly index: number;
  /** Present iff some table has preprocessed columns. */
  readonly pre: MerkleOpening | null;
  readonly main: MerkleOpening;
  /** Present iff some table has bus interactions. */
  readonly aux: MerkleOpening | null;
  readonly quotient: MerkleOpening;
  readonly fri: FriQueryStep[];
}

/**
 * A commitment is its Merkle cap: 2^(cap level) digests in node order — the root alone without a cap
 * (`StarkConfig.capHeight`, layout `commitmentCapSize`).
 */
export type MerkleCap = Uint32Array[];

export interface StarkProof {
  readonly logHeights: number[];
  readonly mainCap: MerkleCap;
  readonly auxCap: MerkleCap | null;
  readonly quotientCap: MerkleCap;
  /** LogUp cumulative sums of the tables with interactions, in table order. */
  readonly cumsums: Ext[];
  readonly openings: TableOpenings[];
  readonly friCaps: MerkleCap[];
  readonly finalPoly: Ext[];
  readonly powNonce: number;
  readonly queries: QueryProof[];
}

/** Protocol tag absorbed first by the transcript; it changes with any incompatible protocol change. */
export const PROTOCOL_TAG = "zkvm-kit/stark/v3";
