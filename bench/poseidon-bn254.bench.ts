/**
 * Poseidon-BN254 hashes per second, one thread: our WebAssembly fast path (one call per hash, and batched),
 * our BigInt reference (dense, as specified), circomlibjs's WebAssembly `buildPoseidon`, and poseidon-lite.
 *
 *   npm run bench -- poseidon-bn254 [seconds-per-figure]
 *
 * Each figure is the best of 10 runs of ≈ seconds/10 each (best-of filters out other load on the machine).
 * Last line: one JSON object with all figures.
 */
import * as lite from "poseidon-lite";
import {
  BN254_R,
  poseidonBn254,
  poseidonBn254Backend,
  poseidonBn254Batch,
  poseidonBn254Reference,
} from "../src/hash/poseidon-bn254.ts";

type CircomlibPoseidon = ((inputs: bigint[]) => unknown) & { F: { toObject(x: unknown): bigint } };
const circomlibjs = (await import("circomlibjs" as string)) as {
  buildPoseidon(): Promise<CircomlibPoseidon>;
};
const circom = await circomlibjs.buildPoseidon();

const seconds = Number(process.argv[2] ?? 3);
const RUNS = 10;

function inputsFor(t: number, n: number): bigint[][] {
  let x = 0x243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89n;
  return Array.from({ length: n }, () =>
    Array.from({ length: t - 1 }, () => {
      x = (x * 0x5851f42d4c957f2dn + 0x14057b7ef767814fn) % BN254_R;
      return x;
    }),
  );
}

/** Best hashes/s over RUNS runs; `hashAll` hashes the given vectors and returns how many it hashed. */
function measure(t: number, chunk: number, hashAll: (vectors: bigint[][]) => void): number {
  const vectors = inputsFor(t, chunk);
  hashAll(vectors.slice(0, Math.min(chunk, 16))); // warm-up and lazy initialisation
  let best = 0;
  for (let run = 0; run < RUNS; run++) {
    let done = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < (seconds * 1000) / RUNS) {
      hashAll(vectors);
      done += vectors.length;
      elapsed = performance.now() - start;
    }
    best = Math.max(best, done / (elapsed / 1000));
  }
  return Math.round(best);
}

const liteFor = (t: number) =>
  (lite as unknown as Record<string, (x: bigint[]) => bigint>)[`poseidon${t - 1}`]!;

const figures: Record<string, number | string> = { backend: poseidonBn254Backend() };
for (const t of [3, 17]) {
  const fast = measure(t, 256, (vs) => {
    for (const v of vs) poseidonBn254(v);
  });
  const batch = measure(t, 256, (vs) => poseidonBn254Batch(vs));
  const reference = measure(t, 8, (vs) => {
    for (const v of vs) poseidonBn254Reference(v);
  });
  const circ = measure(t, 64, (vs) => {
    for (const v of vs) circom.F.toObject(circom(v));
  });
  const lh = liteFor(t);
  const pl = measure(t, 8, (vs) => {
    for (const v of vs) lh(v);
  });
  Object.assign(figures, {
    [`t${t}_wasm_hashes_per_s`]: fast,
    [`t${t}_wasm_batch_hashes_per_s`]: batch,
    [`t${t}_bigint_reference_hashes_per_s`]: reference,
    [`t${t}_circomlibjs_hashes_per_s`]: circ,
    [`t${t}_poseidon_lite_hashes_per_s`]: pl,
  });
  console.log(
    `t=${String(t).padStart(2)}  wasm ${fast}/s  wasm batch ${batch}/s  BigInt reference ${reference}/s  ` +
      `circomlibjs ${circ}/s  poseidon-lite ${pl}/s  (${(fast / reference).toFixed(1)}× reference, ` +
      `${(fast / circ).toFixed(1)}× circomlibjs)`,
  );
}
console.log(JSON.stringify(figures));
