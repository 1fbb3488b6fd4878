/**
 * WebAssembly code for adding many independent pairs of affine points with one field inversion (Montgomery's
 * batch-inversion trick): λ = (y₂ − y₁)/(x₂ − x₁), x₃ = λ² − x₁ − x₂, y₃ = λ(x₁ − x₃) − y₁ costs 6
 * multiplications a pair once the inversions are shared, against 11 for a Jacobian–affine addition. The
 * multi-scalar multiplication adds points into affine buckets this way (pippenger.ts).
 *
 * `batchAdd(entries, count, buckets, points, scratch)`: entry k (three u32: bucket index, point index,
 * flags with bit 0 = negate the point) sets bucket ← bucket + (±point). The pairs must not share a bucket.
 * A pair with equal x (equal or opposite points) is not added: its bit 1 is set for the caller, which
 * finishes it with `addSlow`. `scratch` takes 2·count field elements.
 *
 * `addSlow(bucket, point, negate)`: the same addition with every case handled (equal points: doubling,
 * opposite points: infinity); returns 1 when the sum is the point at infinity (the bucket is then empty).
 * `assign(bucket, point, negate)` fills an empty bucket.
 */
import { FunctionBuilder, type ModuleBuilder, Op } from "../../wasm/builder.ts";
import type { FieldFunctions } from "./field-wasm.ts";
import { type Address, at, call, type ScratchSpace, signedCopy } from "./wasm-calls.ts";

export interface BatchAffineFunctions {
  readonly batchAdd: number;
  readonly addSlow: number;
  /** (bucket, point, negate): bucket ← ±point. */
  readonly assign: number;
}

/** Bytes of one entry of the batch. */
export const ENTRY_BYTES = 12;
export const NEGATE = 1;
export const EQUAL_X = 2;

/** (out, a): a^(q−2) = a⁻¹ in the base field (0 for 0), by square-and-multiply over the fixed exponent. */
export function addFpInverse(
  mod: ModuleBuilder,
  fp: FieldFunctions,
  q: bigint,
  scratch: ScratchSpace,
): number {
  const f = new FunctionBuilder(["i32", "i32"]);
  const acc = scratch.alloc(fp.bytes);
  const e = q - 2n;
  call(f, fp.copy, acc, at(1));
  for (let bit = e.toString(2).length - 2; bit >= 0; bit--) {
    call(f, fp.sqr, acc, acc);
    if ((e >> BigInt(bit)) & 1n) call(f, fp.mul, acc, acc, at(1));
  }
  call(f, fp.copy, at(0), acc);
  return mod.add(f);
}

/** (out, a): 1/(a0 + a1·u) = (a0 − a1·u)/(a0² + a1²) in Fp2, over the base field's inverse. */
export function addFp2Inverse(
  mod: ModuleBuilder,
  fp: FieldFunctions,
  fpInverse: number,
  scratch: ScratchSpace,
): number {
  const f = new FunctionBuilder(["i32", "i32"]);
  const [t0, t1] = [scratch.alloc(fp.bytes), scratch.alloc(fp.bytes)];
  const e = fp.bytes;
  call(f, fp.sqr, t0, at(1));
  call(f, fp.sqr, t1, at(1, e));
  call(f, fp.add, t0, t0, t1);
  call(f, fpInverse, t0, t0);
  call(f, fp.mul, at(0), at(1), t0);
  call(f, fp.neg, t1, at(1, e));
  call(f, fp.mul, at(0, e), t1, t0);
  return mod.add(f);
}

/** `one` is the address of the field's multiplicative identity. */
export function addBatchAffine(
  mod: ModuleBuilder,
  F: FieldFunctions,
  inverse: number,
  one: number,
  scratch: ScratchSpace,
): BatchAffineFunctions {
  const e = F.bytes;
  const affine = 2 * e;
  // Scratch elements: ±y₂, y₂ − y₁, λ, a temporary, the running inverse, one pair's inverse.
  const Y2 = scratch.alloc(e);
  const DY = scratch.alloc(e);
  const L = scratch.alloc(e);
  const T = scratch.alloc(e);
  const INV = scratch.alloc(e);
  const IK = scratch.alloc(e);

  /** λ from DY and the inverse at `ik`, then bucket ← (x₃, y₃); X1/Y1 the bucket's, X2 the point's x. */
  const finish = (f: FunctionBuilder, X1: Address, Y1: Address, X2: Address, ik: Address) => {
    call(f, F.mul, L, DY, ik);
    call(f, F.sqr, T, L);
    call(f, F.sub, T, T, X1);
    call(f, F.sub, T, T, X2);
    // y₃ = λ(x₁ − x₃) − y₁ before x₁ is overwritten.
    call(f, F.sub, DY, X1, T);
    call(f, F.copy, X1, T);
    call(f, F.mul, DY, L, DY);
    call(f, F.sub, Y1, DY, Y1);
  };

  /** Y2 ← ±(the point's y) by the flags' bit 0. */
  const signedY = (f: FunctionBuilder, y: Address, flags: number) =>
    signedCopy(f, F, Y2, y, () => f.get(flags).i32(NEGATE).op(Op.i32_and));

  // batchAdd(entries, count, buckets, points, scratch)
  const batch = new FunctionBuilder(["i32", "i32", "i32", "i32", "i32"]);
  {
    const f = batch;
    const [entries, count, buckets, points, space] = [0, 1, 2, 3, 4];
    const k = f.local("i32");
    const entry = f.local("i32");
    const bucket = f.local("i32");
    const point = f.local("i32");
    const d = f.local("i32");
    const prefix = f.local("i32");
    const flags = f.local("i32");
    const locate = () => {
      f.get(entries).get(k).i32(ENTRY_BYTES).op(Op.i32_mul).op(Op.i32_add).set(entry);
      f.get(buckets).get(entry).load32(0).i32(affine).op(Op.i32_mul).op(Op.i32_add).set(bucket);
      f.get(points).get(entry).load32(4).i32(affine).op(Op.i32_mul).op(Op.i32_add).set(point);
      f.get(entry).load32(8).set(flags);
      // d_k at space + k·e, prefix_k = d_0·…·d_k at space + (count + k)·e.
      f.get(space).get(k).i32(e).op(Op.i32_mul).op(Op.i32_add).set(d);
      f.get(d).get(count).i32(e).op(Op.i32_mul).op(Op.i32_add).set(prefix);
    };
    f.forRange(k, 0, count, () => {
      locate();
      call(f, F.sub, at(d), at(point), at(bucket));
      call(f, F.isZero, at(d));
      f.if();
      // Equal x: leave the pair to addSlow, and keep the product chain invertible.
      f.get(entry).get(flags).i32(EQUAL_X).op(Op.i32_or).store32i(8);
      call(f, F.copy, at(d), one);
      f.end();
      f.get(k).op(Op.i32_eqz).if();
      call(f, F.copy, at(prefix), at(d));
      f.op(Op.else);
      f.get(prefix).get(prefix).i32(e).op(Op.i32_sub).get(d).call(F.mul);
      f.end();
    });
    f.get(count).op(Op.i32_eqz).if().op(Op.return).end();
    // INV = 1/(d_0·…·d_{count−1}).
    f.get(space).get(count).i32(2).op(Op.i32_mul).i32(1).op(Op.i32_sub).i32(e).op(Op.i32_mul).op(Op.i32_add);
    f.set(prefix);
    call(f, inverse, INV, at(prefix));
    // Backwards: 1/d_k = INV·prefix_{k−1}, then INV ← INV·d_k.
    f.get(count).set(k);
    f.block().loop();
    f.get(k).op(Op.i32_eqz).brIf(1);
    f.get(k).i32(1).op(Op.i32_sub).set(k);
    locate();
    f.get(k).op(Op.i32_eqz).if();
    call(f, F.copy, IK, INV);
    f.op(Op.else);
    f.i32(IK).i32(INV).get(prefix).i32(e).op(Op.i32_sub).call(F.mul);
    f.end();
    call(f, F.mul, INV, INV, at(d));
    f.get(flags).i32(EQUAL_X).op(Op.i32_and).op(Op.i32_eqz).if();
    signedY(f, at(point, e), flags);
    call(f, F.sub, DY, Y2, at(bucket, e));
    finish(f, at(bucket), at(bucket, e), at(point), IK);
    f.end();
    f.br(0).end().end();
  }

  // addSlow(bucket, point, negate) → 1 when the sum is at infinity.
  const slow = new FunctionBuilder(["i32", "i32", "i32"], ["i32"]);
  {
    const f = slow;
    const [X1, Y1, X2, Y2p] = [at(0), at(0, e), at(1), at(1, e)];
    signedY(f, Y2p, 2);
    call(f, F.sub, T, X2, X1);
    call(f, F.isZero, T);
    f.if();
    call(f, F.sub, T, Y2, Y1);
    call(f, F.isZero, T);
    f.op(Op.i32_eqz).if();
    // Opposite points.
    f.i32(1).op(Op.return);
    f.end();
    // Equal points: λ = 3x²/(2y) (y ≠ 0: BN254's groups have odd order, so no point of order 2).
    call(f, F.sqr, DY, X1);
    call(f, F.add, T, DY, DY);
    call(f, F.add, DY, T, DY);
    call(f, F.add, T, Y1, Y1);
    call(f, inverse, IK, T);
    finish(f, X1, Y1, X1, IK);
    f.i32(0).op(Op.return);
    f.end();
    call(f, F.sub, DY, Y2, Y1);
    call(f, inverse, IK, T);
    finish(f, X1, Y1, X2, IK);
    f.i32(0);
  }

  const assign = new FunctionBuilder(["i32", "i32", "i32"]);
  call(assign, F.copy, at(0), at(1));
  signedCopy(assign, F, at(0, e), at(1, e), () => assign.get(2));

  return { batchAdd: mod.add(batch), addSlow: mod.add(slow), assign: mod.add(assign) };
}
