/**
 * `npm run bench -- wrap-circuit --p254 [--production | --release-queries N] [--prove-only | --count-only]
 * [--layouts] [--compare-chips] [--compare-bits] [--compare-threads]`: the BN254 step and its circuit
 * (docs/wrap-circuit.md §8).
 *
 * - Count: the BN254 identity AIR of a release, a table per chip with the one-row chips, the degree-3 chips
 *   (Poseidon2 on two rows, bits on 16 rows), those with the one-row bits chip (`--compare-bits`: with one
 *   and four bits a row as well) and the degree-7 chips (Poseidon2 on one row of degree-7 constraints); the
 *   degree-7 chips a table per height; and the BN254 step's one table (P254_TABLES), with the degree-3 chips
 *   and with its own degree-7 chips — each with its heights and opened columns, and for each
 *   candidate BN254 configuration its conjectured security and the verifier circuit's constraints by
 *   category (structure only: no commitment is computed), and at P254_CONFIG the split into a part per query
 *   and a part independent of the queries (P254_CONFIG against one query fewer). The release: the published
 *   one with `--production` (its programs take ~5 minutes to build), else a production-like one (blowup 4,
 *   N = 42 queries by default, no lift programs: the identity program depends on the release's shape and
 *   configuration only, and lifts raise the shape's heights by a level at most).
 * - `--layouts`: what other layouts of the Poseidon2 table would cost the circuit (bench/wrap-p254-layouts.ts).
 * - Prove: one BN254 identity proof at the tests' small recursion configuration (test release, 2 queries),
 *   under the BN254 test configuration and P254_CONFIG (`--test-only`: the first; `--all-candidates`: every
 *   candidate), with the BN254 step's chips (`--compare-chips`: with every chip set above that the configuration
 *   admits as well): proving time by
 *   phase, native verification, the circuit's witness time; `--compare-threads`: the same proof on the
 *   calling thread alone as well (the in-run reference for the prover's worker threads).
 */
import { countStarkVerifierCircuit } from "../src/groth16/circuit/stark-verifier.ts";
import { p254CircuitSpec, p254CircuitWitness } from "../src/groth16/wrap/p254-circuit.ts";
import {
  type AnyRecursionChip,
  admitsDegree7,
  DEGREE3_CHIPS,
  DEGREE7_CHIPS,
  ONE_ROW_CHIPS,
  withFourLanes,
} from "../src/recursion/air.ts";
import { bitsChip } from "../src/recursion/chips/arithmetic.ts";
import { bitsRowsChip, makeBitsRowsChip } from "../src/recursion/chips/bits-rows.ts";
import { poseidon2Degree7Chip } from "../src/recursion/chips/poseidon2-degree7.ts";
import { poseidon2TwoRowDegree7Chip } from "../src/recursion/chips/poseidon2-two-row-degree7.ts";
import {
  P254_CONFIG,
  P254_TABLE_PER_CHIP,
  P254_TABLES,
  type P254Tables,
  p254Air,
  p254Chips,
  p254Program,
  proveP254,
  verifyP254,
} from "../src/recursion/p254.ts";
import { RECURSION_RELEASE } from "../src/recursion/release.ts";
import { recursionReleaseSystem } from "../src/recursion/release-system.ts";
import { CONFIG_BLOWUP_4, type StarkConfig } from "../src/stark/config.ts";
import { securityReport, securityShape } from "../src/stark/security.ts";
import { proveTestClaim, testRelease } from "../test/recursion/test-release.ts";
import { report } from "./util.ts";
import { layoutSweep } from "./wrap-p254-layouts.ts";

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
  "blowup 16, 21 queries, PoW 16, arity 8": {
    logBlowup: 4,
    numQueries: 21,
    powBits: 16,
    friLogArity: 3,
    logFinalDegree: 3,
  },
  "blowup 16, 21 queries, PoW 16, arity 8, caps of 2^5": {
    logBlowup: 4,
    numQueries: 21,
    powBits: 16,
    friLogArity: 3,
    logFinalDegree: 3,
    capHeight: 5,
  },
  "blowup 32, 16 queries, PoW 20, arity 8, caps of 2^6 (P254_CONFIG)": P254_CONFIG,
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

/** The degree-3 chips with another bits chip in place of their own. */
const withBits = (chip: AnyRecursionChip) => DEGREE3_CHIPS.map((c) => (c === bitsRowsChip ? chip : c));

/**
 * The chip sets the BN254 identity AIR is measured with: the Poseidon2 and bits chips it can have, a table per
 * chip (short ones raised to two levels below the tallest), then a table per height, and the BN254 step's
 * own: one table (`step`: the configuration's, degree 3 at blowup 2 and degree 7 from blowup 8).
 */
interface ChipSet {
  readonly chips: readonly AnyRecursionChip[];
  readonly tables: P254Tables;
  readonly step?: "degree-3" | "degree-7";
}
const perChip = (chips: readonly AnyRecursionChip[]): ChipSet => ({ chips, tables: P254_TABLE_PER_CHIP });
const CHIP_SETS: Record<string, ChipSet> = {
  "one-row chips (Poseidon2 and bits on one row)": perChip(ONE_ROW_CHIPS),
  "degree-3 chips, bits on one row (Poseidon2 on two rows)": perChip(withBits(bitsChip)),
  ...(flag("--compare-bits") && {
    "degree-3 chips, bits on 8 rows of 4": perChip(withBits(makeBitsRowsChip(4))),
    "degree-3 chips, bits on 32 rows of 1": perChip(withBits(makeBitsRowsChip(1))),
  }),
  "degree-3 chips (Poseidon2 on two rows, bits on 16 rows of 2)": perChip(DEGREE3_CHIPS),
  "degree-3 chips, one table (the BN254 step's at blowup 2)": {
    chips: p254Chips({ logBlowup: 1 }),
    tables: P254_TABLES,
    step: "degree-3",
  },
  "degree-7 chips (Poseidon2 on one row of degree 7, bits on 16 rows of 2)": perChip(DEGREE7_CHIPS),
  "degree-7 chips, a table per height": {
    chips: DEGREE7_CHIPS,
    tables: { ...P254_TABLE_PER_CHIP, mergeEqualHeights: true },
  },
  "degree-7 chips, one table (Poseidon2 on one row, hints and extension arithmetic four a row)": {
    chips: withFourLanes(DEGREE7_CHIPS),
    tables: { ...P254_TABLES, stacks: [] },
    step: "degree-7",
  },
  "degree-7 chips, one table (Poseidon2 on two rows, hints and extension arithmetic two a row, side by side)":
    {
      chips: p254Chips(P254_CONFIG),
      tables: { ...P254_TABLES, stacks: [] },
      step: "degree-7",
    },
  "degree-7 chips, one table (Poseidon2 on two rows, hints and extension arithmetic two a row, narrow chips stacked: the BN254 step's)":
    {
      chips: p254Chips(P254_CONFIG),
      tables: P254_TABLES,
      step: "degree-7",
    },
};

/** Whether a configuration can prove a chip set. */
const admits = (config: StarkConfig, set: ChipSet) =>
  !set.chips.some((c) => c === poseidon2Degree7Chip || c === poseidon2TwoRowDegree7Chip) ||
  admitsDegree7(config);

if (!flag("--prove-only")) {
  const queries = numberArg("--release-queries", CONFIG_BLOWUP_4.numQueries);
  const releaseConfig: StarkConfig = flag("--production")
    ? RECURSION_RELEASE.config
    : { ...CONFIG_BLOWUP_4, numQueries: queries };
  let t0 = performance.now();
  const sys = flag("--production") ? recursionReleaseSystem({ dir: null }) : testRelease(releaseConfig);
  const release = flag("--production") ? "published release" : "production-like test release";
  console.log(
    JSON.stringify({ release, releaseConfig, releaseSeconds: seconds(t0), releaseShape: sys.shape }),
  );
  const variants: Record<string, unknown>[] = [];
  for (const [chipSet, { chips, tables: layout }] of Object.entries(CHIP_SETS)) {
    const a = p254Air(sys, P254_CONFIG, chips, layout);
    const tables = a.air.air.tables.map((t, i) => ({
      table: t.name,
      logHeight: a.logHeights[i],
      main: t.mainWidth,
      preprocessed: t.preprocessed.length,
      aux: 4 * t.auxWidth,
      quotient: 4 * t.quotientChunks,
    }));
    const opened = tables.reduce((n, t) => n + t.main + t.preprocessed + t.aux + t.quotient, 0);
    console.log(JSON.stringify({ chipSet, tables, opened }));
    const count = (config: StarkConfig) => countStarkVerifierCircuit(p254CircuitSpec({ ...a, config }));
    const counts: Record<string, unknown>[] = [];
    for (const [name, config] of Object.entries(CANDIDATES)) {
      t0 = performance.now();
      const stats = count(config);
      const security = securityReport(config, securityShape(a.air.air, a.logHeights));
      const r = {
        chipSet,
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
    // One query fewer isolates what a query costs; the rest does not depend on the query count.
    const full = count(P254_CONFIG);
    const fewer = count({ ...P254_CONFIG, numQueries: P254_CONFIG.numQueries - 1 });
    const perQuery = full.constraints - fewer.constraints;
    const split = {
      chipSet,
      P254_CONFIG: full.constraints,
      perQuery,
      queryIndependent: full.constraints - P254_CONFIG.numQueries * perQuery,
      perQueryByCategory: Object.fromEntries(
        Object.entries(full.byCategory).map(([k, v]) => [k, v - (fewer.byCategory[k] ?? 0)]),
      ),
    };
    console.log(JSON.stringify(split));
    variants.push({ chipSet, tables, opened, counts, split });
  }
  if (flag("--layouts")) Object.assign(out, { layouts: layoutSweep(sys) });
  Object.assign(out, { release, releaseConfig, variants });
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
  for (const [name, config] of Object.entries(configs))
    for (const [chipSet, set] of Object.entries(CHIP_SETS).filter(([, set]) =>
      flag("--compare-chips")
        ? admits(config, set)
        : set.step === (admitsDegree7(config) ? "degree-7" : "degree-3"),
    )) {
      t0 = performance.now();
      const p = p254Program(sys, config, { chips: set.chips, tables: set.tables });
      const programSeconds = seconds(t0);
      const timings: Record<string, number> = {};
      t0 = performance.now();
      const proof = proveP254(p, inner, { timings });
      const proveSeconds = seconds(t0);
      // The same proof on the calling thread alone: the in-run reference for the prover's threads.
      let serialProveSeconds: number | undefined;
      if (flag("--compare-threads")) {
        t0 = performance.now();
        proveP254(p, inner, { workers: 0 });
        serialProveSeconds = seconds(t0);
      }
      t0 = performance.now();
      verifyP254(p, proof);
      const verifySeconds = seconds(t0);
      t0 = performance.now();
      const w = p254CircuitWitness(p, proof);
      const witnessSeconds = seconds(t0);
      if (!w.accepted) throw new Error("the circuit rejects an honest BN254 identity proof");
      const r = {
        name,
        chipSet,
        config,
        logHeights: p.logHeights,
        programSeconds,
        proveSeconds,
        serialProveSeconds,
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
