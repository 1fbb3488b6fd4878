import { describe, expect, it } from "vitest";
import { ProgramBuilder } from "../../src/recursion/builder.ts";
import {
  executeProgram,
  RecursionAssertionError,
  RecursionProgramError,
} from "../../src/recursion/executor.ts";
import { emitStarkVerifier, verifierHints } from "../../src/recursion/verifier-program.ts";
import type { Air } from "../../src/stark/air.ts";
import { poseidon2Hash } from "../../src/stark/poseidon2-hash.ts";
import type { StarkProof } from "../../src/stark/proof.ts";
import { decodeProof, encodeProof } from "../../src/stark/proof-codec.ts";
import { preprocessedRoot, proveStark, type Witness } from "../../src/stark/prover.ts";
import { runSoundnessHarness } from "../../src/stark/testing/perturb.ts";
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
  TEST_CONFIG,
} from "../stark/airs.ts";

const hash = poseidon2Hash;
const config = TEST_CONFIG;

/** A program that verifies one proof of `air` at these heights and exposes the inner public values. */
function verifierProgram(air: Air, logHeights: number[]) {
  const builder = new ProgramBuilder(`verify ${air.name}`);
  const root = preprocessedRoot(air, config, hash);
  const inner = emitStarkVerifier(builder, air, config, logHeights, {
    preprocessedRoot: "constant",
    constantRoot: root,
  });
  for (const p of inner.publics) builder.expose(p.addr ?? builder.constant([p.known!, 0, 0, 0]));
  return builder.build();
}

/** The program's verdict on a statement: accepts iff it runs to the end. */
function programAccepts(
  air: Air,
  built: ReturnType<typeof verifierProgram>,
  publics: readonly number[],
  bytes: Uint8Array,
  logHeights: number[],
) {
  let proof: StarkProof;
  try {
    proof = decodeProof(bytes, air, config, hash);
  } catch {
    return false; // no proof to hint
  }
  if (proof.logHeights.some((h, i) => h !== logHeights[i])) return false; // not the program's shape
  try {
    const run = executeProgram(
      built.program,
      verifierHints(air, proof, publics, { preprocessedRoot: "constant" }),
      built.info,
    );
    expect(run.publics).toEqual([...publics]);
    return true;
  } catch (e) {
    if (e instanceof RecursionAssertionError) return false;
    if (e instanceof RecursionProgramError && /hint \d+ is not/.test(e.message)) return false;
    throw e;
  }
}

const cases: [string, Air, Witness, number[]][] = [
  ["Fibonacci", fibonacciAir(), fibonacciWitness(5), [5]],
  [
    "range check (two heights, public bus side)",
    rangeCheckAir(8),
    rangeCheckWitness(
      Array.from({ length: 16 }, (_, i) => (i * 37) % 256),
      255,
      8,
    ),
    [4, 8],
  ],
  [
    "preprocessed range check",
    rangeCheckFixedAir(8),
    rangeCheckFixedWitness(
      Array.from({ length: 8 }, (_, i) => (i * 53) % 256),
      7,
      8,
    ),
    [3, 8],
  ],
  ["degree 3, next-row references", cubicAir(8), cubicWitness(8, 4), [4]],
  ["batched LogUp", byteLookupsAir(), byteLookupsWitness(4), [4, 8]],
];

describe("the STARK verifier as a recursion program", () => {
  it.each(cases)(
    "%s: accepts exactly the proofs the native verifier accepts",
    (name, air, witness, logHeights) => {
      const built = verifierProgram(air, logHeights);
      const counts: Record<string, number> = {};
      for (const ins of built.program.instructions) counts[ins.kind] = (counts[ins.kind] ?? 0) + 1;
      console.log(`${name}: ${built.program.instructions.length} instructions ${JSON.stringify(counts)}`);
      const honest = encodeProof(proveStark(air, config, hash, witness), air, config, hash);
      expect(programAccepts(air, built, witness.publics, honest, logHeights)).toBe(true);
      const report = runSoundnessHarness({
        air,
        config,
        hash,
        witness,
        cellsPerColumn: 1,
        multiplicitiesPerInteraction: 1,
        byteMutations: 150,
        differential: (publics, bytes) => programAccepts(air, built, publics, bytes, logHeights),
      });
      expect(report.accepted).toEqual([]);
      expect(report.disagreements).toEqual([]);
    },
  );
});
