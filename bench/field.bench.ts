/** BabyBear multiplication throughput over arrays, against a BigInt reference in the same run. */
import { mulArrays, P } from "../src/field/babybear.ts";
import { randomElements, report, timeIt } from "./util.ts";

const n = 1 << 20;
const a = randomElements(n, 1);
const b = randomElements(n, 2);
const out = new Uint32Array(n);
const t = timeIt(() => mulArrays(a, b, out), 1000);
const mulsPerSecond = n / (t.msPerCall / 1000);

const m = 1 << 16;
const ab = Array.from(a.subarray(0, m), BigInt);
const bb = Array.from(b.subarray(0, m), BigInt);
const p = BigInt(P);
const tb = timeIt(() => {
  for (let i = 0; i < m; i++) ab[i] = (ab[i]! * bb[i]!) % p;
}, 500);
const bigintPerSecond = m / (tb.msPerCall / 1000);

console.log(
  `BabyBear mul over arrays: ${(mulsPerSecond / 1e6).toFixed(1)} M/s (BigInt reference: ${(bigintPerSecond / 1e6).toFixed(1)} M/s)`,
);
report("field", { mulPerSecond: Math.round(mulsPerSecond), bigintMulPerSecond: Math.round(bigintPerSecond) });
