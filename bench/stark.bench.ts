/**
 * `npm run bench -- stark [logRows…]`: a 64-column AIR with degree-3 constraints (half the columns
 * evolve through next-row references, half are row products) at 2^16, 2^18, 2^20 rows by default, under
 * CONFIG_BLOWUP_2 (100 conjectured bits). Prints prove wall and CPU time, verify time, proof size, peak RSS
 * and the prover's phase split (wall ms); the last line is JSON.
 */
import { CONFIG_BLOWUP_2 } from "../src/stark/config.ts";
import { poseidon2Hash } from "../src/stark/poseidon2-hash.ts";
import { encodeProof } from "../src/stark/proof-codec.ts";
import { proveStark } from "../src/stark/prover.ts";
import { securityReport, securityShape } from "../src/stark/security.ts";
import { verifyStarkBytes } from "../src/stark/verifier.ts";
import { cubicAir, cubicWitness } from "../test/stark/airs.ts";

const WIDTH = 64;
const logs = process.argv
  .slice(2)
  .map(Number)
  .filter((x) => Number.isInteger(x) && x > 0);
const sizes = logs.length ? logs : [16, 18, 20];
const config = CONFIG_BLOWUP_2;
const air = cubicAir(WIDTH);
const results: Record<string, unknown>[] = [];
for (const logN of sizes) {
  const witness = cubicWitness(WIDTH, logN);
  const timings: Record<string, number> = {};
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const proof = proveStark(air, config, poseidon2Hash, witness, { timings });
  const proveMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const bytes = encodeProof(proof, air, config, poseidon2Hash);
  let verifyMs = Infinity;
  for (let i = 0; i < 3; i++) {
    const t1 = performance.now();
    verifyStarkBytes(air, config, poseidon2Hash, witness.publics, bytes);
    verifyMs = Math.min(verifyMs, performance.now() - t1);
  }
  const r = {
    logRows: logN,
    columns: WIDTH,
    securityBits: securityReport(config, securityShape(air, [logN])).bits,
    proveMs: Math.round(proveMs),
    // CPU time of all threads: less sensitive than wall time to other processes sharing the machine.
    proveCpuMs: Math.round((cpu.user + cpu.system) / 1000),
    verifyMs: Math.round(verifyMs * 10) / 10,
    proofBytes: bytes.length,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    splitMs: Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v)])),
  };
  console.log(JSON.stringify(r));
  results.push(r);
}
console.log(JSON.stringify({ bench: "stark", config, results }));
