import type { Expr } from "../../stark/expr.ts";
import { asBlock, type RecursionChip, readBlock, writeBlock } from "./chip.ts";

/** Arithmetic chips: base-field ALU, extension-field ALU, select. */

/** z = add·(x + y) + sub·(x − y) + mul·x·y on base values. */
export const baseAluChip: RecursionChip<"baseAlu"> = {
  kind: "baseAlu",
  name: "base-alu",
  // a, b, out, isAdd, isSub, isMul, mult, real
  fixedWidth: 8,
  mainWidth: 3,
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
  define(t, c) {
    const [x, y, z] = [c.main(0), c.main(1), c.main(2)];
    t.assertZero(
      z
        .sub(c.fixed(3).mul(x.add(y)))
        .sub(c.fixed(4).mul(x.sub(y)))
        .sub(c.fixed(5).mul(x.mul(y))),
    );
    readBlock(t, c.fixed(0), asBlock(x), c.fixed(7));
    readBlock(t, c.fixed(1), asBlock(y), c.fixed(7));
    writeBlock(t, c.fixed(2), asBlock(z), c.fixed(6));
  },
  mainRow: (ins, value) => [value(ins.a)[0]!, value(ins.b)[0]!, value(ins.out)[0]!],
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

/**
 * O = A + B, A − B, A·B, or (inv) O·A = 1 in F₄, selected by preprocessed flags; an inverse of zero has no
 * satisfying O.
 */
export const extAluChip: RecursionChip<"extAlu"> = {
  kind: "extAlu",
  name: "ext-alu",
  // a, b, out, isAdd, isSub, isMul, isInv, mult, real
  fixedWidth: 9,
  mainWidth: 12,
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
  define(t, c) {
    const A = [0, 1, 2, 3].map((l) => c.main(l));
    const B = [4, 5, 6, 7].map((l) => c.main(l));
    const O = [8, 9, 10, 11].map((l) => c.main(l));
    const ab = extProduct(A, B);
    const oa = extProduct(O, A);
    for (let l = 0; l < 4; l++) {
      t.assertZero(
        c
          .fixed(3)
          .mul(O[l]!.sub(A[l]!).sub(B[l]!))
          .add(c.fixed(4).mul(O[l]!.sub(A[l]!).add(B[l]!)))
          .add(c.fixed(5).mul(O[l]!.sub(ab[l]!)))
          .add(c.fixed(6).mul(oa[l]!.sub(l === 0 ? 1 : 0))),
      );
    }
    readBlock(t, c.fixed(0), A, c.fixed(8));
    readBlock(t, c.fixed(1), B, c.fixed(8));
    writeBlock(t, c.fixed(2), O, c.fixed(7));
  },
  mainRow: (ins, value) => [...value(ins.a), ...value(ins.b), ...value(ins.out)],
};

/** O = B + s·(A − B) block-wise, for a bit s. */
export const selectChip: RecursionChip<"select"> = {
  kind: "select",
  name: "select",
  // bit, a, b, out, mult, real
  fixedWidth: 6,
  mainWidth: 13,
  fixedRow: (ins, reads) => [ins.bit, ins.a, ins.b, ins.out, reads[ins.out]!, 1],
  define(t, c) {
    const s = c.main(0);
    const A = [1, 2, 3, 4].map((l) => c.main(l));
    const B = [5, 6, 7, 8].map((l) => c.main(l));
    const O = [9, 10, 11, 12].map((l) => c.main(l));
    for (let l = 0; l < 4; l++) t.assertZero(O[l]!.sub(B[l]!).sub(s.mul(A[l]!.sub(B[l]!))));
    readBlock(t, c.fixed(0), asBlock(s), c.fixed(5));
    readBlock(t, c.fixed(1), A, c.fixed(5));
    readBlock(t, c.fixed(2), B, c.fixed(5));
    writeBlock(t, c.fixed(3), O, c.fixed(4));
  },
  mainRow: (ins, value) => [value(ins.bit)[0]!, ...value(ins.a), ...value(ins.b), ...value(ins.out)],
};
