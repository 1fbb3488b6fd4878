import { ZkvmError } from "../errors.ts";
import { P } from "../field/babybear.ts";
import type { Ext } from "../field/extension.ts";
import type { Air } from "./air.ts";
import { MAX_LOG_HEIGHT, MIN_LOG_HEIGHT, type StarkConfig } from "./config.ts";
import type { StarkHash } from "./hash-config.ts";
import type {
  FriQueryStep,
  MerkleOpening,
  OpenedValues,
  QueryProof,
  StarkProof,
  TableOpenings,
} from "./proof.ts";
import { friSchedule } from "./protocol.ts";

/**
 * Binary proof format, version 1 (docs/proof-system.md §9). Deterministic: one encoding per proof. Every
 * length follows from the AIR, the configuration and the table heights in the proof, so none is encoded;
 * field elements are u32 little-endian and must be canonical; digests are 8 u32 words the hash
 * configuration must accept. The decoder reads each byte at most once, so it cannot hang.
 *
 *   u8 version | u8 logHeight × tables | digest mainRoot | [digest auxRoot] | digest quotientRoot
 *   | ext cumsum × tables-with-buses | per table: (pre, main, aux, quotient) × (ζ, ζω) ext values
 *   | digest × FRI layers | ext × final coefficients | u32 PoW nonce
 *   | per query: [pre rows + path], main rows + path, [aux rows + path], quotient rows + path,
 *     per FRI layer: row + path
 */
export const PROOF_VERSION = 1;

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

interface Shape {
  logHeights: number[];
  auxTables: number[];
  preTables: number[];
  logMax: number;
  logMaxAux: number;
  logMaxPre: number;
  layers: { logSize: number; logArity: number }[];
  finalCoefficients: number;
}

function shapeOf(air: Air, config: StarkConfig, logHeights: number[]): Shape {
  const lde = logHeights.map((h) => h + config.logBlowup);
  const auxTables = air.tables.flatMap((t, i) => (t.auxWidth > 0 ? [i] : []));
  const preTables = air.tables.flatMap((t, i) => (t.preprocessed.length > 0 ? [i] : []));
  const s = friSchedule(config, lde);
  return {
    logHeights,
    auxTables,
    preTables,
    logMax: Math.max(...lde),
    logMaxPre: preTables.length ? Math.max(...preTables.map((i) => lde[i]!)) : 0,
    logMaxAux: auxTables.length ? Math.max(...auxTables.map((i) => lde[i]!)) : 0,
    layers: [...s.layers],
    finalCoefficients: s.finalCoefficients,
  };
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

function tableWidths(air: Air) {
  return air.tables.map((t) => ({
    pre: t.preprocessed.length,
    main: t.mainWidth,
    aux: 4 * t.auxWidth,
    quotient: 4 * t.quotientChunks,
  }));
}

export function encodeProof(proof: StarkProof, air: Air, config: StarkConfig): Uint8Array {
  const w = new Writer();
  const shape = shapeOf(air, config, proof.logHeights);
  const widths = tableWidths(air);
  const fail = (what: string) => {
    throw new ProofLengthError(`cannot encode: ${what} does not match the AIR and configuration`);
  };
  w.u8(PROOF_VERSION);
  if (proof.logHeights.length !== air.tables.length) fail("table count");
  for (const h of proof.logHeights) w.u8(h);
  w.elems(proof.mainRoot);
  if (shape.auxTables.length > 0 !== (proof.auxRoot !== null)) fail("aux commitment");
  if (proof.auxRoot) w.elems(proof.auxRoot);
  w.elems(proof.quotientRoot);
  if (proof.cumsums.length !== shape.auxTables.length) fail("cumulative sums");
  for (const c of proof.cumsums) w.ext(c);
  proof.openings.forEach((o, i) => {
    const wd = widths[i]!;
    for (const [r, n] of [
      [o.pre, wd.pre],
      [o.main, wd.main],
      [o.aux, wd.aux],
      [o.quotient, wd.quotient],
    ] as const) {
      if (r.zeta.length !== n || r.zetaNext.length !== n) fail("opened values");
      for (const v of r.zeta) w.ext(v);
      for (const v of r.zetaNext) w.ext(v);
    }
  });
  if (proof.friRoots.length !== shape.layers.length) fail("FRI layers");
  for (const r of proof.friRoots) w.elems(r);
  if (proof.finalPoly.length !== shape.finalCoefficients) fail("final polynomial");
  for (const c of proof.finalPoly) w.ext(c);
  w.u32(proof.powNonce);
  if (proof.queries.length !== config.numQueries) fail("query count");
  const opening = (o: MerkleOpening) => {
    for (const r of o.rows) w.elems(r);
    for (const d of o.path) w.elems(d);
  };
  for (const q of proof.queries) {
    if (shape.preTables.length > 0 !== (q.pre !== null)) fail("preprocessed opening");
    if (shape.auxTables.length > 0 !== (q.aux !== null)) fail("aux opening");
    if (q.pre) opening(q.pre);
    opening(q.main);
    if (q.aux) opening(q.aux);
    opening(q.quotient);
    for (const s of q.fri) {
      w.elems(s.row);
      for (const d of s.path) w.elems(d);
    }
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
    if (h < MIN_LOG_HEIGHT || h > MAX_LOG_HEIGHT)
      throw new ProofLengthError(
        `table ${i} log height ${h} is outside [${MIN_LOG_HEIGHT}, ${MAX_LOG_HEIGHT}]`,
      );
    logHeights.push(h);
  }
  const shape = shapeOf(air, config, logHeights);
  const widths = tableWidths(air);
  const mainRoot = r.digest("main root");
  const auxRoot = shape.auxTables.length > 0 ? r.digest("aux root") : null;
  const quotientRoot = r.digest("quotient root");
  const cumsums = r.exts(shape.auxTables.length, "cumulative sum");
  const openings: TableOpenings[] = widths.map((wd) => {
    const ov = (n: number): OpenedValues => ({
      zeta: r.exts(n, "opened value"),
      zetaNext: r.exts(n, "opened value"),
    });
    return { pre: ov(wd.pre), main: ov(wd.main), aux: ov(wd.aux), quotient: ov(wd.quotient) };
  });
  const friRoots = r.digests(shape.layers.length, "FRI root");
  const finalPoly = r.exts(shape.finalCoefficients, "final polynomial");
  const powNonce = r.elem("PoW nonce");
  const queries: QueryProof[] = [];
  const opening = (rowWidths: number[], pathLen: number): MerkleOpening => ({
    rows: rowWidths.map((n) => r.elems(n, "opened row")),
    path: r.digests(pathLen, "Merkle path"),
  });
  for (let q = 0; q < config.numQueries; q++) {
    const pre = shape.preTables.length
      ? opening(
          shape.preTables.map((i) => widths[i]!.pre),
          shape.logMaxPre,
        )
      : null;
    const main = opening(
      widths.map((w) => w.main),
      shape.logMax,
    );
    const aux = shape.auxTables.length
      ? opening(
          shape.auxTables.map((i) => widths[i]!.aux),
          shape.logMaxAux,
        )
      : null;
    const quotient = opening(
      widths.map((w) => w.quotient),
      shape.logMax,
    );
    const fri: FriQueryStep[] = shape.layers.map((l) => ({
      row: r.elems(4 << l.logArity, "FRI row"),
      path: r.digests(l.logSize - l.logArity, "FRI path"),
    }));
    queries.push({ pre, main, aux, quotient, fri });
  }
  if (r.remaining !== 0) throw new TrailingBytesError(`${r.remaining} bytes follow the end of the proof`);
  return {
    logHeights,
    mainRoot,
    auxRoot,
    quotientRoot,
    cumsums,
    openings,
    friRoots,
    finalPoly,
    powNonce,
    queries,
  };
}
