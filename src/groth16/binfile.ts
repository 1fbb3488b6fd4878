/**
 * The iden3 binary container shared by .r1cs, .wtns, .zkey and .ptau files: a 4-byte magic, a u32
 * version, a u32 section count, then sections of (u32 type, u64 byte length, bytes), all little-endian.
 * Format: https://github.com/iden3/binfileutils (facts only; this is our own reader and writer).
 */
import { Groth16FileError } from "./errors.ts";

export interface BinFile {
  magic: string;
  version: number;
  /** Section type → its bytes (views into the file buffer). A type may occur only once in our formats. */
  sections: Map<number, Uint8Array>;
}

export function readBinFile(bytes: Uint8Array, expectedMagic: string, what: string): BinFile {
  const fail = (why: string) => new Groth16FileError(`${what} is not a valid .${expectedMagic} file: ${why}`);
  if (bytes.length < 12) throw fail("it is shorter than the 12-byte header (truncated or empty)");
  const magic = new TextDecoder().decode(bytes.subarray(0, 4));
  if (magic !== expectedMagic) throw fail(`its magic is ${JSON.stringify(magic)}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  const count = view.getUint32(8, true);
  const sections = new Map<number, Uint8Array>();
  let p = 12;
  for (let i = 0; i < count; i++) {
    if (p + 12 > bytes.length) throw fail(`section ${i + 1} of ${count} is missing (file truncated)`);
    const type = view.getUint32(p, true);
    const size = Number(view.getBigUint64(p + 4, true));
    p += 12;
    if (p + size > bytes.length) throw fail(`section ${type} ends past the end of the file (truncated)`);
    if (sections.has(type)) throw fail(`section ${type} occurs twice`);
    sections.set(type, bytes.subarray(p, p + size));
    p += size;
  }
  if (p !== bytes.length) throw fail(`${bytes.length - p} trailing bytes after the last section`);
  return { magic, version, sections };
}

/** Writes the container; `sections` in the order given. */
export function writeBinFile(
  magic: string,
  version: number,
  sections: Array<[type: number, parts: Uint8Array[]]>,
): Uint8Array[] {
  const head = new Uint8Array(12);
  head.set(new TextEncoder().encode(magic));
  const hv = new DataView(head.buffer);
  hv.setUint32(4, version, true);
  hv.setUint32(8, sections.length, true);
  const out: Uint8Array[] = [head];
  for (const [type, parts] of sections) {
    const sh = new Uint8Array(12);
    const v = new DataView(sh.buffer);
    v.setUint32(0, type, true);
    v.setBigUint64(4, BigInt(parts.reduce((n, b) => n + b.length, 0)), true);
    out.push(sh, ...parts);
  }
  return out;
}

export function section(file: BinFile, type: number, what: string): Uint8Array {
  const s = file.sections.get(type);
  if (!s) throw new Groth16FileError(`${what} has no section ${type} (truncated or not produced by circom)`);
  return s;
}

/** Little-endian unsigned integer of `bytes.length` bytes. */
export function leToBigInt(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  return v;
}

export function bigIntToLe(v: bigint, into: Uint8Array, offset = 0, length = 32): void {
  for (let i = 0; i < length; i++) {
    into[offset + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}
