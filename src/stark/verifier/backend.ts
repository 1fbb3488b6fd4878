import type { Ext } from "../../field/extension.ts";

/**
 * What the STARK verifier needs from the machinery it runs on. The verification algorithm
 * (verifier/algorithm.ts) is written once against this interface; its instances are the native verifier
 * (numbers, verifier/native.ts), the operation counter (verifier/counting.ts: the cost model), and the
 * builders that turn the same algorithm into a recursion program or an R1CS circuit.
 *
 * F is a base-field value, E an extension value (F₄ = F[X]/(X⁴ − 11)), D a commitment digest. The algorithm
 * never branches on a value: control flow depends only on the proof layout, so a builder can record it once.
 * Where a value must choose something (a Merkle path direction, a FRI coset entry) the algorithm uses
 * `select` on bits from `bits`.
 */
export interface VerifierBackend<F, E, D> {
  /** The hash configuration these digests and this transcript belong to. */
  readonly hashId: string;
  /**
   * Evaluate the constraints in their linear forms (linear-forms.ts): the same polynomials, every linear
   * sub-expression one combination with canonical coefficients. For a backend whose cost grows with chains
   * of constant multiplications; the others evaluate the graph as the AIR built it.
   */
  readonly linearForms?: boolean;

  constant(x: number): F;
  extConstant(x: Readonly<Ext>): E;
  /** The value of x if it is fixed while the verifier is built (always, for the native instance). */
  known(x: F): number | undefined;

  add(a: F, b: F): F;
  sub(a: F, b: F): F;
  mul(a: F, b: F): F;

  extFromBase(a: F): E;
  /** Σ_l c_l·X^l. */
  extFromCoordinates(c0: F, c1: F, c2: F, c3: F): E;
  /** The coordinates c_0..c_3 of Σ_l c_l·X^l. */
  extCoordinates(a: E): readonly [F, F, F, F];
  extAdd(a: E, b: E): E;
  extSub(a: E, b: E): E;
  extMul(a: E, b: E): E;
  extMulBase(a: E, b: F): E;
  /**
   * Σ_i coefficients_i · values_i (a DEEP row reduction). Optional: without it the algorithm multiplies and
   * adds term by term; a builder can fuse packed rows.
   */
  dotBase?(coefficients: readonly E[], values: ArrayLike<F>): E;
  /**
   * x^offset … x^(offset + count − 1) (the DEEP batching powers), used only as `dotExt` and `dotBase`
   * coefficients. Optional, with `dotExt`: without them the algorithm multiplies power by power; a builder
   * whose products cost more when reduced at every step can arrange them otherwise.
   */
  extPowers?(x: E, offset: number, count: number): E[];
  /** Σ_i coefficients_i · values_i for extension values. Optional, with `extPowers`. */
  dotExt?(coefficients: readonly E[], values: readonly E[]): E;
  /** Σ_k x^k·terms_k. Optional: without it, Horner's rule (one extension product per term). */
  powerSum?(terms: readonly E[], x: E): E;
  /**
   * One FRI fold of a coset's values (pcs/fri-verify.ts's `foldValues`: the same value). Optional: without
   * it, Horner's rule in β/y; a builder that pays for each product's reduction can share β's powers between
   * queries and reduce the sum once.
   */
  friFold?(values: readonly E[], beta: E, yInv: F, logArity: number): E;
  /** Σ_i c_i·y^i at a base point. Optional: without it, Horner's rule. */
  polynomialAt?(coefficients: readonly E[], y: F): E;
  /** a⁻¹; a zero `a` rejects the proof with `reason`. */
  extInverse(a: E, reason: VerificationReason, what: string): E;

  /** The low `count` bits of x's canonical value, least significant first; each is 0 or 1. */
  bits(x: F, count: number): F[];
  /**
   * g^(Σ_k bits_k·2^k) for a fixed base g and bits from `bits`. Optional: without it, a select and a product
   * per bit.
   */
  fixedBasePow?(g: number, bits: readonly F[]): F;
  /** bit ? ifOne : ifZero, for a bit from `bits`. */
  select(bit: F, ifOne: F, ifZero: F): F;
  extSelect(bit: F, ifOne: E, ifZero: E): E;
  digestSelect(bit: F, ifOne: D, ifZero: D): D;

  /** Leaf hash of a row of base elements (the configuration's `hashRow`). */
  hashRow(row: readonly F[]): D;
  /** Merkle node hash (the configuration's `compress`). */
  compress(left: D, right: D): D;
  /**
   * One Merkle path step: compress(bit ? (sibling, node) : (node, sibling)), where bit says that `node` is
   * a right child. A primitive of its own so that a builder can fuse the swap into the hash.
   */
  merkleStep(bit: F, node: D, sibling: D): D;
  /**
   * One 4-ary Merkle step (trees of Merkle arity 4, pcs/merkle-shape.ts): the configuration's `compress4` of
   * the four children, `node` at position bits[0] + 2·bits[1] and the siblings in order in the three others.
   * The bits come from `bits`. A backend whose hash configuration has no 4-ary trees throws
   * UnsupportedHashError.
   */
  merkleStep4(bits: readonly [F, F], node: D, siblings: readonly [D, D, D]): D;
  /**
   * One Merkle step onto a level where shorter matrices are injected, under a configuration with fused
   * injections (`StarkHash.injectNode`): the configuration's `injectNode` of the step's children and `row`
   * (the injected matrices' rows, concatenated). One bit and one sibling arrange the children as in
   * `merkleStep`, two bits and three siblings as in `merkleStep4`. A backend whose hash configuration has
   * no fused injections throws UnsupportedHashError.
   */
  merkleInjectStep(bits: readonly F[], node: D, siblings: readonly D[], row: readonly F[]): D;
  newChallenger(): BackendChallenger<F, D>;
  /**
   * Takes one Merkle opening check (pcs/mmcs-verify.ts), stated as a function of the backend that runs it,
   * to run later (optional: without it the check runs at once). The check returns nothing and only hashes
   * and compares, so running it later changes nothing but when a failure is seen; the native verifier runs
   * all of a proof's checks together to batch their hashing (verifier/deferred-openings.ts), and reports
   * their failures before any later one.
   */
  deferOpening?(check: (b: VerifierBackend<F, E, D>) => void): void;

  assertEqual(a: F, b: F, reason: VerificationReason, what: string): void;
  assertExtEqual(a: E, b: E, reason: VerificationReason, what: string): void;
  assertDigestEqual(a: D, b: D, reason: VerificationReason, what: string): void;
}

/** The Fiat–Shamir transcript over backend values (docs/proof-system.md §4). */
export interface BackendChallenger<F, D> {
  observe(x: F): void;
  observeDigest(d: D): void;
  sample(): F;
}

/** Which check of the verifier rejected a proof. */
export type VerificationReason =
  /** The proof's structure does not match the AIR, configuration or verifying key. */
  | "shape"
  /** A table height differs from the one the caller pinned. */
  | "heights"
  /** A public value is not a canonical field element or their count is wrong. */
  | "public-values"
  /** The tables are too tall for LogUp's multiplicity sums to stay below p. */
  | "logup-capacity"
  /** The bus contributions of the tables and the public interactions do not sum to zero. */
  | "logup-balance"
  /** The constraints evaluated at ζ do not match the quotient. */
  | "constraints"
  /** A division by zero in the verifier's arithmetic: ζ (or a LogUp denominator) hit an excluded point. */
  | "degenerate-point"
  /** The proof-of-work nonce does not give the required zero bits. */
  | "proof-of-work"
  /** An opened row or FRI row does not hash to its commitment. */
  | "merkle-path"
  /** A FRI layer's opened value differs from the value folded from the layer above. */
  | "fri-consistency"
  /** The last folded value differs from the final polynomial. */
  | "fri-final-polynomial";
