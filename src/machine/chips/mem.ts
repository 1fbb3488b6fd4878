import {
  type CycleWitness,
  defineAdapter,
  fillOperands,
  fillResult,
  operandAccesses,
  operandColumns,
  setHalves,
} from "../adapter.ts";
import { Slot, Space, TS_PER_CYCLE } from "../buses.ts";
import { type ChipContext, defineChip, fillAccess, INV_4, type Trace } from "../chip.ts";
import { type Decoded, opsOf } from "../ops.ts";

/**
 * Loads and stores. The address rs1 + imm is computed as 16-bit halves with the high half below
 * GUEST_MAX >> 16; the byte offset within the word is one-hot (word accesses must use offset 0, halfword
 * accesses an even one), and the accessed memory word is (address − offset)/4, which is a valid guest
 * word index only if the offset is the address's true low two bits. Pages below GUEST_MIN are never paged
 * in, so accesses there have no word to consume. Sub-word loads select a byte (through the word's bytes)
 * or a half and extend it; sub-word stores replace it.
 */
const OPS = opsOf("mem");

export function memChip() {
  return defineChip("mem", (c: ChipContext) => {
    const A = defineAdapter(c, OPS);
    const o = operandColumns(c);
    // b is the value a store writes (rs2).
    const { rd, rs1, rs2, aLo, aHi, bLo: sLo, bHi: sHi, pLo, pHi } = o;
    const [immA, immB] = [c.col("imm_a"), c.col("imm_b")];
    const [mLo, mHi, k1, k2] = [c.col("addr_lo"), c.col("addr_hi"), c.col("k1"), c.col("k2")];
    const sel = c.cols("offset", 4);
    const [vLo, vHi, nLo, nHi] = [c.col("word_lo"), c.col("word_hi"), c.col("new_lo"), c.col("new_hi")];
    const vb = c.cols("word_byte", 4);
    const [sb0, sb1, byte, half, sign] = [
      c.col("s_byte0"),
      c.col("s_byte1"),
      c.col("byte"),
      c.col("half"),
      c.col("sign"),
    ];
    const isLoad = A.is("lb", "lh", "lw", "lbu", "lhu");
    const isStore = A.is("sb", "sh", "sw");
    const isWord = A.is("lw", "sw");
    const isHalf = A.is("lh", "lhu", "sh");
    const isByteOp = A.is("lb", "lbu", "sb");
    const [isLb, isLbu, isLh, isLhu, isLw] = [A.is("lb"), A.is("lbu"), A.is("lh"), A.is("lhu"), A.is("lw")];
    const [isSb, isSh, isSw] = [A.is("sb"), A.is("sh"), A.is("sw")];
    for (const x of [k1, k2, sign, ...sel]) c.bool(x.e);
    // Address = rs1 + imm (halves); its high half is in guest memory's range.
    c.zero(mLo.e.sub(aLo.e).sub(immA.e).add(k1.e.mul(65536)));
    c.zero(mHi.e.sub(aHi.e).sub(immB.e).sub(k1.e).add(k2.e.mul(65536)));
    c.range16(mLo.e, A.real);
    c.guestHi(mHi.e, A.real);
    // Byte offset: one-hot, aligned for words and halves.
    c.zero(c.sum(sel.map((x) => x.e)).sub(A.real));
    c.zero(isWord.mul(sel[1]!.e.add(sel[2]!.e).add(sel[3]!.e)));
    c.zero(isHalf.mul(sel[1]!.e.add(sel[3]!.e)));
    const offset = sel[1]!.e.add(sel[2]!.e.mul(2)).add(sel[3]!.e.mul(3));
    const wordIndex = mLo.e.sub(offset).mul(INV_4).add(mHi.e.mul(16384));
    const access = c.access("mem", {
      space: Space.GUEST,
      index: wordIndex,
      prev: [vLo.e, vHi.e],
      next: [nLo.e, nHi.e],
      ts: c.ts(A.clk.e, Slot.MEM),
      mult: A.real,
    });
    // The word's bytes (byte accesses) and the selected byte and half.
    c.zero(isByteOp.mul(vLo.e.sub(vb[0]!.e).sub(vb[1]!.e.mul(256))));
    c.zero(isByteOp.mul(vHi.e.sub(vb[2]!.e).sub(vb[3]!.e.mul(256))));
    for (const x of vb) c.byte(x.e, isByteOp);
    c.zero(byte.e.sub(c.sum(sel.map((s, k) => s.e.mul(vb[k]!.e)))));
    c.zero(half.e.sub(sel[0]!.e.mul(vLo.e)).sub(sel[2]!.e.mul(vHi.e)));
    // Sign of the loaded byte (LB) or half (LH).
    c.range16(
      isLb.mul(byte.e.sub(sign.e.mul(128)).mul(512)).add(isLh.mul(half.e.sub(sign.e.mul(32768)).mul(2))),
      isLb.add(isLh),
    );
    const outLo = isLw
      .mul(vLo.e)
      .add(isLh.add(isLhu).mul(half.e))
      .add(isLb.mul(byte.e.add(sign.e.mul(0xff00))))
      .add(isLbu.mul(byte.e));
    const outHi = isLw.mul(vHi.e).add(isLh.add(isLb).mul(sign.e.mul(0xffff)));
    // Loads keep the word; stores replace all of it, a half, or a byte.
    c.zero(isLoad.mul(nLo.e.sub(vLo.e)));
    c.zero(isLoad.mul(nHi.e.sub(vHi.e)));
    c.zero(isSw.mul(nLo.e.sub(sLo.e)));
    c.zero(isSw.mul(nHi.e.sub(sHi.e)));
    c.zero(isSh.mul(nLo.e.sub(vLo.e).sub(sel[0]!.e.mul(sLo.e.sub(vLo.e)))));
    c.zero(isSh.mul(nHi.e.sub(vHi.e).sub(sel[2]!.e.mul(sLo.e.sub(vHi.e)))));
    c.zero(isSb.mul(sLo.e.sub(sb0.e).sub(sb1.e.mul(256))));
    c.byte(sb0.e, isSb);
    c.byte(sb1.e, isSb);
    const nb = vb.map((v, k) => v.e.add(sel[k]!.e.mul(sb0.e.sub(v.e))));
    c.zero(isSb.mul(nLo.e.sub(nb[0]!).sub(nb[1]!.mul(256))));
    c.zero(isSb.mul(nHi.e.sub(nb[2]!).sub(nb[3]!.mul(256))));
    const acc = operandAccesses(A, o, { rs1: A.real, rs2: isStore, rd: isLoad }, [outLo, outHi]);
    A.decode({ rd: rd.e, rs1: rs1.e, rs2: rs2.e, immA: immA.e, immB: immB.e });
    A.next(A.pc.e.add(4));
    c.pin([rd, rs1, rs2, immA, immB, aLo, aHi, mLo, mHi, k1, k2, vLo, vHi, nLo, nHi], A.real);
    c.pinAccess(access, A.real);
    c.pin([sLo, sHi], isStore);
    c.pin([pLo, pHi], isLoad);
    c.pin(vb, isByteOp);
    c.pin([sb0, sb1], isSb);
    c.pin(sign, isLb.add(isLh));
    return {
      A,
      rd,
      rs1,
      rs2,
      immA,
      immB,
      aLo,
      aHi,
      sLo,
      sHi,
      pLo,
      pHi,
      mLo,
      mHi,
      k1,
      k2,
      sel,
      vLo,
      vHi,
      nLo,
      nHi,
      vb,
      sb0,
      sb1,
      byte,
      half,
      sign,
      access,
      o,
      acc,
    };
  });
}

export type MemChip = ReturnType<typeof memChip>;

/** Fills one load/store row; returns the value loaded into rd (undefined for stores). */
export function memRow(
  chip: MemChip,
  tr: Trace,
  row: number,
  cy: CycleWitness,
  d: Decoded,
  override?: { loaded?: number; stored?: number },
): number | undefined {
  const L = chip.cols;
  const name = d.spec.name;
  const isStore = !d.spec.rd;
  const read = { rs1: true, rs2: isStore };
  const { a, b: s } = fillOperands(tr, row, L.A, L.o, L.acc, OPS.indexOf(d.spec), cy, d, read);
  tr.set(L.immA, row, d.immA);
  tr.set(L.immB, row, d.immB);
  const lo = (a & 0xffff) + d.immA;
  const k1 = lo >>> 16;
  const hi = (a >>> 16) + d.immB + k1;
  tr.set(L.mLo, row, lo & 0xffff);
  tr.set(L.mHi, row, hi & 0xffff);
  tr.set(L.k1, row, k1);
  tr.set(L.k2, row, hi >>> 16);
  const addr = (((hi & 0xffff) << 16) | (lo & 0xffff)) >>> 0;
  const off = addr & 3;
  tr.set(L.sel[off]!, row, 1);
  if (name === "sb") {
    tr.set(L.sb0, row, s & 255);
    tr.set(L.sb1, row, (s >>> 8) & 255);
  }
  const ts = cy.clk * TS_PER_CYCLE + Slot.MEM;
  const w = cy.mem.peek(Space.GUEST, addr >>> 2);
  let nw = w;
  if (name === "sw") nw = s;
  else if (name === "sh")
    nw = off === 0 ? ((w & 0xffff0000) | (s & 0xffff)) >>> 0 : ((w & 0xffff) | (s << 16)) >>> 0;
  else if (name === "sb") nw = ((w & ~(255 << (8 * off))) | ((s & 255) << (8 * off))) >>> 0;
  if (override?.stored !== undefined) nw = override.stored >>> 0;
  const { prevTs } = cy.mem.access(Space.GUEST, addr >>> 2, ts, isStore ? nw : undefined);
  fillAccess(tr, row, L.access, prevTs, ts);
  setHalves(tr, row, L.vLo, L.vHi, w);
  setHalves(tr, row, L.nLo, L.nHi, nw);
  const byteOp = name === "lb" || name === "lbu" || name === "sb";
  if (byteOp) for (let k = 0; k < 4; k++) tr.set(L.vb[k]!, row, (w >>> (8 * k)) & 255);
  const byte = byteOp ? (w >>> (8 * off)) & 255 : 0;
  const half = off === 0 ? w & 0xffff : off === 2 ? w >>> 16 : 0;
  tr.set(L.byte, row, byte);
  tr.set(L.half, row, half);
  if (isStore) return undefined;
  let v: number;
  switch (name) {
    case "lw":
      v = w;
      break;
    case "lh":
      tr.set(L.sign, row, half >>> 15);
      v = (half << 16) >> 16;
      break;
    case "lhu":
      v = half;
      break;
    case "lb":
      tr.set(L.sign, row, byte >>> 7);
      v = (byte << 24) >> 24;
      break;
    default:
      v = byte;
  }
  v = override?.loaded ?? v >>> 0;
  fillResult(tr, row, L.o, L.acc, cy, d.rd, v);
  return v;
}
