import {
  type CycleWitness,
  defineAdapter,
  fillOperands,
  fillResult,
  operandAccesses,
  operandColumns,
  setHalves,
} from "../adapter.ts";
import { Bus } from "../buses.ts";
import { type ChipContext, defineChip, type Trace } from "../chip.ts";
import { type Decoded, opsOf } from "../ops.ts";
import { pow2Entry } from "./lookup.ts";
import { bytesOf, multiplyAdd, multiplyAddWitness } from "./multiplier.ts";

/**
 * Multiplications and shifts on one byte multiplier (see multiplier.ts). MUL takes the low half of the
 * 64-bit product, MULH/MULHSU/MULHU the high half with the operands sign- or zero-extended. Shifts multiply
 * by a power of two from the shift table: SLL(a, s) = low(a·2^s); SRL(a, s) = high(a·2^(32−s)) and SRA the
 * same with a sign-extended (s = 0 returns a). The shift amount is the low 5 bits of rs2 (or the immediate).
 */
const OPS = opsOf("mul");

export function mulChip() {
  return defineChip("mul", (c: ChipContext) => {
    const A = defineAdapter(c, OPS);
    const o = operandColumns(c);
    const { rd, rs1, rs2, aLo, aHi, bLo, bHi, pLo, pHi } = o;
    const x = c.cols("x", 4);
    const y = c.cols("y", 4);
    const [sx, sy] = [c.col("sign_x"), c.col("sign_y")];
    const h = c.cols("product", 4);
    const kc = c.cols("carry", 4);
    const [sh, q, z] = [c.col("shamt"), c.col("shamt_q"), c.col("shift_zero")];
    const [cLo, cHi] = [c.col("c_lo"), c.col("c_hi")];
    const isMulOp = A.is("mul", "mulh", "mulhsu", "mulhu");
    const isShift = A.is("sll", "srl", "sra", "slli", "srli", "srai");
    const isImmShift = A.is("slli", "srli", "srai");
    const isRight = A.is("srl", "sra", "srli", "srai");
    const isLow = A.is("mul", "sll", "slli");
    const isHigh = A.is("mulh", "mulhsu", "mulhu");
    const signedX = A.is("mulh", "mulhsu", "sra", "srai");
    const signedY = A.is("mulh");
    for (const v of [sx, sy, z]) c.bool(v.e);
    // X = a as bytes.
    c.zero(aLo.e.sub(x[0]!.e).sub(x[1]!.e.mul(256)));
    c.zero(aHi.e.sub(x[2]!.e).sub(x[3]!.e.mul(256)));
    for (const v of x) c.byte(v.e, A.real);
    // Y = b as bytes (multiplications) or 2^s / 2^(32−s) from the shift table (shifts).
    c.zero(isMulOp.mul(bLo.e.sub(y[0]!.e).sub(y[1]!.e.mul(256))));
    c.zero(isMulOp.mul(bHi.e.sub(y[2]!.e).sub(y[3]!.e.mul(256))));
    for (const v of y) c.byte(v.e, isMulOp);
    c.zero(isShift.mul(bLo.e.sub(sh.e).sub(q.e.mul(32))));
    c.u12(q.e, isShift);
    c.t.send(Bus.POW2, [sh.e.add(isRight.mul(32)), y[0]!.e, y[1]!.e, y[2]!.e, y[3]!.e, z.e], isShift, {
      bound: 1,
    });
    // Signs of the extended operands.
    c.range16(aHi.e.sub(sx.e.mul(32768)).mul(2), signedX);
    c.pin(sx, signedX);
    c.range16(bHi.e.sub(sy.e.mul(32768)).mul(2), signedY);
    c.pin(sy, signedY);
    const zero = c.k(0);
    multiplyAdd(
      c,
      x.map((v) => v.e),
      sx.e,
      y.map((v) => v.e),
      sy.e,
      [zero, zero, zero, zero],
      h.map((v) => v.e),
      kc,
      A.real,
    );
    for (const v of h) c.range16(v.e, A.real);
    c.zero(
      cLo.e
        .sub(isLow.mul(h[0]!.e))
        .sub(isHigh.mul(h[2]!.e))
        .sub(isRight.mul(h[2]!.e.add(z.e.mul(aLo.e.sub(h[2]!.e))))),
    );
    c.zero(
      cHi.e
        .sub(isLow.mul(h[1]!.e))
        .sub(isHigh.mul(h[3]!.e))
        .sub(isRight.mul(h[3]!.e.add(z.e.mul(aHi.e.sub(h[3]!.e))))),
    );
    const acc = operandAccesses(A, o, { rs1: A.real, rs2: A.real.sub(isImmShift), rd: A.real }, [
      cLo.e,
      cHi.e,
    ]);
    A.decode({ rd: rd.e, rs1: rs1.e, rs2: rs2.e, immA: isImmShift.mul(bLo.e) });
    A.next(A.pc.e.add(4));
    c.pin([rd, rs1, rs2, aLo, aHi, bLo, bHi, pLo, pHi, ...x, ...y, ...h, ...kc, cLo, cHi], A.real);
    c.pin([sh, q, z], isShift);
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
      x,
      y,
      sx,
      sy,
      h,
      kc,
      sh,
      q,
      z,
      cLo,
      cHi,
      o,
      acc,
    };
  });
}

export type MulChip = ReturnType<typeof mulChip>;

/** Fills one row; returns the value written to rd. */
export function mulRow(
  chip: MulChip,
  tr: Trace,
  row: number,
  cy: CycleWitness,
  d: Decoded,
  result?: number,
): number {
  const L = chip.cols;
  const name = d.spec.name;
  const read = { rs1: true, rs2: d.spec.rs2 };
  const { a, b } = fillOperands(tr, row, L.A, L.o, L.acc, OPS.indexOf(d.spec), cy, d, read, d.immA);
  const xs = bytesOf(a);
  xs.forEach((v, k) => tr.set(L.x[k]!, row, v));
  const isShift = !name.startsWith("mul");
  const right = name.startsWith("sr");
  let ys: number[];
  let z = 0;
  if (isShift) {
    const s = b & 31;
    tr.set(L.sh, row, s);
    tr.set(L.q, row, (b & 0xffff) >>> 5);
    const e = pow2Entry(s + (right ? 32 : 0));
    ys = bytesOf(e.y);
    z = e.z;
    tr.set(L.z, row, z);
  } else ys = bytesOf(b);
  ys.forEach((v, k) => tr.set(L.y[k]!, row, v));
  const sx = name === "mulh" || name === "mulhsu" || name === "sra" || name === "srai" ? a >>> 31 : 0;
  const sy = name === "mulh" ? b >>> 31 : 0;
  tr.set(L.sx, row, sx);
  tr.set(L.sy, row, sy);
  const p = multiplyAddWitness(xs, sx, ys, sy, [0, 0, 0, 0]);
  p.t.forEach((v, k) => tr.set(L.h[k]!, row, v));
  p.carries.forEach((v, k) => tr.set(L.kc[k]!, row, v));
  const low = (p.t[0]! | (p.t[1]! << 16)) >>> 0;
  const high = (p.t[2]! | (p.t[3]! << 16)) >>> 0;
  let c = name === "mul" || name === "sll" || name === "slli" ? low : right && z === 1 ? a : high;
  c = result ?? c;
  setHalves(tr, row, L.cLo, L.cHi, c);
  fillResult(tr, row, L.o, L.acc, cy, d.rd, c);
  return c;
}
