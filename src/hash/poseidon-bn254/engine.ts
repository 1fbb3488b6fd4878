/**
 * Drives the generated WebAssembly module: lays out memory, loads each width's constant tables on first
 * use, converts bigints to and from 29-bit limbs, and hashes batches of states in one call.
 */
import { BN254_R } from "./field.ts";
import { MAX_WIDTH } from "./params.ts";
import { sparsePoseidonParams } from "./sparse.ts";
import {
  ELEMENT_BYTES,
  LIMB_BITS,
  LIMBS,
  type PoseidonWasmExports,
  R2_MOD_P,
  toMontgomeryLimbs,
} from "./wasm-module.ts";

// Memory layout (bytes): R² mod p at 0, the integer 1 at 64, a t-element scratch area at 128, states being
// hashed at STATES_PTR (up to STATES_BYTES), then the constant tables of each width, appended on first use:
// 4t first-half round constants, M (t×t, row-major), P (t×t), one constant per partial round, 2t−1 sparse
// matrix values per partial round, 4t second-half round constants — all in Montgomery form.

const R2_PTR = 0;
const ONE_PTR = 64;
const TMP_PTR = 128;
const STATES_PTR = 1024;
const STATES_BYTES = MAX_WIDTH * ELEMENT_BYTES * 128;
const TABLES_PTR = STATES_PTR + STATES_BYTES;
const PAGE = 65536;
const MASK = (1n << BigInt(LIMB_BITS)) - 1n;
const LIMB_SHIFT = BigInt(LIMB_BITS);

interface WidthTables {
  t: number;
  rp: number;
  cFirst: number;
  mM: number;
  mP: number;
  cPartial: number;
  sparse: number;
  cLast: number;
}

export class WasmEngine {
  private readonly exports: PoseidonWasmExports;
  private u32: Uint32Array;
  private readonly tables: (WidthTables | undefined)[] = [];
  private heapEnd = TABLES_PTR;

  constructor(exports: PoseidonWasmExports) {
    this.exports = exports;
    this.u32 = new Uint32Array(exports.memory.buffer);
    this.reserve(TABLES_PTR);
    this.writePlain(R2_MOD_P, R2_PTR);
    this.writePlain(1n, ONE_PTR);
  }

  /** Permutes [0?, ...vector] for every vector (all of one length) and returns `outputs` cells of each. */
  hash(vectors: readonly (readonly bigint[])[], outputs: number, prependZero: boolean): bigint[] {
    const t = vectors[0]!.length + (prependZero ? 1 : 0);
    const tab = this.widthTables(t);
    const stateBytes = t * ELEMENT_BYTES;
    const perCall = Math.floor(STATES_BYTES / stateBytes);
    const out: bigint[] = [];
    for (let start = 0; start < vectors.length; start += perCall) {
      const count = Math.min(perCall, vectors.length - start);
      const u32 = this.u32;
      for (let s = 0; s < count; s++) {
        const vector = vectors[start + s]!;
        let word = (STATES_PTR + s * stateBytes) >> 2;
        if (prependZero) {
          u32.fill(0, word, word + LIMBS);
          word += LIMBS;
        }
        for (let i = 0; i < vector.length; i++, word += LIMBS) writeLimbs(vector[i]!, u32, word);
      }
      this.exports.hashStates(
        STATES_PTR,
        count,
        t,
        tab.rp,
        tab.cFirst,
        tab.mM,
        tab.mP,
        tab.cPartial,
        tab.sparse,
        tab.cLast,
        TMP_PTR,
        R2_PTR,
        ONE_PTR,
      );
      for (let s = 0; s < count; s++) {
        const word = (STATES_PTR + s * stateBytes) >> 2;
        for (let i = 0; i < outputs; i++) out.push(readCanonical(u32, word + i * LIMBS));
      }
    }
    return out;
  }

  private widthTables(t: number): WidthTables {
    const cached = this.tables[t];
    if (cached) return cached;
    const sp = sparsePoseidonParams(t);
    const groups = [sp.firstConstants, sp.M, sp.P, sp.partialConstants, sp.sparse, sp.lastConstants];
    const pointers: number[] = [];
    const total = groups.reduce((n, g) => n + g.length, 0) * ELEMENT_BYTES;
    this.reserve(this.heapEnd + total);
    let ptr = this.heapEnd;
    for (const g of groups) {
      pointers.push(ptr);
      for (const x of g) {
        toMontgomeryLimbs(x, this.u32, ptr >> 2);
        ptr += ELEMENT_BYTES;
      }
    }
    this.heapEnd = ptr;
    const [cFirst, mM, mP, cPartial, sparse, cLast] = pointers as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const tab: WidthTables = { t, rp: sp.partialRounds, cFirst, mM, mP, cPartial, sparse, cLast };
    this.tables[t] = tab;
    return tab;
  }

  private reserve(bytes: number): void {
    const memory = this.exports.memory;
    if (memory.buffer.byteLength < bytes) {
      memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE));
      this.u32 = new Uint32Array(memory.buffer);
    }
  }

  private writePlain(x: bigint, ptr: number): void {
    writeLimbs(x, this.u32, ptr >> 2);
  }
}

function writeLimbs(x: bigint, u32: Uint32Array, word: number): void {
  for (let k = 0; k < LIMBS; k++) {
    u32[word + k] = Number(x & MASK);
    x >>= LIMB_SHIFT;
  }
}

function readCanonical(u32: Uint32Array, word: number): bigint {
  let v = BigInt(u32[word + LIMBS - 1]!);
  for (let k = LIMBS - 2; k >= 0; k--) v = (v << LIMB_SHIFT) | BigInt(u32[word + k]!);
  return v >= BN254_R ? v - BN254_R : v;
}

/** The part of the WebAssembly JS API used here (typed locally: Node's types do not declare it all). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: object): Promise<{ exports: unknown }>;
}

function api(): WebAssemblyApi {
  const wa = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (!wa) throw new Error("WebAssembly is not available in this JavaScript environment");
  return wa;
}

/** Compiles and instantiates synchronously (fine in Node and workers; browsers may refuse on the main thread). */
export function instantiateSync(bytes: Uint8Array): WasmEngine {
  return new WasmEngine(instantiateExports(bytes));
}

/** The raw exports of a synchronously instantiated module (for tests of the arithmetic). */
export function instantiateExports(bytes: Uint8Array): PoseidonWasmExports {
  const wa = api();
  return new wa.Instance(new wa.Module(bytes), {}).exports as PoseidonWasmExports;
}

export async function instantiateAsync(bytes: Uint8Array): Promise<WasmEngine> {
  const wa = api();
  const instance = await wa.instantiate(await wa.compile(bytes), {});
  return new WasmEngine(instance.exports as PoseidonWasmExports);
}
