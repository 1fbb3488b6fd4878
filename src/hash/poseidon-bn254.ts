/**
 * Poseidon over the BN254 scalar field, identical to circomlib's `Poseidon(nInputs)` template and
 * circomlibjs's `poseidon` for t = 2..17 (t = number of inputs + 1): x⁵ S-box, 8 full rounds, circomlib's
 * partial-round counts, and circomlib's round constants and MDS matrices (src/hash/poseidon-bn254/constants.ts).
 *
 * The hot path runs the whole permutation inside a small WebAssembly module generated at first use
 * (poseidon-bn254/wasm-module.ts: Montgomery arithmetic on 9×29-bit limbs, sparse partial rounds, lazy
 * reduction). Where WebAssembly cannot be compiled synchronously (a browser main thread may refuse
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
export class PoseidonBn254InputError extends Error {
  override name = "PoseidonBn254InputError";
}

/**
 * circomlib `Poseidon(inputs.length)`: permutes [0, ...inputs] and returns cell 0.
 * @param inputs 1 to 16 field elements, each 0 ≤ x < r.
 */
export function poseidonBn254(inputs: readonly bigint[]): bigint {
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
 * The Poseidon permutation of width t = state.length (2..17) with circomlib's constants and round numbers,
 * for sponges and other modes. `poseidonBn254(x) === poseidonBn254Permute([0n, ...x])[0]`.
 */
export function poseidonBn254Permute(state: readonly bigint[]): bigint[] {
  checkCount(state.length, "state", state.length - 1);
  checkElements(state, "state");
  const engine = wasmEngine();
  if (!engine) return poseidonPermuteSparseBigInt(state);
  return engine.hash([state], state.length, false);
}

/**
 * The permutation computed literally from the specification in BigInt (dense matrices, no optimisation).
 * Slow; for cross-checking.
 */
export function poseidonBn254PermuteReference(state: readonly bigint[]): bigint[] {
  checkCount(state.length, "state", state.length - 1);
  checkElements(state, "state");
  return poseidonPermuteReference(state);
}

/** `poseidonBn254` through the reference permutation. */
export function poseidonBn254Reference(inputs: readonly bigint[]): bigint {
  checkCount(inputs.length + 1, "inputs", inputs.length);
  checkElements(inputs, "inputs");
  return poseidonPermuteReference([0n, ...inputs])[0]!;
}

/**
 * Compiles the WebAssembly module asynchronously. Optional in Node and in workers; on a browser main
 * thread, call and await it once before hashing to get the fast path.
 */
export async function initPoseidonBn254(): Promise<void> {
  if (engine) return;
  engine = await instantiateAsync(wasmBytes());
}

/** Which implementation the hash functions currently use. */
export function poseidonBn254Backend(): "wasm" | "bigint" {
  return wasmEngine() ? "wasm" : "bigint";
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

let bytes: Uint8Array | undefined;
let engine: WasmEngine | undefined;
let syncCompileFailed = false;

function wasmBytes(): Uint8Array {
  bytes ??= buildPoseidonWasm();
  return bytes;
}

function wasmEngine(): WasmEngine | undefined {
  if (engine || syncCompileFailed) return engine;
  try {
    engine = instantiateSync(wasmBytes());
  } catch {
    // No WebAssembly, or synchronous compilation refused (browser main thread): BigInt until
    // initPoseidonBn254() succeeds.
    syncCompileFailed = true;
  }
  return engine;
}
