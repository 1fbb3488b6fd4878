import {
  type CycleWitness,
  defineAdapter,
  fillOperands,
  fillResult,
  operandAccesses,
  operandColumns,
} from "../adapter.ts";
import { type ChipContext, defineChip, type Trace } from "../chip.ts";
import { type Decoded, opsOf } from "../ops.ts";

/**
 * ALU chip: LUI, ADD(I), SUB, SLT(I)(U), XOR(I), OR(I), AND(I). Operands as 16-bit halves; one adder with
 * carries serves add, sub and the comparisons (signed ones flip the sign bits first); bitwise operations
 * go byte by byte through the AND table (x | y = x + y − (x & y), x ^ y = x + y − 2(x & y)).
 */
const OPS = opsOf("alu");

export function aluChip() {
  return defineChip("alu", (c: ChipContext) => {
    const A = defineAdapter(c, OPS);
    const o = operandColumns(c);
    const { rd, rs1, rs2, aLo, aHi, bLo, bHi, pLo, pHi } = o;
    const [rLo, rHi, k1, k2] = [c.col("r_lo"), c.col("r_hi"), c.col("k1"), c.col("k2")];
    const [sa, sb] = [c.col("sign_a"), c.col("sign_b")];
    const ab = c.cols("a_byte", 4);
    const bb = c.cols("b_byte", 4);
    const tb = c.cols("and_byte", 4);

    const isImm = A.is("lui", "addi", "slti", "sltiu", "xori", "ori", "andi");
    const isAdd = A.is("lui", "addi", "add");
    const isSub = A.is("sub");
    const isLt = A.is("slt", "slti");
    const isLtu = A.is("sltu", "sltiu");
    const isXor = A.is("xor", "xori");
    const isOr = A.is("or", "ori");
    const isAnd = A.is("and", "andi");
    const cmp = isLt.add(isLtu);
    const subLike = isSub.add(cmp);
    const bw = isXor.add(isOr).add(isAnd);

    for (const x of [k1, k2, sa, sb]) c.bool(x.e);
    // Adder: r = a + b (add) or a' − b' (sub, comparisons), with carries/borrows k1, k2.
    c.zero(isAdd.mul(rLo.e.sub(aLo.e).sub(bLo.e).add(k1.e.mul(65536))));
    c.zero(isAdd.mul(rHi.e.sub(aHi.e).sub(bHi.e).sub(k1.e).add(k2.e.mul(65536))));
    const flipA = aHi.e.add(isLt.mul(c.k(32768).sub(sa.e.mul(65536))));
    const flipB = bHi.e.add(isLt.mul(c.k(32768).sub(sb.e.mul(65536))));
    c.zero(subLike.mul(rLo.e.sub(aLo.e).add(bLo.e).sub(k1.e.mul(65536))));
    c.zero(subLike.mul(rHi.e.sub(flipA).add(flipB).add(k1.e).sub(k2.e.mul(65536))));
    c.range16(rLo.e, isAdd.add(subLike));
    c.range16(rHi.e, isAdd.add(subLike));
    // Sign bits of the operands (signed comparisons): hi − 2^15·s ∈ [0, 2^15).
    c.range16(aHi.e.sub(sa.e.mul(32768)).mul(2), isLt);
    c.range16(bHi.e.sub(sb.e.mul(32768)).mul(2), isLt);
    // Bytes for the bitwise operations.
    c.zero(bw.mul(aLo.e.sub(ab[0]!.e).sub(ab[1]!.e.mul(256))));
    c.zero(bw.mul(aHi.e.sub(ab[2]!.e).sub(ab[3]!.e.mul(256))));
    c.zero(bw.mul(bLo.e.sub(bb[0]!.e).sub(bb[1]!.e.mul(256))));
    c.zero(bw.mul(bHi.e.sub(bb[2]!.e).sub(bb[3]!.e.mul(256))));
    for (let k = 0; k < 4; k++) c.and8(ab[k]!.e, bb[k]!.e, tb[k]!.e, bw);
    const byteOut = (k: number) =>
      isAnd
        .mul(tb[k]!.e)
        .add(isOr.mul(ab[k]!.e.add(bb[k]!.e).sub(tb[k]!.e)))
        .add(isXor.mul(ab[k]!.e.add(bb[k]!.e).sub(tb[k]!.e.mul(2))));
    const arith = isAdd.add(isSub);
    const cLo = arith.mul(rLo.e).add(cmp.mul(k2.e)).add(byteOut(0)).add(byteOut(1).mul(256));
    const cHi = arith.mul(rHi.e).add(byteOut(2)).add(byteOut(3).mul(256));

    const acc = operandAccesses(A, o, { rs1: A.real, rs2: A.real.sub(isImm), rd: A.real }, [cLo, cHi]);
    A.decode({ rd: rd.e, rs1: rs1.e, rs2: rs2.e, immA: isImm.mul(bLo.e), immB: isImm.mul(bHi.e) });
    A.next(A.pc.e.add(4));
    c.pin([rd, rs1, rs2, aLo, aHi, bLo, bHi, pLo, pHi], A.real);
    c.pin([rLo, rHi, k1, k2], isAdd.add(subLike));
    c.pin([sa, sb], isLt);
    c.pin([...ab, ...bb, ...tb], bw);
    return {
      A,
      rd,
      rs1,
      rs2,
      aLo,
      aHi,
      bLo,
      bHi,
      pLo,
      pHi,
      rLo,
      rHi,
      k1,
      k2,
      sa,
      sb,
      ab,
      bb,
      tb,
      o,
      acc,
    };
  });
}

export type AluChip = ReturnType<typeof aluChip>;

/** The ALU's result (the executor's semantics, restated). */
export function aluResult(name: string, a: number, b: number): number {
  switch (name) {
    case "lui":
    case "add":
    case "addi":
      return (a + b) >>> 0;
    case "sub":
      return (a - b) >>> 0;
    case "slt":
    case "slti":
      return (a | 0) < (b | 0) ? 1 : 0;
    case "sltu":
    case "sltiu":
      return a >>> 0 < b >>> 0 ? 1 : 0;
    case "xor":
    case "xori":
      return (a ^ b) >>> 0;
    case "or":
    case "ori":
      return (a | b) >>> 0;
    case "and":
    case "andi":
      return (a & b) >>> 0;
    default:
      throw new Error(`alu: no op ${name}`);
  }
}

/** Fills one ALU row; returns the value written to rd. `result` overrides it (dishonest witnesses only). */
export function aluRow(
  chip: AluChip,
  tr: Trace,
  row: number,
  cy: CycleWitness,
  d: Decoded,
  result?: number,
): number {
  const L = chip.cols;
  const name = d.spec.name;
  const { a, b } = fillOperands(
    tr,
    row,
    L.A,
    L.o,
    L.acc,
    OPS.indexOf(d.spec),
    cy,
    d,
    { rs1: true, rs2: d.spec.rs2 },
    (d.immB << 16) | d.immA,
  );
  const c = result ?? aluResult(name, a, b);
  const signed = name === "slt" || name === "slti";
  const sa = signed ? a >>> 31 : 0;
  const sb = signed ? b >>> 31 : 0;
  tr.set(L.sa, row, sa);
  tr.set(L.sb, row, sb);
  if (name === "lui" || name === "add" || name === "addi") {
    const lo = (a & 0xffff) + (b & 0xffff);
    const k1 = lo >>> 16;
    const hi = (a >>> 16) + (b >>> 16) + k1;
    tr.set(L.rLo, row, lo & 0xffff);
    tr.set(L.rHi, row, hi & 0xffff);
    tr.set(L.k1, row, k1);
    tr.set(L.k2, row, hi >>> 16);
  } else if (name === "sub" || name.startsWith("slt")) {
    const fa = signed ? (a ^ 0x80000000) >>> 0 : a;
    const fb = signed ? (b ^ 0x80000000) >>> 0 : b;
    const lo = (fa & 0xffff) - (fb & 0xffff);
    const k1 = lo < 0 ? 1 : 0;
    const hi = (fa >>> 16) - (fb >>> 16) - k1;
    tr.set(L.rLo, row, lo & 0xffff);
    tr.set(L.rHi, row, hi & 0xffff);
    tr.set(L.k1, row, k1);
    tr.set(L.k2, row, hi < 0 ? 1 : 0);
  } else {
    for (let k = 0; k < 4; k++) {
      const x = (a >>> (8 * k)) & 255;
      const y = (b >>> (8 * k)) & 255;
      tr.set(L.ab[k]!, row, x);
      tr.set(L.bb[k]!, row, y);
      tr.set(L.tb[k]!, row, x & y);
    }
  }
  fillResult(tr, row, L.o, L.acc, cy, d.rd, c);
  return c;
}
