import { ZkvmError } from "../errors.ts";
import { P } from "../field/babybear.ts";
import type { Ext } from "../field/extension.ts";
import type { Air } from "./air.ts";
import { MAX_LOG_HEIGHT, MAX_LOG_LDE_HEIGHT, MIN_LOG_HEIGHT, type StarkConfig } from "./config.ts";
import type { StarkHash } from "./hash-config.ts";
import { commitmentPathLength, friPathLength, proofLayout, ROUNDS, type Round } from "./layout.ts";
import type {
  FriQueryStep,
  MerkleOpening,
  OpenedValues,
  QueryProof,
  StarkProof,
  TableOpenings,
} from "./proof.ts";

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
 *
 * A path lists its sibling digests from the leaves up: one per binary step, the three other children in
 * order per 4-ary step; its length follows from the heights and the hash configuration's Merkle arity
 * (pcs/merkle-shape.ts).
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

export function encodeProof(proof: StarkProof, air: Air, config: StarkConfig): Uint8Array {
  const w = new Writer();
  const fail = (what: string): never => {
    throw new ProofLengthError(`cannot encode: ${what} does not match the AIR and configuration`);
  };
  if (proof.logHeights.length !== air.tables.length) fail("table count");
  const layout = proofLayout(air, config, proof.logHeights);
  w.u8(PROOF_VERSION);
  for (const h of proof.logHeights) w.u8(h);
  w.elems(proof.mainRoot);
  if ((layout.commitments.aux !== null) !== (proof.auxRoot !== null)) fail("aux commitment");
  if (proof.auxRoot) w.elems(proof.auxRoot);
  w.elems(proof.quotientRoot);
  if (proof.cumsums.length !== layout.cumsumTables.length) fail("cumulative sums");
  for (const c of proof.cumsums) w.ext(c);
  proof.openings.forEach((o, i) => {
    for (const round of ROUNDS) {
      const n = layout.tables[i]!.widths[round];
      if (o[round].zeta.length !== n || o[round].zetaNext.length !== n) fail("opened values");
      for (const v of o[round].zeta) w.ext(v);
      for (const v of o[round].zetaNext) w.ext(v);
    }
  });
  if (proof.friRoots.length !== layout.fri.layers.length) fail("FRI layers");
  for (const r of proof.friRoots) w.elems(r);
  if (proof.finalPoly.length !== layout.fri.finalCoefficients) fail("final polynomial");
  for (const c of proof.finalPoly) w.ext(c);
  w.u32(proof.powNonce);
  if (proof.queries.length !== layout.numQueries) fail("query count");
  for (const q of proof.queries) {
    for (const round of ROUNDS) {
      const o = q[round];
      if ((layout.commitments[round] !== null) !== (o !== null)) fail(`${round} opening`);
      if (!o) continue;
      for (const r of o.rows) w.elems(r);
      for (const d of o.path) w.elems(d);
    }
    for (const step of q.fri) {
      w.elems(step.row);
      for (const d of step.path) w.elems(d);
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
    if (h < MIN_LOG_HEIGHT || h > MAX_LOG_HEIGHT || h + config.logBlowup > MAX_LOG_LDE_HEIGHT)
      throw new ProofLengthError(
        `table ${i} log height ${h} is outside [${MIN_LOG_HEIGHT}, ${MAX_LOG_HEIGHT}]`,
      );
    logHeights.push(h);
  }
  const layout = proofLayout(air, config, logHeights);
  const mainRoot = r.digest("main root");
  const auxRoot = layout.commitments.aux ? r.digest("aux root") : null;
  const quotientRoot = r.digest("quotient root");
  const cumsums = r.exts(layout.cumsumTables.length, "cumulative sum");
  const openings: TableOpenings[] = layout.tables.map((t) => {
    const ov = (n: number): OpenedValues => ({
      zeta: r.exts(n, "opened value"),
      zetaNext: r.exts(n, "opened value"),
    });
    return {
      pre: ov(t.widths.pre),
      main: ov(t.widths.main),
      aux: ov(t.widths.aux),
      quotient: ov(t.widths.quotient),
    };
  });
  const friRoots = r.digests(layout.fri.layers.length, "FRI root");
  const finalPoly = r.exts(layout.fri.finalCoefficients, "final polynomial");
  const powNonce = r.elem("PoW nonce");
  const opening = (round: Round): MerkleOpening | null => {
    const c = layout.commitments[round];
    if (!c) return null;
    return {
      rows: c.matrices.map((m) => r.elems(m.width, `${round} row`)),
      path: r.digests(commitmentPathLength(c, hash.merkleArity), `${round} Merkle path`),
    };
  };
  const queries: QueryProof[] = [];
  for (let q = 0; q < layout.numQueries; q++) {
    const pre = opening("pre");
    const main = opening("main")!;
    const aux = opening("aux");
    const quotient = opening("quotient")!;
    const fri: FriQueryStep[] = layout.fri.layers.map((l) => ({
      row: r.elems(4 << l.logArity, "FRI row"),
      path: r.digests(friPathLength(l, hash.merkleArity), "FRI path"),
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
