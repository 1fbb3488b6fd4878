import { inv } from "../../field/babybear.ts";
import {
  type CycleWitness,
  defineAdapter,
  fillOperands,
  fillResult,
  operandAccesses,
  operandColumns,
  setHalves,
} from "../adapter.ts";
import { type ChipContext, defineChip, type Trace } from "../chip.ts";
import { type Decoded, opsOf } from "../ops.ts";

/**
 * Control-flow chip: branches, JAL, JALR and AUIPC. Branches compare with one subtraction of 16-bit halves
 * (borrow = a < b; signed comparisons flip the sign bits first; equality = a zero difference); JAL and
 * branches add the signed immediate to pc as field elements (a target outside guest memory or not
 * word-aligned has no memory word to fetch, so the next cycle cannot exist); JALR adds rs1 + imm as
 * halves, clears bit 0 and bounds the high half below GUEST_MAX. Link values pc + 4 and AUIPC's pc + imm
 * are built from pc's halves.
 */
const OPS = opsOf("control");

export function controlChip() {
  return defineChip("control", (c: ChipContext) => {
    const A = defineAdapter(c, OPS);
    const o = operandColumns(c);
    const { rd, rs1, rs2, aLo, aHi, bLo, bHi, pLo, pHi } = o;
    const [immA, immB] = [c.col("imm_a"), c.col("imm_b")];
    const npc = c.col("next_pc");
    const [rLo, rHi, k1, k2] = [c.col("r_lo"), c.col("r_hi"), c.col("k1"), c.col("k2")];
    const [sa, sb, eq, eqInv, bit0] = [
      c.col("sign_a"),
      c.col("sign_b"),
      c.col("eq"),
      c.col("eq_inv"),
      c.col("bit0"),
    ];
    const [pcl, pch, dLo, dHi, kd1, kd2] = [
      c.col("pc_lo"),
      c.col("pc_hi"),
      c.col("link_lo"),
      c.col("link_hi"),
      c.col("kd1"),
      c.col("kd2"),
    ];
    const one = c.k(1);
    const isBranch = A.is("beq", "bne", "blt", "bge", "bltu", "bgeu");
    const isSigned = A.is("blt", "bge");
    const isJal = A.is("jal");
    const isJalr = A.is("jalr");
    const isAuipc = A.is("auipc");
    const isLink = isJal.add(isJalr).add(isAuipc);
    for (const x of [k1, k2, sa, sb, eq, bit0, kd1, kd2]) c.bool(x.e);
    // Branch comparison: r = a' − b' with borrows.
    const flipA = aHi.e.add(isSigned.mul(c.k(32768).sub(sa.e.mul(65536))));
    const flipB = bHi.e.add(isSigned.mul(c.k(32768).sub(sb.e.mul(65536))));
    c.zero(isBranch.mul(rLo.e.sub(aLo.e).add(bLo.e).sub(k1.e.mul(65536))));
    c.zero(isBranch.mul(rHi.e.sub(flipA).add(flipB).add(k1.e).sub(k2.e.mul(65536))));
    c.range16(aHi.e.sub(sa.e.mul(32768)).mul(2), isSigned);
    c.range16(bHi.e.sub(sb.e.mul(32768)).mul(2), isSigned);
    // JALR target: r = a + imm (halves), bit 0 cleared, high half below GUEST_MAX.
    c.zero(isJalr.mul(rLo.e.sub(aLo.e).sub(immA.e).add(k1.e.mul(65536))));
    c.zero(isJalr.mul(rHi.e.sub(aHi.e).sub(immB.e).sub(k1.e).add(k2.e.mul(65536))));
    c.range16(rLo.e, isBranch.add(isJalr));
    c.range16(rHi.e, isBranch);
    c.guestHi(rHi.e, isJalr);
    // eq = [r = 0] (r's halves are non-negative, so r = 0 iff their sum is); 0 on padding rows.
    const rSum = rLo.e.add(rHi.e);
    c.zero(eq.e.mul(rSum));
    c.zero(rSum.mul(eqInv.e).sub(A.real.sub(eq.e)));
    c.zero(eq.e.mul(eqInv.e));
    const taken = A.is("beq")
      .mul(eq.e)
      .add(A.is("bne").mul(one.sub(eq.e)))
      .add(A.is("blt", "bltu").mul(k2.e))
      .add(A.is("bge", "bgeu").mul(one.sub(k2.e)));
    const pc = A.pc.e;
    c.zero(
      npc.e
        .sub(isBranch.add(isAuipc).mul(pc.add(4)))
        .sub(taken.mul(immA.e.sub(4)))
        .sub(isJal.mul(pc.add(immA.e)))
        .sub(isJalr.mul(rLo.e.sub(bit0.e).add(rHi.e.mul(65536)))),
    );
    // Link value / AUIPC: d = pc + (4 or imm) as halves.
    c.zero(isLink.mul(pc.sub(pcl.e).sub(pch.e.mul(65536))));
    c.range16(pcl.e, isLink);
    c.u12(pch.e, isLink);
    const addLo = isJal.add(isJalr).mul(4).add(isAuipc.mul(immA.e));
    const addHi = isAuipc.mul(immB.e);
    c.zero(isLink.mul(dLo.e.sub(pcl.e).sub(addLo).add(kd1.e.mul(65536))));
    c.zero(isLink.mul(dHi.e.sub(pch.e).sub(addHi).sub(kd1.e).add(kd2.e.mul(65536))));
    c.range16(dLo.e, isLink);
    c.range16(dHi.e, isLink);
    const mult = { rs1: isBranch.add(isJalr), rs2: isBranch, rd: isLink };
    const acc = operandAccesses(A, o, mult, [dLo.e, dHi.e]);
    A.decode({ rd: rd.e, rs1: rs1.e, rs2: rs2.e, immA: immA.e, immB: immB.e });
    A.next(npc.e);
    c.pin([rd, rs1, rs2, immA, immB, npc, eq, eqInv], A.real);
    c.pin([aLo, aHi, rLo, rHi, k1, k2], isBranch.add(isJalr));
    c.pin([bLo, bHi], isBranch);
    c.pin([sa, sb], isSigned);
    c.pin(bit0, isJalr);
    c.pin([pLo, pHi, pcl, pch, dLo, dHi, kd1, kd2], isLink);
    return {
      A,
      rd,
      rs1,
      rs2,
      immA,
      immB,
      aLo,
      aHi,
      bLo,
      bHi,
      pLo,
      pHi,
      npc,
      rLo,
      rHi,
      k1,
      k2,
      sa,
      sb,
      eq,
      eqInv,
      bit0,
      pcl,
      pch,
      dLo,
      dHi,
      kd1,
      kd2,
      o,
      acc,
    };
  });
}

export type ControlChip = ReturnType<typeof controlChip>;

/** Fills one control row; returns the next pc and the value written to rd (undefined for branches). */
export function controlRow(
  chip: ControlChip,
  tr: Trace,
  row: number,
  cy: CycleWitness,
  d: Decoded,
  override?: { npc?: number },
): { npc: number; rd?: number } {
  const L = chip.cols;
  const name = d.spec.name;
  const read = { rs1: d.spec.rs1, rs2: d.spec.rs2 };
  const { a, b } = fillOperands(tr, row, L.A, L.o, L.acc, OPS.indexOf(d.spec), cy, d, read);
  tr.set(L.immA, row, d.immA);
  tr.set(L.immB, row, d.immB);
  const pc = cy.pc;
  let npc = (pc + 4) >>> 0;
  let rLo = 0;
  let rHi = 0;
  let link: number | undefined;
  if (d.spec.rs1 && d.spec.rs2) {
    const signed = name === "blt" || name === "bge";
    tr.set(L.sa, row, signed ? a >>> 31 : 0);
    tr.set(L.sb, row, signed ? b >>> 31 : 0);
    const fa = signed ? (a ^ 0x80000000) >>> 0 : a;
    const fb = signed ? (b ^ 0x80000000) >>> 0 : b;
    const lo = (fa & 0xffff) - (fb & 0xffff);
    const k1 = lo < 0 ? 1 : 0;
    const hi = (fa >>> 16) - (fb >>> 16) - k1;
    rLo = lo & 0xffff;
    rHi = hi & 0xffff;
    tr.set(L.k1, row, k1);
    tr.set(L.k2, row, hi < 0 ? 1 : 0);
    const lt = fa < fb;
    const eq = a === b;
    const taken = name === "beq" ? eq : name === "bne" ? !eq : name === "blt" || name === "bltu" ? lt : !lt;
    if (taken) npc = (pc + d.immA) >>> 0;
  } else if (name === "jalr") {
    const lo = (a & 0xffff) + d.immA;
    const k1 = lo >>> 16;
    const hi = (a >>> 16) + d.immB + k1;
    rLo = lo & 0xffff;
    rHi = hi & 0xffff;
    tr.set(L.k1, row, k1);
    tr.set(L.k2, row, hi >>> 16);
    tr.set(L.bit0, row, rLo & 1);
    npc = ((rHi << 16) | (rLo & ~1)) >>> 0;
  } else if (name === "jal") {
    npc = (pc + d.immA) >>> 0;
  }
  tr.set(L.rLo, row, rLo);
  tr.set(L.rHi, row, rHi);
  const sum = rLo + rHi;
  tr.set(L.eq, row, sum === 0 ? 1 : 0);
  tr.set(L.eqInv, row, sum === 0 ? 0 : inv(sum));
  if (name === "jal" || name === "jalr" || name === "auipc") {
    setHalves(tr, row, L.pcl, L.pch, pc);
    const addLo = name === "auipc" ? d.immA : 4;
    const addHi = name === "auipc" ? d.immB : 0;
    const lo = (pc & 0xffff) + addLo;
    const kd1 = lo >>> 16;
    const hi = (pc >>> 16) + addHi + kd1;
    tr.set(L.kd1, row, kd1);
    tr.set(L.kd2, row, hi >>> 16);
    link = (((hi & 0xffff) << 16) | (lo & 0xffff)) >>> 0;
    setHalves(tr, row, L.dLo, L.dHi, link);
    fillResult(tr, row, L.o, L.acc, cy, d.rd, link);
  }
  npc = override?.npc ?? npc;
  tr.set(L.npc, row, npc);
  return { npc, rd: link };
}
