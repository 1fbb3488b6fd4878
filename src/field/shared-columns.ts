/**
 * Columns in shared memory (what the prover's threads read and write in place), carved from large shared
 * buffers ("slabs") so that the memory of columns their owner has finished with serves the next ones, of
 * any size, before the garbage collector runs.
 *
 * Why: JavaScript frees memory only when the collector runs, and while the prover works the main thread is
 * blocked in kernels and the worker threads allocate almost nothing, so it runs late. A session's second
 * segment allocated its ~1.7 GB of columns while the first one's were still uncollected: 2.98 GB at peak
 * against 2.09 GB for the same segment proven alone (po2 19, docs/machine.md §10). And within a proof, the
 * columns that die (the witness once the LogUp trace is built, the LogUp trace once committed) are not the
 * size of those allocated next (LDEs are 2^b times taller): reuse by exact size strands them. The prover
 * knows when a column is dead and says so (`recycleColumns`); adjacent free ranges of a slab merge, and an
 * allocation takes the first free range that holds it.
 *
 * Slabs are tracked only until the current synchronous run ends (a microtask forgets them): a slab then
 * lives as long as a column carved from it, and the collector takes it as usual. Browser-safe: where
 * SharedArrayBuffer does not exist (a page without cross-origin isolation) columns are plain arrays.
 */

/** Columns below this size get a buffer of their own, left to the collector. */
const MIN_SLAB_COLUMN_BYTES = 1 << 16;
/**
 * Size of a slab: 64 MiB and room for the padding line of every column down to MIN_SLAB_COLUMN_BYTES, so
 * that power-of-two columns fill it exactly (sixteen of 4 MiB). A larger column gets a slab of its own size,
 * which later columns may share.
 */
const SLAB_BYTES = (1 << 26) + (1 << 16);
/**
 * Offsets and sizes are rounded to cache lines, plus one line per column: columns whose sizes are powers of
 * two would otherwise start at addresses equal modulo the cache's set stride, and kernels that read a row
 * across hundreds of columns (DEEP, quotient, hashing) would evict each other.
 */
const ALIGN = 64;

interface Slab {
  readonly buffer: SharedArrayBuffer;
  /** Free byte ranges [starts[i], ends[i]), sorted, disjoint and not adjacent. */
  readonly starts: number[];
  readonly ends: number[];
  /** Columns handed out and not recycled: their byte offset → their byte length. */
  readonly columns: Map<number, number>;
  /** Bytes at and above this offset have never been handed out (still zero). */
  highWater: number;
}

const hasShared = typeof SharedArrayBuffer !== "undefined";
let slabs: Slab[] = [];
let slabOf = new Map<SharedArrayBuffer, Slab>();
let forgetScheduled = false;

/** A zeroed column of `length` words, in shared memory where the platform has it. */
export function sharedColumn(length: number): Uint32Array {
  if (!hasShared) return new Uint32Array(length);
  const bytes = 4 * length;
  if (bytes < MIN_SLAB_COLUMN_BYTES) return new Uint32Array(new SharedArrayBuffer(bytes));
  const size = footprint(bytes);
  for (const slab of slabs) {
    const at = carve(slab, size);
    if (at >= 0) return handOut(slab, at, length);
  }
  const slab = newSlab(Math.max(SLAB_BYTES, size));
  return handOut(slab, carve(slab, size), length);
}

/**
 * Marks the memory of `columns` (as `sharedColumn` returned them) free for the next columns. The caller
 * promises that nothing reads or writes them any more, through these views or any other. Anything else —
 * a part of a column, a column of an earlier run, one already recycled — is left to the collector.
 */
export function recycleColumns(columns: Iterable<Uint32Array>): void {
  for (const c of columns) {
    const slab = slabOf.get(c.buffer as SharedArrayBuffer);
    if (!slab || slab.columns.get(c.byteOffset) !== c.byteLength) continue;
    slab.columns.delete(c.byteOffset);
    free(slab, c.byteOffset, c.byteOffset + footprint(c.byteLength));
  }
}

/** Bytes in the current run's slabs, and how many of them are free (for tests and reports). */
export function slabUsage(): { readonly slabBytes: number; readonly freeBytes: number } {
  let slabBytes = 0;
  let freeBytes = 0;
  for (const s of slabs) {
    slabBytes += s.buffer.byteLength;
    for (let i = 0; i < s.starts.length; i++) freeBytes += s.ends[i]! - s.starts[i]!;
  }
  return { slabBytes, freeBytes };
}

/** Bytes a column of `bytes` takes in a slab. */
function footprint(bytes: number): number {
  return Math.ceil(bytes / ALIGN) * ALIGN + ALIGN;
}

function newSlab(bytes: number): Slab {
  const slab: Slab = {
    buffer: new SharedArrayBuffer(bytes),
    starts: [0],
    ends: [bytes],
    columns: new Map(),
    highWater: 0,
  };
  slabs.push(slab);
  slabOf.set(slab.buffer, slab);
  if (!forgetScheduled) {
    forgetScheduled = true;
    queueMicrotask(forgetSlabs);
  }
  return slab;
}

/** Takes `size` bytes from the first free range of `slab` that holds them; −1 if none does. */
function carve(slab: Slab, size: number): number {
  const { starts, ends } = slab;
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i]!;
    if (ends[i]! - start < size) continue;
    if (ends[i]! - start === size) {
      starts.splice(i, 1);
      ends.splice(i, 1);
    } else starts[i] = start + size;
    return start;
  }
  return -1;
}

function handOut(slab: Slab, at: number, length: number): Uint32Array {
  const column = new Uint32Array(slab.buffer, at, length);
  slab.columns.set(at, column.byteLength);
  const used = Math.min(column.length, Math.max(0, (slab.highWater - at) >> 2));
  if (used > 0) column.fill(0, 0, used);
  slab.highWater = Math.max(slab.highWater, at + 4 * length);
  return column;
}

/** Adds [start, end) to the slab's free ranges, merging it with every range it overlaps or touches. */
function free(slab: Slab, start: number, end: number): void {
  const { starts, ends } = slab;
  let lo = 0;
  while (lo < starts.length && ends[lo]! < start) lo++;
  let hi = lo;
  while (hi < starts.length && starts[hi]! <= end) hi++;
  const s = hi > lo ? Math.min(start, starts[lo]!) : start;
  const e = hi > lo ? Math.max(end, ends[hi - 1]!) : end;
  starts.splice(lo, hi - lo, s);
  ends.splice(lo, hi - lo, e);
}

function forgetSlabs(): void {
  forgetScheduled = false;
  slabs = [];
  slabOf = new Map();
}
