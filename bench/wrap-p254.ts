/**
 * `npm run bench -- wrap-circuit --p254 [--release-queries N] [--prove-only | --count-only]`: the BN254 step
 * and its circuit (docs/wrap-circuit.md §8).
 *
 * - Count: the BN254 identity AIR of a release at a production-like recursion configuration (blowup 4,
 *   N = 42 queries by default, no lift programs: the identity program depends on the release's shape and
 *   configuration only, and lifts raise the shape's heights by a level at most), its heights and opened
 *   columns, and for each candidate BN254 configuration its conjectured security and the verifier circuit's
 *   constraints by category (structure only: no commitment is computed).
 * - Prove: one BN254 identity proof at the tests' small recursion configuration (test release, 2 queries),
 *   under the BN254 test configuration and P254_CONFIG (`--test-only`: the first; `--all-candidates`: every
 *   candidate): proving time by phase, native verification, the circuit's witness time.
 */
import { countStarkVerifierCircuit } from "../src/groth16/circuit/stark-verifier.ts";
import { p254CircuitSpec, p254CircuitWitness } from "../src/groth16/wrap/p254-circuit.ts";
import { P254_CONFIG, p254Air, p254Program, proveP254, verifyP254 } from "../src/recursion/p254.ts";
import { CONFIG_BLOWUP_4, type StarkConfig } from "../src/stark/config.ts";
import { securityReport, securityShape } from "../src/stark/security.ts";
import { proveTestClaim, testRelease } from "../test/recursion/test-release.ts";
import { report } from "./util.ts";

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const numberArg = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const seconds = (t0: number) => Math.round((performance.now() - t0) / 100) / 10;

/** BN254 configurations around ARCHITECTURE §6's suggestion (blowup 32, ~16 queries, PoW ≤ 20). */
const CANDIDATES: Record<string, StarkConfig> = {
  "blowup 32, 16 queries, PoW 20": {
    logBlowup: 5,
    numQueries: 16,
    powBits: 20,
    friLogArity: 2,
    logFinalDegree: 3,
  },
  "blowup 32, 17 queries, PoW 16": {
    logBlowup: 5,
    numQueries: 17,
    powBits: 16,
    friLogArity: 2,
    logFinalDegree: 3,
  },
  "blowup 32, 17 queries, PoW 16, arity 8": {
    logBlowup: 5,
    numQueries: 17,
    powBits: 16,
    friLogArity: 3,
    logFinalDegree: 3,
  },
  "blowup 16, 21 queries, PoW 16": {
    logBlowup: 4,
    numQueries: 21,
    powBits: 16,
    friLogArity: 2,
    logFinalDegree: 3,
  },
  "blowup 8, 28 queries, PoW 16": {
    logBlowup: 3,
    numQueries: 28,
    powBits: 16,
    friLogArity: 2,
    logFinalDegree: 3,
  },
};
const TEST_BN254: StarkConfig = {
  logBlowup: 1,
  numQueries: 2,
  powBits: 2,
  friLogArity: 2,
  logFinalDegree: 1,
};

const out: Record<string, unknown> = {};

if (!flag("--prove-only")) {
  const queries = numberArg("--release-queries", CONFIG_BLOWUP_4.numQueries);
  const releaseConfig: StarkConfig = { ...CONFIG_BLOWUP_4, numQueries: queries };
  let t0 = performance.now();
  const sys = testRelease(releaseConfig);
  const a = p254Air(sys);
  const tables = a.air.air.tables.map((t, i) => ({
    table: t.name,
    logHeight: a.logHeights[i],
    main: t.mainWidth,
    preprocessed: t.preprocessed.length,
    aux: 4 * t.auxWidth,
  }));
  const opened = tables.reduce((n, t) => n + t.main + t.preprocessed + t.aux, 0);
  console.log(
    JSON.stringify({ releaseConfig, releaseSeconds: seconds(t0), releaseShape: sys.shape, tables, opened }),
  );
  const counts: Record<string, unknown>[] = [];
  for (const [name, config] of Object.entries(CANDIDATES)) {
    t0 = performance.now();
    const stats = countStarkVerifierCircuit(p254CircuitSpec({ ...a, config }));
    const security = securityReport(config, securityShape(a.air.air, a.logHeights));
    const r = {
      name,
      config,
      securityBits: security.bits,
      securityTerms: security.terms,
      constraints: stats.constraints,
      byCategory: stats.byCategory,
      countSeconds: seconds(t0),
    };
    console.log(JSON.stringify(r));
    counts.push(r);
  }
  Object.assign(out, { releaseConfig, tables, opened, counts });
}

if (!flag("--count-only")) {
  let t0 = performance.now();
  const sys = testRelease();
  const inner = proveTestClaim(
    sys,
    Array.from({ length: 35 }, (_, i) => i),
  );
  const setupSeconds = seconds(t0);
  const proofs: Record<string, unknown>[] = [];
  const configs: Record<string, StarkConfig> = flag("--all-candidates")
    ? { "test (2 queries)": TEST_BN254, ...CANDIDATES }
    : flag("--test-only")
      ? { "test (2 queries)": TEST_BN254 }
      : { "test (2 queries)": TEST_BN254, P254_CONFIG: P254_CONFIG };
  for (const [name, config] of Object.entries(configs)) {
    t0 = performance.now();
    const p = p254Program(sys, config);
    const programSeconds = seconds(t0);
    const timings: Record<string, number> = {};
    t0 = performance.now();
    const proof = proveP254(p, inner, { timings });
    const proveSeconds = seconds(t0);
    t0 = performance.now();
    verifyP254(p, proof);
    const verifySeconds = seconds(t0);
    t0 = performance.now();
    const w = p254CircuitWitness(p, proof);
    const witnessSeconds = seconds(t0);
    if (!w.accepted) throw new Error("the circuit rejects an honest BN254 identity proof");
    const r = {
      name,
      config,
      logHeights: p.logHeights,
      programSeconds,
      proveSeconds,
      phasesMs: Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v)])),
      proofBytes: proof.proof.length,
      verifySeconds,
      witnessSeconds,
      wires: w.values.length,
    };
    console.log(JSON.stringify(r));
    proofs.push(r);
  }
  Object.assign(out, { setupSeconds, proofs, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) });
}

report("wrap-circuit --p254", out);
