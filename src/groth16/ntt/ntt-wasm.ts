/**
 * WebAssembly code for number-theoretic transforms over BN254's scalar field r, used by the Groth16 prover
 * to take A, B and C from the domain to the odd coset (coset.ts). The field functions are field-wasm.ts's
 * (9 limbs of 29 bits, Montgomery R = 2^261) for modulus r.
 *
 * - `difStage(data, n, h, twiddles, stride)`: one Gentleman–Sande stage of half-size h: (u, v) ← (u + v,
 *   (u − v)·w). Stages h = n/2 … 1 take natural order to bit-reversed order.
 * - `ditStage(…)`: one Cooley–Tukey stage: (u, v) ← (u + v·w, u − v·w). Stages h = 1 … n/2 take
 *   bit-reversed order to natural order.
 *   In both, pair j of a block uses twiddles[j·stride] (stride = n/2h, the table holding ω^k for k < n/2).
 * - `powers(out, first, base, count)`: out[k] = first·base^k.
 * - `mul(out, a, b)`, `fromFfjs(out, in)`, `toFfjs(out, in)` on single elements.
 */
import { FunctionBuilder, ModuleBuilder, Op } from "../../wasm/builder.ts";
import {
  addPrimeField,
  FIELD_RESERVED_BYTES,
  FP_BYTES,
  fieldConstants,
  type PrimeFieldFunctions,
} from "../msm/field-wasm.ts";
import { at, call, ScratchSpace } from "../msm/wasm-calls.ts";
import { BN254_R } from "../types.ts";

export interface NttExports {
  difStage(data: number, n: number, h: number, twiddles: number, stride: number): void;
  ditStage(data: number, n: number, h: number, twiddles: number, stride: number): void;
  powers(out: number, first: number, base: number, count: number): void;
  mul(out: number, a: number, b: number): void;
  fromFfjs(out: number, input: number): void;
  toFfjs(out: number, input: number): void;
}

export interface NttInstance {
  readonly exports: NttExports;
  readonly memory: WebAssembly.Memory;
  readonly heapStart: number;
}

/** One stage: blocks of 2h elements, pairs (s + j, s + j + h). */
function stageFunction(F: PrimeFieldFunctions, temp: number, dif: boolean): FunctionBuilder {
  const f = new FunctionBuilder(["i32", "i32", "i32", "i32", "i32"]);
  const [data, n, h, twiddles, stride] = [0, 1, 2, 3, 4];
  const s = f.local("i32");
  const j = f.local("i32");
  const u = f.local("i32");
  const v = f.local("i32");
  const w = f.local("i32");
  const e = FP_BYTES;
  f.i32(0).set(s);
  f.block().loop();
  f.get(s).get(n).op(Op.i32_ge_u).brIf(1);
  f.forRange(j, 0, h, () => {
    f.get(data).get(s).get(j).op(Op.i32_add).i32(e).op(Op.i32_mul).op(Op.i32_add).set(u);
    f.get(u).get(h).i32(e).op(Op.i32_mul).op(Op.i32_add).set(v);
    f.get(twiddles).get(j).get(stride).op(Op.i32_mul).i32(e).op(Op.i32_mul).op(Op.i32_add).set(w);
    if (dif) {
      call(f, F.sub, temp, at(u), at(v));
      call(f, F.add, at(u), at(u), at(v));
      call(f, F.mul, at(v), temp, at(w));
    } else {
      call(f, F.mul, temp, at(v), at(w));
      call(f, F.sub, at(v), at(u), temp);
      call(f, F.add, at(u), at(u), temp);
    }
  });
  f.get(s).get(h).i32(2).op(Op.i32_mul).op(Op.i32_add).set(s);
  f.br(0).end().end();
  return f;
}

function powersFunction(F: PrimeFieldFunctions): FunctionBuilder {
  const f = new FunctionBuilder(["i32", "i32", "i32", "i32"]);
  const [out, first, base, count] = [0, 1, 2, 3];
  const k = f.local("i32");
  const p = f.local("i32");
  f.get(count).op(Op.i32_eqz).if().op(Op.return).end();
  call(f, F.copy, at(out), at(first));
  f.forRange(k, 1, count, () => {
    f.get(out).get(k).i32(FP_BYTES).op(Op.i32_mul).op(Op.i32_add).set(p);
    f.get(p).get(p).i32(FP_BYTES).op(Op.i32_sub).get(base).call(F.mul);
  });
  return f;
}

let cached: { bytes: Uint8Array<ArrayBuffer>; heapStart: number } | undefined;

export function instantiateNtt(): NttInstance {
  if (!cached) {
    const mod = new ModuleBuilder();
    const scratch = new ScratchSpace(FIELD_RESERVED_BYTES);
    const F = addPrimeField(mod, BN254_R);
    const temp = scratch.alloc(FP_BYTES);
    mod.add(stageFunction(F, temp, true), "difStage");
    mod.add(stageFunction(F, temp, false), "ditStage");
    mod.add(powersFunction(F), "powers");
    mod.exportAs(F.mul, "mul");
    mod.exportAs(F.fromFfjs, "fromFfjs");
    mod.exportAs(F.toFfjs, "toFfjs");
    const heapStart = Math.ceil(scratch.end / 65536) * 65536;
    cached = { bytes: mod.encode(heapStart / 65536), heapStart };
  }
  const instance = new WebAssembly.Instance(new WebAssembly.Module(cached.bytes));
  const memory = instance.exports.memory as WebAssembly.Memory;
  new Uint8Array(memory.buffer).set(new Uint8Array(fieldConstants(BN254_R).buffer), 0);
  return { exports: instance.exports as unknown as NttExports, memory, heapStart: cached.heapStart };
}
