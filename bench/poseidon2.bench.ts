/**
 * Poseidon2-BabyBear width-24 permutations per second (one thread): the WebAssembly kernel behind
 * poseidon2Permute, its four-state vector permutation (what the prover's row hashing and Merkle levels
 * use), the JavaScript permutation, 2-to-1 compressions (Merkle nodes), and the same permutation in plain
 * C built with `gcc -O3` (bench/reference/poseidon2.c) as the reference, measured in the same run; its
 * output is checked against ours first. Without gcc the reference is skipped (reported as null).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  poseidon2Backend,
  poseidon2Compress,
  poseidon2Lanes4,
  poseidon2Permute,
  poseidon2PermuteJs,
} from "../src/hash/poseidon2.ts";
import {
  FULL_ROUND_CONSTANTS,
  INTERNAL_DIAGONAL,
  PARTIAL_ROUND_CONSTANTS,
} from "../src/hash/poseidon2-constants.ts";
import { randomElements, report, timeIt } from "./util.ts";

const batch = 10_000;
function perSecond(fn: (s: Uint32Array) => void, perCall = 1): number {
  const state = randomElements(24, 3);
  const t = timeIt(() => {
    for (let i = 0; i < batch; i++) fn(state);
  }, 2000);
  return Math.round((batch * perCall) / (t.msPerCall / 1000));
}

const permute = perSecond(poseidon2Permute);
const four = poseidon2Lanes4();
if (four) four.state.set(randomElements(96, 6));
const permute4 = four ? perSecond(() => four.permute(), 4) : null;
const js = perSecond(poseidon2PermuteJs);
const a = randomElements(8, 4);
const b = randomElements(8, 5);
const out = new Uint32Array(8);
const compress = perSecond(() => poseidon2Compress(a, b, out));

/** The C reference's permutations per second, after checking its output on one state against ours. */
function referencePerSecond(): number | null {
  const dir = mkdtempSync(join(tmpdir(), "poseidon2-ref-"));
  try {
    const array = (name: string, xs: ArrayLike<number>) =>
      `static const uint32_t ${name}[${xs.length}] = {${Array.from(xs).join(", ")}};\n`;
    writeFileSync(
      join(dir, "poseidon2-constants.h"),
      array("FULL_RC", FULL_ROUND_CONSTANTS) +
        array("PARTIAL_RC", PARTIAL_ROUND_CONSTANTS) +
        array("DIAGONAL", INTERNAL_DIAGONAL),
    );
    const source = join(dirname(fileURLToPath(import.meta.url)), "reference/poseidon2.c");
    const exe = join(dir, "poseidon2");
    try {
      execFileSync("gcc", ["-O3", "-I", dir, "-o", exe, source], { stdio: "pipe" });
    } catch {
      console.log("gcc not found or failed: the C reference is skipped");
      return null;
    }
    const input = randomElements(24, 7);
    const [lanes, timing] = execFileSync(exe, [...Array.from(input, String), "3000000"], { encoding: "utf8" })
      .trim()
      .split("\n");
    const expected = Uint32Array.from(input);
    poseidon2Permute(expected);
    if (lanes !== Array.from(expected).join(" "))
      throw new Error("the C reference disagrees with poseidon2Permute: fix bench/reference/poseidon2.c");
    return Math.round(1e9 / Number(timing!.split(" ")[0]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const reference = referencePerSecond();

const k = (x: number) => `${Math.round(x / 1000)} k/s`;
console.log(`Poseidon2 w24 (${poseidon2Backend()}): ${k(permute)} one at a time`);
if (permute4 !== null) console.log(`four-state vector kernel: ${k(permute4)}`);
console.log(`JavaScript permutation: ${k(js)}; compressions: ${k(compress)}`);
if (reference !== null)
  console.log(
    `C reference (gcc -O3, scalar): ${k(reference)}; ours/C: one at a time ${(permute / reference).toFixed(2)}, ` +
      `four-state ${permute4 === null ? "—" : (permute4 / reference).toFixed(2)}`,
  );
report("poseidon2", {
  backend: poseidon2Backend(),
  permutationsPerSecond: permute,
  vector4PermutationsPerSecond: permute4,
  jsPermutationsPerSecond: js,
  compressPerSecond: compress,
  cReferencePerSecond: reference,
  vector4OverC: reference && permute4 ? Math.round((permute4 / reference) * 100) / 100 : null,
});
