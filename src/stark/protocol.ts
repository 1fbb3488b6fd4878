import { GENERATOR, inv, mul, P, pow, rootOfUnity } from "../field/babybear.ts";
import { type Ext, extAdd, extInv, extMul, extMulBase, extPow, extSub } from "../field/extension.ts";
import type { Air } from "./air.ts";
import { publicMultiplicityTotal } from "./bus.ts";
import type { StarkConfig } from "./config.ts";
import { serializeNodes } from "./expr.ts";
import { type Challenger, observeMany, observeString, type StarkHash } from "./hash-config.ts";
import { PROTOCOL_TAG } from "./proof.ts";

/**
 * Pieces of the protocol that prover and verifier share: the AIR digest, selectors at a point, the FRI
 * folding schedule and the fold itself, and recombination of extension columns from their coordinates.
 */
export const COSET_SHIFT = GENERATOR;

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
      out.push(it.bound === "lookup" ? 1 : 0, it.bound === "lookup" ? 0 : it.bound);
    }
  }
  serializeNodes(air.publicNodes, out);
  out.push(air.publicInteractions.length);
  for (const it of air.publicInteractions)
    out.push(it.bus, it.kind === "send" ? 0 : 1, it.multiplicity, it.fields.length, ...it.fields);
  out.push(config.logBlowup, config.numQueries, config.powBits, config.friLogArity, config.logFinalDegree);
  return out;
}

const digestCache = new WeakMap<Air, Map<string, Uint32Array>>();

/** Indices of the tables with preprocessed columns. */
export function preprocessedTables(air: Air): number[] {
  return air.tables.flatMap((t, i) => (t.preprocessed.length > 0 ? [i] : []));
}

/**
 * The AIR's identity: 8 BabyBear elements squeezed from a fresh transcript that absorbed its serialisation
 * and, for an AIR with preprocessed columns, their commitment root (which binds the fixed data).
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
  const key = `${hash.id}|${config.logBlowup},${config.numQueries},${config.powBits},${config.friLogArity},${config.logFinalDegree}|${preprocessedRoot ? Array.from(preprocessedRoot).join(",") : ""}`;
  let m = digestCache.get(air);
  if (!m) digestCache.set(air, (m = new Map()));
  const hit = m.get(key);
  if (hit) return hit;
  const ch = hash.newChallenger();
  observeString(ch, "zkvm-kit/air-digest");
  const words = serializeAir(air, config);
  ch.observe(words.length % P);
  observeMany(ch, words);
  if (preprocessedRoot) ch.observeDigest(preprocessedRoot);
  const d = new Uint32Array(8);
  for (let i = 0; i < 8; i++) d[i] = ch.sample();
  m.set(key, d);
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

export interface PointSelectors {
  readonly zh: Ext;
  readonly first: Ext;
  readonly last: Ext;
  readonly transition: Ext;
}

/** Z_H and the row selectors at an extension point outside H (throws a RangeError inside H). */
export function selectorsAt(z: Readonly<Ext>, logN: number): PointSelectors {
  const n = 1 << logN;
  const omegaInv = inv(rootOfUnity(logN));
  const zh = extSub(extPow(z, n), [1, 0, 0, 0]);
  if (zh[0] === 0 && zh[1] === 0 && zh[2] === 0 && zh[3] === 0)
    throw new RangeError("point lies in the trace domain");
  const first = extMul(zh, extInv(extSub(z, [1, 0, 0, 0])));
  const last = extMul(zh, extInv(extSub(z, [omegaInv, 0, 0, 0])));
  const transition = extSub(z, [omegaInv, 0, 0, 0]);
  return { zh, first, last, transition };
}

/** Σ_l X^l · c_l for coordinates c_0..c_3 given as extension values (X the extension generator). */
export function recombineExt(c0: Ext, c1: Ext, c2: Ext, c3: Ext): Ext {
  const shiftX = (a: Ext, k: number): Ext => {
    let r = a;
    for (let i = 0; i < k; i++) r = [mul(11, r[3]), r[0], r[1], r[2]];
    return r;
  };
  return extAdd(extAdd(c0, shiftX(c1, 1)), extAdd(shiftX(c2, 2), shiftX(c3, 3)));
}

export interface FriLayerShape {
  /** log2 of the layer's evaluation count before folding. */
  readonly logSize: number;
  readonly logArity: number;
}

export interface FriSchedule {
  readonly layers: readonly FriLayerShape[];
  readonly logFinalSize: number;
  /** Coefficients of the final polynomial. */
  readonly finalCoefficients: number;
}

/**
 * Folding steps from the tallest LDE height down to the final size, never skipping a height where a
 * shorter table's DEEP polynomial is rolled in.
 */
export function friSchedule(config: StarkConfig, ldeLogHeights: readonly number[]): FriSchedule {
  const distinct = [...new Set(ldeLogHeights)].sort((a, b) => b - a);
  const logMin = distinct[distinct.length - 1]!;
  const logFinalSize = Math.min(config.logFinalDegree + config.logBlowup, logMin);
  const layers: FriLayerShape[] = [];
  let l = distinct[0]!;
  while (l > logFinalSize) {
    const below = distinct.filter((h) => h < l);
    const target = below.length > 0 ? Math.max(below[0]!, logFinalSize) : logFinalSize;
    const a = Math.min(config.friLogArity, l - target);
    layers.push({ logSize: l, logArity: a });
    l -= a;
  }
  return { layers, logFinalSize, finalCoefficients: 1 << (logFinalSize - config.logBlowup) };
}

const foldTables = new Map<number, { w: number[][]; invA: number }>();

function foldTable(logArity: number) {
  let t = foldTables.get(logArity);
  if (!t) {
    const a = 1 << logArity;
    const wInv = inv(rootOfUnity(logArity));
    const w: number[][] = [];
    for (let j = 0; j < a; j++) {
      w.push([]);
      for (let r = 0; r < a; r++) w[j]!.push(pow(wInv, (j * r) % a));
    }
    t = { w, invA: inv(a) };
    foldTables.set(logArity, t);
  }
  return t;
}

/**
 * One FRI fold: from f at the points y·ω_a^j (j < a), the value at y^a of Σ_r β^r f_r, where
 * f(Y) = Σ_r Y^r f_r(Y^a). `yInv` is y⁻¹ in the base field.
 */
export function foldValues(values: readonly Ext[], beta: Readonly<Ext>, yInv: number, logArity: number): Ext {
  const { w, invA } = foldTable(logArity);
  const a = 1 << logArity;
  const t = extMulBase(beta, yInv);
  let tp: Ext = [invA, 0, 0, 0];
  let acc: Ext = [0, 0, 0, 0];
  for (let r = 0; r < a; r++) {
    let c: Ext = [0, 0, 0, 0];
    for (let j = 0; j < a; j++) c = extAdd(c, extMulBase(values[j]!, w[j]![r]!));
    acc = extAdd(acc, extMul(c, tp));
    tp = extMul(tp, t);
  }
  return acc;
}

/** Horner evaluation of an extension-coefficient polynomial at a base point. */
export function evaluateExtPolyAtBase(coeffs: readonly Ext[], x: number): Ext {
  let acc: Ext = [0, 0, 0, 0];
  for (let i = coeffs.length - 1; i >= 0; i--) acc = extAdd(extMulBase(acc, x), coeffs[i]!);
  return acc;
}

/**
 * LogUp soundness (docs/proof-system.md §2) needs the integer sum of every bounded multiplicity to stay
 * below p: Σ_t n_t · Σ_i b_{t,i} over the tables' bounded interactions, plus |m| of each public interaction
 * at these public values. Lookup interactions (free multiplicities) do not count.
 */
export function logupCapacityOk(
  air: Air,
  logHeights: readonly number[],
  publics: readonly number[],
): boolean {
  let total = publicMultiplicityTotal(air, publics);
  air.tables.forEach((t, i) => {
    for (const it of t.interactions) if (it.bound !== "lookup") total += it.bound * 2 ** logHeights[i]!;
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
