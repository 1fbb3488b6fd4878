import { describe, expect, it } from "vitest";
import { P } from "../../src/field/babybear.ts";
import type { Air } from "../../src/stark/air.ts";
import { CONFIG_BLOWUP_2, DEFAULT_CONFIG, type StarkConfig } from "../../src/stark/config.ts";
import { VerificationError } from "../../src/stark/errors.ts";
import { merkleScheme, type StarkHash } from "../../src/stark/hash-config.ts";
import { proofLayout } from "../../src/stark/layout.ts";
import type { MerkleScheme } from "../../src/stark/pcs/merkle-shape.ts";
import { poseidonBn254Hash } from "../../src/stark/poseidon-bn254-hash.ts";
import { poseidon2Hash } from "../../src/stark/poseidon2-hash.ts";
import { airDigest } from "../../src/stark/protocol.ts";
import { preprocessedRoot, proveStark } from "../../src/stark/prover.ts";
import { countVerifierOperations } from "../../src/stark/verifier/counting.ts";
import { verifyStark } from "../../src/stark/verifier.ts";
import {
  cubicAir,
  fibonacciAir,
  fibonacciWitness,
  rangeCheckAir,
  rangeCheckFixedAir,
  TEST_CONFIG,
} from "./airs.ts";

const hash = poseidon2Hash;

/**
 * Merkle steps of one opening, counted by stretches between the injected heights (each stretch of d levels
 * takes ⌊d/2⌋ 4-ary steps and d mod 2 binary ones in a 4-ary tree, the binary one last; d binary ones in a
 * binary tree), plus one compression per injected height — or, where injections are fused, the stretch's
 * last step is the injection (after a binary step if d is odd or the tree binary, else a 4-ary one).
 */
function merkleCounts(logHeights: readonly number[], scheme: MerkleScheme) {
  const levels = [...new Set([...logHeights, 0])].sort((a, b) => b - a);
  const injected = new Set(logHeights).size - 1;
  const counts = { compress: scheme.fusedInjection ? 0 : injected, compress4: 0, inject2: 0, inject4: 0 };
  for (let i = 0; i + 1 < levels.length; i++) {
    const d = levels[i]! - levels[i + 1]!;
    const binary = scheme.arity === 2 ? d : d % 2;
    counts.compress += binary;
    counts.compress4 += scheme.arity === 2 ? 0 : Math.floor(d / 2);
    if (scheme.fusedInjection && logHeights.includes(levels[i + 1]!)) {
      if (binary > 0) {
        counts.compress--;
        counts.inject2++;
      } else {
        counts.compress4--;
        counts.inject4++;
      }
    }
  }
  return counts;
}

/** What the layout alone says the verifier must hash, select and check per proof (independent arithmetic). */
function expectedFromLayout(air: Air, config: StarkConfig, logHeights: number[], scheme: MerkleScheme) {
  const layout = proofLayout(air, config, logHeights);
  const perQuery = { compress: 0, compress4: 0, inject2: 0, inject4: 0, rows: 0, digestChecks: 0 };
  const paths = [
    ...Object.values(layout.commitments).flatMap((c) => (c ? [c.matrices.map((m) => m.logHeight)] : [])),
    ...layout.fri.layers.map((l) => [l.logSize - l.logArity]),
  ];
  for (const heights of paths) {
    const m = merkleCounts(heights, scheme);
    perQuery.compress += m.compress;
    perQuery.compress4 += m.compress4;
    perQuery.inject2 += m.inject2;
    perQuery.inject4 += m.inject4;
    // Every height's row is hashed apart, except where fused injections absorb the shorter ones.
    perQuery.rows += scheme.fusedInjection ? 1 : new Set(heights).size;
    perQuery.digestChecks++;
  }
  const q = config.numQueries;
  return {
    compress: q * perQuery.compress,
    compress4: q * perQuery.compress4,
    inject2: q * perQuery.inject2,
    inject4: q * perQuery.inject4,
    rows: q * perQuery.rows,
    digestChecks: q * perQuery.digestChecks,
    // Z_H(ζ), first and last per table; (x − ζ), (x − ζω) per group per query; one per public interaction.
    inverses: 3 * air.tables.length + 2 * layout.groups.length * q + air.publicInteractions.length,
    decompositions: 1 + q,
    bits: config.powBits + q * layout.logMaxLdeHeight,
  };
}

describe("the verifier written once: a counting instance", () => {
  const cases: [string, Air, StarkConfig, number[], StarkHash][] = [
    ["fibonacci 2^10", fibonacciAir(), DEFAULT_CONFIG, [10], hash],
    ["range check 2^8 + 2^16", rangeCheckAir(16), DEFAULT_CONFIG, [8, 16], hash],
    ["range check, preprocessed 2^8 + 2^16", rangeCheckFixedAir(16), DEFAULT_CONFIG, [8, 16], hash],
    ["cubic-64 2^20", cubicAir(64), CONFIG_BLOWUP_2, [20], hash],
    // 4-ary trees: LDE heights 2^18 and 2^10 (even stretches) under blowup 4, 2^13 and 2^10 under blowup 8.
    ["range check 2^8 + 2^16, Poseidon-BN254", rangeCheckAir(16), DEFAULT_CONFIG, [8, 16], poseidonBn254Hash],
    [
      "range check, preprocessed 2^7 + 2^10, Poseidon-BN254, blowup 8",
      rangeCheckFixedAir(10),
      { ...DEFAULT_CONFIG, logBlowup: 3 },
      [7, 10],
      poseidonBn254Hash,
    ],
  ];
  it.each(cases)("%s: counts match what the layout implies", (name, air, config, heights, h) => {
    const counts = countVerifierOperations(air, config, h, heights);
    const want = expectedFromLayout(air, config, heights, merkleScheme(h));
    console.log(`verifier operations, ${name}: ${JSON.stringify(counts)}`);
    expect(counts.hash.compress).toBe(want.compress);
    expect(counts.hash.compress4).toBe(want.compress4);
    expect(counts.hash.inject2).toBe(want.inject2);
    expect(counts.hash.inject4).toBe(want.inject4);
    expect(counts.hash.rows).toBe(want.rows);
    expect(counts.assert.digest).toBe(want.digestChecks);
    expect(counts.ext.inverse).toBe(want.inverses);
    expect(counts.bits.decompositions).toBe(want.decompositions);
    expect(counts.bits.bits).toBe(want.bits);
    expect(counts.transcript.sample).toBeGreaterThan(config.numQueries);
  });
});

describe("the native instance", () => {
  it("returns the verified heights and AIR digest; a key can pin the heights", () => {
    const air = fibonacciAir();
    const w = fibonacciWitness(6);
    const proof = proveStark(air, TEST_CONFIG, hash, w);
    const verified = verifyStark(air, TEST_CONFIG, hash, w.publics, proof);
    expect(verified.logHeights).toEqual([6]);
    expect(verified.airDigest).toEqual(airDigest(air, TEST_CONFIG, hash));
    expect(() => verifyStark(air, TEST_CONFIG, hash, w.publics, proof, { logHeights: [6] })).not.toThrow();
    // Fibonacci's publics prove fib(n) for the n the height sets: a verifier that means fib(2^5) must say so.
    const pinned = () => verifyStark(air, TEST_CONFIG, hash, w.publics, proof, { logHeights: [5] });
    expect(pinned).toThrow(VerificationError);
    expect(pinned).toThrow(expect.objectContaining({ reason: "heights" }));
  });

  it("binds the preprocessed root into the returned AIR digest", () => {
    const air = rangeCheckFixedAir(8);
    const root = preprocessedRoot(air, TEST_CONFIG, hash)!;
    expect(airDigest(air, TEST_CONFIG, hash, root)).not.toEqual(
      airDigest(
        air,
        TEST_CONFIG,
        hash,
        root.map((x) => x ^ 1),
      ),
    );
  });

  it("names the failed check", () => {
    const air = fibonacciAir();
    const w = fibonacciWitness(6);
    const proof = proveStark(air, TEST_CONFIG, hash, w);
    const reason = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        if (e instanceof VerificationError) return e.reason;
        throw e;
      }
      return "accepted";
    };
    expect(reason(() => verifyStark(air, TEST_CONFIG, hash, [1, 1, P], proof))).toBe("public-values");
    // A changed statement changes every challenge: the proof of work fails first, and without it the
    // constraints at the new ζ.
    expect(reason(() => verifyStark(air, TEST_CONFIG, hash, [1, 1, 5], proof))).toBe("proof-of-work");
    const noPow = { ...TEST_CONFIG, powBits: 0 };
    const proof0 = proveStark(air, noPow, hash, w);
    expect(reason(() => verifyStark(air, noPow, hash, [1, 1, 5], proof0))).toBe("constraints");
    const path = proof.queries[0]!.main.path.map((d) => d.slice());
    path[0]![0] = (path[0]![0]! + 1) % P;
    const badPath = {
      ...proof,
      queries: [
        { ...proof.queries[0]!, main: { ...proof.queries[0]!.main, path } },
        ...proof.queries.slice(1),
      ],
    };
    expect(reason(() => verifyStark(air, TEST_CONFIG, hash, w.publics, badPath))).toBe("merkle-path");
    expect(
      reason(() =>
        verifyStark(air, TEST_CONFIG, hash, w.publics, { ...proof, queries: proof.queries.slice(1) }),
      ),
    ).toBe("shape");
  });

  it("reports a bug inside the verifier as the bug, not as an invalid proof", () => {
    const air = fibonacciAir();
    const w = fibonacciWitness(6);
    const proof = proveStark(air, TEST_CONFIG, hash, w);
    const bug = () => {
      throw new TypeError("a bug in a hash configuration");
    };
    // In the compression the Merkle checks batch (deferred openings), and in the one-at-a-time compression.
    const buggy = { ...hash, compressPairs: bug };
    expect(() => verifyStark(air, TEST_CONFIG, buggy, w.publics, proof)).toThrow(TypeError);
    const { compressPairs: _, ...unbatched } = { ...hash, compress: bug };
    expect(() => verifyStark(air, TEST_CONFIG, unbatched, w.publics, proof)).toThrow(TypeError);
  });
});

describe("blowup up to 32", () => {
  it("proves and verifies at blowup 32 (the BN254 layer's setting)", () => {
    const config = { logBlowup: 5, numQueries: 8, powBits: 4, friLogArity: 3, logFinalDegree: 1 };
    const air = fibonacciAir();
    const w = fibonacciWitness(6);
    const proof = proveStark(air, config, hash, w);
    expect(verifyStark(air, config, hash, w.publics, proof).logHeights).toEqual([6]);
    // Heights whose LDE would leave BabyBear's 2^27 domains are malformed proofs.
    expect(() => verifyStark(air, config, hash, w.publics, { ...proof, logHeights: [23] })).toThrow(
      expect.objectContaining({ reason: "shape" }),
    );
  });
});
