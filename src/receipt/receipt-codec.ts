import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import type { MachineState, SegmentStatement } from "../machine/statement.ts";
import type { StarkConfig } from "../stark/config.ts";
import type { CompositeReceipt, SegmentReceipt } from "./composite-receipt.ts";
import { ReceiptDecodeError } from "./fake-receipt.ts";

/**
 * Encodings of real receipts (docs/machine.md §9), both versioned and decoded strictly:
 *
 * - binary: "ZKVR", u8 version (1), u8 kind (1 = composite), the configuration (u8 log blowup, u16
 *   queries, u8 PoW bits, u8 FRI log arity, u8 log final degree), u32 journal length and journal,
 *   u32 segment count, then per segment: u32 index, pre and post state (u32 pc, 8 × u32 root, u64
 *   cycles), u8 halted, u32 exit code, 32-byte output, u32 seal length and seal. Little-endian.
 * - JSON: the same fields, with the journal, outputs and seals in lower-case hex.
 */
export const RECEIPT_MAGIC = "ZKVR";
export const RECEIPT_VERSION = 1;
const KIND_COMPOSITE = 1;
/** Upper bounds that keep a hostile file from making the decoder allocate without limit. */
const MAX_BYTES = 1 << 30;
const MAX_SEGMENTS = 1 << 20;

export type ReceiptFormatReason =
  | "magic"
  | "version"
  | "kind"
  | "truncated"
  | "trailing-bytes"
  | "too-large"
  | "invalid-value"
  | "json";

/** Encoded receipt bytes that are not a well-formed receipt; `reason` says which check failed. */
export class ReceiptFormatError extends ReceiptDecodeError {
  override name = "ReceiptFormatError";
  readonly reason: ReceiptFormatReason;
  constructor(reason: ReceiptFormatReason, message: string) {
    super(`${message} (${reason})`);
    this.reason = reason;
  }
}

class Writer {
  private chunks: Uint8Array[] = [];
  u8(v: number): void {
    this.chunks.push(Uint8Array.of(v));
  }
  u16(v: number): void {
    const b = new Uint8Array(2);
    new DataView(b.buffer).setUint16(0, v, true);
    this.chunks.push(b);
  }
  u32(v: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v >>> 0, true);
    this.chunks.push(b);
  }
  u64(v: number): void {
    this.u32(v % 2 ** 32);
    this.u32(Math.floor(v / 2 ** 32));
  }
  bytes(b: Uint8Array): void {
    this.chunks.push(b.slice());
  }
  done(): Uint8Array {
    const out = new Uint8Array(this.chunks.reduce((n, c) => n + c.length, 0));
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

class Reader {
  private o = 0;
  private readonly b: Uint8Array;
  private readonly v: DataView;
  constructor(b: Uint8Array) {
    this.b = b;
    this.v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  private need(n: number, what: string): void {
    if (this.o + n > this.b.length)
      throw new ReceiptFormatError(
        "truncated",
        `the receipt ends inside ${what} (byte ${this.o} of ${this.b.length})`,
      );
  }
  u8(what: string): number {
    this.need(1, what);
    return this.v.getUint8(this.o++);
  }
  u16(what: string): number {
    this.need(2, what);
    const x = this.v.getUint16(this.o, true);
    this.o += 2;
    return x;
  }
  u32(what: string): number {
    this.need(4, what);
    const x = this.v.getUint32(this.o, true);
    this.o += 4;
    return x;
  }
  u64(what: string): number {
    const lo = this.u32(what);
    const hi = this.u32(what);
    if (hi >= 2 ** 21) throw new ReceiptFormatError("invalid-value", `${what} exceeds 2^53`);
    return hi * 2 ** 32 + lo;
  }
  bytes(n: number, what: string): Uint8Array {
    if (n > MAX_BYTES) throw new ReceiptFormatError("too-large", `${what} of ${n} bytes is too large`);
    this.need(n, what);
    const out = this.b.slice(this.o, this.o + n);
    this.o += n;
    return out;
  }
  end(): void {
    if (this.o !== this.b.length)
      throw new ReceiptFormatError("trailing-bytes", `${this.b.length - this.o} bytes follow the receipt`);
  }
}

function writeState(w: Writer, s: MachineState): void {
  w.u32(s.pc);
  for (const x of s.root) w.u32(x);
  w.u64(s.cycles);
}

function readState(r: Reader, what: string): MachineState {
  const pc = r.u32(`${what}.pc`);
  const root = new Uint32Array(8);
  for (let k = 0; k < 8; k++) root[k] = r.u32(`${what}.root`);
  return { pc, root, cycles: r.u64(`${what}.cycles`) };
}

/** The formats hold the five parameters of segment proofs, which commit to Merkle roots (no cap). */
function checkEncodable(config: StarkConfig): void {
  if (config.capHeight)
    throw new RangeError(
      `a composite receipt's configuration cannot carry a Merkle cap (capHeight ${config.capHeight}): segment proofs commit to roots`,
    );
}

/** Binary encoding of a composite receipt. */
export function encodeReceipt(receipt: CompositeReceipt): Uint8Array {
  checkEncodable(receipt.config);
  const w = new Writer();
  w.bytes(new TextEncoder().encode(RECEIPT_MAGIC));
  w.u8(RECEIPT_VERSION);
  w.u8(KIND_COMPOSITE);
  const c = receipt.config;
  w.u8(c.logBlowup);
  w.u16(c.numQueries);
  w.u8(c.powBits);
  w.u8(c.friLogArity);
  w.u8(c.logFinalDegree);
  w.u32(receipt.journal.length);
  w.bytes(receipt.journal);
  w.u32(receipt.segments.length);
  for (const s of receipt.segments) {
    w.u32(s.index);
    writeState(w, s.statement.pre);
    writeState(w, s.statement.post);
    w.u8(s.statement.halted ? 1 : 0);
    w.u32(s.statement.exitCode);
    w.bytes(s.statement.output);
    w.u32(s.seal.length);
    w.bytes(s.seal);
  }
  return w.done();
}

/** Whether bytes start like a binary receipt (for callers that accept several formats). */
export function isBinaryReceipt(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && new TextDecoder().decode(bytes.subarray(0, 4)) === RECEIPT_MAGIC;
}

/** Decodes a binary composite receipt; throws ReceiptFormatError naming the first problem. */
export function decodeReceipt(bytes: Uint8Array): CompositeReceipt {
  if (!isBinaryReceipt(bytes))
    throw new ReceiptFormatError("magic", 'not a binary zkvm-kit receipt (no "ZKVR" header)');
  const r = new Reader(bytes.subarray(4));
  const version = r.u8("the version");
  if (version !== RECEIPT_VERSION)
    throw new ReceiptFormatError(
      "version",
      `receipt format version ${version}; this build reads version ${RECEIPT_VERSION}`,
    );
  const kind = r.u8("the kind");
  if (kind !== KIND_COMPOSITE) throw new ReceiptFormatError("kind", `unknown receipt kind ${kind}`);
  const config: StarkConfig = {
    logBlowup: r.u8("the configuration"),
    numQueries: r.u16("the configuration"),
    powBits: r.u8("the configuration"),
    friLogArity: r.u8("the configuration"),
    logFinalDegree: r.u8("the configuration"),
  };
  const journal = r.bytes(r.u32("the journal length"), "the journal");
  const n = r.u32("the segment count");
  if (n > MAX_SEGMENTS) throw new ReceiptFormatError("too-large", `${n} segments`);
  const segments: SegmentReceipt[] = [];
  for (let i = 0; i < n; i++) {
    const index = r.u32(`segment ${i}`);
    const pre = readState(r, `segment ${i} pre`);
    const post = readState(r, `segment ${i} post`);
    const h = r.u8(`segment ${i} halted flag`);
    if (h > 1) throw new ReceiptFormatError("invalid-value", `segment ${i}: halted flag ${h}`);
    const exitCode = r.u32(`segment ${i} exit code`);
    const output = r.bytes(32, `segment ${i} output`);
    const seal = r.bytes(r.u32(`segment ${i} seal length`), `segment ${i} seal`);
    const statement: SegmentStatement = { pre, post, halted: h === 1, exitCode, output };
    segments.push({ kind: "segment", index, statement, seal });
  }
  r.end();
  return { kind: "composite", config, segments, journal };
}

const stateJson = (s: MachineState) => ({ pc: s.pc, root: Array.from(s.root), cycles: s.cycles });

/** JSON encoding of a composite receipt. */
export function encodeReceiptJson(receipt: CompositeReceipt): string {
  checkEncodable(receipt.config);
  return JSON.stringify({
    version: RECEIPT_VERSION,
    kind: "composite",
    config: receipt.config,
    journal: bytesToHex(receipt.journal),
    segments: receipt.segments.map((s) => ({
      index: s.index,
      pre: stateJson(s.statement.pre),
      post: stateJson(s.statement.post),
      halted: s.statement.halted,
      exitCode: s.statement.exitCode,
      output: bytesToHex(s.statement.output),
      seal: bytesToHex(s.seal),
    })),
  });
}

function bad(message: string): never {
  throw new ReceiptFormatError("json", message);
}

const isU32 = (v: unknown): v is number =>
  typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;

function jsonState(v: unknown, what: string): MachineState {
  const o = v as Record<string, unknown>;
  if (typeof o !== "object" || o === null) bad(`${what} must be an object`);
  if (!isU32(o.pc)) bad(`${what}.pc must be a u32`);
  if (!Array.isArray(o.root) || o.root.length !== 8 || !o.root.every(isU32))
    bad(`${what}.root must be 8 u32 values`);
  if (!(typeof o.cycles === "number" && Number.isSafeInteger(o.cycles) && o.cycles >= 0))
    bad(`${what}.cycles must be a non-negative integer`);
  return { pc: o.pc, root: Uint32Array.from(o.root as number[]), cycles: o.cycles };
}

function jsonBytes(v: unknown, what: string): Uint8Array {
  if (typeof v !== "string" || !/^([0-9a-f]{2})*$/.test(v)) bad(`${what} must be lower-case hex`);
  return hexToBytes(v);
}

/** Decodes the JSON encoding; throws ReceiptFormatError naming the first problem. */
export function decodeReceiptJson(text: string): CompositeReceipt {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    bad(`the receipt is not valid JSON: ${(e as Error).message}`);
  }
  const o = v as Record<string, unknown>;
  if (typeof o !== "object" || o === null) bad("the receipt must be a JSON object");
  if (o.version !== RECEIPT_VERSION)
    throw new ReceiptFormatError(
      "version",
      `receipt format version ${JSON.stringify(o.version)}; this build reads ${RECEIPT_VERSION}`,
    );
  if (o.kind !== "composite")
    throw new ReceiptFormatError("kind", `not a composite receipt (kind ${JSON.stringify(o.kind)})`);
  const c = o.config as Record<string, unknown>;
  if (typeof c !== "object" || c === null) bad("config must be an object");
  const keys = ["logBlowup", "numQueries", "powBits", "friLogArity", "logFinalDegree"] as const;
  for (const k of keys)
    if (!isU32(c[k]) || (c[k] as number) > 0xffff) bad(`config.${k} must be a small integer`);
  const config = Object.fromEntries(keys.map((k) => [k, c[k]])) as unknown as StarkConfig;
  const journal = jsonBytes(o.journal, "journal");
  if (!Array.isArray(o.segments) || o.segments.length > MAX_SEGMENTS) bad("segments must be an array");
  const segments = (o.segments as unknown[]).map((x, i): SegmentReceipt => {
    const s = x as Record<string, unknown>;
    if (typeof s !== "object" || s === null) bad(`segments[${i}] must be an object`);
    if (!isU32(s.index)) bad(`segments[${i}].index must be a u32`);
    if (typeof s.halted !== "boolean") bad(`segments[${i}].halted must be a boolean`);
    if (!isU32(s.exitCode)) bad(`segments[${i}].exitCode must be a u32`);
    const output = jsonBytes(s.output, `segments[${i}].output`);
    if (output.length !== 32) bad(`segments[${i}].output must be 32 bytes`);
    return {
      kind: "segment",
      index: s.index,
      statement: {
        pre: jsonState(s.pre, `segments[${i}].pre`),
        post: jsonState(s.post, `segments[${i}].post`),
        halted: s.halted,
        exitCode: s.exitCode,
        output,
      },
      seal: jsonBytes(s.seal, `segments[${i}].seal`),
    };
  });
  return { kind: "composite", config, segments, journal };
}
