/**
 * Worker-pool task for bulk fixed-base scalar multiplication on BN254 (see fixed-base.ts).
 *
 * It drives the WebAssembly curve arithmetic of ffjavascript (the engine snarkjs proves with) directly, one
 * exported function call per point addition, instead of through ffjavascript's task queue. For the
 * generator G of G1 or G2 it precomputes T[j][d] = d·2^(w·j)·G for every window j and digit d ≠ 0, in
 * affine Montgomery form; then s·G = Σ_j T[j][digit_j(s)] costs ⌈256/w⌉ mixed additions and no doublings,
 * against ~256 doublings + ~128 additions for a variable-base multiplication.
 *
 * Task: `multiply({ curve, group: 1 | 2, window: 8 | 16, scalars })` with scalars as 32-byte little-endian
 * canonical values returns the affine points in the little-endian Montgomery layout that snarkjs's .zkey
 * sections use (all-zero bytes for the point at infinity). The thread keeps its curve instance and window
 * tables across calls until `release()`.
 */
export interface FixedBaseJob {
  /** The compiled curve module and the addresses of its generators, from ffjavascript (see fixed-base.ts). */
  readonly curve: { readonly code: Uint8Array; readonly pG1gen: number; readonly pG2gen: number };
  readonly group: 1 | 2;
  readonly window: 8 | 16;
  readonly scalars: Uint8Array;
}
// The project compiles without the DOM lib, so describe the little of the WebAssembly API used here.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
const WA = (
  globalThis as unknown as {
    WebAssembly: {
      Memory: new (descriptor: { initial: number }) => WasmMemory;
      instantiate(
        code: Uint8Array,
        imports: object,
      ): Promise<{ instance: { exports: Record<string, (...args: number[]) => number> } }>;
    };
  }
).WebAssembly;
let memory: WasmMemory;
let wasm: Record<string, (...args: number[]) => number>;
let pG1gen = 0;
let pG2gen = 0;
let loaded: Promise<void> | undefined;

function load(curve: FixedBaseJob["curve"]): Promise<void> {
  loaded ??= (async () => {
    memory = new WA.Memory({ initial: 25 });
    wasm = (await WA.instantiate(curve.code, { env: { memory } })).instance.exports;
    pG1gen = curve.pG1gen;
    pG2gen = curve.pG2gen;
    tables.clear();
    buffers.clear();
  })();
  return loaded;
}

/** Drops the curve instance and its tables (hundreds of MB with 16-bit windows). */
export function release(): void {
  loaded = undefined;
  tables.clear();
  buffers.clear();
}

/**
 * A bump allocator over the WebAssembly memory, starting at the module's own free pointer. The module's
 * batch functions (batchToAffine) take their scratch space above the free pointer, so keep headroom there.
 */
const HEADROOM = 64 << 20;
function alloc(bytes: number): number {
  const u32 = new Uint32Array(memory.buffer, 0, 1);
  const p = Math.ceil(u32[0]! / 64) * 64;
  u32[0] = p + bytes;
  const needed = p + bytes + HEADROOM - memory.buffer.byteLength;
  if (needed > 0) memory.grow(Math.ceil(needed / 65536) + 1);
  return p;
}
const heap = () => new Uint8Array(memory.buffer);

interface GroupOps {
  affineBytes: number;
  jacobianBytes: number;
  generator: number;
  zero: (p: number) => void;
  add: (a: number, b: number, r: number) => void;
  addMixed: (a: number, b: number, r: number) => void;
  batchToAffine: (p: number, n: number, r: number) => void;
}

function ops(group: 1 | 2): GroupOps {
  const pre = group === 1 ? "g1m" : "g2m";
  const n8 = 32 * group;
  return {
    affineBytes: 2 * n8,
    jacobianBytes: 3 * n8,
    generator: group === 1 ? pG1gen : pG2gen,
    zero: wasm[`${pre}_zero`]!,
    add: wasm[`${pre}_add`]!,
    addMixed: wasm[`${pre}_addMixed`]!,
    batchToAffine: wasm[`${pre}_batchToAffine`]!,
  };
}

interface Table {
  pointer: number;
  windows: number;
  digits: number;
}
const tables = new Map<string, Table>();

function table(group: 1 | 2, window: 8 | 16): Table {
  const key = `${group}:${window}`;
  const cached = tables.get(key);
  if (cached) return cached;
  const g = ops(group);
  const windows = Math.ceil(256 / window);
  const digits = (1 << window) - 1;
  const pointer = alloc(windows * digits * g.affineBytes);
  const scratch = alloc(digits * g.jacobianBytes);
  const base = alloc(g.jacobianBytes);
  heap().copyWithin(base, g.generator, g.generator + g.jacobianBytes);
  for (let j = 0; j < windows; j++) {
    // scratch[d-1] = d·base, then base ← 2^w·base for the next window.
    heap().copyWithin(scratch, base, base + g.jacobianBytes);
    for (let d = 1; d < digits; d++) {
      g.add(scratch + (d - 1) * g.jacobianBytes, base, scratch + d * g.jacobianBytes);
    }
    g.add(scratch + (digits - 1) * g.jacobianBytes, base, base);
    g.batchToAffine(scratch, digits, pointer + j * digits * g.affineBytes);
  }
  const t = { pointer, windows, digits };
  tables.set(key, t);
  return t;
}

const CHUNK = 1 << 12;
const buffers = new Map<number, { scalars: number; jac: number; aff: number }>();

/** s_i·G for every scalar of the job (the pool's task entry point). */
export async function multiply(job: FixedBaseJob): Promise<Uint8Array> {
  await load(job.curve);
  const points = multiplyLoaded(job);
  job.scalars.fill(0);
  return points;
}

function multiplyLoaded(job: FixedBaseJob): Uint8Array {
  const g = ops(job.group);
  const t = table(job.group, job.window);
  let buf = buffers.get(job.group);
  if (!buf) {
    buf = {
      scalars: alloc(CHUNK * 32),
      jac: alloc(CHUNK * g.jacobianBytes),
      aff: alloc(CHUNK * g.affineBytes),
    };
    buffers.set(job.group, buf);
  }
  const n = job.scalars.length / 32;
  const out = new Uint8Array(n * g.affineBytes);
  const { addMixed, zero } = g;
  const stride = t.digits * g.affineBytes;
  for (let start = 0; start < n; start += CHUNK) {
    const count = Math.min(CHUNK, n - start);
    const mem = heap();
    mem.set(job.scalars.subarray(start * 32, (start + count) * 32), buf.scalars);
    for (let i = 0; i < count; i++) {
      const acc = buf.jac + i * g.jacobianBytes;
      const s = buf.scalars + i * 32;
      zero(acc);
      if (job.window === 8) {
        for (let j = 0; j < 32; j++) {
          const d = mem[s + j]!;
          if (d !== 0) addMixed(acc, t.pointer + j * stride + (d - 1) * g.affineBytes, acc);
        }
      } else {
        for (let j = 0; j < 16; j++) {
          const d = mem[s + 2 * j]! | (mem[s + 2 * j + 1]! << 8);
          if (d !== 0) addMixed(acc, t.pointer + j * stride + (d - 1) * g.affineBytes, acc);
        }
      }
    }
    g.batchToAffine(buf.jac, count, buf.aff);
    mem.fill(0, buf.scalars, buf.scalars + count * 32);
    out.set(heap().subarray(buf.aff, buf.aff + count * g.affineBytes), start * g.affineBytes);
  }
  return out;
}
