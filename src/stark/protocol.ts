import { GENERATOR, P } from "../field/babybear.ts";
import type { Air } from "./air.ts";
import type { StarkConfig } from "./config.ts";
import { serializeNodes } from "./expr.ts";
import { type Challenger, observeMany, observeString, type StarkHash } from "./hash-config.ts";
import { PROTOCOL_TAG } from "./proof.ts";

/**
 * Pieces of the protocol that every prover and verifier shares: the AIR's identity, the start of the
 * transcript, LogUp's capacity rule, the LDE coset and the leaf order of commitments.
 */

/** The LDE coset's shift g: row i of an LDE of size N is the point g·ω_N^i. */
export const COSET_SHIFT = GENERATOR;

/** Elements of an AIR digest. */
export const AIR_DIGEST_ELEMENTS = 8;

/** Canonical element serialisation of an AIR and configuration (docs/proof-system.md §7). */
export function serializeAir(air: Air, config: StarkConfig): number[] {
  const out: number[] = [];
  const str = (s: string) => {
    const b = new TextEncoder().encode(s);
    out.push(b.length, ...b);
  };
  str(air.name);
  out.push(air.publicCount, air.tables.length);
  for (const t of air.tables) {
    str(t.name);
    out.push(
      t.preprocessed.length,
      t.fixedLogHeight ?? 0,
      t.mainWidth,
      t.auxWidth,
      t.degree,
      t.quotientChunks,
    );
    serializeNodes(t.nodes, out);
    out.push(t.constraints.length, ...t.constraints);
    out.push(t.interactions.length);
    for (const it of t.interactions) {
      out.push(it.bus, it.kind === "send" ? 0 : 1, it.multiplicity, it.fields.length, ...it.fields);
      const b = it.bound;
      if (b === "lookup") out.push(1, 0);
      else if (typeof b === "number") out.push(0, b);
      // A fixed total follows from the preprocessed data, which the AIR digest binds through its root; leaving
      // it out keeps one structure digest for programs that differ only in their preprocessed data.
      else out.push(2, 0);
    }
  }
  serializeNodes(air.publicNodes, out);
  out.push(air.publicInteractions.length);
  for (const it of air.publicInteractions)
    out.push(it.bus, it.kind === "send" ? 0 : 1, it.multiplicity, it.fields.length, ...it.fields);
  out.push(config.logBlowup, config.numQueries, config.powBits, config.friLogArity, config.logFinalDegree);
  // Appended only when set, so that configurations without caps keep the digests they had before caps.
  if (config.capHeight) out.push(config.capHeight);
  return out;
}

const digestCache = new WeakMap<Air, Map<string, Uint32Array>>();

/** Indices of the tables with preprocessed columns. */
export function preprocessedTables(air: Air): number[] {
  return air.tables.flatMap((t, i) => (t.preprocessed.length > 0 ? [i] : []));
}

/**
 * The digest of an AIR's structure and configuration: 8 elements squeezed from a fresh transcript that
 * absorbed their serialisation (docs/proof-system.md §7). A constant of (AIR, configuration, hash).
 */
export function airStructureDigest(air: Air, config: StarkConfig, hash: StarkHash): Uint32Array {
  const key = `${hash.id}|${config.logBlowup},${config.numQueries},${config.powBits},${config.friLogArity},${config.logFinalDegree},${config.capHeight ?? 0}`;
  let m = digestCache.get(air);
  if (!m) digestCache.set(air, (m = new Map()));
  const hit = m.get(key);
  if (hit) return hit;
  const ch = hash.newChallenger();
  observeString(ch, "zkvm-kit/air-digest");
  const words = serializeAir(air, config);
  ch.observe(words.length % P);
  observeMany(ch, words);
  const d = new Uint32Array(AIR_DIGEST_ELEMENTS);
  for (let i = 0; i < AIR_DIGEST_ELEMENTS; i++) d[i] = ch.sample();
  m.set(key, d);
  return d;
}

/**
 * The AIR's identity, which the transcript starts from: the structure digest, or for an AIR with
 * preprocessed columns 8 elements squeezed from a transcript that absorbed the structure digest and then the
 * preprocessed root (which binds the fixed data). Two levels, so that a verifier of programs that share one
 * structure computes a program's identity from its root with one permutation.
 */
export function airDigest(
  air: Air,
  config: StarkConfig,
  hash: StarkHash,
  preprocessedRoot: Uint32Array | null = null,
): Uint32Array {
  if (preprocessedTables(air).length > 0 !== (preprocessedRoot !== null))
    throw new RangeError(
      preprocessedRoot === null
        ? `AIR "${air.name}" has preprocessed columns: pass their commitment root (preprocessedRoot())`
        : `AIR "${air.name}" has no preprocessed columns, but a preprocessed root was given`,
    );
  const structure = airStructureDigest(air, config, hash);
  if (preprocessedRoot === null) return structure;
  const ch = hash.newChallenger();
  observeMany(ch, structure);
  ch.observeDigest(preprocessedRoot);
  const d = new Uint32Array(AIR_DIGEST_ELEMENTS);
  for (let i = 0; i < AIR_DIGEST_ELEMENTS; i++) d[i] = ch.sample();
  return d;
}

/** Starts the transcript: protocol tag, hash id, AIR digest. */
export function startTranscript(
  air: Air,
  config: StarkConfig,
  hash: StarkHash,
  preprocessedRoot: Uint32Array | null,
): Challenger {
  const d = airDigest(air, config, hash, preprocessedRoot);
  const ch = hash.newChallenger();
  observeString(ch, PROTOCOL_TAG);
  observeString(ch, hash.id);
  observeMany(ch, d);
  return ch;
}

/**
 * LogUp soundness (docs/proof-system.md §2) needs the integer sum of every bounded multiplicity to stay
 * below p: Σ_t n_t · Σ_i b_{t,i} over the tables' bounded interactions, the exact totals of multiplicities
 * computed from preprocessed columns, and the public interactions' bounds (the verifier enforces those).
 * Lookup interactions (free multiplicities) do not count.
 */
export function logupCapacityOk(air: Air, logHeights: readonly number[]): boolean {
  let total = 0;
  for (const it of air.publicInteractions) total += it.bound as number;
  air.tables.forEach((t, i) => {
    for (const it of t.interactions) {
      if (typeof it.bound === "number") total += it.bound * 2 ** logHeights[i]!;
      else if (it.bound !== "lookup") total += it.bound.fixedTotal;
    }
  });
  return total < P;
}

/** The low `bits` bits of x in reverse order. */
export function reverseBits(x: number, bits: number): number {
  if (bits === 0) return 0;
  x = ((x >>> 1) & 0x55555555) | ((x & 0x55555555) << 1);
  x = ((x >>> 2) & 0x33333333) | ((x & 0x33333333) << 2);
  x = ((x >>> 4) & 0x0f0f0f0f) | ((x & 0x0f0f0f0f) << 4);
  x = ((x >>> 8) & 0x00ff00ff) | ((x & 0x00ff00ff) << 8);
  x = ((x >>> 16) | (x << 16)) >>> 0;
  return x >>> (32 - bits);
}
