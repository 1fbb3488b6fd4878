import { describe, expect, it } from "vitest";
import { encodeModule, I64, i64Const, Op, signedLeb128, unsignedLeb128 } from "../../src/wasm/encoder.ts";

describe("WebAssembly encoder", () => {
  it("encodes LEB128 as the specification's examples do", () => {
    expect(unsignedLeb128(0)).toEqual([0x00]);
    expect(unsignedLeb128(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(signedLeb128(-123456n)).toEqual([0xc0, 0xbb, 0x78]);
    expect(signedLeb128(63n)).toEqual([0x3f]);
    expect(signedLeb128(64n)).toEqual([0xc0, 0x00]);
    expect(signedLeb128(-64n)).toEqual([0x40]);
  });

  it("emits a module the engine validates and runs (64-bit arithmetic round trip)", () => {
    const body = [Op.localGet, 0, Op.localGet, 1, Op.i64Mul, ...i64Const(2013265921n), Op.i64RemU];
    const bytes = encodeModule([{ name: "mulmod", params: [I64, I64], results: [I64], locals: [], body }], 1);
    expect(WebAssembly.validate(bytes)).toBe(true);
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes));
    const mulmod = exports.mulmod as (a: bigint, b: bigint) => bigint;
    const a = 2013265920n;
    const b = 1234567891n;
    expect(mulmod(a, b)).toBe((a * b) % 2013265921n);
    expect(exports.memory).toBeInstanceOf(WebAssembly.Memory);
  });

  it("encodes unsigned 64-bit constants above 2^63 by their two's-complement bits", () => {
    const bytes = encodeModule(
      [{ name: "c", params: [], results: [I64], locals: [], body: i64Const(0xffff_ffff_ffff_fffen) }],
      1,
    );
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes));
    expect(BigInt.asUintN(64, (exports.c as () => bigint)())).toBe(0xffff_ffff_ffff_fffen);
  });
});
