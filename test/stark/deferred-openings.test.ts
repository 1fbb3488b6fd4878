/**
 * The native verifier checks its Merkle openings together (src/stark/verifier/deferred-openings.ts). These
 * tests hold it to the immediate check, the same algorithm on the plain native backend: on valid proofs and
 * on a few hundred byte-mutated ones, both accept or both reject with the same reason and message — so the
 * batching computes the same digests, and deferring never changes which failure is reported first.
 */
import { describe, expect, it } from "vitest";
import { P } from "../../src/field/babybear.ts";
import type { Air } from "../../src/stark/air.ts";
import { VerificationError } from "../../src/stark/errors.ts";
import { merkleScheme } from "../../src/stark/hash-config.ts";
import { proofLayout } from "../../src/stark/layout.ts";
import { mmcsCommit, mmcsOpen } from "../../src/stark/pcs/mmcs.ts";
import { verifyMmcsOpening } from "../../src/stark/pcs/mmcs-verify.ts";
import { poseidon2Hash } from "../../src/stark/poseidon2-hash.ts";
import { decodeProof, encodeProof, ProofFormatError } from "../../src/stark/proof-codec.ts";
import { airStructureDigest } from "../../src/stark/protocol.ts";
import { preprocessedRoot, proveStark, type Witness } from "../../src/stark/prover.ts";
import { prng } from "../../src/stark/testing/perturb.ts";
import { verifyStarkProof } from "../../src/stark/verifier/algorithm.ts";
import { nativeBackend, nativeVerifierBackend } from "../../src/stark/verifier/native.ts";
import { verifyStark } from "../../src/stark/verifier.ts";
import {
  fibonacciAir,
  fibonacciWitness,
  rangeCheckFixedAir,
  rangeCheckFixedWitness,
  TEST_CONFIG,
} from "./airs.ts";

const hash = poseidon2Hash;
const config = TEST_CONFIG;

/** "accepted", or the failure's class, reason and message. */
function outcome(run: () => unknown): string {
  try {
    run();
    return "accepted";
  } catch (e) {
    if (e instanceof VerificationError) return `${e.reason}: ${e.message}`;
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
}

/** The same algorithm on the plain native backend: every opening checked where the algorithm states it. */
function verifyImmediately(
  air: Air,
  bytes: Uint8Array,
  publics: readonly number[],
  root: Uint32Array | null,
) {
  const proof = decodeProof(bytes, air, config, hash);
  verifyStarkProof(nativeBackend(hash), {
    air,
    config,
    layout: proofLayout(air, config, proof.logHeights),
    merkle: merkleScheme(hash),
    structureDigest: airStructureDigest(air, config, hash),
    publics,
    preprocessedRoot: root,
    proof,
  });
}

function verifyDeferred(air: Air, bytes: Uint8Array, publics: readonly number[], root: Uint32Array | null) {
  const proof = decodeProof(bytes, air, config, hash);
  verifyStark(air, config, hash, publics, proof, root ? { preprocessedRoot: root } : {});
}

const cases: { name: string; air: Air; witness: Witness }[] = [
  { name: "one table (Fibonacci)", air: fibonacciAir(), witness: fibonacciWitness(6) },
  {
    name: "tables of three heights, preprocessed columns injected into the main tree",
    air: rangeCheckFixedAir(8),
    witness: rangeCheckFixedWitness([3, 200, 7, 7, 255, 0, 19, 128], 5, 8),
  },
];

describe("deferred Merkle openings in the native verifier", () => {
  for (const { name, air, witness } of cases)
    it(`agrees with the immediate check on a valid proof and on mutated proofs: ${name}`, () => {
      const root = air.tables.some((t) => t.preprocessed.length > 0)
        ? preprocessedRoot(air, config, hash)
        : null;
      const bytes = encodeProof(proveStark(air, config, hash, witness), air, config, hash);
      expect(outcome(() => verifyDeferred(air, bytes, witness.publics, root))).toBe("accepted");
      expect(outcome(() => verifyImmediately(air, bytes, witness.publics, root))).toBe("accepted");

      const rand = prng(11);
      const reasons = new Map<string, number>();
      let compared = 0;
      for (let k = 0; k < 300; k++) {
        const mutated = bytes.slice();
        const at = rand() % mutated.length;
        mutated[at] = mutated[at]! ^ (1 << (rand() % 8));
        try {
          decodeProof(mutated, air, config, hash);
        } catch (e) {
          if (e instanceof ProofFormatError) continue;
          throw e;
        }
        const deferred = outcome(() => verifyDeferred(air, mutated, witness.publics, root));
        expect(deferred, `byte ${at}`).toBe(
          outcome(() => verifyImmediately(air, mutated, witness.publics, root)),
        );
        expect(deferred).not.toBe("accepted");
        const reason = deferred.split(":")[0]!;
        reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
        compared++;
      }
      console.log(
        `${name}: ${compared} mutated proofs, same outcome; ${JSON.stringify(Object.fromEntries(reasons))}`,
      );
      // Most bytes are opened values and paths: mostly Merkle failures, some found earlier in the algorithm.
      expect(compared).toBeGreaterThan(200);
      expect(reasons.get("merkle-path")).toBeGreaterThan(100);
    });

  it("batches openings of mixed-height trees to the same verdicts, and reports the first failure in order", () => {
    const rand = prng(5);
    const mk = (height: number, width: number) => ({
      height,
      columns: Array.from({ length: width }, () => Uint32Array.from({ length: height }, () => rand() % P)),
    });
    const matrices = [mk(32, 3), mk(8, 2), mk(32, 17), mk(2, 20), mk(1, 1)];
    const logHeights = matrices.map((m) => Math.log2(m.height));
    const data = mmcsCommit(hash, matrices);
    const scheme = merkleScheme(hash);
    const bits = (i: number) => Array.from({ length: 5 }, (_, k) => (i >>> k) & 1);
    const b = nativeVerifierBackend(hash);
    expect(b.deferOpening).toBeDefined();
    const check = (i: number, rows: readonly Uint32Array[], path = mmcsOpen(data, i).path) =>
      verifyMmcsOpening(b, scheme, data.cap, 0, logHeights, bits(i), rows, path, `leaf ${i}`);
    // Every leaf opens (paths meet below the root: shared nodes are computed once).
    for (let i = 0; i < 32; i++) check(i, mmcsOpen(data, i).rows);
    expect(() => b.flush()).not.toThrow();
    // A changed cell of an injected row, or a changed sibling: found, and the first one checked is reported.
    const changedRow = (i: number, m: number) =>
      mmcsOpen(data, i).rows.map((r, k) => (k === m ? r.map((v, j) => (j === 0 ? (v + 1) % P : v)) : r));
    const changedPath = (i: number, l: number) =>
      mmcsOpen(data, i).path.map((d, k) => (k === l ? d.map((v, j) => (j === 3 ? v ^ 1 : v)) : d));
    check(0, mmcsOpen(data, 0).rows);
    check(7, changedRow(7, 3));
    check(9, mmcsOpen(data, 9).rows, changedPath(9, 2));
    check(30, mmcsOpen(data, 30).rows);
    // Nothing is hashed until the flush, which reports leaf 7.
    expect(() => b.flush()).toThrow(/leaf 7: Merkle path/);
    check(9, mmcsOpen(data, 9).rows, changedPath(9, 2));
    expect(() => b.flush()).toThrow(/leaf 9: Merkle path/);
    // A flush forgets what it ran.
    expect(() => b.flush()).not.toThrow();

    // Digests that are views into a larger array at a non-zero offset (as the recorder's own are) are still
    // read as the proof's: the same verdicts.
    const inViews = (digests: readonly Uint32Array[]) => {
      const words = new Uint32Array(8 * (digests.length + 1));
      return digests.map((d, k) => {
        words.set(d, 8 * (k + 1));
        return words.subarray(8 * (k + 1), 8 * (k + 2));
      });
    };
    const [rootView] = inViews(data.cap);
    for (let i = 0; i < 32; i++)
      verifyMmcsOpening(
        b,
        scheme,
        [rootView!],
        0,
        logHeights,
        bits(i),
        mmcsOpen(data, i).rows,
        inViews(mmcsOpen(data, i).path),
        `leaf ${i}`,
      );
    expect(() => b.flush()).not.toThrow();
    verifyMmcsOpening(
      b,
      scheme,
      [rootView!],
      0,
      logHeights,
      bits(9),
      mmcsOpen(data, 9).rows,
      inViews(changedPath(9, 2)),
      "leaf 9 (views)",
    );
    expect(() => b.flush()).toThrow(/leaf 9 \(views\): Merkle path/);
  });
});
