/**
 * The BN254 step (RISC Zero's identity_p254) and its verifier circuit: the release's identity program proven
 * under Poseidon-BN254, verified natively and by the R1CS instance of the verifier, with the perturbation
 * harness run differentially (the circuit accepts exactly what the native verifier accepts).
 *
 * Everything runs at the tests' configurations (2 queries for the release and for the BN254 layer: the same
 * code path as the production ones, bench/wrap-circuit.bench.ts --p254 measures those) on a test release
 * whose allowed set holds a `claim` program, so that no segment has to be proven.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { CircuitInputError } from "../../src/groth16/errors.ts";
import { p254CircuitWitness } from "../../src/groth16/wrap/p254-circuit.ts";
import { RecursionAssertionError } from "../../src/recursion/executor.ts";
import {
  P254_TABLES,
  type P254Program,
  type P254Proof,
  p254Program,
  p254Witness,
  proveP254,
  verifyP254,
} from "../../src/recursion/p254.ts";
import type { RecursionProof, RecursionSystem } from "../../src/recursion/system.ts";
import { VerificationError } from "../../src/stark/errors.ts";
import { digestToBigint, poseidonBn254Hash } from "../../src/stark/poseidon-bn254-hash.ts";
import { ProofFormatError } from "../../src/stark/proof-codec.ts";
import { runSoundnessHarness } from "../../src/stark/testing/perturb.ts";
import { BN254_TEST_CONFIG, proveTestClaim, testRelease } from "../recursion/test-release.ts";

const CLAIM = Array.from({ length: 35 }, (_, i) => (i * 7919 + 3) % 65536);

let sys: RecursionSystem;
let p: P254Program;
let inner: RecursionProof;
let honest: P254Proof;

describe("the BN254 step", () => {
  beforeAll(() => {
    sys = testRelease();
    inner = proveTestClaim(sys, CLAIM);
    p = p254Program(sys, BN254_TEST_CONFIG);
  }, 600_000);

  it("proves identity of a recursion proof under Poseidon-BN254; native verifier and circuit accept", () => {
    console.log(
      `BN254 identity shape ${JSON.stringify(p.shape)} (release ${JSON.stringify(sys.shape)}); ` +
        `control ID ${digestToBigint(p.bn254ControlId).toString(16)}`,
    );
    // One table (P254_TABLES): every chip at the height of the tallest that holds the identity program, no
    // taller than the release's tallest table (which holds the program too, on fewer lanes).
    const tallest = Math.max(...Object.values(p.shape));
    expect(P254_TABLES.heightSpread).toBe(0);
    expect(Object.values(p.shape).every((h) => h === tallest)).toBe(true);
    expect(p.logHeights).toEqual([tallest]);
    expect(p.air.air.tables.map((t) => t.name)).toEqual([Object.keys(p.shape).join("+")]);
    expect(tallest).toBeLessThanOrEqual(Math.max(...Object.values(sys.shape)));
    honest = proveP254(p, inner);
    expect(honest.publics).toEqual([...inner.publics]);
    expect(honest.publics.slice(0, 8)).toEqual([...sys.tree.root]);
    expect(verifyP254(p, honest).airDigest).toEqual(p.airDigest);
    // Another verifying key, another statement, another proof: rejected.
    const otherId = p.bn254ControlId.slice();
    otherId[0] ^= 1;
    expect(() => verifyP254({ ...p, bn254ControlId: otherId }, honest)).toThrow(VerificationError);
    const publics = [...honest.publics];
    publics[9] = (publics[9]! + 1) % 2013265921;
    expect(() => verifyP254(p, { ...honest, publics })).toThrow(VerificationError);
    // The circuit: the control ID, then the 43 public values, are its public signals.
    const w = p254CircuitWitness(p, honest);
    expect(w.failures).toEqual([]);
    expect(w.accepted).toBe(true);
    expect(w.publicSignals).toEqual([digestToBigint(p.bn254ControlId), ...honest.publics.map(BigInt)]);
    const wrongId = p254CircuitWitness({ ...p, bn254ControlId: otherId }, honest);
    expect(wrongId.accepted).toBe(false);
    expect(wrongId.violationCount).toBeGreaterThan(0);
    expect(wrongId.fingerprint).toBe(w.fingerprint);
  }, 600_000);

  it("has no proof for an inner proof the release rejects, or for a program outside the named allowed set", () => {
    const bytes = inner.proof.slice();
    bytes[bytes.length >> 1] ^= 1;
    expect(() => p254Witness(p, { ...inner, proof: bytes })).toThrow(/./);
    const publics = [...inner.publics];
    publics[20] = (publics[20]! + 1) % 2013265921;
    expect(() => p254Witness(p, { ...inner, publics })).toThrow(RecursionAssertionError);
    // A claim naming another control root: the claim program is not in that (unknown) set.
    const other = proveTestClaim(sys, CLAIM, [1, 2, 3, 4, 5, 6, 7, 8]);
    expect(() => p254Witness(p, other)).toThrow(/not in the allowed set/);
  }, 600_000);

  it("rejects perturbed BN254 identity proofs, natively and in the circuit, at exactly the same statements", () => {
    let fingerprint: number | null = null;
    let presented = 0;
    const circuit = (publics: readonly number[], bytes: Uint8Array): boolean => {
      let w: ReturnType<typeof p254CircuitWitness>;
      try {
        w = p254CircuitWitness(p, { publics, proof: bytes });
      } catch (e) {
        if (e instanceof ProofFormatError || e instanceof CircuitInputError) return false;
        throw e;
      }
      presented++;
      fingerprint ??= w.fingerprint;
      expect(w.fingerprint).toBe(fingerprint);
      // A check that failed leaves a witness violating a constraint, and only a failed check does.
      expect(w.violationCount > 0).toBe(w.failures.length > 0);
      return w.accepted;
    };
    const report = runSoundnessHarness({
      air: p.air.air,
      config: p.config,
      hash: poseidonBn254Hash,
      witness: p254Witness(p, inner),
      // As many cells as the AIR has chips (one table holds them all).
      sampledCells: p.air.tables.reduce((n, t) => n + t.members.length, 0),
      sampledInteractions: 0,
      publicIndices: [30],
      byteMutations: 8,
      differential: circuit,
    });
    console.log(`soundness BN254 identity: ${JSON.stringify(report.tried)}; circuit witnesses ${presented}`);
    expect(report.accepted).toEqual([]);
    expect(report.disagreements).toEqual([]);
    expect(presented).toBeGreaterThan(report.tried.cell);
  }, 1_800_000);
});
