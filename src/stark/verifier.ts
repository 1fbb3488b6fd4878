import { P } from "../field/babybear.ts";
import type { Ext } from "../field/extension.ts";
import type { Air } from "./air.ts";
import {
  checkConfig,
  MAX_LOG_HEIGHT,
  MAX_LOG_LDE_HEIGHT,
  MIN_LOG_HEIGHT,
  type StarkConfig,
} from "./config.ts";
import { VerificationError } from "./errors.ts";
import { merkleScheme, type StarkHash } from "./hash-config.ts";
import {
  commitmentCapSize,
  commitmentPathLength,
  friCapSize,
  friPathLength,
  type ProofLayout,
  proofLayout,
  ROUNDS,
} from "./layout.ts";
import type { StarkProof } from "./proof.ts";
import { decodeProof } from "./proof-codec.ts";
import { airStructureDigest, preprocessedTables } from "./protocol.ts";
import { type VerifierOutput, verifyStarkProof } from "./verifier/algorithm.ts";
import { nativeVerifierBackend } from "./verifier/native.ts";

// Everything a browser needs to verify, without the prover: AIR definitions, configurations, hash
// configurations, the proof codec and the verifier.
export {
  AirDefinitionError,
  type AirSpec,
  defineAir,
  PublicInteractionBuilder,
  TableBuilder,
} from "./air.ts";
export * from "./config.ts";
export { VerificationError, type VerificationReason } from "./errors.ts";
export type { StarkHash } from "./hash-config.ts";
export { poseidonBn254Hash } from "./poseidon-bn254-hash.ts";
export { poseidon2Hash } from "./poseidon2-hash.ts";
export type * from "./proof.ts";
export * from "./proof-codec.ts";
export { airDigest } from "./protocol.ts";

/**
 * The STARK verifier's public entry points (docs/proof-system.md): the native instance of the verifier
 * written once (verifier/algorithm.ts). This module imports no prover code and no Node API, so it runs in a
 * browser.
 */

/** What the verifier needs beyond the AIR and configuration. */
export interface VerifyingKey {
  /** Root of the AIR's preprocessed columns (`preprocessedRoot`); required iff the AIR has some. */
  readonly preprocessedRoot?: Uint32Array | null;
  /**
   * Pinned table heights: table i must have 2^logHeights[i] rows (null leaves it to the prover). Pin every
   * height that changes what an AIR means (a Fibonacci AIR proves fib(n) for the n its height sets).
   */
  readonly logHeights?: readonly (number | null)[];
}

/** What a valid proof established beyond its public values. */
export interface VerifiedProof {
  /** log2 of each table's height, as the proof chose them (and the key pinned). */
  readonly logHeights: readonly number[];
  /** The AIR digest the proof is bound to (docs/proof-system.md §7). */
  readonly airDigest: Uint32Array;
}

/**
 * Verifies a proof. Returns what it established; throws VerificationError (with the failed check's `reason`)
 * for a proof that does not verify. A key that does not fit the AIR is a RangeError.
 */
export function verifyStark(
  air: Air,
  config: StarkConfig,
  hash: StarkHash,
  publics: readonly number[],
  proof: StarkProof,
  key: VerifyingKey = {},
): VerifiedProof {
  checkConfig(config);
  const preRoot = key.preprocessedRoot ?? null;
  if (preprocessedTables(air).length > 0 !== (preRoot !== null))
    throw new RangeError(
      preRoot === null
        ? `AIR "${air.name}" has preprocessed columns: pass { preprocessedRoot } in the verifying key`
        : `AIR "${air.name}" has no preprocessed columns, but a preprocessed root was given`,
    );
  if (key.logHeights && key.logHeights.length !== air.tables.length)
    throw new RangeError(
      `the key pins ${key.logHeights.length} heights; AIR "${air.name}" has ${air.tables.length} tables`,
    );
  if (publics.length !== air.publicCount)
    throw new VerificationError(
      "public-values",
      `expected ${air.publicCount} public values, got ${publics.length}`,
    );
  publics.forEach((v, i) => {
    if (!isElement(v))
      throw new VerificationError("public-values", `public value ${i} (${v}) is not a field element`);
  });
  const logHeights = checkHeights(air, config.logBlowup, proof.logHeights, key.logHeights);
  const layout = proofLayout(air, config, logHeights);
  checkProofShape(layout, hash, proof);
  // Merkle openings are checked together at the end (verifier/deferred-openings.ts); on any earlier failure
  // they are checked first, so that the first failing check in the algorithm's order is the one reported.
  const backend = nativeVerifierBackend(hash);
  let out: VerifierOutput<number>;
  try {
    out = verifyStarkProof(backend, {
      air,
      config,
      layout,
      merkle: merkleScheme(hash),
      structureDigest: airStructureDigest(air, config, hash),
      publics,
      preprocessedRoot: preRoot,
      proof,
    });
  } catch (e) {
    backend.flush();
    throw e;
  }
  backend.flush();
  // The encoding shares openings between queries by these indices (proof-codec.ts); only the transcript's make
  // the bytes of a valid proof unique.
  out.queryBits.forEach((bits, q) => {
    if (proof.queries[q]!.index !== bits.reduce((acc, bit, i) => acc + bit * 2 ** i, 0))
      throw new VerificationError("shape", `query ${q}'s index differs from the one the transcript draws`);
  });
  return { logHeights, airDigest: Uint32Array.from(out.airDigest) };
}

/**
 * Decodes and verifies a proof in its binary form. Malformed bytes throw a ProofFormatError subclass; a
 * well-formed proof that does not verify throws VerificationError.
 */
export function verifyStarkBytes(
  air: Air,
  config: StarkConfig,
  hash: StarkHash,
  publics: readonly number[],
  bytes: Uint8Array,
  key: VerifyingKey = {},
): VerifiedProof {
  checkConfig(config);
  return verifyStark(air, config, hash, publics, decodeProof(bytes, air, config, hash), key);
}

const isElement = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) < P;

function checkHeights(
  air: Air,
  logBlowup: number,
  logHeights: unknown,
  pinned: readonly (number | null)[] | undefined,
): number[] {
  if (!Array.isArray(logHeights) || logHeights.length !== air.tables.length)
    throw new VerificationError("shape", `expected ${air.tables.length} table heights`);
  return air.tables.map((t, i) => {
    const h = logHeights[i];
    if (
      !Number.isInteger(h) ||
      h < MIN_LOG_HEIGHT ||
      h > MAX_LOG_HEIGHT ||
      h + logBlowup > MAX_LOG_LDE_HEIGHT
    )
      throw new VerificationError(
        "shape",
        `table "${t.name}" has log height ${h}, outside [${MIN_LOG_HEIGHT}, ${Math.min(MAX_LOG_HEIGHT, MAX_LOG_LDE_HEIGHT - logBlowup)}]`,
      );
    if (t.fixedLogHeight !== null && h !== t.fixedLogHeight)
      throw new VerificationError(
        "shape",
        `table "${t.name}" has preprocessed columns of height 2^${t.fixedLogHeight}`,
      );
    const pin = pinned?.[i];
    if (pin !== undefined && pin !== null && h !== pin)
      throw new VerificationError("heights", `table "${t.name}" has 2^${h} rows; the key requires 2^${pin}`);
    return h as number;
  });
}

/** The proof object's structure matches the layout and every value is canonical (nothing from it is trusted). */
function checkProofShape(layout: ProofLayout, hash: StarkHash, proof: StarkProof): void {
  const fail = (what: string): never => {
    throw new VerificationError("shape", `malformed proof: ${what}`);
  };
  const elements = (xs: ArrayLike<number> | undefined, n: number, what: string) => {
    if (!xs || xs.length !== n) fail(`${what} has the wrong length`);
    for (let i = 0; i < n; i++) if (!isElement(xs![i])) fail(`${what} holds a non-canonical element`);
  };
  const exts = (xs: readonly Ext[] | undefined, n: number, what: string) => {
    if (!Array.isArray(xs) || xs.length !== n) fail(`${what} has the wrong length`);
    for (const x of xs!) elements(x, 4, what);
  };
  const digest = (d: Uint32Array | null | undefined, what: string) => {
    if (!(d instanceof Uint32Array) || d.length !== 8 || !hash.isCanonicalDigest(d))
      fail(`${what} is not a digest`);
  };
  const digests = (ds: readonly Uint32Array[] | undefined, n: number, what: string) => {
    if (!Array.isArray(ds) || ds.length !== n) fail(`${what} has the wrong length`);
    for (const d of ds!) digest(d, what);
  };
  const { main, aux, quotient } = layout.commitments;
  digests(proof.mainCap, commitmentCapSize(main!), "main cap");
  if ((aux !== null) !== (proof.auxCap !== null)) fail("aux commitment presence");
  if (aux && proof.auxCap !== null) digests(proof.auxCap, commitmentCapSize(aux), "aux cap");
  digests(proof.quotientCap, commitmentCapSize(quotient!), "quotient cap");
  exts(proof.cumsums, layout.cumsumTables.length, "cumulative sums");
  if (!Array.isArray(proof.openings) || proof.openings.length !== layout.tables.length)
    fail("table openings");
  layout.tables.forEach((t, i) => {
    for (const round of ROUNDS) {
      exts(proof.openings[i]![round]?.zeta, t.widths[round], `table ${i} ${round} values at ζ`);
      exts(proof.openings[i]![round]?.zetaNext, t.next[round].length, `table ${i} ${round} values at ζω`);
    }
  });
  if (!Array.isArray(proof.friCaps) || proof.friCaps.length !== layout.fri.layers.length) fail("FRI layers");
  layout.fri.layers.forEach((l, li) => digests(proof.friCaps[li], friCapSize(l), `FRI cap ${li}`));
  exts(proof.finalPoly, layout.fri.finalCoefficients, "final polynomial");
  if (!isElement(proof.powNonce)) fail("proof-of-work nonce");
  if (!Array.isArray(proof.queries) || proof.queries.length !== layout.numQueries) fail("query count");
  proof.queries.forEach((q, qi) => {
    if (!Number.isInteger(q.index) || q.index < 0 || q.index >= 2 ** layout.logMaxLdeHeight)
      fail(`query ${qi} index`);
    for (const round of ROUNDS) {
      const c = layout.commitments[round];
      const o = q[round];
      if ((c === null) !== (o === null || o === undefined)) fail(`query ${qi} ${round} opening presence`);
      if (!c || !o) continue;
      if (!Array.isArray(o.rows) || o.rows.length !== c.matrices.length) fail(`query ${qi} ${round} rows`);
      c.matrices.forEach((m, k) => elements(o.rows[k], m.width, `query ${qi} ${round} row`));
      digests(o.path, commitmentPathLength(c, hash.merkleArity), `query ${qi} ${round} path`);
    }
    if (!Array.isArray(q.fri) || q.fri.length !== layout.fri.layers.length) fail(`query ${qi} FRI steps`);
    layout.fri.layers.forEach((l, li) => {
      elements(q.fri[li]!.row, 4 << l.logArity, `query ${qi} FRI row ${li}`);
      digests(q.fri[li]!.path, friPathLength(l, hash.merkleArity), `query ${qi} FRI path ${li}`);
    });
  });
}
