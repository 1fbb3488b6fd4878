/** Forward NTT time at 2^16 … 2^22 (one thread), plus a coset LDE at 2^20 with blowup 2. */
import { cosetLde, ntt } from "../src/field/ntt.ts";
import { randomElements, report, timeIt } from "./util.ts";

const logs = (process.argv[2] ?? "16,18,20,22").split(",").map(Number);
const results: Record<string, number> = {};
for (const log of logs) {
  const data = randomElements(1 << log, log);
  const t = timeIt(() => ntt(data), log >= 22 ? 2000 : 1000);
  results[`ntt_2^${log}_ms`] = Number(t.msPerCall.toFixed(2));
  console.log(`NTT 2^${log}: ${t.msPerCall.toFixed(1)} ms`);
}
const trace = randomElements(1 << 20, 7);
const lde = timeIt(() => cosetLde(trace, 1), 1000);
results["cosetLde_2^20_x2_ms"] = Number(lde.msPerCall.toFixed(2));
console.log(`coset LDE 2^20 → 2^21: ${lde.msPerCall.toFixed(1)} ms`);
report("ntt", results);
