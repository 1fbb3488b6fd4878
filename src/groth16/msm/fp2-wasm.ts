/**
 * WebAssembly code for BN254's quadratic extension Fp2 = Fp[u]/(u² + 1), over the base field's functions
 * (field-wasm.ts). An element is c0 ‖ c1, each a base-field element. As in the base field, every function
 * reads what it needs before writing its output, so outputs may alias inputs.
 */
import { FunctionBuilder, type ModuleBuilder } from "../../wasm/builder.ts";
import { copyFunction, type FieldFunctions, isZeroFunction } from "./field-wasm.ts";
import { at, call, type ScratchSpace } from "./wasm-calls.ts";

export function addQuadraticExtension(
  mod: ModuleBuilder,
  fp: FieldFunctions,
  scratch: ScratchSpace,
): FieldFunctions {
  const e = fp.bytes;
  const [t0, t1, t2, t3] = [0, 1, 2, 3].map(() => scratch.alloc(e)) as [number, number, number, number];
  const [o, a, b] = [at(0), at(1), at(2)];
  const [o1, a1, b1] = [at(0, e), at(1, e), at(2, e)];

  // Karatsuba: (a0 + a1·u)(b0 + b1·u) = (a0b0 − a1b1) + ((a0 + a1)(b0 + b1) − a0b0 − a1b1)·u.
  const mul = new FunctionBuilder(["i32", "i32", "i32"]);
  call(mul, fp.mul, t0, a, b);
  call(mul, fp.mul, t1, a1, b1);
  call(mul, fp.add, t2, a, a1);
  call(mul, fp.add, t3, b, b1);
  call(mul, fp.mul, t2, t2, t3);
  call(mul, fp.sub, o, t0, t1);
  call(mul, fp.sub, t2, t2, t0);
  call(mul, fp.sub, o1, t2, t1);

  // (a0 + a1·u)² = (a0 + a1)(a0 − a1) + 2·a0·a1·u.
  const sqr = new FunctionBuilder(["i32", "i32"]);
  call(sqr, fp.add, t0, a, a1);
  call(sqr, fp.sub, t1, a, a1);
  call(sqr, fp.mul, t2, a, a1);
  call(sqr, fp.mul, o, t0, t1);
  call(sqr, fp.add, o1, t2, t2);

  const componentwise = (fn: number, binary: boolean) => {
    const f = new FunctionBuilder(binary ? ["i32", "i32", "i32"] : ["i32", "i32"]);
    if (binary) {
      call(f, fn, o, a, b);
      call(f, fn, o1, a1, b1);
    } else {
      call(f, fn, o, a);
      call(f, fn, o1, a1);
    }
    return f;
  };

  return {
    bytes: 2 * e,
    mul: mod.add(mul),
    sqr: mod.add(sqr),
    add: mod.add(componentwise(fp.add, true)),
    sub: mod.add(componentwise(fp.sub, true)),
    neg: mod.add(componentwise(fp.neg, false)),
    copy: mod.add(copyFunction((2 * e) / 4)),
    isZero: mod.add(isZeroFunction((2 * e) / 4)),
  };
}
