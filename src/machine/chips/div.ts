import { inv } from "../../field/babybear.ts";
import { div, divu, rem, remu } from "../../zkvm/decode.ts";
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
import { bytesOf, multiplyAdd, multiplyAddWitness } from "./multiplier.ts";

/**
 * DIV, DIVU, REM, REMU: the prover supplies quotient q and remainder r, and the chip checks
 * q·b + r = a as 64-bit integers (operands sign-extended for the signed forms) with |r| < |b| and r
 * having a's sign (or being 0). For b = 0 it requires q = 2^32 − 1 (and the equation gives r = a), as
 * RISC-V defines. The quotient's extension sign is sign(a) ⊕ sign(b) unless q = 0, which also makes the
 * overflow case (−2^31 / −1 = −2^31, remainder 0) satisfy the equation exactly.
 */
const OPS = opsOf("div");

export function divChip() {
  return defineChip("div", (c: ChipContext) => {
    const A = defineAdapter(c, OPS);
    const o = operandColumns(c);
    const { rd, rs1, rs2, aLo, aHi, bLo, bHi, pLo, pHi } = o;
    const qb = c.cols("q", 4);
    const yb = c.cols("b_byte", 4);
    const [rLo, rHi] = [c.col("r_lo"), c.col("r_hi")];
    const kc = c.cols("carry", 4);
    const [sa, sb, sr, sq] = [c.col("sign_a"), c.col("sign_b"), c.col("sign_r"), c.col("sign_q")];
    const [nzq, nzqInv, nzb, nzbInv, nzr, nzrInv] = [
      c.col("q_nonzero"),
      c.col("q_inv"),
      c.col("b_nonzero"),
      c.col("b_inv"),
      c.col("r_nonzero"),
      c.col("r_inv"),
    ];
    const [dLo, dHi, k1a, k1b] = [c.col("slack_lo"), c.col("slack_hi"), c.col("borrow_a"), c.col("borrow_b")];
    const one = c.k(1);
    const isSigned = A.is("div", "rem");
    const isQuot = A.is("div", "divu");
    const isRem = A.is("rem", "remu");
    for (const x of [sa, sb, sr, nzq, nzb, nzr, k1a, k1b]) c.bool(x.e);
    const qLo = qb[0]!.e.add(qb[1]!.e.mul(256));
    const qHi = qb[2]!.e.add(qb[3]!.e.mul(256));
    for (const v of qb) c.byte(v.e, A.real);
    c.zero(bLo.e.sub(yb[0]!.e).sub(yb[1]!.e.mul(256)));
    c.zero(bHi.e.sub(yb[2]!.e).sub(yb[3]!.e.mul(256)));
    for (const v of yb) c.byte(v.e, A.real);
    c.range16(rLo.e, A.real);
    c.range16(rHi.e, A.real);
    // Signs (zero for the unsigned forms).
    c.range16(aHi.e.sub(sa.e.mul(32768)).mul(2), isSigned);
    c.range16(bHi.e.sub(sb.e.mul(32768)).mul(2), isSigned);
    c.range16(rHi.e.sub(sr.e.mul(32768)).mul(2), isSigned);
    c.pin([sa, sb, sr], isSigned);
    // Non-zero flags of q, b, r (their halves are non-negative, so a zero sum means zero).
    const nonzero = (v: ReturnType<typeof c.k>, flag: typeof nzq, inverse: typeof nzq) => {
      c.zero(v.mul(inverse.e).sub(flag.e));
      c.zero(one.sub(flag.e).mul(v));
      c.zero(one.sub(flag.e).mul(inverse.e));
    };
    nonzero(qLo.add(qHi), nzq, nzqInv);
    nonzero(bLo.e.add(bHi.e), nzb, nzbInv);
    nonzero(rLo.e.add(rHi.e), nzr, nzrInv);
    // sign(q) = sign(a) ⊕ sign(b) unless q = 0; sign(r) = sign(a) unless r = 0.
    c.zero(sq.e.sub(sa.e.add(sb.e).sub(sa.e.mul(sb.e).mul(2)).mul(nzq.e)));
    c.zero(sr.e.sub(sa.e.mul(nzr.e)));
    // Division by zero: q = 2^32 − 1.
    c.zero(one.sub(nzb.e).mul(A.real).mul(qLo.sub(65535)));
    c.zero(one.sub(nzb.e).mul(A.real).mul(qHi.sub(65535)));
    // q·b + r = a (64-bit, extended by their signs).
    const ext = (s: typeof sa) => s.e.mul(65535);
    multiplyAdd(
      c,
      qb.map((v) => v.e),
      sq.e,
      yb.map((v) => v.e),
      sb.e,
      [rLo.e, rHi.e, ext(sr), ext(sr)],
      [aLo.e, aHi.e, ext(sa), ext(sa)],
      kc,
      A.real,
    );
    // |r| < |b| when b ≠ 0: |b| − |r| − 1 = slack ≥ 0, with |v| = (v or ~v) + sign as halves.
    const abs = (lo: typeof aLo, hi: typeof aHi, s: typeof sa) => [
      lo.e.add(s.e.mul(c.k(65535).sub(lo.e.mul(2)))),
      hi.e.add(s.e.mul(c.k(65535).sub(hi.e.mul(2)))),
    ];
    const [bbLo, bbHi] = abs(bLo, bHi, sb);
    const [rrLo, rrHi] = abs(rLo, rHi, sr);
    // The borrow k1 ∈ {0, 1, 2} has one encoding: k1a + 2·k1b with not both set.
    c.zero(k1a.e.mul(k1b.e));
    const k1 = k1a.e.add(k1b.e.mul(2));
    c.zero(nzb.e.mul(dLo.e.sub(bbLo!.add(sb.e).sub(rrLo!).sub(sr.e).sub(1)).sub(k1.mul(65536))));
    c.zero(nzb.e.mul(dHi.e.sub(bbHi!).add(rrHi!).add(k1)));
    c.range16(dLo.e, nzb.e);
    c.range16(dHi.e, nzb.e);
    const outLo = isQuot.mul(qLo).add(isRem.mul(rLo.e));
    const outHi = isQuot.mul(qHi).add(isRem.mul(rHi.e));
    const acc = operandAccesses(A, o, { rs1: A.real, rs2: A.real, rd: A.real }, [outLo, outHi]);
    A.decode({ rd: rd.e, rs1: rs1.e, rs2: rs2.e });
    A.next(A.pc.e.add(4));
    c.pin([rd, rs1, rs2, aLo, aHi, bLo, bHi, pLo, pHi, ...qb, ...yb, rLo, rHi, ...kc, sq], A.real);
    c.pin([dLo, dHi, k1a, k1b], nzb.e);
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
      qb,
      yb,
      rLo,
      rHi,
      kc,
      sa,
      sb,
      sr,
      sq,
      nzq,
      nzqInv,
      nzb,
      nzbInv,
      nzr,
      nzrInv,
      dLo,
      dHi,
      k1a,
      k1b,
      o,
      acc,
    };
  });
}

export type DivChip = ReturnType<typeof divChip>;

const sum16 = (v: number) => (v & 0xffff) + (v >>> 16);

/** Fills one row; `qr` overrides the quotient and remainder (dishonest witnesses only). */
export function divRow(
  chip: DivChip,
  tr: Trace,
  row: number,
  cy: CycleWitness,
  d: Decoded,
  qr?: { q: number; r: number },
): number {
  const L = chip.cols;
  const name = d.spec.name;
  const read = { rs1: true, rs2: true };
  const { a, b } = fillOperands(tr, row, L.A, L.o, L.acc, OPS.indexOf(d.spec), cy, d, read);
  const signed = name === "div" || name === "rem";
  const q = (qr?.q ?? (signed ? div(a | 0, b | 0) : divu(a | 0, b | 0))) >>> 0;
  const r = (qr?.r ?? (signed ? rem(a | 0, b | 0) : remu(a | 0, b | 0))) >>> 0;
  const sa = signed ? a >>> 31 : 0;
  const sb = signed ? b >>> 31 : 0;
  const sr = signed ? r >>> 31 : 0;
  const sq = q !== 0 ? sa ^ sb : 0;
  bytesOf(q).forEach((v, k) => tr.set(L.qb[k]!, row, v));
  bytesOf(b).forEach((v, k) => tr.set(L.yb[k]!, row, v));
  setHalves(tr, row, L.rLo, L.rHi, r);
  tr.set(L.sa, row, sa);
  tr.set(L.sb, row, sb);
  tr.set(L.sr, row, sr);
  tr.set(L.sq, row, sq);
  for (const [v, flag, inverse] of [
    [q, L.nzq, L.nzqInv],
    [b, L.nzb, L.nzbInv],
    [r, L.nzr, L.nzrInv],
  ] as const) {
    tr.set(flag, row, v !== 0 ? 1 : 0);
    tr.set(inverse, row, v !== 0 ? inv(sum16(v)) : 0);
  }
  const p = multiplyAddWitness(bytesOf(q), sq, bytesOf(b), sb, [
    r & 0xffff,
    r >>> 16,
    65535 * sr,
    65535 * sr,
  ]);
  p.carries.forEach((v, k) => tr.set(L.kc[k]!, row, v));
  if (b !== 0) {
    const absB = sb ? 2 ** 32 - b : b;
    const absR = sr ? 2 ** 32 - r : r;
    const slack = absB - absR - 1;
    const bbLo = sb ? 65535 - (b & 0xffff) : b & 0xffff;
    const rrLo = sr ? 65535 - (r & 0xffff) : r & 0xffff;
    const low = bbLo + sb - rrLo - sr - 1;
    const k1 = low < 0 ? Math.ceil(-low / 65536) : 0;
    tr.set(L.k1a, row, k1 === 1 ? 1 : 0);
    tr.set(L.k1b, row, k1 === 2 ? 1 : 0);
    if (slack >= 0) setHalves(tr, row, L.dLo, L.dHi, slack);
  }
  const out = name === "div" || name === "divu" ? q : r;
  fillResult(tr, row, L.o, L.acc, cy, d.rd, out);
  return out;
}
