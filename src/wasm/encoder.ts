/**
 * A minimal WebAssembly binary encoder: enough to emit straight-line arithmetic kernels (i32/i64 locals,
 * memory loads and stores, loops) generated from TypeScript, so that no prebuilt binary or assembler is
 * needed. Function bodies are written as byte arrays with the opcode constants below.
 */

export const I32 = 0x7f;
export const I64 = 0x7e;
export type ValType = typeof I32 | typeof I64;

/** Opcodes used by the kernels (WebAssembly core specification, §5.4). */
export const Op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  return: 0x0f,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  i64Load: 0x29,
  i64Load32U: 0x35,
  i32Store: 0x36,
  i64Store: 0x37,
  i64Store32: 0x3e,
  i32Const: 0x41,
  i64Const: 0x42,
  i32Eqz: 0x45,
  i32LtU: 0x49,
  i32GtU: 0x4b,
  i32GeU: 0x4f,
  i64LtU: 0x54,
  i64GeU: 0x5a,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i64Add: 0x7c,
  i64Sub: 0x7d,
  i64Mul: 0x7e,
  i64RemU: 0x82,
  i64And: 0x83,
  i64Shl: 0x86,
  i64ShrU: 0x88,
  i32WrapI64: 0xa7,
  i64ExtendI32U: 0xad,
} as const;

/** Block type for blocks and loops that leave nothing on the stack. */
export const VOID_BLOCK = 0x40;

export function unsignedLeb128(value: number): number[] {
  if (!Number.isInteger(value) || value < 0)
    throw new RangeError(`LEB128 value must be a non-negative integer`);
  const out: number[] = [];
  let v = value;
  do {
    let byte = v % 128;
    v = Math.floor(v / 128);
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

export function signedLeb128(value: bigint): number[] {
  const out: number[] = [];
  let v = value;
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    const signBitSet = (byte & 0x40) !== 0;
    if ((v === 0n && !signBitSet) || (v === -1n && signBitSet)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/** `i64.const v` for an unsigned 64-bit constant (encoded as the signed value with the same bits). */
export function i64Const(v: bigint): number[] {
  return [Op.i64Const, ...signedLeb128(BigInt.asIntN(64, v))];
}

export function i32Const(v: number): number[] {
  return [Op.i32Const, ...signedLeb128(BigInt(v | 0))];
}

/** A memory access immediate: alignment exponent and byte offset. */
export function memArg(alignLog2: number, offset: number): number[] {
  return [...unsignedLeb128(alignLog2), ...unsignedLeb128(offset)];
}

export interface FunctionSpec {
  name: string;
  params: ValType[];
  results: ValType[];
  /** Locals beyond the parameters, in order. */
  locals: ValType[];
  body: number[];
}

function vector(items: number[][]): number[] {
  return [...unsignedLeb128(items.length), ...items.flat()];
}

function section(id: number, content: number[]): number[] {
  return [id, ...unsignedLeb128(content.length), ...content];
}

function encodeName(name: string): number[] {
  const bytes = Array.from(new TextEncoder().encode(name));
  return [...unsignedLeb128(bytes.length), ...bytes];
}

/** A module with one exported memory ("memory", `pages` × 64 KiB) and the given exported functions. */
export function encodeModule(functions: FunctionSpec[], pages: number): Uint8Array<ArrayBuffer> {
  const types = functions.map((f) => [
    0x60,
    ...vector(f.params.map((t) => [t])),
    ...vector(f.results.map((t) => [t])),
  ]);
  const funcs = functions.map((_, i) => unsignedLeb128(i));
  const memory = [[0x00, ...unsignedLeb128(pages)]];
  const exports = [
    [...encodeName("memory"), 0x02, 0x00],
    ...functions.map((f, i) => [...encodeName(f.name), 0x00, ...unsignedLeb128(i)]),
  ];
  const codes = functions.map((f) => {
    // Run-length encode the locals by type.
    const groups: number[][] = [];
    for (const t of f.locals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]!++;
      else groups.push([1, t]);
    }
    const body = [...vector(groups.map(([n, t]) => [...unsignedLeb128(n!), t!])), ...f.body, Op.end];
    return [...unsignedLeb128(body.length), ...body];
  });
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vector(types)),
    ...section(3, vector(funcs)),
    ...section(5, vector(memory)),
    ...section(7, vector(exports)),
    ...section(10, vector(codes)),
  ]);
}
