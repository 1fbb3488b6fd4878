/**
 * The STARK verifier as an R1CS circuit: `npm run bench -- wrap-circuit [logRows…] [--width W]`
 * (`--p254`: the BN254 identity AIR instead, see bench/wrap-p254.ts)
 * (default 2^8 and 2^10 rows, width 64). For a cubic AIR (degree 3, next-row references) under a wrap-like
 * Poseidon-BN254 configuration (blowup 8, 28 queries, 16 PoW bits, arity 4), it prints:
 *  - the cost of each gadget, measured on a circuit of that gadget alone;
 *  - per size: the circuit's constraints by category, the counting backend's operations, and the cost model
 *    (operations × gadget costs) next to the measured totals — the difference is what the model cannot see
 *    (reductions of the emulated field, quotient bits of equality checks);
 *  - at the smallest size: writing the .r1cs (time, size, non-zeros), proving the inner STARK, and computing
 *    the witness.
 * Structure-only counts are cheap (seconds per million constraints); nothing here runs a Groth16 setup.
 */
import { BabyBear, P } from "../src/groth16/circuit/babybear.ts";
import { CircuitBuilder } from "../src/groth16/circuit/builder.ts";
import { cellModP } from "../src/groth16/circuit/cell-mod-p.ts";
import { type Ext, Extension } from "../src/groth16/circuit/extension.ts";
import { poseidonCircuit } from "../src/groth16/circuit/poseidon.ts";
import {
  buildStarkVerifierCircuit,
  countStarkVerifierCircuit,
  starkVerifierWitness,
} from "../src/groth16/circuit/stark-verifier.ts";
import type { StarkConfig } from "../src/stark/config.ts";
import { proofLayout } from "../src/stark/layout.ts";
import { poseidonBn254Hash } from "../src/stark/poseidon-bn254-hash.ts";
import { proveStark } from "../src/stark/prover.ts";
import { securityReport, securityShape } from "../src/stark/security.ts";
import { countVerifierOperations } from "../src/stark/verifier/counting.ts";
import { mapProof, zeroProof } from "../src/stark/verifier/proof-vars.ts";
import { cubicAir, cubicWitness } from "../test/stark/airs.ts";
import { report } from "./util.ts";

if (process.argv.includes("--p254")) {
  // The BN254 step's AIR and circuit instead of the cubic AIR (bench/wrap-p254.ts).
  await import("./wrap-p254.ts");
  process.exit(0);
}

const args = process.argv.slice(2);
const widthAt = args.indexOf("--width");
const width = widthAt >= 0 ? Number(args[widthAt + 1]) : 64;
const logs = args.filter((_, i) => i !== widthAt && i !== widthAt + 1).map(Number);
const sizes = logs.length ? logs : [8, 10];
const config: StarkConfig = { logBlowup: 3, numQueries: 28, powBits: 16, friLogArity: 2, logFinalDegree: 3 };

/** Constraints of one gadget, alone in a circuit (inputs created before counting). */
function gadget(setup: (bb: BabyBear, e: Extension) => () => void): number {
  const c = new CircuitBuilder({ publicCount: 0, record: false });
  const bb = new BabyBear(c);
  const run = setup(bb, new Extension(bb));
  const before = c.constraints;
  run();
  return c.constraints - before;
}
/** Inputs as single wires (a proof value is the sum of its bits; as a factor it is made a wire once). */
const value = (bb: BabyBear, x: number | bigint) => bb.compact(bb.input(x));
const ext = (bb: BabyBear): Ext => [value(bb, 1), value(bb, 2), value(bb, 3), value(bb, 4)];
const cells = (c: CircuitBuilder, n: number) => Array.from({ length: n }, (_, i) => c.hint(BigInt(i), "in"));
const poseidonCost = (n: number) => gadget((bb) => () => poseidonCircuit(bb.c, cells(bb.c, n)));
const gadgets = {
  "poseidon(2)": poseidonCost(2),
  "poseidon(4)": poseidonCost(4),
  "poseidon(8)": poseidonCost(8),
  "poseidon(16)": poseidonCost(16),
  "range check (proof value)": gadget((bb) => () => bb.input(5)),
  "reduce a canonical product (2^62)": gadget((bb) => {
    const x = bb.mul(value(bb, P - 1n), value(bb, P - 1n));
    return () => bb.reduce(x);
  }),
  "base product": gadget((bb) => {
    const [x, y] = [value(bb, 3), value(bb, 5)];
    return () => bb.mul(x, y);
  }),
  "extension product": gadget((bb, e) => {
    const [x, y] = [ext(bb), ext(bb)];
    return () => e.mul(x, y);
  }),
  "extension × base": gadget((bb, e) => {
    const [x, y] = [ext(bb), value(bb, 7)];
    return () => e.mulBase(x, y);
  }),
  "extension inverse (canonical input)": gadget((bb, e) => {
    const x = ext(bb);
    return () => e.inverse(x, "degenerate-point", "x⁻¹");
  }),
  "extension equality (canonical)": gadget((bb, e) => {
    const [x, y] = [ext(bb), ext(bb)];
    return () => e.assertEqual(x, y, "constraints", "x = y");
  }),
  "transcript sample (cell mod p)": gadget((bb) => {
    const s = bb.c.hint(12345n, "cell");
    return () => cellModP(bb, s);
  }),
  select: gadget((bb) => {
    const [b] = bb.bits(bb.input(1), 1);
    const [x, y] = [value(bb, 3), value(bb, 5)];
    return () => bb.select(b!, x, y);
  }),
};
console.log(`gadgets: ${JSON.stringify(gadgets)}`);

/** Base elements of a proof of this layout (each range-checked in the circuit). */
function proofElements(logHeights: number[]): number {
  let n = 0;
  mapProof(zeroProof(proofLayout(air, config, logHeights), poseidonBn254Hash.merkleArity), {
    base: () => n++,
    ext: () => (n += 4),
    digest: () => 0,
  });
  return n;
}

const air = cubicAir(width);
const results: Record<string, unknown>[] = [];
for (const logN of sizes) {
  const heights = [logN];
  const t0 = performance.now();
  const stats = countStarkVerifierCircuit({ air, config, logHeights: heights });
  const countSeconds = (performance.now() - t0) / 1000;
  const ops = countVerifierOperations(air, config, poseidonBn254Hash, heights);
  const g = gadgets;
  const rowCells = Math.ceil(ops.hash.rowElements / ops.hash.rows / 8);
  // A fused injection absorbs its row's cells beside the children if they fit in 16 inputs (as an average).
  const injections = ops.hash.inject2 + ops.hash.inject4;
  const injectCells = injections === 0 ? 0 : Math.ceil(ops.hash.injectElements / injections / 8);
  const fused = (children: number) =>
    children + injectCells <= 16
      ? poseidonCost(children + injectCells)
      : poseidonCost(children + 1) + poseidonCost(Math.min(16, injectCells));
  const model = {
    // A binary step: Poseidon(2) and one swap constraint; a 4-ary step: Poseidon(4) and five selects; a
    // fused injection the same selects and one Poseidon over the children and the row.
    merkle:
      ops.hash.compress * (g["poseidon(2)"] + 1) +
      ops.hash.compress4 * (g["poseidon(4)"] + 5) +
      (ops.hash.inject2 === 0 ? 0 : ops.hash.inject2 * (fused(2) + 1)) +
      (ops.hash.inject4 === 0 ? 0 : ops.hash.inject4 * (fused(4) + 5)),
    "hash-row": ops.hash.rows * poseidonCost(Math.min(16, rowCells)),
    "range-check": (proofElements(heights) + air.publicCount) * g["range check (proof value)"],
    sample: ops.transcript.sample * g["transcript sample (cell mod p)"],
    arithmetic:
      ops.ext.mul * g["extension product"] + ops.ext.mulByBase * g["extension × base"] + ops.base.mul,
    inverses: ops.ext.inverse * g["extension inverse (canonical input)"],
    "equality checks":
      ops.assert.ext * g["extension equality (canonical)"] + ops.assert.base + ops.assert.digest,
  };
  const modelTotal = Object.values(model).reduce((a, b) => a + b, 0);
  const r = {
    logRows: logN,
    width,
    securityBits: securityReport(config, securityShape(air, heights)).bits,
    constraints: stats.constraints,
    wires: stats.wires,
    byCategory: stats.byCategory,
    model,
    modelTotal,
    measuredOverModel: Math.round((stats.constraints / modelTotal) * 100) / 100,
    operations: ops,
    countSeconds: Math.round(countSeconds * 10) / 10,
  };
  console.log(JSON.stringify(r));
  results.push(r);
}

// Writing the circuit, proving the inner STARK and computing the witness, at the smallest size.
const logN = Math.min(...sizes);
const spec = { air, config, logHeights: [logN] };
let t = performance.now();
const circuit = buildStarkVerifierCircuit(spec);
const writeSeconds = (performance.now() - t) / 1000;
const r1csBytes = circuit.r1cs.reduce((n, p) => n + p.length, 0);
const w = cubicWitness(width, logN);
t = performance.now();
const proof = proveStark(air, config, poseidonBn254Hash, w);
const proveSeconds = (performance.now() - t) / 1000;
t = performance.now();
const witness = starkVerifierWitness(spec, { publics: w.publics, proof });
const witnessSeconds = (performance.now() - t) / 1000;
if (!witness.accepted || witness.fingerprint !== circuit.fingerprint)
  throw new Error("the witness does not fit");
const build = {
  logRows: logN,
  constraints: circuit.stats.constraints,
  nonZeros: circuit.stats.nonZeros,
  r1csMiB: Math.round((r1csBytes / 2 ** 20) * 10) / 10,
  writeSeconds: Math.round(writeSeconds * 10) / 10,
  starkProveSeconds: Math.round(proveSeconds * 10) / 10,
  witnessSeconds: Math.round(witnessSeconds * 10) / 10,
  peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
};
console.log(JSON.stringify(build));
report("wrap-circuit", { config, gadgets, results, build });
