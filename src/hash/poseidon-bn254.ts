import { ZkvmError } from "../errors.ts";
/**
 * Poseidon over the BN254 scalar field, identical to circomlib's `Poseidon(nInputs)` template and
 * circomlibjs's `poseidon` for t = 2..17 (t = number of inputs + 1): x⁵ S-box, 8 full rounds, circomlib's
 * partial-round counts, and circomlib's round constants and MDS matrices (src/hash/poseidon-bn254/constants.ts).
 *
 * The hot path runs the whole permutation inside a small WebAssembly module generated at first use
 * (poseidon-bn254/wasm-module.ts: Montgomery arithmetic on 9×29-bit limbs, sparse partial rounds, lazy
 * reduction; batches run two states at a time in SIMD lanes). Where WebAssembly cannot be compiled synchronously (a browser main thread may refuse
 * synchronous compilation of modules above 4 KiB), the functions fall back to a BigInt implementation
 * until `initPoseidonBn254()` has compiled the module asynchronously; results are the same either way.
 *
 * Inputs must be canonical field elements, 0 ≤ x < r. Values ≥ r are rejected with
 * `PoseidonBn254InputError` rather than reduced: circom's field semantics would silently identify x and
 * x − r, so two different inputs would hash alike.
 */
import { instantiateAsync, instantiateSync, type WasmEngine } from "./poseidon-bn254/engine.ts";
import { BN254_R } from "./poseidon-bn254/field.ts";
import { MAX_WIDTH, MIN_WIDTH } from "./poseidon-bn254/params.ts";
import { poseidonPermuteReference, poseidonPermuteSparseBigInt } from "./poseidon-bn254/reference.ts";
import { buildPoseidonWasm } from "./poseidon-bn254/wasm-module.ts";

export { BN254_R } from "./poseidon-bn254/field.ts";

/** Largest number of inputs circomlib's Poseidon accepts (t = 17). */
export const POSEIDON_BN254_MAX_INPUTS = MAX_WIDTH - 1;

/** Thrown for inputs the hash does not accept: wrong count, not a bigint, or not in [0, r). */
export class PoseidonBn254InputError extends ZkvmError {
  override name = "PoseidonBn254InputError";
}

/**
 * circomlib `Poseidon(inputs.length)`: permutes [0, ...inputs] and returns cell 0.
 * @param inputs 1 to 16 field elements, each 0 ≤ x < r.
 */
export function poseidonBn254(inputs: readonly bigint[]): bigint {
  checkArray(inputs, "inputs");
  checkCount(inputs.length + 1, "inputs", inputs.length);
  checkElements(inputs, "inputs");
  const engine = wasmEngine();
  if (!engine) return poseidonPermuteSparseBigInt([0n, ...inputs])[0]!;
  return engine.hash([inputs], 1, true)[0]!;
}

/**
 * Hashes many input vectors in one call (each like `poseidonBn254`); they may have different lengths.
 * Faster than calling `poseidonBn254` in a loop because vectors of equal length are permuted together
 * inside WebAssembly.
 */
export function poseidonBn254Batch(inputs: readonly (readonly bigint[])[]): bigint[] {
  checkArray(inputs, "inputs");
  const out = new Array<bigint>(inputs.length);
  const byWidth = new Map<number, number[]>();
  inputs.forEach((vector, i) => {
    if (!Array.isArray(vector)) {
      throw new PoseidonBn254InputError(`inputs[${i}] must be an array of bigints, got ${typeof vector}`);
    }
    checkCount(vector.length + 1, `inputs[${i}]`, vector.length);
    checkElements(vector, `inputs[${i}]`);
    const group = byWidth.get(vector.length + 1);
    if (group) group.push(i);
    else byWidth.set(vector.length + 1, [i]);
  });
  const engine = wasmEngine();
  for (const indices of byWidth.values()) {
    const vectors = indices.map((i) => inputs[i]!);
    const results = engine
      ? engine.hash(vectors, 1, true)
      : vectors.map((v) => poseidonPermuteSparseBigInt([0n, ...v])[0]!);
    indices.forEach((i, k) => {
      out[i] = results[k]!;
    });
  }
  return out;
}

/**
 * `poseidonBn254Batch` of `count` vectors of `width` inputs given as words: input i of vector v is the 8
 * little-endian u32 words at words[8·(v·width + i)], each a canonical element (< r; not checked — the
 * caller's words are digests and packed cells it made); hash v goes to out[8·v..8·v + 8), canonical. For
 * callers that keep field elements as words (the prover's Merkle trees): no bigint is made on the
 * WebAssembly path.
 */
export function poseidonBn254Words(words: Uint32Array, count: number, width: number, out: Uint32Array): void {
  checkCount(width + 1, "width", width);
  if (words.length < 8 * count * width || out.length < 8 * count)
    throw new PoseidonBn254InputError(`${count} vectors of ${width} inputs need more words than given`);
  const engine = wasmEngine();
  if (engine) {
    engine.hashWords(words, count, width, out);
    return;
  }
  const element = (at: number) => {
    let v = 0n;
    for (let j = 7; j >= 0; j--) v = (v << 32n) | BigInt(words[at + j]!);
    return v;
  };
  for (let v = 0; v < count; v++) {
    let h = poseidonPermuteSparseBigInt([
      0n,
      ...Array.from({ length: width }, (_, i) => element(8 * (v * width + i))),
    ])[0]!;
    for (let j = 0; j < 8; j++, h >>= 32n) out[8 * v + j] = Number(h & 0xffffffffn);
  }
}

/**
 * The Poseidon permutation of width t = state.length (2..17) with circomlib's constants and round numbers,
 * for sponges and other modes. `poseidonBn254(x) === poseidonBn254Permute([0n, ...x])[0]`.
 */
export function poseidonBn254Permute(state: readonly bigint[]): bigint[] {
  checkArray(state, "state");
  checkCount(state.length, "state", state.length - 1);
  checkElements(state, "state");
  const engine = wasmEngine();
  if (!engine) return poseidonPermuteSparseBigInt(state);
  return engine.hash([state], state.length, false);
}

/**
 * `poseidonBn254Permute` of many states of one width in one call (pairs of states share SIMD lanes), for
 * sponges running side by side — e.g. hashing the leaves of a Merkle tree.
 */
export function poseidonBn254PermuteBatch(states: readonly (readonly bigint[])[]): bigint[][] {
  checkArray(states, "states");
  if (states.length === 0) return [];
  const t = states[0]?.length ?? 0;
  states.forEach((state, i) => {
    if (!Array.isArray(state)) {
      throw new PoseidonBn254InputError(`states[${i}] must be an array of bigints, got ${typeof state}`);
    }
    if (state.length !== t) {
      throw new PoseidonBn254InputError(
        `states[${i}] has ${state.length} elements but states[0] has ${t}; a batch permutes states of one width`,
      );
    }
    checkCount(state.length, "state", state.length - 1);
    checkElements(state, `states[${i}]`);
  });
  const engine = wasmEngine();
  if (!engine) return states.map((state) => poseidonPermuteSparseBigInt(state));
  const flat = engine.hash(states, t, false);
  return states.map((_, i) => flat.slice(i * t, (i + 1) * t));
}

/**
 * The permutation computed literally from the specification in BigInt (dense matrices, no optimisation).
 * Slow; for cross-checking.
 */
export function poseidonBn254PermuteReference(state: readonly bigint[]): bigint[] {
  checkArray(state, "state");
  checkCount(state.length, "state", state.length - 1);
  checkElements(state, "state");
  return poseidonPermuteReference(state);
}

/** `poseidonBn254` through the reference permutation. */
export function poseidonBn254Reference(inputs: readonly bigint[]): bigint {
  checkArray(inputs, "inputs");
  checkCount(inputs.length + 1, "inputs", inputs.length);
  checkElements(inputs, "inputs");
  return poseidonPermuteReference([0n, ...inputs])[0]!;
}

/**
 * Compiles the WebAssembly module asynchronously. Optional in Node and in workers; on a browser main
 * thread, call and await it once before hashing to get the fast path. Rejects only if this JavaScript
 * engine cannot run WebAssembly at all (the hash functions then keep using BigInt).
 */
export async function initPoseidonBn254(): Promise<void> {
  if (engine) return;
  let lastError: unknown;
  for (const build of builds) {
    try {
      engine = await instantiateAsync(build());
      return;
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

/** Which implementation the hash functions currently use. */
export function poseidonBn254Backend(): "wasm" | "bigint" {
  return wasmEngine() ? "wasm" : "bigint";
}

function checkArray(value: unknown, what: string): void {
  if (!Array.isArray(value)) {
    throw new PoseidonBn254InputError(
      `${what} must be an array of bigints, got ${value === null ? "null" : typeof value}`,
    );
  }
}

function checkCount(t: number, what: string, inputs: number): void {
  if (!Number.isInteger(t) || t < MIN_WIDTH || t > MAX_WIDTH) {
    throw new PoseidonBn254InputError(
      what === "state"
        ? `Poseidon-BN254 state must have ${MIN_WIDTH} to ${MAX_WIDTH} elements (circomlib's widths), got ${t}`
        : `${what}: Poseidon-BN254 takes 1 to ${POSEIDON_BN254_MAX_INPUTS} inputs (circomlib's widths), got ${inputs}; hash longer data with a sponge or a tree of hashes`,
    );
  }
}

function checkElements(values: readonly bigint[], what: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== "bigint") {
      throw new PoseidonBn254InputError(`${what}[${i}] must be a bigint field element, got ${typeof v}`);
    }
    if (v < 0n || v >= BN254_R) {
      throw new PoseidonBn254InputError(
        `${what}[${i}] = ${v} is not a canonical BN254 scalar field element (need 0 ≤ x < r = ${BN254_R}); reduce it modulo r yourself if that is what you mean`,
      );
    }
  }
}

let engine: WasmEngine | undefined;
let syncCompileFailed = false;

/** The module with SIMD, then without it (engines lacking WebAssembly SIMD reject the first). */
const builds = [() => buildPoseidonWasm(), () => buildPoseidonWasm({ simd: false })];

function wasmEngine(): WasmEngine | undefined {
  if (engine || syncCompileFailed) return engine;
  for (const build of builds) {
    try {
      engine = instantiateSync(build());
      return engine;
    } catch {
      // Try the next build; if none compiles (no WebAssembly, or synchronous compilation refused on a
      // browser main thread), use BigInt until initPoseidonBn254() succeeds.
    }
  }
  syncCompileFailed = true;
  return engine;
}
