import { inv, P, rootOfUnity } from "../../field/babybear.ts";
import type { Air } from "../air.ts";
import type { StarkConfig } from "../config.ts";
import { VerificationError } from "../errors.ts";
import { CHALLENGE_COUNT, CHALLENGE_LOGUP_ALPHA, CHALLENGE_LOGUP_BETA } from "../expr.ts";
import { type OpeningGroup, type ProofLayout, ROUNDS, type Round } from "../layout.ts";
import { tableLinearForms } from "../linear-forms.ts";
import { type DeepGroup, deepValue, verifyFriQuery } from "../pcs/fri-verify.ts";
import type { MerkleScheme } from "../pcs/merkle-shape.ts";
import { verifyMmcsOpening } from "../pcs/mmcs-verify.ts";
import { PROTOCOL_TAG } from "../proof.ts";
import { AIR_DIGEST_ELEMENTS, logupCapacityOk } from "../protocol.ts";
import type { VerifierBackend } from "./backend.ts";
import { asExt, evaluateNodes, interactionSum } from "./constraints.ts";
import { extPowConst, observeExt, observeString, powerSum, recombine, sampleExt } from "./ops.ts";
import type { ProofVars } from "./proof-vars.ts";

/**
 * The STARK verifier (docs/proof-system.md), written once over a {@link VerifierBackend}. Its native instance
 * is `verifyStark`; other instances count its operations or emit it as a recursion program or a circuit.
 *
 * The proof's shape must already match `layout` (the native entry point checks it; builders construct it).
 * Control flow depends only on the layout, never on a value from the proof.
 */
export interface VerifierInput<F, E, D> {
  readonly air: Air;
  readonly config: StarkConfig;
  readonly layout: ProofLayout;
  /** The hash configuration's Merkle scheme (`merkleScheme(hash)`): the shape and hashing of every path. */
  readonly merkle: MerkleScheme;
  /** `airStructureDigest(air, config, hash)` of the matching hash configuration. */
  readonly structureDigest: ArrayLike<number>;
  readonly publics: readonly F[];
  /** The verifying key's preprocessed root; required iff the AIR has preprocessed columns. */
  readonly preprocessedRoot: D | null;
  readonly proof: ProofVars<F, E, D>;
}

export interface VerifierOutput<F> {
  /** The AIR digest the proof was verified against (for a recursion program: the inner control ID). */
  readonly airDigest: readonly F[];
  /** Each query's index bits, least significant first, as the transcript drew them. */
  readonly queryBits: readonly (readonly F[])[];
}

export function verifyStarkProof<F, E, D>(
  b: VerifierBackend<F, E, D>,
  input: VerifierInput<F, E, D>,
): VerifierOutput<F> {
  const { air, config, layout, proof, publics } = input;
  const preRoot = input.preprocessedRoot;
  checkStatic(input);

  // Transcript (docs/proof-system.md §4).
  const airDigest = airDigestOf(b, input.structureDigest, preRoot);
  const ch = b.newChallenger();
  observeString(b, ch, PROTOCOL_TAG);
  observeString(b, ch, b.hashId);
  for (const d of airDigest) ch.observe(d);
  for (const v of publics) ch.observe(v);
  for (const t of layout.tables) ch.observe(b.constant(t.logHeight));
  for (const d of proof.mainCap) ch.observeDigest(d);
  const challenges: E[] = new Array(CHALLENGE_COUNT);
  challenges[CHALLENGE_LOGUP_ALPHA] = sampleExt(b, ch);
  challenges[CHALLENGE_LOGUP_BETA] = sampleExt(b, ch);
  if (proof.auxCap !== null) for (const d of proof.auxCap) ch.observeDigest(d);
  for (const c of proof.cumsums) observeExt(b, ch, c);
  const alpha = sampleExt(b, ch);
  for (const d of proof.quotientCap) ch.observeDigest(d);
  const zeta = sampleExt(b, ch);
  for (const o of proof.openings) {
    for (const round of ROUNDS) {
      for (const v of o[round].zeta) observeExt(b, ch, v);
      for (const v of o[round].zetaNext) observeExt(b, ch, v);
    }
  }
  const gamma = sampleExt(b, ch);
  const betas: E[] = [];
  for (const cap of proof.friCaps) {
    for (const d of cap) ch.observeDigest(d);
    betas.push(sampleExt(b, ch));
  }
  for (const c of proof.finalPoly) observeExt(b, ch, c);
  ch.observe(proof.powNonce);
  for (const bit of b.bits(ch.sample(), config.powBits))
    b.assertEqual(bit, b.constant(0), "proof-of-work", "the proof-of-work nonce is invalid");
  const queryBits: F[][] = [];
  for (let q = 0; q < layout.numQueries; q++) queryBits.push(b.bits(ch.sample(), layout.logMaxLdeHeight));

  checkBuses(b, air, publics, proof, challenges);
  checkConstraints(b, input, challenges, alpha, zeta);
  const groups = deepGroups(b, input, zeta, gamma);
  queryBits.forEach((bits, q) => checkQuery(b, input, groups, betas, bits, q));
  return { airDigest, queryBits };
}

/** Checks that depend only on the layout, the configuration and (natively) the public values. */
function checkStatic<F, E, D>(input: VerifierInput<F, E, D>): void {
  const { air, config, layout, publics } = input;
  if ((layout.commitments.pre !== null) !== (input.preprocessedRoot !== null))
    throw new VerificationError(
      "shape",
      `the verifying key's preprocessed root does not match AIR "${air.name}"`,
    );
  if (publics.length !== air.publicCount)
    throw new VerificationError(
      "public-values",
      `expected ${air.publicCount} public values, got ${publics.length}`,
    );
  air.tables.forEach((t) => {
    if (t.quotientChunks > 1 << config.logBlowup)
      throw new VerificationError(
        "shape",
        `table "${t.name}" has degree ${t.degree}: it needs a blowup of at least ${t.quotientChunks}`,
      );
  });
  const heights = layout.tables.map((t) => t.logHeight);
  if (!logupCapacityOk(air, heights))
    throw new VerificationError("logup-capacity", "tables too tall for sound LogUp over BabyBear");
}

/**
 * The AIR digest: the structure digest (a constant of the AIR and configuration) or, for an AIR with
 * preprocessed columns, 8 samples of a transcript that observed it and the preprocessed root — so that the
 * digest of a program whose fixed data is not known while the verifier is built costs one permutation.
 */
function airDigestOf<F, E, D>(
  b: VerifierBackend<F, E, D>,
  structure: ArrayLike<number>,
  preRoot: D | null,
): F[] {
  const s = Array.from(structure, (x) => b.constant(x));
  if (preRoot === null) return s;
  const ch = b.newChallenger();
  for (const x of s) ch.observe(x);
  ch.observeDigest(preRoot);
  return Array.from({ length: AIR_DIGEST_ELEMENTS }, () => ch.sample());
}

function checkBuses<F, E, D>(
  b: VerifierBackend<F, E, D>,
  air: Air,
  publics: readonly F[],
  proof: ProofVars<F, E, D>,
  challenges: readonly E[],
): void {
  if (proof.cumsums.length === 0 && air.publicInteractions.length === 0) return;
  let sum = b.extConstant([0, 0, 0, 0]);
  for (const c of proof.cumsums) sum = b.extAdd(sum, c);
  if (air.publicInteractions.length > 0) {
    const values = evaluateNodes(b, air.publicNodes, { publics });
    // A multiplicity computed from public values must lie within its declared bound b, as LogUp's capacity
    // counted it: Π_(j=−b..b) (m − j) = 0.
    for (const it of air.publicInteractions) {
      const v = values[it.multiplicity]!;
      if (v.isExt) throw new RangeError("a public multiplicity is a base-field value");
      if (b.known(v.base) !== undefined && air.publicNodes[it.multiplicity]!.op === "const") continue;
      let product = b.constant(1);
      const bound = it.bound as number;
      for (let j = -bound; j <= bound; j++)
        product = b.mul(product, b.sub(v.base, b.constant(j < 0 ? P + j : j)));
      b.assertEqual(product, b.constant(0), "logup-capacity", "a public multiplicity exceeds its bound");
    }
    const alpha = challenges[CHALLENGE_LOGUP_ALPHA]!;
    const beta = challenges[CHALLENGE_LOGUP_BETA]!;
    sum = b.extAdd(
      sum,
      interactionSum(b, air.publicInteractions, values, alpha, beta, "public interactions"),
    );
  }
  b.assertExtEqual(sum, b.extConstant([0, 0, 0, 0]), "logup-balance", "the LogUp buses do not balance");
}

/** Per table: Σ_k α^k·C_k(ζ) = Z_H(ζ)·Σ_c ζ^(c·n)·Q_c(ζ) (docs/proof-system.md §5). */
function checkConstraints<F, E, D>(
  b: VerifierBackend<F, E, D>,
  input: VerifierInput<F, E, D>,
  challenges: readonly E[],
  alpha: E,
  zeta: E,
): void {
  const { air, layout, proof, publics } = input;
  const one = b.extConstant([1, 0, 0, 0]);
  let cumsumIndex = 0;
  air.tables.forEach((t, ti) => {
    const logN = layout.tables[ti]!.logHeight;
    const o = proof.openings[ti]!;
    const zetaN = extPowConst(b, zeta, 1 << logN);
    const zh = b.extSub(zetaN, one);
    b.extInverse(zh, "degenerate-point", `ζ lies in the trace domain of table "${t.name}"`);
    const omegaInv = b.extConstant([inv(rootOfUnity(logN)), 0, 0, 0]);
    const transition = b.extSub(zeta, omegaInv);
    const first = b.extMul(zh, b.extInverse(b.extSub(zeta, one), "degenerate-point", "ζ = 1"));
    const last = b.extMul(zh, b.extInverse(transition, "degenerate-point", "ζ = ω⁻¹"));
    const columns = (values: readonly E[], n: number) =>
      Array.from({ length: n }, (_, c) => recombine(b, values.slice(4 * c, 4 * c + 4)));
    // Values at ζω exist for the columns the constraints read there (layout `next`); a hole is never read.
    const next = layout.tables[ti]!.next;
    const sparse = (values: readonly E[], indices: readonly number[]) => {
      const out: E[] = [];
      indices.forEach((c, k) => {
        out[c] = values[k]!;
      });
      return out;
    };
    // An aux column's 4 coordinates are opened together: every 4th index of `next.aux` starts a column.
    const auxNextColumns = next.aux.filter((_, k) => k % 4 === 0).map((c) => c >> 2);
    const auxNext = sparse(columns(o.aux.zetaNext, auxNextColumns.length), auxNextColumns);
    const inputs = {
      pre: { cur: o.pre.zeta, next: sparse(o.pre.zetaNext, next.pre) },
      main: { cur: o.main.zeta, next: sparse(o.main.zetaNext, next.main) },
      aux: { cur: columns(o.aux.zeta, t.auxWidth), next: auxNext },
      publics,
      challenges,
      cumsum: t.auxWidth > 0 ? proof.cumsums[cumsumIndex++] : undefined,
      selectors: { first, last, transition },
    };
    const graph = b.linearForms ? tableLinearForms(t) : { nodes: t.nodes, roots: t.constraints };
    const values = evaluateNodes(b, graph.nodes, inputs);
    const acc = powerSum(
      b,
      graph.roots.map((c) => asExt(b, values[c]!)),
      alpha,
    );
    const q = powerSum(b, columns(o.quotient.zeta, t.quotientChunks), zetaN);
    b.assertExtEqual(
      acc,
      b.extMul(zh, q),
      "constraints",
      `the constraints of table "${t.name}" do not match the quotient at ζ`,
    );
  });
}

function deepGroups<F, E, D>(
  b: VerifierBackend<F, E, D>,
  input: VerifierInput<F, E, D>,
  zeta: E,
  gamma: E,
): DeepGroup<E>[] {
  const { config, layout } = input;
  return layout.groups.map((g) => {
    const batch =
      b.extPowers && b.dotExt ? batchByDots(b, input, g, gamma) : batchTermByTerm(b, input, g, gamma);
    const omega = rootOfUnity(g.ldeLogHeight - config.logBlowup);
    return {
      ldeLogHeight: g.ldeLogHeight,
      ...batch,
      gammaM: extPowConst(b, gamma, g.width),
      zeta,
      zetaNext: b.extMulBase(zeta, b.constant(omega)),
    };
  });
}

type DeepBatch<E> = Pick<
  DeepGroup<E>,
  "nextPositions" | "nextGammaPowers" | "restPositions" | "restGammaPowers" | "vz" | "vzn"
>;

/** Positions in the group's opened row (its tables' rounds in order) of the columns opened at ζω, and of the others. */
function splitPositions(layout: ProofLayout, g: OpeningGroup): { next: number[]; rest: number[] } {
  const next: number[] = [];
  const rest: number[] = [];
  let start = 0;
  for (const ti of g.tables) {
    const t = layout.tables[ti]!;
    for (const round of ROUNDS) {
      const opened = new Set(t.next[round]);
      for (let c = 0; c < t.widths[round]; c++) (opened.has(c) ? next : rest).push(start + c);
      start += t.widths[round];
    }
  }
  return { next, rest };
}

/** The group's powers of γ (one per column, in opening order) split into the columns opened at ζω and the others. */
function split<E>(layout: ProofLayout, g: OpeningGroup, gammaPowers: readonly E[]) {
  const { next, rest } = splitPositions(layout, g);
  return {
    nextPositions: next,
    nextGammaPowers: next.map((p) => gammaPowers[p]!),
    restPositions: rest,
    restGammaPowers: rest.map((p) => gammaPowers[p]!),
  };
}

/**
 * The group's powers γ^(offset + i), Σ γ^(offset + i)·v_i(ζ) over its columns and Σ γ^(offset + i)·v_i(ζω)
 * over those opened at ζω, one power after the other.
 */
function batchTermByTerm<F, E, D>(
  b: VerifierBackend<F, E, D>,
  input: VerifierInput<F, E, D>,
  g: OpeningGroup,
  gamma: E,
): DeepBatch<E> {
  const gammaPowers: E[] = [];
  let vz = b.extConstant([0, 0, 0, 0]);
  let gp = extPowConst(b, gamma, g.gammaOffset);
  for (const ti of g.tables) {
    const o = input.proof.openings[ti]!;
    for (const round of ROUNDS) {
      const r = o[round];
      for (let c = 0; c < r.zeta.length; c++) {
        gammaPowers.push(gp);
        vz = b.extAdd(vz, b.extMul(gp, r.zeta[c]!));
        gp = b.extMul(gp, gamma);
      }
    }
  }
  const parts = split(input.layout, g, gammaPowers);
  const atZetaNext = g.tables.flatMap((ti) =>
    ROUNDS.flatMap((round) => input.proof.openings[ti]![round].zetaNext),
  );
  let vzn = b.extConstant([0, 0, 0, 0]);
  parts.nextGammaPowers.forEach((gp, k) => {
    vzn = b.extAdd(vzn, b.extMul(gp, atZetaNext[k]!));
  });
  return { ...parts, vz, vzn };
}

/** The same by the backend's `extPowers` and `dotExt`. */
function batchByDots<F, E, D>(
  b: VerifierBackend<F, E, D>,
  input: VerifierInput<F, E, D>,
  g: OpeningGroup,
  gamma: E,
): DeepBatch<E> {
  const atZeta: E[] = [];
  const atZetaNext: E[] = [];
  for (const ti of g.tables)
    for (const round of ROUNDS) {
      atZeta.push(...input.proof.openings[ti]![round].zeta);
      atZetaNext.push(...input.proof.openings[ti]![round].zetaNext);
    }
  const gammaPowers = b.extPowers!(gamma, g.gammaOffset, atZeta.length);
  const parts = split(input.layout, g, gammaPowers);
  return {
    ...parts,
    vz: b.dotExt!(gammaPowers, atZeta),
    vzn:
      parts.nextPositions.length > 0
        ? b.dotExt!(parts.nextGammaPowers, atZetaNext)
        : b.extConstant([0, 0, 0, 0]),
  };
}

function checkQuery<F, E, D>(
  b: VerifierBackend<F, E, D>,
  input: VerifierInput<F, E, D>,
  groups: readonly DeepGroup<E>[],
  betas: readonly E[],
  indexBits: readonly F[],
  q: number,
): void {
  const { layout, proof } = input;
  const query = proof.queries[q]!;
  const what = `query ${q}`;
  const caps: Record<Round, readonly D[] | null> = {
    pre: input.preprocessedRoot === null ? null : [input.preprocessedRoot],
    main: proof.mainCap,
    aux: proof.auxCap,
    quotient: proof.quotientCap,
  };
  /** Opened row of each table per round (empty where the table has no columns in it). */
  const rows: Record<Round, (ArrayLike<F> | null)[]> = { pre: [], main: [], aux: [], quotient: [] };
  for (const round of ROUNDS) {
    rows[round] = layout.tables.map(() => null);
    const c = layout.commitments[round];
    const opening = query[round];
    if (c === null || opening === null) continue;
    // Leaf ℓ of the tallest level holds the row of point index mod (its height), bit-reversed.
    const leafBits = indexBits.slice(0, c.logMaxHeight).reverse();
    verifyMmcsOpening(
      b,
      input.merkle,
      caps[round]!,
      c.capHeight,
      c.matrices.map((m) => m.logHeight),
      leafBits,
      opening.rows,
      opening.path,
      `${what}, ${round} commitment`,
    );
    c.matrices.forEach((m, k) => {
      rows[round][m.table] = opening.rows[k]!;
    });
  }
  const deepAt = (gi: number): E => {
    const g = layout.groups[gi]!;
    let length = 0;
    for (const ti of g.tables) for (const round of ROUNDS) length += rows[round][ti]?.length ?? 0;
    const row = new Array<F>(length);
    let k = 0;
    for (const ti of g.tables)
      for (const round of ROUNDS) {
        const r = rows[round][ti];
        if (r) for (let i = 0; i < r.length; i++) row[k++] = r[i]!;
      }
    return deepValue(b, groups[gi]!, row, indexBits);
  };
  verifyFriQuery(
    b,
    input.merkle,
    layout.fri,
    indexBits,
    deepAt(0),
    deepAt,
    betas,
    proof.friCaps,
    query.fri,
    proof.finalPoly,
    what,
  );
}
