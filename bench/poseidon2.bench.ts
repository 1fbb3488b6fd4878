/** Poseidon2-BabyBear width-24 permutations per second (one thread), and Merkle-style compressions. */
import { poseidon2Compress, poseidon2Permute } from "../src/hash/poseidon2.ts";
import { randomElements, report, timeIt } from "./util.ts";

const state = randomElements(24, 3);
const batch = 10_000;
const t = timeIt(() => {
  for (let i = 0; i < batch; i++) poseidon2Permute(state);
}, 2000);
const perSecond = batch / (t.msPerCall / 1000);

const a = randomElements(8, 4);
const b = randomElements(8, 5);
const out = new Uint32Array(8);
const tc = timeIt(() => {
  for (let i = 0; i < batch; i++) poseidon2Compress(a, b, out);
}, 1000);
const compressPerSecond = batch / (tc.msPerCall / 1000);

console.log(
  `Poseidon2 w24: ${Math.round(perSecond / 1000)} k permutations/s; compress: ${Math.round(compressPerSecond / 1000)} k/s`,
);
report("poseidon2", {
  permutationsPerSecond: Math.round(perSecond),
  compressPerSecond: Math.round(compressPerSecond),
});
