import { describe, expect, it } from "vitest";
import { FunctionBuilder, ModuleBuilder, Op, sleb, uleb } from "../../src/wasm/builder.ts";

const encode = (f: (out: number[]) => void) => {
  const out: number[] = [];
  f(out);
  return out;
};

describe("WebAssembly builder", () => {
  it("encodes LEB128 as the specification's examples do", () => {
    expect(encode((o) => uleb(0, o))).toEqual([0x00]);
    expect(encode((o) => uleb(624485, o))).toEqual([0xe5, 0x8e, 0x26]);
    expect(encode((o) => sleb(-123456n, o))).toEqual([0xc0, 0xbb, 0x78]);
    expect(encode((o) => sleb(63n, o))).toEqual([0x3f]);
    expect(encode((o) => sleb(64n, o))).toEqual([0xc0, 0x00]);
    expect(encode((o) => sleb(-64n, o))).toEqual([0x40]);
  });

  it("emits a module the engine validates and runs (64-bit arithmetic)", () => {
    const f = new FunctionBuilder(["i64", "i64"], ["i64"]);
    f.get(0).get(1).op(Op.i64_mul).i64(2013265921n).op(Op.i64_rem_u);
    const m = new ModuleBuilder();
    m.add(f, "mulmod");
    const bytes = m.encode(1);
    expect(WebAssembly.validate(bytes)).toBe(true);
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes));
    const mulmod = exports.mulmod as (a: bigint, b: bigint) => bigint;
    expect(mulmod(2013265920n, 1234567891n)).toBe((2013265920n * 1234567891n) % 2013265921n);
    expect(exports.memory).toBeInstanceOf(WebAssembly.Memory);
  });

  it("encodes unsigned 64-bit constants above 2^63 by their two's-complement bits", () => {
    const f = new FunctionBuilder([], ["i64"]);
    f.i64(0xffff_ffff_ffff_fffen);
    const m = new ModuleBuilder();
    m.add(f, "c");
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(m.encode(1)));
    expect(BigInt.asUintN(64, (exports.c as () => bigint)())).toBe(0xffff_ffff_ffff_fffen);
  });
});
