/**
 * The STARK verifier as an R1CS circuit (src/groth16/circuit): differential soundness against the native
 * verifier on every perturbation of the example AIRs' BN254-configuration proofs, and a Groth16 proof of the
 * circuit through our toolchain and snarkjs.
 *
 * The circuit accepts a statement iff witness generation succeeds and every constraint holds. For each
 * statement the harness presents, the test also requires that the forced witness of a rejected proof violates
 * a constraint (and conversely that an accepted one violates none), and checks a share of the witnesses
 * against the written .r1cs with the toolchain's independent evaluator.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as snarkjs from "snarkjs";
import { afterAll, describe, expect, it } from "vitest";
import {
  buildStarkVerifierCircuit,
  type StarkCircuitSpec,
  starkVerifierWitness,
} from "../../src/groth16/circuit/stark-verifier.ts";
import { devSetup } from "../../src/groth16/dev-setup.ts";
import { CircuitInputError, WitnessError } from "../../src/groth16/errors.ts";
import { prove } from "../../src/groth16/prove.ts";
import { type R1cs, readR1cs } from "../../src/groth16/r1cs.ts";
import { verifyGroth16 } from "../../src/groth16/verify.ts";
import { checkWitness } from "../../src/groth16/witness.ts";
import { recursionAir, recursionWitness, shapeFor } from "../../src/recursion/air.ts";
import { poseidon2TwoRowDegree7Chip } from "../../src/recursion/chips/poseidon2-two-row-degree7.ts";
import { executeProgram } from "../../src/recursion/executor.ts";
import { P254_CONFIG, P254_TABLES, p254Chips } from "../../src/recursion/p254.ts";
import type { Air } from "../../src/stark/air.ts";
import type { StarkConfig } from "../../src/stark/config.ts";
import { digestToBigint, poseidonBn254Hash as hash } from "../../src/stark/poseidon-bn254-hash.ts";
import { decodeProof } from "../../src/stark/proof-codec.ts";
import { preprocessedRoot, proveStark, type Witness } from "../../src/stark/prover.ts";
import { runSoundnessHarness, type SoundnessOptions } from "../../src/stark/testing/perturb.ts";
import { HINTS, permutations } from "../recursion/poseidon2-programs.ts";
import {
  byteLookupsAir,
  byteLookupsWitness,
  cubicAir,
  cubicWitness,
  fibonacciAir,
  fibonacciWitness,
  rangeCheckAir,
  rangeCheckFixedAir,
  rangeCheckFixedWitness,
  rangeCheckWitness,
} from "../stark/airs.ts";

/** The code path of every configuration, at a size a test can afford: 2 queries, 2 PoW bits, arity 4. */
const config: StarkConfig = { logBlowup: 1, numQueries: 2, powBits: 2, friLogArity: 2, logFinalDegree: 1 };
const dir = mkdtempSync(join(tmpdir(), "zkvm-stark-circuit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function specFor(
  air: Air,
  logHeights: readonly number[],
  root?: "input",
  cfg: StarkConfig = config,
): StarkCircuitSpec {
  const fixed = air.tables.some((t) => t.preprocessed.length > 0);
  return {
    air,
    config: cfg,
    logHeights,
    preprocessedRoot: fixed ? (root ?? preprocessedRoot(air, cfg, hash)) : undefined,
  };
}

function independentlySatisfied(r1cs: R1cs, values: bigint[]): boolean {
  try {
    checkWitness(r1cs, values);
    return true;
  } catch (e) {
    if (e instanceof WitnessError) return false;
    throw e;
  }
}

const cases: [string, Air, Witness, number[]][] = [
  ["Fibonacci", fibonacciAir(), fibonacciWitness(4), [4]],
  [
    "range check (two heights, public bus side)",
    rangeCheckAir(4),
    rangeCheckWitness(
      Array.from({ length: 8 }, (_, i) => (i * 7) % 16),
      15,
      4,
    ),
    [3, 4],
  ],
  [
    "preprocessed range check",
    rangeCheckFixedAir(4),
    rangeCheckFixedWitness(
      Array.from({ length: 4 }, (_, i) => (i * 5) % 16),
      7,
      4,
    ),
    [2, 4],
  ],
  ["degree 3, next-row references", cubicAir(4), cubicWitness(4, 3), [3]],
  ["batched LogUp", byteLookupsAir(), byteLookupsWitness(3), [3, 8]],
];

/**
 * Runs the perturbation harness on `air`'s proofs with the circuit as the differential verdict: the circuit
 * must accept exactly what the native verifier accepts.
 */
function acceptsWhatNativeAccepts(
  name: string,
  air: Air,
  witness: Witness,
  logHeights: readonly number[],
  cfg: StarkConfig = config,
  harness: Partial<SoundnessOptions> = {},
): void {
  const spec = specFor(air, logHeights, undefined, cfg);
  const circuit = buildStarkVerifierCircuit(spec);
  const r1cs = readR1cs(Buffer.concat(circuit.r1cs));
  expect(r1cs.header.nConstraints).toBe(circuit.stats.constraints);
  expect(r1cs.header.nPublic).toBe(air.publicCount);
  console.log(`${name}: ${JSON.stringify(circuit.stats)}`);
  let presented = 0;
  const verdict = (publics: readonly number[], bytes: Uint8Array): boolean => {
    let proof: ReturnType<typeof decodeProof>;
    try {
      proof = decodeProof(bytes, air, cfg, hash);
    } catch {
      return false; // malformed bytes: there is no proof to give the circuit
    }
    if (proof.logHeights.some((h, i) => h !== logHeights[i])) return false; // another circuit's shape
    const w = starkVerifierWitness(spec, { publics, proof });
    expect(w.fingerprint).toBe(circuit.fingerprint);
    expect(w.values.length).toBe(circuit.stats.wires);
    // A check that failed leaves a witness violating a constraint, and only a failed check does.
    expect(w.violationCount > 0).toBe(w.failures.length > 0);
    if (w.accepted || presented++ % 4 === 0) expect(independentlySatisfied(r1cs, w.values)).toBe(w.accepted);
    if (w.accepted) expect(w.publicSignals).toEqual(publics.map(BigInt));
    return w.accepted;
  };
  const report = runSoundnessHarness({
    air,
    config: cfg,
    hash,
    witness,
    cellsPerColumn: 1,
    multiplicitiesPerInteraction: 1,
    byteMutations: 24,
    ...harness,
    differential: verdict,
  });
  console.log(`${name}: harness ${JSON.stringify(report.tried)}`);
  expect(report.accepted).toEqual([]);
  expect(report.disagreements).toEqual([]);
  expect(presented).toBeGreaterThan(report.tried.cell);
}

describe("the STARK verifier as an R1CS circuit", () => {
  it.each(cases)(
    "%s: accepts exactly the proofs the native verifier accepts",
    (name, air, witness, logHeights) => acceptsWhatNativeAccepts(name, air, witness, logHeights),
  );

  it("Merkle caps (cap height 2): accepts exactly the proofs the native verifier accepts", () => {
    const [name, air, witness, logHeights] = cases[1]!;
    acceptsWhatNativeAccepts(`${name}, capped`, air, witness, logHeights, { ...config, capHeight: 2 });
  }, 600_000);

  it("the BN254 step's table (Poseidon2 on two rows of degree 7, stacked chips, blowup 8, 8 quotient chunks, FRI arity 8): accepts exactly what the native verifier accepts", () => {
    // P254_CONFIG's chips, on a program of three permutations, at the least blowup that admits degree 7, and
    // P254_CONFIG's FRI arity (the circuit folds arity 8 as a sum: backend.ts friFold).
    const config8: StarkConfig = { ...config, logBlowup: 3, friLogArity: P254_CONFIG.friLogArity };
    // As the BN254 step: one table, the chips the program uses of a P254_TABLES stack stacked (gated).
    const chips = p254Chips(P254_CONFIG);
    const program = permutations();
    const fitted = shapeFor([program], chips);
    const height = Math.max(...Object.values(fitted));
    const shape = Object.fromEntries(Object.keys(fitted).map((k) => [k, height]));
    const used = new Set<string>(program.instructions.map((ins) => ins.kind));
    const stack = P254_TABLES.stacks![0]!.filter((name) =>
      chips.find((c) => c.name === name)!.kinds.some((k: string) => used.has(k)),
    );
    expect(stack.length).toBeGreaterThanOrEqual(2);
    const air = recursionAir(program, shape, chips, { mergeEqualHeights: true, stacks: [stack] });
    const table = 0;
    expect(air.air.tables).toHaveLength(1);
    expect(air.air.tables[table]!.name).toContain(poseidon2TwoRowDegree7Chip.name);
    expect(air.air.tables[table]!.name).toContain(stack.join("/"));
    expect(air.air.tables[table]!.quotientChunks).toBe(8);
    const witness = recursionWitness(air, executeProgram(program, HINTS));
    acceptsWhatNativeAccepts(
      "two-row degree-7 Poseidon2, stacked chips",
      air.air,
      witness,
      [height],
      config8,
      {
        // Every cell change fails the same out-of-domain check: a sample of the table's cells exercises it (the
        // native harness of test/recursion/poseidon2-two-row-degree7.test.ts changes every column).
        cellTables: [table],
        sampledCells: 32,
        sampledInteractions: 2,
        publicIndices: [0, 40],
        byteMutations: 16,
      },
    );
  }, 1_800_000);

  it("takes the preprocessed root as a public signal: one circuit for every root, a wrong root rejected", () => {
    const air = rangeCheckFixedAir(4);
    const spec = specFor(air, [2, 4], "input");
    const circuit = buildStarkVerifierCircuit(spec);
    expect(circuit.stats.publicSignals).toBe(1 + air.publicCount);
    const w = rangeCheckFixedWitness([3, 1, 4, 1], 5, 4);
    const proof = proveStark(air, config, hash, w);
    const root = preprocessedRoot(air, config, hash);
    const ok = starkVerifierWitness(spec, { publics: w.publics, proof, preprocessedRoot: root });
    expect(ok.accepted).toBe(true);
    expect(ok.fingerprint).toBe(circuit.fingerprint);
    expect(ok.publicSignals).toEqual([digestToBigint(root!), ...w.publics.map(BigInt)]);
    const otherRoot = preprocessedRoot(rangeCheckFixedAir(5), config, hash);
    const bad = starkVerifierWitness(spec, { publics: w.publics, proof, preprocessedRoot: otherRoot });
    expect(bad.accepted).toBe(false);
    expect(bad.violationCount).toBeGreaterThan(0);
  });

  it("refuses inputs of another shape with a typed error", () => {
    const air = fibonacciAir();
    const spec = specFor(air, [4]);
    const w = fibonacciWitness(5);
    const proof = proveStark(air, config, hash, w);
    expect(() => starkVerifierWitness(spec, { publics: w.publics, proof })).toThrow(CircuitInputError);
    expect(() => starkVerifierWitness(spec, { publics: w.publics.slice(1), proof })).toThrow(
      CircuitInputError,
    );
    const fixed = rangeCheckFixedAir(4);
    expect(() => buildStarkVerifierCircuit({ air: fixed, config, logHeights: [2, 4] })).toThrow(
      CircuitInputError,
    );
  });

  it("is proven with Groth16: snarkjs checks the .r1cs/.wtns, our dev setup, prover and verifier accept", async () => {
    const air = fibonacciAir();
    const w = fibonacciWitness(4);
    const spec = specFor(air, [4]);
    const circuit = buildStarkVerifierCircuit(spec);
    const proof = proveStark(air, config, hash, w);
    const witness = starkVerifierWitness(spec, { publics: w.publics, proof });
    expect(witness.accepted).toBe(true);
    const r1csPath = join(dir, "fib.r1cs");
    const wtnsPath = join(dir, "fib.wtns");
    writeFileSync(r1csPath, Buffer.concat(circuit.r1cs));
    writeFileSync(wtnsPath, Buffer.concat(witness.wtns()));
    expect(await snarkjs.wtns.check(r1csPath, wtnsPath, undefined)).toBe(true);
    await devSetup(r1csPath, join(dir, "fib.zkey"));
    const result = await prove(join(dir, "fib.zkey"), wtnsPath, { r1cs: r1csPath });
    expect(result.publicSignals).toEqual(w.publics.map(BigInt));
    expect(verifyGroth16(result.vk, result.proof, result.publicSignals)).toBe(true);
    expect(
      verifyGroth16(result.vk, result.proof, [
        result.publicSignals[0]! + 1n,
        ...result.publicSignals.slice(1),
      ]),
    ).toBe(false);
  });
});
