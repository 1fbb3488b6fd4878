/**
 * The host side of the guest word format (src/zkvm/serde.ts). Expected encodings are written out by hand
 * from the format's definition (little-endian u32 words; RISC Zero's risc0_zkvm::serde), not produced by
 * the code; the Rust side is checked against the same codec in test/build/rust-guests.test.ts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  array,
  bool,
  bytes,
  char,
  decode,
  encode,
  enumOf,
  f32,
  f64,
  i8,
  i16,
  i32,
  i64,
  i128,
  map,
  option,
  SerdeError,
  str,
  struct,
  tuple,
  u8,
  u16,
  u32,
  u64,
  u128,
  unit,
  vec,
  WordWriter,
} from "../../src/zkvm/serde.ts";

const words = (...ws: number[]) => new Uint8Array(new Uint32Array(ws).buffer);

describe("word format encodings (by hand from the definition)", () => {
  it("integers: one word up to 32 bits, two for 64 (low first), four for 128", () => {
    expect(encode(u8, 255)).toEqual(words(255));
    expect(encode(u16, 0xbeef)).toEqual(words(0xbeef));
    expect(encode(u32, 0xdeadbeef)).toEqual(words(0xdeadbeef));
    expect(encode(i8, -1)).toEqual(words(0xffffffff));
    expect(encode(i16, -2)).toEqual(words(0xfffffffe));
    expect(encode(i32, -2147483648)).toEqual(words(0x80000000));
    expect(encode(u64, 0x0102030405060708n)).toEqual(words(0x05060708, 0x01020304));
    expect(encode(i64, -1n)).toEqual(words(0xffffffff, 0xffffffff));
    expect(encode(u128, (1n << 127n) | 5n)).toEqual(words(5, 0, 0, 0x80000000));
    expect(encode(i128, -2n)).toEqual(words(0xfffffffe, 0xffffffff, 0xffffffff, 0xffffffff));
  });
  it("bool, char, floats", () => {
    expect(encode(bool, true)).toEqual(words(1));
    expect(encode(char, "€")).toEqual(words(0x20ac));
    expect(encode(char, "😀")).toEqual(words(0x1f600));
    expect(encode(f32, 1)).toEqual(words(0x3f800000));
    expect(encode(f64, 1)).toEqual(words(0, 0x3ff00000));
  });
  it("strings and byte strings: byte length, then the bytes zero-padded to a word", () => {
    expect(encode(str, "")).toEqual(words(0));
    expect(encode(str, "abc")).toEqual(words(3, 0x00636261));
    expect(encode(str, "abcd")).toEqual(words(4, 0x64636261));
    expect(encode(bytes, Uint8Array.of(1, 2, 3, 4, 5))).toEqual(words(5, 0x04030201, 0x00000005));
    // A plain Vec<u8> is a sequence: one word per byte.
    expect(encode(vec(u8), [1, 2])).toEqual(words(2, 1, 2));
  });
  it("Option, sequences, arrays, tuples, structs, maps and enums", () => {
    expect(encode(option(u32), null)).toEqual(words(0));
    expect(encode(option(u32), 7)).toEqual(words(1, 7));
    expect(encode(vec(u64), [1n, 2n])).toEqual(words(2, 1, 0, 2, 0));
    expect(encode(array(u16, 3), [1, 2, 3])).toEqual(words(1, 2, 3));
    expect(encode(tuple(u8, bool), [9, false])).toEqual(words(9, 0));
    expect(encode(struct({ a: u32, b: str }), { a: 1, b: "x" })).toEqual(words(1, 1, 0x78));
    expect(encode(map(str, u32), new Map([["k", 2]]))).toEqual(words(1, 1, 0x6b, 2));
    const Shape = enumOf({ Empty: unit, Circle: u32, Rect: tuple(u32, u32), Named: struct({ id: u8 }) });
    expect(encode(Shape, { Empty: null })).toEqual(words(0));
    expect(encode(Shape, { Circle: 5 })).toEqual(words(1, 5));
    expect(encode(Shape, { Rect: [2, 3] })).toEqual(words(2, 2, 3));
    expect(encode(Shape, { Named: { id: 4 } })).toEqual(words(3, 4));
  });
});

const Everything = struct({
  small: u8,
  signed: i16,
  big: u64,
  huge: i128,
  flag: bool,
  letter: char,
  name: str,
  blob: bytes,
  maybe: option(u32),
  list: vec(tuple(u32, str)),
  fixed: array(i32, 2),
  shape: enumOf({ Empty: unit, Circle: u32 }),
});

describe("round trips and strict decoding", () => {
  it("decode(encode(v)) = v for arbitrary values", () => {
    fc.assert(
      fc.property(
        fc.record({
          small: fc.integer({ min: 0, max: 255 }),
          signed: fc.integer({ min: -32768, max: 32767 }),
          big: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
          huge: fc.bigInt({ min: -(1n << 127n), max: (1n << 127n) - 1n }),
          flag: fc.boolean(),
          letter: fc.constantFrom("a", "é", "€", "😀"),
          name: fc.string(),
          blob: fc.uint8Array({ maxLength: 40 }),
          maybe: fc.option(fc.nat({ max: 0xffffffff }), { nil: null }),
          list: fc.array(fc.tuple(fc.nat({ max: 0xffffffff }), fc.string()), { maxLength: 5 }),
          fixed: fc.tuple(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 9 })),
          shape: fc.oneof(
            fc.constant({ Empty: null }),
            fc.nat({ max: 99 }).map((r) => ({ Circle: r })),
          ),
        }),
        (v) => {
          const value = v as Parameters<typeof Everything.write>[1];
          expect(decode(Everything, encode(Everything, value))).toEqual(value);
        },
      ),
    );
  });
  it("rejects what no encoder writes: out-of-range words, bad tags, bad padding, bad UTF-8, trailing bytes", () => {
    expect(() => decode(u8, words(256))).toThrow(/out of range for u8/);
    expect(() => decode(i8, words(128))).toThrow(/out of range for i8/);
    expect(() => decode(bool, words(2))).toThrow(/0 or 1/);
    expect(() => decode(option(u8), words(2))).toThrow(/Option tag/);
    expect(() => decode(char, words(0xd800))).toThrow(/Unicode scalar/);
    expect(() => decode(str, words(1, 0x0000ff61))).toThrow(/padding/);
    expect(() => decode(str, words(1, 0x000000ff))).toThrow(/UTF-8/);
    expect(() => decode(u32, words(1, 2))).toThrow(/left over/);
    expect(() => decode(u64, words(1))).toThrow(/ended/);
    expect(() => decode(enumOf({ A: unit }), words(1))).toThrow(/no variant 1/);
    expect(() => decode(bytes, words(100))).toThrow(SerdeError);
  });
  it("refuses values that do not fit their type", () => {
    expect(() => encode(u8, 256)).toThrow(SerdeError);
    expect(() => encode(u32, -1)).toThrow(SerdeError);
    expect(() => encode(u64, 1n << 64n)).toThrow(SerdeError);
    expect(() => encode(u64, 1 as unknown as bigint)).toThrow(/bigint/);
    expect(() => encode(array(u8, 2), [1])).toThrow(/2 elements/);
    expect(() => encode(char, "ab")).toThrow(/one Unicode scalar/);
    expect(() => encode(enumOf({ A: unit, B: u8 }), { C: 1 } as never)).toThrow(/exactly one of A, B/);
  });
  it("WordWriter chains values and raw bytes into one input stream", () => {
    const input = new WordWriter().write(u32, 7).raw(Uint8Array.of(1, 2)).write(str, "z").toBytes();
    expect(input).toEqual(Uint8Array.of(7, 0, 0, 0, 1, 2, 1, 0, 0, 0, 0x7a, 0, 0, 0));
  });
});
