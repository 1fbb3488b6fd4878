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

// Memory layout (bytes): R² mod p at 0, the integer 1 at 64, zero at 128, a t-element scratch area at 256,
// the permutation's work area (t state cells + up to MAX_GROUP saved x0 values) at WORK_PTR, the states
// being hashed at STATES_PTR (up to STATES_BYTES), then the constant tables of each width, appended on
// first use: 4t first-half round constants, M (t×t, row-major), P (t×t), one constant per partial round,
// the grouped partial-round table (groupedPartialRounds), 4t second-half round constants — all in
// Montgomery form, 9 u32 limbs each. States, scratch and work areas use the one-state layout (36 bytes
// per element) or the two-state layout (72 bytes: limb k of state A, then of state B), so the scratch,
// zero and work areas are sized for the latter.
const PAIR_BYTES = 2 * ELEMENT_BYTES;
const R2_PTR = 0;
const ONE_PTR = 64;
const ZERO_PTR = 128;
const TMP_PTR = 256;
const MAX_GROUP = 16;
const WORK_PTR = TMP_PTR + MAX_WIDTH * PAIR_BYTES;
const STATES_PTR = WORK_PTR + (MAX_WIDTH + MAX_GROUP) * PAIR_BYTES;
const STATES_BYTES = MAX_WIDTH * ELEMENT_BYTES * 128;
const TABLES_PTR = STATES_PTR + STATES_BYTES;
const PAGE = 65536;
const MASK = (1n << BigInt(LIMB_BITS)) - 1n;
const LIMB_SHIFT = BigInt(LIMB_BITS);

interface WidthTables {
  t: number;
  rp: number;
  group: number;
  cFirst: number;
  mM: number;
  mP: number;
  cPartial: number;
  sparse: number;
  cLast: number;
}

/** Writes or reads state v of a batch at u32 word `word` of the module's memory (limb stride `lanes`). */
type StateAccess = (v: number, u32: Uint32Array, word: number, lanes: 1 | 2) => void;

export class WasmEngine {
  private readonly exports: PoseidonWasmExports;
  private u32: Uint32Array;
  private readonly tables: (WidthTables | undefined)[] = [];
  private heapEnd = TABLES_PTR;

  private readonly groupFor: (t: number) => number;

  private readonly pairs: boolean;

  /**
   * `groupFor` overrides the partial-round grouping and `pairs: false` disables the two-state SIMD path
   * (for benchmarks and tests comparing choices). The SIMD path is used only if the module has it.
   */
  constructor(
    exports: PoseidonWasmExports,
    options: { groupFor?: (t: number) => number; pairs?: boolean } = {},
  ) {
    this.exports = exports;
    this.groupFor = options.groupFor ?? partialRoundGroup;
    this.pairs = (options.pairs ?? true) && typeof exports.hashStates2 === "function";
    this.u32 = new Uint32Array(exports.memory.buffer);
    this.reserve(TABLES_PTR);
    this.writePlain(R2_MOD_P, R2_PTR);
    this.writePlain(1n, ONE_PTR);
  }

  /** Permutes [0?, ...vector] for every vector (all of one length) and returns `outputs` cells of each. */
  hash(vectors: readonly (readonly bigint[])[], outputs: number, prependZero: boolean): bigint[] {
    const t = vectors[0]!.length + (prependZero ? 1 : 0);
    const out = new Array<bigint>(vectors.length * outputs);
    const elementWords = (lanes: number) => LIMBS * lanes;
    this.permute(
      vectors.length,
      t,
      (v, u32, word, lanes) => {
        if (prependZero) {
          for (let k = 0; k < LIMBS; k++) u32[word + k * lanes] = 0;
          word += elementWords(lanes);
        }
        const vector = vectors[v]!;
        for (let i = 0; i < vector.length; i++, word += elementWords(lanes))
          writeLimbs(vector[i]!, u32, word, lanes);
      },
      (v, u32, word, lanes) => {
        for (let i = 0; i < outputs; i++)
          out[v * outputs + i] = readCanonical(u32, word + i * elementWords(lanes), lanes);
      },
    );
    return out;
  }

  /**
   * `hash(·, 1, true)` on words instead of bigints: `count` vectors of `width` cells, each cell 8 u32 words
   * little-endian (a canonical element, < r) at words[8·(v·width + i)], and cell 0 of each result,
   * canonical, as 8 words at out[8·v]. No bigint is made: the prover's Merkle hashing moves its rows and
   * digests as words, and converting each cell to a bigint and back cost about a tenth of the hashing.
   */
  hashWords(words: Uint32Array, count: number, width: number, out: Uint32Array): void {
    this.permute(
      count,
      width + 1,
      (v, u32, word, lanes) => {
        for (let k = 0; k < LIMBS; k++) u32[word + k * lanes] = 0;
        for (let i = 0; i < width; i++) {
          word += LIMBS * lanes;
          wordsToLimbs(words, 8 * (v * width + i), u32, word, lanes);
        }
      },
      (v, u32, word, lanes) => limbsToCanonicalWords(u32, word, lanes, out, 8 * v),
    );
  }

  /**
   * Permutes `count` states of width t: `write` lays state v out in plain limbs from u32 word `word` (limb k
   * of element i at word + (i·LIMBS + k)·lanes), `read` takes the result from there. Two states per SIMD
   * lane pair where possible; an odd one out goes through the one-state code.
   */
  private permute(count: number, t: number, write: StateAccess, read: StateAccess): void {
    const tab = this.widthTables(t);
    const paired = this.pairs ? count & ~1 : 0;
    this.run(0, paired, 2, t, tab, write, read);
    this.run(paired, count, 1, t, tab, write, read);
  }

  /** Permutes states [from, to) in calls of as many states (lanes = 1) or pairs (lanes = 2) as fit. */
  private run(
    from: number,
    to: number,
    lanes: 1 | 2,
    t: number,
    tab: WidthTables,
    write: StateAccess,
    read: StateAccess,
  ): void {
    const unitBytes = t * ELEMENT_BYTES * lanes; // one state, or one interleaved pair
    const perCall = Math.floor(STATES_BYTES / unitBytes) * lanes;
    const call = lanes === 2 ? this.exports.hashStates2! : this.exports.hashStates;
    const wordOf = (s: number) => ((STATES_PTR + Math.floor(s / lanes) * unitBytes) >> 2) + (s % lanes);
    for (let start = from; start < to; start += perCall) {
      const count = Math.min(perCall, to - start);
      const u32 = this.u32;
      for (let s = 0; s < count; s++) write(start + s, u32, wordOf(s), lanes);
      call(
        STATES_PTR,
        count / lanes,
        t,
        tab.rp,
        tab.cFirst,
        tab.mM,
        tab.mP,
        tab.cPartial,
        tab.sparse,
        tab.cLast,
        TMP_PTR,
        ZERO_PTR,
        tab.group,
        WORK_PTR,
        R2_PTR,
        ONE_PTR,
      );
      for (let s = 0; s < count; s++) read(start + s, u32, wordOf(s), lanes);
    }
  }

  private widthTables(t: number): WidthTables {
    const cached = this.tables[t];
    if (cached) return cached;
    const sp = sparsePoseidonParams(t);
    const group = Math.min(MAX_GROUP, Math.max(1, Math.floor(this.groupFor(t))));
    const partialTable = groupedPartialRounds(t, sp.partialRounds, sp.sparse, group);
    const groups = [sp.firstConstants, sp.M, sp.P, sp.partialConstants, partialTable, sp.lastConstants];
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
    const tab: WidthTables = { t, rp: sp.partialRounds, group, cFirst, mM, mP, cPartial, sparse, cLast };
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

function writeLimbs(x: bigint, u32: Uint32Array, word: number, stride = 1): void {
  for (let k = 0; k < LIMBS; k++) {
    u32[word + k * stride] = Number(x & MASK);
    x >>= LIMB_SHIFT;
  }
}

const LIMB_MASK = (1 << LIMB_BITS) - 1;
/** r as 8 u32 words, most significant first (for the canonical comparison). */
const R_WORDS_DESC = Array.from({ length: 8 }, (_, j) =>
  Number((BN254_R >> BigInt(32 * (7 - j))) & 0xffffffffn),
);

/** 8 little-endian u32 words (a value < 2^256) as LIMBS limbs of LIMB_BITS bits. */
function wordsToLimbs(words: Uint32Array, at: number, u32: Uint32Array, word: number, stride: number): void {
  for (let k = 0; k < LIMBS; k++) {
    const bit = LIMB_BITS * k;
    const w = bit >>> 5;
    const o = bit & 31;
    let v = words[at + w]! >>> o;
    if (o + LIMB_BITS > 32 && w + 1 < 8) v |= words[at + w + 1]! << (32 - o);
    u32[word + k * stride] = v & LIMB_MASK;
  }
}

/** The value in limbs (below 2r) as 8 little-endian words, reduced below r. */
function limbsToCanonicalWords(
  u32: Uint32Array,
  word: number,
  stride: number,
  out: Uint32Array,
  at: number,
): void {
  out.fill(0, at, at + 8);
  for (let k = 0; k < LIMBS; k++) {
    const limb = u32[word + k * stride]!;
    const bit = LIMB_BITS * k;
    const w = bit >>> 5;
    const o = bit & 31;
    out[at + w] = (out[at + w]! | (limb << o)) >>> 0;
    if (o + LIMB_BITS > 32 && w + 1 < 8) out[at + w + 1] = (out[at + w + 1]! | (limb >>> (32 - o))) >>> 0;
  }
  // Compare with r from the top word; subtract it if not below.
  let j = 0;
  while (j < 8 && out[at + 7 - j] === R_WORDS_DESC[j]) j++;
  if (j < 8 && out[at + 7 - j]! < R_WORDS_DESC[j]!) return;
  let borrow = 0;
  for (let i = 0; i < 8; i++) {
    const d = out[at + i]! - R_WORDS_DESC[7 - i]! - borrow;
    borrow = d < 0 ? 1 : 0;
    out[at + i] = d >>> 0;
  }
}

function readCanonical(u32: Uint32Array, word: number, stride: number): bigint {
  let v = BigInt(u32[word + (LIMBS - 1) * stride]!);
  for (let k = LIMBS - 2; k >= 0; k--) v = (v << LIMB_SHIFT) | BigInt(u32[word + k * stride]!);
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
export function instantiateSync(
  bytes: Uint8Array,
  options?: { groupFor?: (t: number) => number; pairs?: boolean },
): WasmEngine {
  return new WasmEngine(instantiateExports(bytes), options);
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

/**
 * How many partial rounds share one reduction of cells 1..t-1. Grouping g rounds saves (t−1)(g−1) cell
 * updates (a reduction plus call overhead, measured at ≈ 200 multiplications' worth) and costs g(g−1)/2
 * extra dot-product terms (81 multiplications each); the best g per round is then ≈ √((t−1)·200/40.5).
 * Measured optima agree: g = 2–3 for t = 2, 3 for t = 3, 3–4 for t = 5, 8–12 (flat) for t = 17.
 */
export function partialRoundGroup(t: number): number {
  return Math.min(MAX_GROUP, Math.max(1, Math.round(Math.sqrt(((t - 1) * 200) / 40.5))));
}

/**
 * The partial rounds rearranged for the WebAssembly loop. With z the state in the sparse form and
 * x0⁽ᵏ⁾ cell 0 after round k's S-box, round k sets z0 ← m00·x0⁽ᵏ⁾ + Σ_j w_j⁽ᵏ⁾·z_j and z_j += v_j⁽ᵏ⁾·x0⁽ᵏ⁾.
 * Over a group of g rounds starting at round s, z_j at round k is z_j⁽ˢ⁾ + Σ_{s≤r<k} v_j⁽ʳ⁾·x0⁽ʳ⁾, so
 *   z0 ← m00·x0⁽ᵏ⁾ + Σ_j w_j⁽ᵏ⁾·z_j⁽ˢ⁾ + Σ_{s≤r<k} c_{k,r}·x0⁽ʳ⁾,  c_{k,r} = Σ_j w_j⁽ᵏ⁾·v_j⁽ʳ⁾,
 * and the cells are brought up to date once at the end of the group. Per group the table holds, for each
 * round k: [m00, w⁽ᵏ⁾ (t−1), c_{k,s..k−1}]; then for each cell j: [v_j⁽ˢ⁾ … v_j⁽ˢ⁺ᵍ⁻¹⁾].
 */
export function groupedPartialRounds(
  t: number,
  rounds: number,
  sparse: readonly bigint[],
  group: number,
): bigint[] {
  const stride = 2 * t - 1;
  const w = (k: number, j: number) => sparse[k * stride + j]!;
  const v = (k: number, j: number) => sparse[k * stride + t + j - 1]!;
  const table: bigint[] = [];
  for (let start = 0; start < rounds; start += group) {
    const g = Math.min(group, rounds - start);
    for (let k = start; k < start + g; k++) {
      for (let j = 0; j < t; j++) table.push(sparse[k * stride + j]!);
      for (let r = start; r < k; r++) {
        let c = 0n;
        for (let j = 1; j < t; j++) c += w(k, j) * v(r, j);
        table.push(c % BN254_R);
      }
    }
    for (let j = 1; j < t; j++) for (let k = start; k < start + g; k++) table.push(v(k, j));
  }
  return table;
}
