import type { Col } from "../../machine/chip.ts";
import type { Expr } from "../../stark/expr.ts";
import { asBlock, type RecursionChip, readBlock, writeBlock, zeroWhenPadding } from "./chip.ts";

/** Arithmetic chips: base-field ALU, extension-field ALU, select, bit decomposition. */

/** z = add·(x + y) + sub·(x − y) + mul·x·y on base values. */
export const baseAluChip: RecursionChip<"baseAlu", { x: Col; y: Col; z: Col }> = {
  name: "base-alu",
  kinds: ["baseAlu"],
  // a, b, out, isAdd, isSub, isMul, mult, real
  fixedWidth: 8,
  fixedRow: (ins, reads) => [
    ins.a,
    ins.b,
    ins.out,
    ins.op === "add" ? 1 : 0,
    ins.op === "sub" ? 1 : 0,
    ins.op === "mul" ? 1 : 0,
    reads[ins.out]!,
    1,
  ],
  define(c, fixed) {
    const [x, y, z] = [c.col("x"), c.col("y"), c.col("z")];
    zeroWhenPadding(c, fixed(7), [x, y]);
    c.zero(
      z.e
        .sub(fixed(3).mul(x.e.add(y.e)))
        .sub(fixed(4).mul(x.e.sub(y.e)))
        .sub(fixed(5).mul(x.e.mul(y.e))),
    );
    readBlock(c.t, fixed(0), asBlock(x.e), fixed(7));
    readBlock(c.t, fixed(1), asBlock(y.e), fixed(7));
    writeBlock(c.t, fixed(2), asBlock(z.e), fixed(6));
    return { x, y, z };
  },
  fill(tr, row, cols, ins, value) {
    if (!ins) return;
    tr.set(cols.x, row, value(ins.a)[0]!);
    tr.set(cols.y, row, value(ins.b)[0]!);
    tr.set(cols.z, row, value(ins.out)[0]!);
  },
};

/** The product in F₄ = F[X]/(X⁴ − 11), as expressions of the coordinates. */
export function extProduct(a: readonly Expr[], b: readonly Expr[]): Expr[] {
  const [a0, a1, a2, a3] = a as [Expr, Expr, Expr, Expr];
  const [b0, b1, b2, b3] = b as [Expr, Expr, Expr, Expr];
  return [
    a0.mul(b0).add(a1.mul(b3).add(a2.mul(b2)).add(a3.mul(b1)).mul(11)),
    a0
      .mul(b1)
      .add(a1.mul(b0))
      .add(a2.mul(b3).add(a3.mul(b2)).mul(11)),
    a0.mul(b2).add(a1.mul(b1)).add(a2.mul(b0)).add(a3.mul(b3).mul(11)),
    a0.mul(b3).add(a1.mul(b2)).add(a2.mul(b1)).add(a3.mul(b0)),
  ];
}

interface ExtCols {
  readonly a: Col[];
  readonly b: Col[];
  readonly o: Col[];
}

/** O = A + B, A − B, A·B, or (inv) O·A = 1 in F₄, by preprocessed flags; the inverse of 0 has no O. */
export const extAluChip: RecursionChip<"extAlu", ExtCols> = {
  name: "ext-alu",
  kinds: ["extAlu"],
  // a, b, out, isAdd, isSub, isMul, isInv, mult, real
  fixedWidth: 9,
  fixedRow: (ins, reads) => [
    ins.a,
    ins.b,
    ins.out,
    ins.op === "add" ? 1 : 0,
    ins.op === "sub" ? 1 : 0,
    ins.op === "mul" ? 1 : 0,
    ins.op === "inv" ? 1 : 0,
    reads[ins.out]!,
    1,
  ],
  define(c, fixed) {
    const [a, b, o] = [c.cols("a", 4), c.cols("b", 4), c.cols("o", 4)];
    zeroWhenPadding(c, fixed(8), [...a, ...b, ...o]);
    const [A, B, O] = [a, b, o].map((cols) => cols.map((x) => x.e)) as [Expr[], Expr[], Expr[]];
    const ab = extProduct(A, B);
    const oa = extProduct(O, A);
    for (let l = 0; l < 4; l++) {
      c.zero(
        fixed(3)
          .mul(O[l]!.sub(A[l]!).sub(B[l]!))
          .add(fixed(4).mul(O[l]!.sub(A[l]!).add(B[l]!)))
          .add(fixed(5).mul(O[l]!.sub(ab[l]!)))
          .add(fixed(6).mul(oa[l]!.sub(l === 0 ? 1 : 0))),
      );
    }
    readBlock(c.t, fixed(0), A, fixed(8));
    readBlock(c.t, fixed(1), B, fixed(8));
    writeBlock(c.t, fixed(2), O, fixed(7));
    return { a, b, o };
  },
  fill(tr, row, cols, ins, value) {
    if (!ins) return;
    const put = (cs: Col[], v: readonly number[]) => cs.forEach((x, l) => tr.set(x, row, v[l]!));
    put(cols.a, value(ins.a));
    put(cols.b, value(ins.b));
    put(cols.o, value(ins.out));
  },
};

interface SelectCols {
  readonly s: Col;
  readonly a: Col[];
  readonly b: Col[];
  readonly o: Col[];
}

/** O = B + s·(A − B) block-wise, for a bit s (every bit the program selects on comes from `bits`). */
export const selectChip: RecursionChip<"select", SelectCols> = {
  name: "select",
  kinds: ["select"],
  // bit, a, b, out, mult, real
  fixedWidth: 6,
  fixedRow: (ins, reads) => [ins.bit, ins.a, ins.b, ins.out, reads[ins.out]!, 1],
  define(c, fixed) {
    const s = c.col("s");
    const [a, b, o] = [c.cols("a", 4), c.cols("b", 4), c.cols("o", 4)];
    zeroWhenPadding(c, fixed(5), [s, ...a, ...b]);
    for (let l = 0; l < 4; l++) c.zero(o[l]!.e.sub(b[l]!.e).sub(s.e.mul(a[l]!.e.sub(b[l]!.e))));
    readBlock(c.t, fixed(0), asBlock(s.e), fixed(5));
    readBlock(
      c.t,
      fixed(1),
      a.map((x) => x.e),
      fixed(5),
    );
    readBlock(
      c.t,
      fixed(2),
      b.map((x) => x.e),
      fixed(5),
    );
    writeBlock(
      c.t,
      fixed(3),
      o.map((x) => x.e),
      fixed(4),
    );
    return { s, a, b, o };
  },
  fill(tr, row, cols, ins, value) {
    if (!ins) return;
    tr.set(cols.s, row, value(ins.bit)[0]!);
    const put = (cs: Col[], v: readonly number[]) => cs.forEach((x, l) => tr.set(x, row, v[l]!));
    put(cols.a, value(ins.a));
    put(cols.b, value(ins.b));
    put(cols.o, value(ins.out));
  },
};

const BITS = 31;

interface BitsCols {
  readonly v: Col;
  readonly bits: Col[];
  readonly top2: Col;
  readonly top4: Col;
}

/**
 * The 31-bit decomposition of a base value, which also proves it canonical: b_i ∈ {0, 1}, v = Σ b_i·2^i,
 * and v < p = 15·2^27 + 1, i.e. when bits 27–30 are all 1 the low 27 are all 0 (top2 = b27·b28,
 * top4 = top2·b29·b30, top4·Σ_(i<27) b_i = 0: a sum of 27 bits vanishes only if each does). The low bits the
 * program asked for are written to memory.
 */
export const bitsChip: RecursionChip<"bits", BitsCols> = {
  name: "bits",
  kinds: ["bits"],
  // in, out_0..out_30, m_0..m_30, real
  fixedWidth: 2 + 2 * BITS,
  fixedRow(ins, reads) {
    const outs = Array.from({ length: BITS }, (_, i) => ins.outs[i] ?? 0);
    const mults = Array.from({ length: BITS }, (_, i) => (i < ins.outs.length ? reads[ins.outs[i]!]! : 0));
    return [ins.input, ...outs, ...mults, 1];
  },
  define(c, fixed) {
    const v = c.col("v");
    zeroWhenPadding(c, fixed(1 + 2 * BITS), [v]);
    const bits = c.cols("b", BITS);
    const [top2, top4] = [c.col("top2"), c.col("top4")];
    for (const b of bits) c.bool(b.e);
    c.zero(v.e.sub(c.sum(bits.map((b, i) => b.e.mul(2 ** i)))));
    c.zero(top2.e.sub(bits[27]!.e.mul(bits[28]!.e)));
    c.zero(top4.e.sub(top2.e.mul(bits[29]!.e).mul(bits[30]!.e)));
    c.zero(top4.e.mul(c.sum(bits.slice(0, 27).map((b) => b.e))));
    readBlock(c.t, fixed(0), asBlock(v.e), fixed(1 + 2 * BITS));
    bits.forEach((b, i) => writeBlock(c.t, fixed(1 + i), asBlock(b.e), fixed(1 + BITS + i)));
    return { v, bits, top2, top4 };
  },
  fill(tr, row, cols, ins, value) {
    if (!ins) return;
    const x = value(ins.input)[0]!;
    tr.set(cols.v, row, x);
    const b = Array.from({ length: BITS }, (_, i) => Math.floor(x / 2 ** i) % 2);
    b.forEach((bit, i) => tr.set(cols.bits[i]!, row, bit));
    tr.set(cols.top2, row, b[27]! * b[28]!);
    tr.set(cols.top4, row, b[27]! * b[28]! * b[29]! * b[30]!);
  },
};

interface Dot4Cols {
  readonly acc: Col[];
  readonly v: Col[];
  readonly c: Col[][];
  readonly o: Col[];
}

/**
 * out = acc + Σ_j c_j·v_j: four base lanes of one block (a packed opened row) against four F₄ elements, the
 * step of a DEEP row reduction. Coordinate l: out_l = acc_l + Σ_j c_(j,l)·v_j, degree 2.
 */
export const dot4Chip: RecursionChip<"dot4", Dot4Cols> = {
  name: "dot4",
  kinds: ["dot4"],
  // acc, values, c0..c3, out, mult, real
  fixedWidth: 9,
  fixedRow: (ins, reads) => [ins.acc, ins.values, ...ins.coefficients, ins.out, reads[ins.out]!, 1],
  define(c, fixed) {
    const acc = c.cols("acc", 4);
    const v = c.cols("v", 4);
    const cs = [0, 1, 2, 3].map((j) => c.cols(`c${j}_`, 4));
    const o = c.cols("o", 4);
    zeroWhenPadding(c, fixed(8), [...acc, ...v, ...cs.flat()]);
    for (let l = 0; l < 4; l++)
      c.zero(o[l]!.e.sub(acc[l]!.e).sub(c.sum(cs.map((cj, j) => cj[l]!.e.mul(v[j]!.e)))));
    readBlock(
      c.t,
      fixed(0),
      acc.map((x) => x.e),
      fixed(8),
    );
    readBlock(
      c.t,
      fixed(1),
      v.map((x) => x.e),
      fixed(8),
    );
    for (let j = 0; j < 4; j++)
      readBlock(
        c.t,
        fixed(2 + j),
        cs[j]!.map((x) => x.e),
        fixed(8),
      );
    writeBlock(
      c.t,
      fixed(6),
      o.map((x) => x.e),
      fixed(7),
    );
    return { acc, v, c: cs, o };
  },
  fill(tr, row, cols, ins, value) {
    if (!ins) return;
    const put = (cs: Col[], v: readonly number[]) => cs.forEach((x, l) => tr.set(x, row, v[l]!));
    put(cols.acc, value(ins.acc));
    put(cols.v, value(ins.values));
    ins.coefficients.forEach((a, j) => put(cols.c[j]!, value(a)));
    put(cols.o, value(ins.out));
  },
};
