import { poseidon2Permute } from "../../hash/poseidon2.ts";
import { GUEST_MAX_MEM, GUEST_MIN_MEM, PAGE_WORDS } from "../../zkvm/memory-map.ts";
import { Bus } from "../buses.ts";
import { type ChipContext, defineChip, type PadRow, Trace } from "../chip.ts";
import { REGISTER_PAGE, type TouchedPage } from "../memory.ts";

/**
 * Paging (docs/machine.md §5): one row per block of 8 words of every page the segment touches, 32 rows per
 * page in order. Each row issues the memory-bus tokens of its 8 words at their page-in value (ts 0) and
 * consumes their final tokens, and absorbs the 8 words into the page digest exactly as docs/abi.md §4
 * defines it (a Poseidon2 sponge step per block), for the initial and for the final contents. The last
 * row of a page issues the page's leaf in the pre-state and the post-state Merkle trees. (An unchanged
 * page repeats the same sponge steps, which the Poseidon2 table holds once.) Guest pages must lie in
 * [GUEST_MIN, GUEST_MAX); the register file is the last page.
 */
const BLOCKS = PAGE_WORDS / 8;
export const FIRST_GUEST_PAGE = GUEST_MIN_MEM / 1024;
export const GUEST_PAGES_END = GUEST_MAX_MEM / 1024;

export function pageChip() {
  return defineChip("page", (c: ChipContext) => {
    const real = c.col("real");
    const isReg = c.col("is_register_page");
    const page = c.col("page");
    const blk = c.col("block");
    const last = c.col("last");
    const vi = c.cols("init", 16);
    const vf = c.cols("final", 16);
    const tf = c.cols("final_ts", 8);
    const capIn = c.cols("cap_in", 8);
    const dig = c.cols("digest", 8);
    const capOut = c.cols("cap_out", 8);
    const capIn2 = c.cols("cap_in2", 8);
    const dig2 = c.cols("digest2", 8);
    const capOut2 = c.cols("cap_out2", 8);
    const pa = c.col("page_lo");
    const pb = c.col("page_hi");
    const t = c.t;
    const one = c.k(1);
    for (const x of [real, isReg, last]) c.bool(x.e);
    c.zero(isReg.e.mul(page.e));
    c.zero(isReg.e.mul(one.sub(real.e)));
    // Padding rows only after every page, with last = 1; the table ends on a page boundary.
    t.assertZeroTransition(real.n.mul(one.sub(real.e)));
    c.zero(one.sub(real.e).mul(one.sub(last.e)));
    t.assertZeroLastRow(one.sub(last.e));
    t.assertZeroFirstRow(blk.e);
    for (const x of [...capIn, ...capIn2]) t.assertZeroFirstRow(x.e);
    // Within a page: the next row is the next block of the same page, and the sponge state carries over.
    const inPage = one.sub(last.e);
    t.assertZeroTransition(inPage.mul(blk.n.sub(blk.e).sub(1)));
    t.assertZeroTransition(inPage.mul(one.sub(real.n)));
    for (const x of [page, isReg]) t.assertZeroTransition(inPage.mul(x.n.sub(x.e)));
    for (let k = 0; k < 8; k++) {
      t.assertZeroTransition(inPage.mul(capIn[k]!.n.sub(capOut[k]!.e)));
      t.assertZeroTransition(inPage.mul(capIn2[k]!.n.sub(capOut2[k]!.e)));
    }
    // A page starts at block 0 with an empty capacity and ends at block 31.
    t.assertZeroTransition(last.e.mul(blk.n));
    for (const x of [...capIn, ...capIn2]) t.assertZeroTransition(last.e.mul(x.n));
    c.zero(real.e.mul(last.e).mul(blk.e.sub(BLOCKS - 1)));
    // Memory tokens: issued at page-in (ts 0), consumed at page-out.
    for (let j = 0; j < 8; j++) {
      const index = page.e.mul(256).add(blk.e.mul(8)).add(j);
      t.send(Bus.MEM, [isReg.e, index, vi[2 * j]!.e, vi[2 * j + 1]!.e, 0], real.e, { bound: 1 });
      t.receive(Bus.MEM, [isReg.e, index, vf[2 * j]!.e, vf[2 * j + 1]!.e, tf[j]!.e], real.e, { bound: 1 });
    }
    const ex = (cols: readonly { e: ReturnType<typeof c.k> }[]) => cols.map((x) => x.e);
    t.send(Bus.P2_SPONGE, [...ex(vi), ...ex(capIn), ...ex(dig), ...ex(capOut)], real.e, { bound: 1 });
    t.send(Bus.P2_SPONGE, [...ex(vf), ...ex(capIn2), ...ex(dig2), ...ex(capOut2)], real.e, { bound: 1 });
    const leaf = page.e.add(isReg.e.mul(REGISTER_PAGE));
    const ends = real.e.mul(last.e);
    t.send(Bus.MERKLE, [0, 0, leaf, ...ex(dig)], ends, { bound: 1 });
    t.send(Bus.MERKLE, [1, 0, leaf, ...ex(dig2)], ends, { bound: 1 });
    // Guest pages: page = 16 + pa + 2^16·pb ∈ [16, 0x30000) with pb ∈ {0, 1, 2}.
    const guest = real.e.sub(isReg.e);
    c.zero(guest.mul(page.e.sub(FIRST_GUEST_PAGE).sub(pa.e).sub(pb.e.mul(65536))));
    c.zero(pb.e.mul(pb.e.sub(1)).mul(pb.e.sub(2)));
    c.range16(pa.e, guest.mul(last.e));
    c.range16(pa.e.add(pb.e.mul(pb.e.sub(1)).mul(8)), guest.mul(last.e));
    c.pin(
      [isReg, page, blk, ...vi, ...vf, ...tf, ...capIn, ...dig, ...capOut, ...capIn2, ...dig2, ...capOut2],
      real.e,
    );
    c.pin([pa, pb], guest);
    return {
      real,
      isReg,
      page,
      blk,
      last,
      vi,
      vf,
      tf,
      capIn,
      dig,
      capOut,
      capIn2,
      dig2,
      capOut2,
      pa,
      pb,
    };
  });
}

export type PageChip = ReturnType<typeof pageChip>;

/** A page's leaf digests as paged in and out, for the Merkle rows. */
export interface PageLeaf {
  readonly leaf: number;
  readonly pre: Uint32Array;
  readonly post: Uint32Array;
}

/**
 * Page rows for the touched pages (sorted by leaf index). Returns the trace, the sponge inputs it looks up
 * and the leaves' digests.
 */
export function pageTrace(
  chip: PageChip,
  pages: readonly TouchedPage[],
): { trace: Trace; spongeInputs: Uint32Array[]; leaves: PageLeaf[] } {
  const L = chip.cols;
  const tr = new Trace(chip.width, pages.length * BLOCKS);
  const spongeInputs: Uint32Array[] = [];
  const leaves: PageLeaf[] = [];
  let row = 0;
  const absorb = (
    words: Uint32Array,
    cols: { cap: typeof L.capIn; dig: typeof L.dig; out: typeof L.capOut },
    r0: number,
  ) => {
    const state = new Uint32Array(24);
    for (let b = 0; b < BLOCKS; b++) {
      for (let j = 0; j < 8; j++) {
        const w = words[8 * b + j]!;
        state[2 * j] = w & 0xffff;
        state[2 * j + 1] = w >>> 16;
      }
      spongeInputs.push(state.slice());
      for (let k = 0; k < 8; k++) tr.set(cols.cap[k]!, r0 + b, state[16 + k]!);
      poseidon2Permute(state);
      for (let k = 0; k < 8; k++) {
        tr.set(cols.dig[k]!, r0 + b, state[k]!);
        tr.set(cols.out[k]!, r0 + b, state[16 + k]!);
      }
    }
    return state.slice(0, 8);
  };
  for (const p of pages) {
    const isReg = p.leaf === REGISTER_PAGE;
    const page = isReg ? 0 : p.leaf;
    if (!isReg && (p.leaf < FIRST_GUEST_PAGE || p.leaf >= GUEST_PAGES_END))
      throw new Error(`page ${p.leaf} lies outside guest memory`);
    for (let b = 0; b < BLOCKS; b++) {
      const r = row + b;
      tr.set(L.real, r, 1);
      tr.set(L.isReg, r, isReg ? 1 : 0);
      tr.set(L.page, r, page);
      tr.set(L.blk, r, b);
      tr.set(L.last, r, b === BLOCKS - 1 ? 1 : 0);
      for (let j = 0; j < 8; j++) {
        const wi = p.init[8 * b + j]!;
        const wf = p.cur[8 * b + j]!;
        tr.set(L.vi[2 * j]!, r, wi & 0xffff);
        tr.set(L.vi[2 * j + 1]!, r, wi >>> 16);
        tr.set(L.vf[2 * j]!, r, wf & 0xffff);
        tr.set(L.vf[2 * j + 1]!, r, wf >>> 16);
        tr.set(L.tf[j]!, r, p.ts[8 * b + j]!);
      }
      if (!isReg) {
        const x = p.leaf - FIRST_GUEST_PAGE;
        tr.set(L.pa, r, x & 0xffff);
        tr.set(L.pb, r, x >>> 16);
      }
    }
    const pre = absorb(p.init, { cap: L.capIn, dig: L.dig, out: L.capOut }, row);
    const post = absorb(p.cur, { cap: L.capIn2, dig: L.dig2, out: L.capOut2 }, row);
    leaves.push({ leaf: p.leaf, pre, post });
    row += BLOCKS;
  }
  const pad = pagePadding(chip);
  for (let r = row; r < tr.height; r++) pad(tr, r);
  return { trace: tr, spongeInputs, leaves };
}

/** A page padding row: not a page, and `last` set so that no page continues into it. */
export function pagePadding(chip: PageChip): PadRow {
  return (tr, r) => tr.set(chip.cols.last, r, 1);
}
