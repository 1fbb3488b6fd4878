/**
 * A minimal WebAssembly binary writer for the arithmetic kernels (Poseidon2 and NTT over BabyBear,
 * Poseidon over BN254): one memory, i32/i64/v128 functions, structured control flow, the integer and SIMD
 * opcodes they use. Emitting modules at run time from TypeScript keeps the build free of a WAT assembler
 * and of shipped binaries, and makes the bytes reproducible from source.
 * Encoding reference: WebAssembly Core Specification 2.0, chapter 5 (binary format).
 */

export type ValType = "i32" | "i64" | "v128";
const VALTYPE: Record<ValType, number> = { i32: 0x7f, i64: 0x7e, v128: 0x7b };

export function uleb(n: number, out: number[]): void {
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
}

export function sleb(n: bigint, out: number[]): void {
  for (;;) {
    const byte = Number(n & 0x7fn);
    n >>= 7n;
    const done = (n === 0n && (byte & 0x40) === 0) || (n === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return;
  }
}

/** Opcodes used by the generator (spec §5.4). */
export const Op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  br_if: 0x0d,
  return: 0x0f,
  call: 0x10,
  drop: 0x1a,
  select: 0x1b,
  i32_eqz: 0x45,
  i32_eq: 0x46,
  i32_ne: 0x47,
  i32_lt_u: 0x49,
  i32_gt_u: 0x4b,
  i32_ge_u: 0x4f,
  i64_eqz: 0x50,
  i64_eq: 0x51,
  i64_ne: 0x52,
  i64_ge_u: 0x5a,
  i32_add: 0x6a,
  i32_sub: 0x6b,
  i32_mul: 0x6c,
  i32_and: 0x71,
  i32_or: 0x72,
  i32_shl: 0x74,
  i32_shr_u: 0x76,
  i64_add: 0x7c,
  i64_sub: 0x7d,
  i64_mul: 0x7e,
  i64_rem_u: 0x82,
  i64_and: 0x83,
  i64_or: 0x84,
  i64_shl: 0x86,
  i64_shr_s: 0x87,
  i64_shr_u: 0x88,
  i32_wrap_i64: 0xa7,
  i64_extend_i32_u: 0xad,
} as const;

/** Fixed-width SIMD opcodes (prefix 0xfd, spec §5.4.8). */
export const Simd = {
  load: 0x00,
  load32_splat: 0x09,
  store: 0x0b,
  const: 0x0c,
  shuffle: 0x0d,
  i32x4_splat: 0x11,
  and: 0x4e,
  store64_lane: 0x5b,
  load64_zero: 0x5d,
  i32x4_add: 0xae,
  i32x4_sub: 0xb1,
  i32x4_mul: 0xb5,
  i32x4_min_u: 0xb7,
  i64x2_extend_low_i32x4_u: 0xc9,
  i64x2_shl: 0xcb,
  i64x2_shr_u: 0xcd,
  i64x2_add: 0xce,
  i64x2_sub: 0xd1,
  i64x2_extmul_low_i32x4_u: 0xde,
  i64x2_extmul_high_i32x4_u: 0xdf,
} as const;

const EMPTY_BLOCK = 0x40;

/** Appends without spreading: a function body can exceed the engine's argument-count limit. */
function append(out: number[], bytes: readonly number[]): void {
  for (let i = 0; i < bytes.length; i++) out.push(bytes[i]!);
}

/** Builds one function body; instructions are appended in stack-machine order. */
export class FunctionBuilder {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
  readonly body: number[] = [];
  private readonly locals: ValType[] = [];

  constructor(params: readonly ValType[], results: readonly ValType[] = []) {
    this.params = params;
    this.results = results;
  }

  /** Declares a local and returns its index. */
  local(type: ValType): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }

  locals64(n: number): number[] {
    return Array.from({ length: n }, () => this.local("i64"));
  }

  localsOf(type: ValType, n: number): number[] {
    return Array.from({ length: n }, () => this.local(type));
  }

  /** A SIMD instruction without immediates. */
  simd(code: number): this {
    this.body.push(0xfd);
    uleb(code, this.body);
    return this;
  }
  /** A SIMD memory instruction (memarg: alignment exponent, offset). */
  simdMem(code: number, align: number, offset: number): this {
    this.simd(code);
    this.body.push(align);
    uleb(offset, this.body);
    return this;
  }
  /** v128.const with 16 bytes given as two little-endian 64-bit lanes. */
  v128(lo: bigint, hi: bigint): this {
    this.simd(Simd.const);
    for (const lane of [lo, hi])
      for (let i = 0n; i < 8n; i++) this.body.push(Number((lane >> (8n * i)) & 0xffn));
    return this;
  }
  shuffle(lanes: readonly number[]): this {
    this.simd(Simd.shuffle);
    this.body.push(...lanes);
    return this;
  }
  /** v128.store64_lane lane 0 (address, vector on the stack). */
  store64Lane0(offset: number): this {
    this.simdMem(Simd.store64_lane, 3, offset);
    this.body.push(0);
    return this;
  }
  /** i64.load with a constant byte offset. */
  load64(offset: number): this {
    this.body.push(0x29, 3);
    uleb(offset, this.body);
    return this;
  }
  /** i64.store with a constant byte offset. */
  store64(offset: number): this {
    this.body.push(0x37, 3);
    uleb(offset, this.body);
    return this;
  }

  op(...codes: number[]): this {
    this.body.push(...codes);
    return this;
  }
  get(i: number): this {
    this.body.push(0x20);
    uleb(i, this.body);
    return this;
  }
  set(i: number): this {
    this.body.push(0x21);
    uleb(i, this.body);
    return this;
  }
  tee(i: number): this {
    this.body.push(0x22);
    uleb(i, this.body);
    return this;
  }
  i32(v: number): this {
    this.body.push(0x41);
    sleb(BigInt(v), this.body);
    return this;
  }
  i64(v: bigint): this {
    this.body.push(0x42);
    sleb(BigInt.asIntN(64, v), this.body);
    return this;
  }
  /** i64.load32_u with a constant byte offset (address on the stack). */
  load32u(offset: number): this {
    this.body.push(0x35, 2);
    uleb(offset, this.body);
    return this;
  }
  /** i32.load with a constant byte offset. */
  load32(offset: number): this {
    this.body.push(0x28, 2);
    uleb(offset, this.body);
    return this;
  }
  /** i32.store with a constant byte offset. */
  store32i(offset: number): this {
    this.body.push(0x36, 2);
    uleb(offset, this.body);
    return this;
  }
  /** i64.store32 with a constant byte offset (address, value on the stack). */
  store32(offset: number): this {
    this.body.push(0x3e, 2);
    uleb(offset, this.body);
    return this;
  }
  call(funcIndex: number): this {
    this.body.push(Op.call);
    uleb(funcIndex, this.body);
    return this;
  }
  block(): this {
    return this.op(Op.block, EMPTY_BLOCK);
  }
  loop(): this {
    return this.op(Op.loop, EMPTY_BLOCK);
  }
  if(): this {
    return this.op(Op.if, EMPTY_BLOCK);
  }
  end(): this {
    return this.op(Op.end);
  }
  br(depth: number): this {
    this.body.push(Op.br);
    uleb(depth, this.body);
    return this;
  }
  brIf(depth: number): this {
    this.body.push(Op.br_if);
    uleb(depth, this.body);
    return this;
  }

  /** `for (counter = from; counter < limit; counter++) body()` over i32 locals; limit is a local. */
  forRange(counter: number, from: number, limitLocal: number, body: () => void): this {
    this.i32(from).set(counter);
    this.block().loop();
    this.get(counter).get(limitLocal).op(Op.i32_ge_u).brIf(1);
    body();
    this.get(counter).i32(1).op(Op.i32_add).set(counter);
    this.br(0).end().end();
    return this;
  }

  encode(): number[] {
    const out: number[] = [];
    const groups: [number, ValType][] = [];
    for (const t of this.locals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    uleb(groups.length, out);
    for (const [n, t] of groups) {
      uleb(n, out);
      out.push(VALTYPE[t]);
    }
    append(out, this.body);
    out.push(Op.end);
    const sized: number[] = [];
    uleb(out.length, sized);
    return sized.concat(out);
  }
}

/** A module with one exported memory and a list of functions (optionally exported by name). */
export class ModuleBuilder {
  private readonly functions: { fn: FunctionBuilder; exportName?: string }[] = [];

  /** Reserves the next function index, so that functions can call each other before they are filled. */
  add(fn: FunctionBuilder, exportName?: string): number {
    this.functions.push(exportName === undefined ? { fn } : { fn, exportName });
    return this.functions.length - 1;
  }

  /** Exports an already added function under `name`. */
  exportAs(index: number, name: string): void {
    const entry = this.functions[index];
    if (!entry || entry.exportName !== undefined)
      throw new RangeError(`function ${index} cannot be exported`);
    entry.exportName = name;
  }

  encode(memoryPages: number): Uint8Array<ArrayBuffer> {
    const bytes: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    const section = (id: number, content: number[]) => {
      bytes.push(id);
      uleb(content.length, bytes);
      append(bytes, content);
    };
    const vec = (items: number[][]) => {
      const out: number[] = [];
      uleb(items.length, out);
      for (const item of items) append(out, item);
      return out;
    };
    const name = (s: string) => {
      const out: number[] = [];
      uleb(s.length, out);
      for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i));
      return out;
    };

    const typeKeys: string[] = [];
    const typeBytes: number[][] = [];
    const typeOf = this.functions.map(({ fn }) => {
      const sig = [0x60, fn.params.length, ...fn.params.map((p) => VALTYPE[p])];
      sig.push(fn.results.length, ...fn.results.map((r) => VALTYPE[r]));
      const key = sig.join(",");
      let idx = typeKeys.indexOf(key);
      if (idx < 0) {
        idx = typeKeys.push(key) - 1;
        typeBytes.push(sig);
      }
      return idx;
    });
    section(1, vec(typeBytes));
    section(
      3,
      vec(
        typeOf.map((i) => {
          const o: number[] = [];
          uleb(i, o);
          return o;
        }),
      ),
    );
    const mem: number[] = [0x00];
    uleb(memoryPages, mem);
    section(5, vec([mem]));
    const exports: number[][] = [[...name("memory"), 0x02, 0x00]];
    this.functions.forEach(({ exportName }, i) => {
      if (exportName === undefined) return;
      const e = [...name(exportName), 0x00];
      uleb(i, e);
      exports.push(e);
    });
    section(7, vec(exports));
    section(10, vec(this.functions.map(({ fn }) => fn.encode())));
    return Uint8Array.from(bytes);
  }
}
