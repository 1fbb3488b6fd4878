/**
 * WebAssembly code for the group law of a short Weierstrass curve y² = x³ + b (a = 0: BN254's G1 over Fp
 * and G2 over Fp2) in Jacobian coordinates (x = X/Z², y = Y/Z³; Z = 0 is the point at infinity), over a
 * field's functions (field-wasm.ts, fp2-wasm.ts). Formulas from the Explicit-Formulas Database:
 * madd-2007-bl (7M + 4S), add-2007-bl (11M + 5S), dbl-2009-l (2M + 5S). Every edge case the formulas
 * exclude (an operand at infinity, equal points, opposite points) is detected and handled, so the functions
 * are complete.
 */
import { FunctionBuilder, type ModuleBuilder, Op } from "../../wasm/builder.ts";
import type { FieldFunctions } from "./field-wasm.ts";
import { type Address, at, call, type ScratchSpace, signedCopy } from "./wasm-calls.ts";

export interface CurveFunctions {
  /** Bytes of a Jacobian point (X ‖ Y ‖ Z); an affine point (x ‖ y) takes the first two thirds. */
  readonly jacobianBytes: number;
  /** (P, Q, negate): P ← P + (±Q) with Q affine (never at infinity), negated when `negate` ≠ 0. */
  readonly addAffine: number;
  /** (P, Q): P ← P + Q, both Jacobian. */
  readonly add: number;
  /** (P): P ← 2P. */
  readonly double: number;
}

/**
 * `one` is the address of the field's multiplicative identity, `zero` of its zero (the caller writes both).
 */
export function addJacobianCurve(
  mod: ModuleBuilder,
  F: FieldFunctions,
  one: number,
  zero: number,
  scratch: ScratchSpace,
): CurveFunctions {
  const e = F.bytes;
  const tmp = () => scratch.alloc(e);
  const isZero = (f: FunctionBuilder, a: Address) => call(f, F.isZero, a);
  const X1 = at(0, 0);
  const Y1 = at(0, e);
  const Z1 = at(0, 2 * e);
  const X2 = at(1, 0);
  const Y2 = at(1, e);
  const Z2 = at(1, 2 * e);

  // Doubling, dbl-2009-l.
  const double = new FunctionBuilder(["i32"]);
  const doubleIndex = mod.add(double);
  {
    const f = double;
    const [A, B, C, D, E, T] = [tmp(), tmp(), tmp(), tmp(), tmp(), tmp()];
    isZero(f, Z1);
    f.if().op(Op.return).end();
    call(f, F.sqr, A, X1);
    call(f, F.sqr, B, Y1);
    call(f, F.sqr, C, B);
    call(f, F.add, D, X1, B);
    call(f, F.sqr, D, D);
    call(f, F.sub, D, D, A);
    call(f, F.sub, D, D, C);
    call(f, F.add, D, D, D);
    call(f, F.add, E, A, A);
    call(f, F.add, E, E, A);
    // Z3 = 2·Y1·Z1 before Y1 is overwritten.
    call(f, F.mul, Z1, Y1, Z1);
    call(f, F.add, Z1, Z1, Z1);
    call(f, F.sqr, T, E);
    call(f, F.sub, T, T, D);
    call(f, F.sub, X1, T, D);
    call(f, F.sub, T, D, X1);
    call(f, F.mul, T, E, T);
    call(f, F.add, C, C, C);
    call(f, F.add, C, C, C);
    call(f, F.add, C, C, C);
    call(f, F.sub, Y1, T, C);
  }

  /**
   * The tail shared by both additions once U1 (X1 or U1), S1, H = U2 − U1 and R = S2 − S1 are known and
   * H ≠ 0: X3 = r² − J − 2V, Y3 = r(V − X3) − 2·S1·J with I = 4H², J = H·I, r = 2R, V = U1·I. Z3 is the
   * caller's.
   */
  const finish = (f: FunctionBuilder, U1: Address, S1: Address, H: Address, R: Address) => {
    const [I, J, V, T] = [tmp(), tmp(), tmp(), tmp()];
    call(f, F.add, I, H, H);
    call(f, F.sqr, I, I);
    call(f, F.mul, J, H, I);
    call(f, F.add, R, R, R);
    call(f, F.mul, V, U1, I);
    call(f, F.sqr, T, R);
    call(f, F.sub, T, T, J);
    call(f, F.sub, T, T, V);
    call(f, F.sub, X1, T, V);
    call(f, F.sub, T, V, X1);
    call(f, F.mul, T, R, T);
    call(f, F.mul, J, S1, J);
    call(f, F.add, J, J, J);
    call(f, F.sub, Y1, T, J);
  };

  /** H = 0: the points are equal (R = 0: double) or opposite (the sum is at infinity). */
  const equalX = (f: FunctionBuilder, H: Address, R: Address, doubleFirst: () => void) => {
    isZero(f, H);
    f.if();
    isZero(f, R);
    f.if();
    doubleFirst();
    f.op(Op.else);
    call(f, F.copy, Z1, zero);
    f.end();
    f.op(Op.return);
    f.end();
  };

  // Mixed addition, madd-2007-bl.
  const addAffine = new FunctionBuilder(["i32", "i32", "i32"]);
  {
    const f = addAffine;
    const [y2, Z1Z1, U2, S2, H, R, HH] = [tmp(), tmp(), tmp(), tmp(), tmp(), tmp(), tmp()];
    signedCopy(f, F, y2, Y2, () => f.get(2));
    isZero(f, Z1);
    f.if();
    call(f, F.copy, X1, X2);
    call(f, F.copy, Y1, y2);
    call(f, F.copy, Z1, one);
    f.op(Op.return);
    f.end();
    call(f, F.sqr, Z1Z1, Z1);
    call(f, F.mul, U2, X2, Z1Z1);
    call(f, F.mul, S2, y2, Z1);
    call(f, F.mul, S2, S2, Z1Z1);
    call(f, F.sub, H, U2, X1);
    call(f, F.sub, R, S2, Y1);
    equalX(f, H, R, () => call(f, doubleIndex, at(0)));
    call(f, F.sqr, HH, H);
    // Z3 = (Z1 + H)² − Z1Z1 − HH, before finish() consumes H.
    call(f, F.add, Z1, Z1, H);
    call(f, F.sqr, Z1, Z1);
    call(f, F.sub, Z1, Z1, Z1Z1);
    call(f, F.sub, Z1, Z1, HH);
    finish(f, X1, Y1, H, R);
  }

  // Addition, add-2007-bl.
  const add = new FunctionBuilder(["i32", "i32"]);
  {
    const f = add;
    const [Z1Z1, Z2Z2, U1, U2, S1, S2, H, R] = [tmp(), tmp(), tmp(), tmp(), tmp(), tmp(), tmp(), tmp()];
    isZero(f, Z2);
    f.if().op(Op.return).end();
    isZero(f, Z1);
    f.if();
    call(f, F.copy, X1, X2);
    call(f, F.copy, Y1, Y2);
    call(f, F.copy, Z1, Z2);
    f.op(Op.return);
    f.end();
    call(f, F.sqr, Z1Z1, Z1);
    call(f, F.sqr, Z2Z2, Z2);
    call(f, F.mul, U1, X1, Z2Z2);
    call(f, F.mul, U2, X2, Z1Z1);
    call(f, F.mul, S1, Y1, Z2);
    call(f, F.mul, S1, S1, Z2Z2);
    call(f, F.mul, S2, Y2, Z1);
    call(f, F.mul, S2, S2, Z1Z1);
    call(f, F.sub, H, U2, U1);
    call(f, F.sub, R, S2, S1);
    equalX(f, H, R, () => call(f, doubleIndex, at(0)));
    // Z3 = ((Z1 + Z2)² − Z1Z1 − Z2Z2)·H.
    call(f, F.add, Z1, Z1, Z2);
    call(f, F.sqr, Z1, Z1);
    call(f, F.sub, Z1, Z1, Z1Z1);
    call(f, F.sub, Z1, Z1, Z2Z2);
    call(f, F.mul, Z1, Z1, H);
    finish(f, U1, S1, H, R);
  }

  return {
    jacobianBytes: 3 * e,
    addAffine: mod.add(addAffine),
    add: mod.add(add),
    double: doubleIndex,
  };
}
