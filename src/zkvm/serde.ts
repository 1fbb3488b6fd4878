import { ZkvmError } from "../errors.ts";

/**
 * The word format of guest inputs and journals, the host side of the Rust guest SDK's `env::read` and
 * `env::commit` (guests/rust/zkvm-guest/src/serde), compatible with RISC Zero's `risc0_zkvm::serde`.
 * Values are described by codecs that mirror the Rust types, and TypeScript infers the value types:
 *
 * ```ts
 * const Entry = enumOf({ Credit: u64, Debit: u64 });
 * const Ledger = struct({ account: array(u8, 20), sequence: u64, entries: vec(Entry) });
 * const input = encode(Ledger, { account, sequence: 7n, entries: [{ Credit: 100n }, { Debit: 30n }] });
 * ```
 *
 * Everything is little-endian 32-bit words: `bool`, `u8`–`u32`, `i8`–`i32`, `char`, `f32` one word;
 * `u64`, `i64`, `f64` two (low first); `u128`, `i128` four; strings and byte strings their byte length,
 * then the bytes zero-padded to a word; `Option` a word 0 or 1, then the value; `Vec` and maps their
 * length, then the elements; tuples, arrays and structs their fields in order; an enum its variant index,
 * then its fields. Decoding is as strict as the guest's.
 */

/** A value that cannot be encoded, or bytes that do not decode as the codec's type. */
export class SerdeError extends ZkvmError {
  override name = "SerdeError";
}

/** Appends words and byte strings. */
export class WordWriter {
  private bytes = new Uint8Array(64);
  private length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  word(w: number): this {
    this.reserve(4);
    new DataView(this.bytes.buffer).setUint32(this.length, w >>> 0, true);
    this.length += 4;
    return this;
  }

  /** `bytes`, then zeros to the next word boundary (no length: see {@link bytes} the codec). */
  padded(bytes: Uint8Array): this {
    const n = bytes.length + ((4 - (bytes.length % 4)) % 4);
    this.reserve(n);
    this.bytes.set(bytes, this.length);
    this.bytes.fill(0, this.length + bytes.length, this.length + n);
    this.length += n;
    return this;
  }

  /** Raw bytes with no length and no padding (for guests that read them with `env::read_slice`). */
  raw(bytes: Uint8Array): this {
    this.reserve(bytes.length);
    this.bytes.set(bytes, this.length);
    this.length += bytes.length;
    return this;
  }

  /** Encodes `value` with `codec` after what is already written. */
  write<T>(codec: Codec<T>, value: T): this {
    codec.write(this, value);
    return this;
  }

  /** The bytes written so far (a copy). */
  toBytes(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

/** Reads words and byte strings from the front of a byte array. */
export class WordReader {
  private offset = 0;
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  private need(n: number): void {
    if (this.remaining < n) {
      throw new SerdeError(
        `the input ended before the value was complete (needed ${n} more bytes at ${this.offset})`,
      );
    }
  }

  word(): number {
    this.need(4);
    const w = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return w;
  }

  /** `n` bytes followed by zero padding to the next word boundary. */
  padded(n: number): Uint8Array {
    const total = n + ((4 - (n % 4)) % 4);
    this.need(total);
    const out = this.bytes.slice(this.offset, this.offset + n);
    for (let i = this.offset + n; i < this.offset + total; i++) {
      if (this.bytes[i] !== 0) throw new SerdeError("padding after a string or byte string must be zero");
    }
    this.offset += total;
    return out;
  }

  raw(n: number): Uint8Array {
    this.need(n);
    const out = this.bytes.slice(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  read<T>(codec: Codec<T>): T {
    return codec.read(this);
  }
}

/** How one Rust type is written and read. */
export interface Codec<T> {
  /** The Rust type, for messages (e.g. `Vec<u64>`). */
  readonly rust: string;
  write(w: WordWriter, value: T): void;
  read(r: WordReader): T;
}

/** The TypeScript type of a codec's values. */
export type Infer<C> = C extends Codec<infer T> ? T : never;

/** Encodes one value. */
export function encode<T>(codec: Codec<T>, value: T): Uint8Array {
  return new WordWriter().write(codec, value).toBytes();
}

/** Decodes one value that must take up all of `bytes` (e.g. a journal written with `env::commit`). */
export function decode<T>(codec: Codec<T>, bytes: Uint8Array): T {
  const r = new WordReader(bytes);
  const value = codec.read(r);
  if (r.remaining !== 0) throw new SerdeError(`${r.remaining} bytes left over after the ${codec.rust} value`);
  return value;
}

function unsigned(rust: string, bits: 8 | 16 | 32): Codec<number> {
  const max = 2 ** bits - 1;
  return {
    rust,
    write(w, v) {
      if (!Number.isInteger(v) || v < 0 || v > max) throw new SerdeError(`${v} is not a ${rust}`);
      w.word(v);
    },
    read(r) {
      const v = r.word();
      if (v > max) throw new SerdeError(`word ${v} is out of range for ${rust}`);
      return v;
    },
  };
}

function signed(rust: string, bits: 8 | 16 | 32): Codec<number> {
  const half = 2 ** (bits - 1);
  return {
    rust,
    write(w, v) {
      if (!Number.isInteger(v) || v < -half || v >= half) throw new SerdeError(`${v} is not an ${rust}`);
      w.word(v | 0);
    },
    read(r) {
      const v = r.word() | 0;
      if (v < -half || v >= half) throw new SerdeError(`word ${v >>> 0} is out of range for ${rust}`);
      return v;
    },
  };
}

function wide(rust: string, words: 2 | 4, isSigned: boolean): Codec<bigint> {
  const bits = BigInt(32 * words);
  const min = isSigned ? -(1n << (bits - 1n)) : 0n;
  const max = isSigned ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
  return {
    rust,
    write(w, v) {
      if (typeof v !== "bigint" || v < min || v > max)
        throw new SerdeError(`${v} is not a ${rust} (use a bigint)`);
      let u = BigInt.asUintN(Number(bits), v);
      for (let i = 0; i < words; i++, u >>= 32n) w.word(Number(u & 0xffffffffn));
    },
    read(r) {
      let u = 0n;
      for (let i = 0; i < words; i++) u |= BigInt(r.word()) << BigInt(32 * i);
      return isSigned ? BigInt.asIntN(Number(bits), u) : u;
    },
  };
}

export const u8: Codec<number> = unsigned("u8", 8);
export const u16: Codec<number> = unsigned("u16", 16);
export const u32: Codec<number> = unsigned("u32", 32);
export const i8: Codec<number> = signed("i8", 8);
export const i16: Codec<number> = signed("i16", 16);
export const i32: Codec<number> = signed("i32", 32);
export const u64: Codec<bigint> = wide("u64", 2, false);
export const i64: Codec<bigint> = wide("i64", 2, true);
export const u128: Codec<bigint> = wide("u128", 4, false);
export const i128: Codec<bigint> = wide("i128", 4, true);

export const bool: Codec<boolean> = {
  rust: "bool",
  write: (w, v) => w.word(v ? 1 : 0),
  read(r) {
    const v = r.word();
    if (v > 1) throw new SerdeError(`bool word must be 0 or 1, got ${v}`);
    return v === 1;
  },
};

export const f32: Codec<number> = {
  rust: "f32",
  write(w, v) {
    const view = new DataView(new ArrayBuffer(4));
    view.setFloat32(0, v, true);
    w.word(view.getUint32(0, true));
  },
  read(r) {
    const view = new DataView(new ArrayBuffer(4));
    view.setUint32(0, r.word(), true);
    return view.getFloat32(0, true);
  },
};

export const f64: Codec<number> = {
  rust: "f64",
  write(w, v) {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, v, true);
    w.word(view.getUint32(0, true)).word(view.getUint32(4, true));
  },
  read(r) {
    const view = new DataView(new ArrayBuffer(8));
    view.setUint32(0, r.word(), true);
    view.setUint32(4, r.word(), true);
    return view.getFloat64(0, true);
  },
};

/** A Rust `char`: one Unicode scalar value, as a one-code-point string. */
export const char: Codec<string> = {
  rust: "char",
  write(w, v) {
    const cp = v.codePointAt(0);
    if (cp === undefined || String.fromCodePoint(cp) !== v || (cp >= 0xd800 && cp <= 0xdfff)) {
      throw new SerdeError(`${JSON.stringify(v)} is not one Unicode scalar value`);
    }
    w.word(cp);
  },
  read(r) {
    const cp = r.word();
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      throw new SerdeError(`0x${cp.toString(16)} is not a Unicode scalar value`);
    }
    return String.fromCodePoint(cp);
  },
};

/** A byte string: Rust `serde_bytes::ByteBuf` (a plain `Vec<u8>` is `vec(u8)`, one word per byte). */
export const bytes: Codec<Uint8Array> = {
  rust: "ByteBuf",
  write: (w, v) => w.word(v.length).padded(v),
  read: (r) => r.padded(r.word()),
};

/** A Rust `String` (UTF-8). */
export const str: Codec<string> = {
  rust: "String",
  write: (w, v) => bytes.write(w, new TextEncoder().encode(v)),
  read(r) {
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(bytes.read(r));
    } catch (err) {
      if (err instanceof SerdeError) throw err;
      throw new SerdeError("string is not valid UTF-8");
    }
  },
};

/** `()`, and the content of unit variants and unit structs: nothing is written. */
export const unit: Codec<null> = { rust: "()", write: () => {}, read: () => null };

/** `Option<T>`: `null` is `None`. */
export function option<T>(inner: Codec<T>): Codec<T | null> {
  return {
    rust: `Option<${inner.rust}>`,
    write(w, v) {
      if (v === null) w.word(0);
      else inner.write(w.word(1), v);
    },
    read(r) {
      const tag = r.word();
      if (tag > 1) throw new SerdeError(`Option tag must be 0 (None) or 1 (Some), got ${tag}`);
      return tag === 0 ? null : inner.read(r);
    },
  };
}

/** `Vec<T>` (and other sequences): the length, then the elements. */
export function vec<T>(inner: Codec<T>): Codec<T[]> {
  return {
    rust: `Vec<${inner.rust}>`,
    write(w, v) {
      w.word(v.length);
      for (const x of v) inner.write(w, x);
    },
    read(r) {
      const n = r.word();
      const out: T[] = [];
      for (let i = 0; i < n; i++) out.push(inner.read(r));
      return out;
    },
  };
}

/** `[T; n]`: exactly n elements, no length. */
export function array<T>(inner: Codec<T>, n: number): Codec<T[]> {
  return {
    rust: `[${inner.rust}; ${n}]`,
    write(w, v) {
      if (v.length !== n) throw new SerdeError(`[${inner.rust}; ${n}] needs ${n} elements, got ${v.length}`);
      for (const x of v) inner.write(w, x);
    },
    read(r) {
      const out: T[] = [];
      for (let i = 0; i < n; i++) out.push(inner.read(r));
      return out;
    },
  };
}

/** A tuple `(A, B, …)`: the fields in order. */
export function tuple<const C extends readonly Codec<unknown>[]>(
  ...fields: C
): Codec<{ -readonly [K in keyof C]: Infer<C[K]> }> {
  type T = { -readonly [K in keyof C]: Infer<C[K]> };
  return {
    rust: `(${fields.map((f) => f.rust).join(", ")})`,
    write(w, v) {
      fields.forEach((f, i) => f.write(w, (v as unknown[])[i]));
    },
    read: (r) => fields.map((f) => f.read(r)) as T,
  };
}

/** A struct: its fields in the order they are listed here, which must be their order in the Rust type. */
export function struct<S extends Record<string, Codec<unknown>>>(
  fields: S,
  name = "struct",
): Codec<{ [K in keyof S]: Infer<S[K]> }> {
  type T = { [K in keyof S]: Infer<S[K]> };
  const entries = Object.entries(fields);
  return {
    rust: name,
    write(w, v) {
      for (const [key, f] of entries) {
        if (!(key in (v as object))) throw new SerdeError(`${name} value has no field ${key}`);
        f.write(w, (v as Record<string, unknown>)[key]);
      }
    },
    read(r) {
      const out: Record<string, unknown> = {};
      for (const [key, f] of entries) out[key] = f.read(r);
      return out as T;
    },
  };
}

/** `BTreeMap<K, V>` / `HashMap<K, V>`: the length, then key and value pairs (in the Map's order). */
export function map<K, V>(key: Codec<K>, value: Codec<V>): Codec<Map<K, V>> {
  return {
    rust: `BTreeMap<${key.rust}, ${value.rust}>`,
    write(w, v) {
      w.word(v.size);
      for (const [k, x] of v) {
        key.write(w, k);
        value.write(w, x);
      }
    },
    read(r) {
      const n = r.word();
      const out = new Map<K, V>();
      for (let i = 0; i < n; i++) out.set(key.read(r), value.read(r));
      return out;
    },
  };
}

/** The value of an enum: one variant name mapped to its content (`{ Debit: 30n }`, `{ None: null }`). */
export type EnumValue<V extends Record<string, Codec<unknown>>> = {
  [K in keyof V]: { [P in K]: Infer<V[K]> };
}[keyof V];

/**
 * A Rust enum: variants in declaration order (the index is what is written). Unit variants take `unit`,
 * tuple variants `tuple(…)`, struct variants `struct({…})`, newtype variants the inner codec.
 */
export function enumOf<V extends Record<string, Codec<unknown>>>(
  variants: V,
  name = "enum",
): Codec<EnumValue<V>> {
  const list = Object.entries(variants);
  return {
    rust: name,
    write(w, v) {
      const keys = Object.keys(v as object);
      const index = list.findIndex(([k]) => k === keys[0]);
      if (keys.length !== 1 || index < 0) {
        throw new SerdeError(`${name} value must name exactly one of ${list.map(([k]) => k).join(", ")}`);
      }
      w.word(index);
      list[index]![1].write(w, (v as Record<string, unknown>)[keys[0]!]);
    },
    read(r) {
      const index = r.word();
      const variant = list[index];
      if (!variant) throw new SerdeError(`${name} has no variant ${index} (it has ${list.length})`);
      return { [variant[0]]: variant[1].read(r) } as EnumValue<V>;
    },
  };
}
