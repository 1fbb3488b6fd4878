/**
 * Merkle caps (`StarkConfig.capHeight`, pcs/merkle-shape.ts): the cap level and the shortened walk, the cap
 * against the uncapped tree's nodes of that level, openings of every leaf against the cap with each
 * perturbation rejected, and whole proofs under both hash configurations — transcript, codec and verifier —
 * with the perturbation harness on the capped commitments' bytes.
 */
import { describe, expect, it } from "vitest";
import { P } from "../../src/field/babybear.ts";
import type { StarkConfig } from "../../src/stark/config.ts";
import type { StarkHash } from "../../src/stark/hash-config.ts";
import { commitmentCapSize, friCapSize, proofLayout } from "../../src/stark/layout.ts";
import { capLevel, merklePathLength, merkleSteps } from "../../src/stark/pcs/merkle-shape.ts";
import { mmcsCommit, mmcsOpen } from "../../src/stark/pcs/mmcs.ts";
import { poseidonBn254Hash } from "../../src/stark/poseidon-bn254-hash.ts";
import { poseidon2Hash } from "../../src/stark/poseidon2-hash.ts";
import { decodeProof, encodeProof, ProofFormatError } from "../../src/stark/proof-codec.ts";
import { airStructureDigest } from "../../src/stark/protocol.ts";
import { proveStark } from "../../src/stark/prover.ts";
import { runSoundnessHarness } from "../../src/stark/testing/perturb.ts";
import { verifyStark, verifyStarkBytes } from "../../src/stark/verifier.ts";
import { rangeCheckAir, rangeCheckWitness, TEST_CONFIG } from "./airs.ts";
import { mmcsAccepts } from "./mmcs-helpers.ts";

const rnd = (seed: number) => {
  let s = seed;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) % P;
};
const matrix = (height: number, width: number, r: () => number) => ({
  height,
  columns: Array.from({ length: width }, () => Uint32Array.from({ length: height }, r)),
});

describe("Merkle cap shape", () => {
  it("stops the walk at the cap level, lowered to the shortest matrix", () => {
    expect(capLevel([17], 6)).toBe(6);
    expect(capLevel([17, 4], 6)).toBe(4);
    expect(capLevel([3], 6)).toBe(3);
    // 17 levels to a cap of 2^6 nodes: five 4-ary steps and one binary, 3·5 + 1 siblings.
    expect(merkleSteps([17], 4, 6)).toEqual([2, 2, 2, 2, 2, 1]);
    expect(merklePathLength([17], 4, 6)).toBe(16);
    expect(merklePathLength([17], 4, 0) - merklePathLength([17], 4, 6)).toBe(9);
    // A 4-ary step never passes the cap level; binary trees lose one sibling per level.
    expect(merkleSteps([8, 5], 4, 4)).toEqual([2, 1, 1]);
    expect(merklePathLength([8, 5], 2, 4)).toBe(4);
    expect(merkleSteps([3], 4, 6)).toEqual([]);
  });
});

describe.each([
  ["Poseidon2 (binary)", poseidon2Hash],
  ["Poseidon-BN254 (4-ary, fused injections)", poseidonBn254Hash],
] as [string, StarkHash][])("Merkle caps, %s", (_, hash) => {
  const r = rnd(7);
  const matrices = [matrix(64, 3, r), matrix(16, 2, r), matrix(64, 1, r), matrix(8, 5, r)];
  const heights = matrices.map((m) => m.height);

  it("the cap is the uncapped tree's level of that height; every leaf opens against it, nothing else does", () => {
    const full = mmcsCommit(hash, matrices);
    let compared = 0;
    for (const capHeight of [1, 2, 3]) {
      const data = mmcsCommit(hash, matrices, undefined, capHeight);
      // The uncapped tree's nodes at depth capHeight: its layer of 2^capHeight nodes, where it has one (a 4-ary
      // step of the uncapped tree may pass over that level).
      const level = full.layers.find((l) => l.length === 8 << capHeight);
      if (level) {
        expect(data.cap).toEqual(
          Array.from({ length: 1 << capHeight }, (_, j) => level.slice(8 * j, 8 * j + 8)),
        );
        compared++;
      }
      expect(data.cap).toHaveLength(1 << capHeight);
      for (let i = 0; i < 64; i++) {
        const o = mmcsOpen(data, i);
        // Binary paths are the uncapped ones cut at the cap (4-ary steps may pair other levels).
        if (hash.merkleArity === 2) expect(o.path).toEqual(mmcsOpen(full, i).path.slice(0, o.path.length));
        expect(o.path).toHaveLength(merklePathLength(heights.map(Math.log2), hash.merkleArity, capHeight));
        expect(mmcsAccepts(hash, data.cap, heights, i, o.rows, o.path, capHeight)).toBe(true);
        // The node of another cap entry (an index differing in a cap bit only) is refused.
        expect(
          mmcsAccepts(hash, data.cap, heights, i ^ (1 << (6 - capHeight)), o.rows, o.path, capHeight),
        ).toBe(false);
        if (i % 16 !== 3) continue;
        const cap = data.cap.map((d) => d.slice());
        cap[i >>> (6 - capHeight)]![2] ^= 1;
        expect(mmcsAccepts(hash, cap, heights, i, o.rows, o.path, capHeight)).toBe(false);
        const rows = o.rows.map((x) => x.slice());
        rows[3]![1] = (rows[3]![1]! + 1) % P;
        expect(mmcsAccepts(hash, data.cap, heights, i, rows, o.path, capHeight)).toBe(false);
        for (let l = 0; l < o.path.length; l++) {
          const path = o.path.map((x) => x.slice());
          path[l]![0] ^= 1;
          expect(mmcsAccepts(hash, data.cap, heights, i, o.rows, path, capHeight)).toBe(false);
        }
      }
    }
    expect(compared).toBeGreaterThanOrEqual(2);
    // The shortest matrix (2^3 rows) lowers a cap of 4 levels to 3.
    expect(mmcsCommit(hash, matrices, undefined, 4).cap).toHaveLength(1 << 3);
  });

  const air = rangeCheckAir(4);
  const witness = rangeCheckWitness(
    Array.from({ length: 8 }, (_, i) => (i * 7) % 16),
    15,
    4,
  );
  const capped: StarkConfig = { ...TEST_CONFIG, capHeight: 2 };

  it("proves and verifies with capped commitments: shorter paths, caps in the proof, another digest", () => {
    const proof = proveStark(air, capped, hash, witness);
    const layout = proofLayout(air, capped, proof.logHeights);
    expect(proof.mainCap).toHaveLength(commitmentCapSize(layout.commitments.main!));
    expect(proof.mainCap).toHaveLength(4);
    layout.fri.layers.forEach((l, li) => expect(proof.friCaps[li]).toHaveLength(friCapSize(l)));
    expect(() => verifyStark(air, capped, hash, witness.publics, proof)).not.toThrow();
    const bytes = encodeProof(proof, air, capped, hash);
    expect(decodeProof(bytes, air, capped, hash)).toEqual(proof);
    expect(() => verifyStarkBytes(air, capped, hash, witness.publics, bytes)).not.toThrow();
    // The same statement without caps: paths one level per cap level longer, a different structure digest.
    const plain = proveStark(air, TEST_CONFIG, hash, witness);
    expect(plain.mainCap).toHaveLength(1);
    expect(plain.queries[0]!.main.path.length).toBeGreaterThan(proof.queries[0]!.main.path.length);
    expect(airStructureDigest(air, capped, hash)).not.toEqual(airStructureDigest(air, TEST_CONFIG, hash));
    // Neither configuration reads the other's proof.
    expect(() => verifyStarkBytes(air, TEST_CONFIG, hash, witness.publics, bytes)).toThrow(ProofFormatError);
  });

  it("rejects perturbed capped proofs (cells, public values, bytes of caps and paths)", () => {
    const report = runSoundnessHarness({
      air,
      config: capped,
      hash,
      witness,
      cellsPerColumn: 1,
      multiplicitiesPerInteraction: 1,
      byteMutations: 60,
    });
    expect(report.accepted).toEqual([]);
  }, 300_000);
});
