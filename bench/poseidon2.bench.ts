/**
 * Poseidon2-BabyBear width-24 permutations per second (one thread): the WebAssembly kernel behind
 * poseidon2Permute, the JavaScript permutation, and 2-to-1 compressions (Merkle nodes).
 */
import {
  poseidon2Backend,
  poseidon2Compress,
  poseidon2Permute,
  poseidon2PermuteJs,
} from "../src/hash/poseidon2.ts";
import { randomElements, report, timeIt } from "./util.ts";

const batch = 10_000;
function perSecond(fn: (s: Uint32Array) => void): number {
  const state = randomElements(24, 3);
  const t = timeIt(() => {
    for (let i = 0; i < batch; i++) fn(state);
  }, 2000);
  return Math.round(batch / (t.msPerCall / 1000));
}

const permute = perSecond(poseidon2Permute);
const js = perSecond(poseidon2PermuteJs);
const a = randomElements(8, 4);
const b = randomElements(8, 5);
const out = new Uint32Array(8);
const compress = perSecond(() => poseidon2Compress(a, b, out));

console.log(`Poseidon2 w24 (${poseidon2Backend()}): ${Math.round(permute / 1000)} k permutations/s`);
console.log(
  `JavaScript permutation: ${Math.round(js / 1000)} k/s; compressions: ${Math.round(compress / 1000)} k/s`,
);
report("poseidon2", {
  backend: poseidon2Backend(),
  permutationsPerSecond: permute,
  jsPermutationsPerSecond: js,
  compressPerSecond: compress,
});
