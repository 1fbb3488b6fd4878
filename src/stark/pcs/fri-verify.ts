import { inv, mul, pow, rootOfUnity } from "../../field/babybear.ts";
import type { FriLayout } from "../layout.ts";
import { COSET_SHIFT } from "../protocol.ts";
import type { VerifierBackend } from "../verifier/backend.ts";
import { extPowConst, extSelectByBits, powBits } from "../verifier/ops.ts";
import type { FriStepVars } from "../verifier/proof-vars.ts";
import type { MerkleScheme } from "./merkle-shape.ts";
import { verifyMmcsOpening } from "./mmcs-verify.ts";

/**
 * Verifier side of DEEP and FRI (docs/proof-system.md §6), over any backend. Query indices are bit lists,
 * least significant first; every position a value selects is a select on those bits.
 */

/** Per-group constants of the DEEP combination, fixed once ζ, γ and the openings are known. */
export interface DeepGroup<E> {
  readonly ldeLogHeight: number;
  /**
   * Positions in the group's opened row (its columns in opening order) of the columns opened at ζω (layout
   * `next`), ascending, and γ^(o+i) for each.
   */
  readonly nextPositions: readonly number[];
  readonly nextGammaPowers: readonly E[];
  /** The other positions, ascending, and their powers of γ. */
  readonly restPositions: readonly number[];
  readonly restGammaPowers: readonly E[];
  /** Σ_i γ^(o+i)·c_i(ζ) over every column, Σ_(i∈N) γ^(o+i)·c_i(ζω) over those opened at ζω. */
  readonly vz: E;
  readonly vzn: E;
  /** γ^width: the weight of the ζω half. */
  readonly gammaM: E;
  readonly zeta: E;
  readonly zetaNext: E;
}

/** Σ_i coefficients_i·values_i, by the backend's `dotBase` where it has one. */
function combine<F, E, D>(b: VerifierBackend<F, E, D>, coefficients: readonly E[], values: readonly F[]): E {
  if (b.dotBase) return b.dotBase(coefficients, values);
  let s = b.extConstant([0, 0, 0, 0]);
  for (let i = 0; i < values.length; i++) s = b.extAdd(s, b.extMulBase(coefficients[i]!, values[i]!));
  return s;
}

/**
 * F_N(x) = (S − vz)/(x − ζ) + γ^M·(T − vzn)/(x − ζω) with S = Σ_i γ^(o+i)·c_i(x) over the group's columns
 * and T the same sum over those opened at ζω, at x = g·ω_N^index for the group's opened row (its columns in
 * opening order). Each column's two quotients keep distinct powers of γ (o + i and o + M + i). S is T plus
 * the sum over the other columns, so each value is multiplied once.
 */
export function deepValue<F, E, D>(
  b: VerifierBackend<F, E, D>,
  g: DeepGroup<E>,
  row: readonly F[],
  indexBits: readonly F[],
): E {
  const at = (positions: readonly number[]) => positions.map((p) => row[p]!);
  const t = g.nextPositions.length > 0 ? combine(b, g.nextGammaPowers, at(g.nextPositions)) : null;
  const rest = combine(b, g.restGammaPowers, at(g.restPositions));
  const s = t === null ? rest : b.extAdd(t, rest);
  const x = b.extFromBase(
    b.mul(
      b.constant(COSET_SHIFT),
      powBits(b, rootOfUnity(g.ldeLogHeight), indexBits.slice(0, g.ldeLogHeight)),
    ),
  );
  const t1 = b.extMul(
    b.extSub(s, g.vz),
    b.extInverse(b.extSub(x, g.zeta), "degenerate-point", "a query point equals ζ"),
  );
  if (t === null) return t1;
  const t2 = b.extMul(
    b.extSub(t, g.vzn),
    b.extInverse(b.extSub(x, g.zetaNext), "degenerate-point", "a query point equals ζω"),
  );
  return b.extAdd(t1, b.extMul(g.gammaM, t2));
}

/**
 * One FRI fold: from the a values f(y·ω_a^j), the value at y^a of Σ_r β^r f_r where f(Y) = Σ_r Y^r f_r(Y^a),
 * i.e. Σ_r (β/y)^r · (1/a)·Σ_j ω_a^(−jr) v_j. `yInv` is y⁻¹.
 */
export function foldValues<F, E, D>(
  b: VerifierBackend<F, E, D>,
  values: readonly E[],
  beta: E,
  yInv: F,
  logArity: number,
): E {
  if (b.friFold) return b.friFold(values, beta, yInv, logArity);
  const a = 1 << logArity;
  const coefficient = (r: number): E => foldCoefficient(b, values, logArity, r);
  const t = b.extMulBase(beta, yInv);
  let acc = coefficient(a - 1);
  for (let r = a - 2; r >= 0; r--) acc = b.extAdd(b.extMul(acc, t), coefficient(r));
  return acc;
}

/** The weights w_(j,r) = ω_a^(−jr)/a of a fold: the coset's r-th coefficient is Σ_j w_(j,r)·v_j. */
export function foldWeights(logArity: number): readonly (readonly number[])[] {
  let w = FOLD_WEIGHTS.get(logArity);
  if (!w) {
    const a = 1 << logArity;
    const wInv = inv(rootOfUnity(logArity));
    const invA = inv(a);
    w = Array.from({ length: a }, (_, j) =>
      Array.from({ length: a }, (_, r) => mul(invA, pow(wInv, (j * r) % a))),
    );
    FOLD_WEIGHTS.set(logArity, w);
  }
  return w;
}
const FOLD_WEIGHTS = new Map<number, readonly (readonly number[])[]>();

/** The r-th coefficient Σ_j w_(j,r)·v_j of a coset's values (constant weights: linear for a builder). */
export function foldCoefficient<F, E, D>(
  b: VerifierBackend<F, E, D>,
  values: readonly E[],
  logArity: number,
  r: number,
): E {
  const w = foldWeights(logArity);
  let c = b.extConstant([0, 0, 0, 0]);
  for (let j = 0; j < values.length; j++) c = b.extAdd(c, b.extMulBase(values[j]!, b.constant(w[j]![r]!)));
  return c;
}

/** Σ_i c_i·y^i for extension coefficients at a base point (Horner, or the backend's `polynomialAt`). */
export function evaluatePolynomial<F, E, D>(
  b: VerifierBackend<F, E, D>,
  coefficients: readonly E[],
  y: F,
): E {
  if (b.polynomialAt) return b.polynomialAt(coefficients, y);
  let acc = b.extConstant([0, 0, 0, 0]);
  for (let i = coefficients.length - 1; i >= 0; i--) acc = b.extAdd(b.extMulBase(acc, y), coefficients[i]!);
  return acc;
}

/**
 * Checks one query's path through the FRI layers: each opened row must contain the value carried from the
 * layer above at the position the index selects, hash to the layer's commitment, and fold (plus any roll-in) into
 * the next value; the last value must equal the final polynomial at the remaining index.
 *
 * @param first the first layer's value at the index (the tallest group's DEEP value)
 * @param rollIn the DEEP value of opening group g at this query (called for the groups the layout rolls in)
 */
export function verifyFriQuery<F, E, D>(
  b: VerifierBackend<F, E, D>,
  merkle: MerkleScheme,
  fri: FriLayout,
  indexBits: readonly F[],
  first: E,
  rollIn: (group: number) => E,
  betas: readonly E[],
  caps: readonly (readonly D[])[],
  steps: readonly FriStepVars<F, D>[],
  finalPoly: readonly E[],
  what: string,
): void {
  let expected = first;
  let bits = indexBits;
  fri.layers.forEach((layer, li) => {
    const step = steps[li]!;
    const a = 1 << layer.logArity;
    const rowBits = layer.logSize - layer.logArity;
    const k = bits.slice(0, rowBits);
    const j = bits.slice(rowBits, layer.logSize);
    const values: E[] = [];
    for (let v = 0; v < a; v++)
      values.push(
        b.extFromCoordinates(
          step.row[4 * v]!,
          step.row[4 * v + 1]!,
          step.row[4 * v + 2]!,
          step.row[4 * v + 3]!,
        ),
      );
    b.assertExtEqual(
      extSelectByBits(b, values, j),
      expected,
      "fri-consistency",
      `${what}: FRI layer ${li} does not contain the folded value`,
    );
    verifyMmcsOpening(
      b,
      merkle,
      caps[li]!,
      layer.capHeight,
      [rowBits],
      [...k].reverse(),
      [step.row],
      step.path,
      `${what}, FRI layer ${li}`,
    );
    const yInv = powBits(b, inv(rootOfUnity(layer.logSize)), k);
    const beta = betas[li]!;
    expected = foldValues(b, values, beta, yInv, layer.logArity);
    if (layer.rollIn !== null)
      expected = b.extAdd(expected, b.extMul(extPowConst(b, beta, a), rollIn(layer.rollIn)));
    bits = k;
  });
  const y = powBits(b, rootOfUnity(fri.logFinalSize), bits.slice(0, fri.logFinalSize));
  b.assertExtEqual(
    evaluatePolynomial(b, finalPoly, y),
    expected,
    "fri-final-polynomial",
    `${what}: the final FRI polynomial does not match`,
  );
}
