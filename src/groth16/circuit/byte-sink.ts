import { writeScalar } from "../scalar-field.ts";

/**
 * An append-only byte buffer in fixed-size chunks: the constraint section of a large .r1cs is written as the
 * circuit is built, without one huge reallocating array.
 */
export class ByteSink {
  private readonly chunkSize: number;
  private readonly full: Uint8Array[] = [];
  private chunk: Uint8Array;
  private view: DataView;
  private pos = 0;

  constructor(chunkSize = 1 << 22) {
    this.chunkSize = chunkSize;
    this.chunk = new Uint8Array(chunkSize);
    this.view = new DataView(this.chunk.buffer);
  }

  get length(): number {
    return this.full.reduce((n, c) => n + c.length, 0) + this.pos;
  }

  private room(n: number): void {
    if (this.pos + n <= this.chunkSize) return;
    this.full.push(this.chunk.subarray(0, this.pos));
    this.chunk = new Uint8Array(Math.max(this.chunkSize, n));
    this.view = new DataView(this.chunk.buffer);
    this.pos = 0;
  }

  u32(v: number): void {
    this.room(4);
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
  }

  /** A canonical field element as 32 little-endian bytes. */
  scalar(v: bigint): void {
    this.room(32);
    writeScalar(this.view, this.pos, v);
    this.pos += 32;
  }

  /** The bytes written so far, as a list of parts (no copy of the full chunks). */
  parts(): Uint8Array[] {
    return [...this.full, this.chunk.subarray(0, this.pos)];
  }
}
