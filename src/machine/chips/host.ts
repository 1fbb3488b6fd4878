import { Bus, Slot, Space, TS_PER_CYCLE } from "../buses.ts";
import { type ChipContext, defineChip, fillAccess, type Trace } from "../chip.ts";
import type { SegmentMemory } from "../memory.ts";

/**
 * Host accesses to guest memory made while serving an ecall, one row per word, at the ecall's host slot:
 *
 * - HALT (kind 0): the k-th word of the 32-byte Output digest, read at ptr + 4k and sent to the output
 *   bus, whose public side requires each k < 8 exactly once;
 * - READ (kind 1): a word the host writes. Only bytes in [ptr, ptr + count) may change: the row names the
 *   first and last byte it may change (one-hot) and both must lie in the buffer (28-bit range checks).
 *   A word is written at most once per READ (two accesses at the same timestamp cannot be ordered).
 *
 * Each row looks up its request (clk, kind, ptr, count), a fact of the system chip's ecall row.
 */
export function hostChip() {
  return defineChip("host", (c: ChipContext) => {
    const isHalt = c.col("is_halt");
    const isRead = c.col("is_read");
    const clk = c.col("clk");
    const ptr = c.col("ptr");
    const count = c.col("count");
    const word = c.col("word");
    const k = c.col("k");
    const bb = c.cols("before", 4);
    const ab = c.cols("after", 4);
    const lo = c.cols("first", 4);
    const hi = c.cols("last", 4);
    const [g1Lo, g2Lo] = [c.col("gap_lo_lo"), c.col("gap_hi_lo")];
    const real = isHalt.e.add(isRead.e);
    for (const x of [isHalt, isRead, ...lo, ...hi]) c.bool(x.e);
    c.bool(real);
    c.t.send(Bus.HOST_REQ, [clk.e, isRead.e, ptr.e, count.e], real, { bound: 1 });
    const before = [bb[0]!.e.add(bb[1]!.e.mul(256)), bb[2]!.e.add(bb[3]!.e.mul(256))] as const;
    const after = [ab[0]!.e.add(ab[1]!.e.mul(256)), ab[2]!.e.add(ab[3]!.e.mul(256))] as const;
    for (const x of [...bb, ...ab]) c.byte(x.e, real);
    const access = c.access("mem", {
      space: Space.GUEST,
      index: word.e,
      prev: before,
      next: after,
      ts: c.ts(clk.e, Slot.HOST),
      mult: real,
    });
    // HALT: an unchanged word ptr/4 + k, sent to the output bus.
    for (let j = 0; j < 4; j++) c.zero(isHalt.e.mul(ab[j]!.e.sub(bb[j]!.e)));
    c.zero(isHalt.e.mul(word.e.mul(4).sub(ptr.e).sub(k.e.mul(4))));
    c.t.send(Bus.OUTPUT, [k.e, before[0], before[1]], isHalt.e, { bound: 1 });
    // READ: bytes first..last may change, and [4·word + first, 4·word + last] ⊆ [ptr, ptr + count).
    c.zero(c.sum(lo.map((x) => x.e)).sub(isRead.e));
    c.zero(c.sum(hi.map((x) => x.e)).sub(isRead.e));
    for (let b = 0; b < 4; b++) {
      const fromFirst = c.sum(lo.slice(0, b + 1).map((x) => x.e));
      const pastLast = c.sum(hi.slice(0, b).map((x) => x.e));
      const writable = fromFirst.sub(pastLast);
      c.zero(isRead.e.sub(writable).mul(ab[b]!.e.sub(bb[b]!.e)));
    }
    const first = c.sum(lo.map((x, j) => x.e.mul(j)));
    const last = c.sum(hi.map((x, j) => x.e.mul(j)));
    // Canonical bounds: the first writable byte is 0 unless the buffer starts inside this word, the last
    // is 3 unless it ends inside it.
    c.zero(c.sum(lo.slice(1).map((x) => x.e)).mul(word.e.mul(4).add(first).sub(ptr.e)));
    c.zero(c.sum(hi.slice(0, 3).map((x) => x.e)).mul(ptr.e.add(count.e).sub(word.e.mul(4)).sub(last).sub(1)));
    c.range28(word.e.mul(4).add(first).sub(ptr.e), g1Lo, isRead.e);
    c.range28(ptr.e.add(count.e).sub(word.e.mul(4)).sub(last).sub(1), g2Lo, isRead.e);
    c.pin([clk, ptr, count, word, ...bb, ...ab], real);
    c.pinAccess(access, real);
    c.pin(k, isHalt.e);
    c.pin([...lo, ...hi, g1Lo, g2Lo], isRead.e);
    return { isHalt, isRead, clk, ptr, count, word, k, bb, ab, lo, hi, g1Lo, g2Lo, access };
  });
}

export type HostChip = ReturnType<typeof hostChip>;

/** One host access, as the trace builder collects them. */
export interface HostAccess {
  readonly clk: number;
  readonly kind: 0 | 1;
  readonly ptr: number;
  readonly count: number;
  /** Word address (bytes, aligned). */
  readonly address: number;
  /** READ: the word after the host's write. */
  readonly after?: number;
  /** HALT: index of the digest word. */
  readonly k?: number;
}

/** Performs one host access (at the ecall's host slot) and fills its row. */
export function hostRow(chip: HostChip, tr: Trace, r: number, a: HostAccess, mem: SegmentMemory): void {
  const L = chip.cols;
  const ts = a.clk * TS_PER_CYCLE + Slot.HOST;
  const { prev, prevTs } = mem.access(Space.GUEST, a.address >>> 2, ts, a.after);
  const after = a.after ?? prev;
  tr.set(a.kind === 0 ? L.isHalt : L.isRead, r, 1);
  tr.set(L.clk, r, a.clk);
  tr.set(L.ptr, r, a.ptr);
  tr.set(L.count, r, a.count);
  tr.set(L.word, r, a.address >>> 2);
  tr.set(L.k, r, a.k ?? 0);
  for (let j = 0; j < 4; j++) {
    tr.set(L.bb[j]!, r, (prev >>> (8 * j)) & 255);
    tr.set(L.ab[j]!, r, (after >>> (8 * j)) & 255);
  }
  fillAccess(tr, r, L.access, prevTs, ts);
  if (a.kind === 1) {
    // Clamped so that a dishonest write outside the buffer still fills a row (its range checks fail).
    const first = Math.min(Math.max(a.ptr - a.address, 0), 3);
    const last = Math.max(Math.min(a.ptr + a.count - a.address, 4) - 1, 0);
    tr.set(L.lo[first]!, r, 1);
    tr.set(L.hi[last]!, r, 1);
    tr.set(L.g1Lo, r, (a.address + first - a.ptr) & 0xffff);
    tr.set(L.g2Lo, r, (a.ptr + a.count - a.address - last - 1) & 0xffff);
  }
}
