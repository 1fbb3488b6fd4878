import { describe, expect, it } from "vitest";
import { P } from "../../src/field/babybear.ts";
import type { Air } from "../../src/stark/air.ts";
import { CONFIG_BLOWUP_2, DEFAULT_CONFIG, type StarkConfig } from "../../src/stark/config.ts";
import { VerificationError } from "../../src/stark/errors.ts";
import { proofLayout } from "../../src/stark/layout.ts";
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

/** What the layout alone says the verifier must hash, select and check per proof (independent arithmetic). */
function expectedFromLayout(air: Air, config: StarkConfig, logHeights: number[]) {
  const layout = proofLayout(air, config, logHeights);
  let compressPerQuery = 0;
  let rowsPerQuery = 0;
  let digestChecksPerQuery = 0;
  for (const c of Object.values(layout.commitments)) {
    if (!c) continue;
    const heights = new Set(c.matrices.map((m) => m.logHeight));
    compressPerQuery += c.logMaxHeight + (heights.size - 1);
    rowsPerQuery += heights.size;
    digestChecksPerQuery++;
  }
  for (const l of layout.fri.layers) {
    compressPerQuery += l.logSize - l.logArity;
    rowsPerQuery++;
    digestChecksPerQuery++;
  }
  const q = config.numQueries;
  return {
    compress: q * compressPerQuery,
    rows: q * rowsPerQuery,
    digestChecks: q * digestChecksPerQuery,
    // Z_H(ζ), first and last per table; (x − ζ), (x − ζω) per group per query; one per public interaction.
    inverses: 3 * air.tables.length + 2 * layout.groups.length * q + air.publicInteractions.length,
    decompositions: 1 + q,
    bits: config.powBits + q * layout.logMaxLdeHeight,
  };
}

describe("the verifier written once: a counting instance", () => {
  const cases: [string, Air, StarkConfig, number[]][] = [
    ["fibonacci 2^10", fibonacciAir(), DEFAULT_CONFIG, [10]],
    ["range check 2^8 + 2^16", rangeCheckAir(16), DEFAULT_CONFIG, [8, 16]],
    ["range check, preprocessed 2^8 + 2^16", rangeCheckFixedAir(16), DEFAULT_CONFIG, [8, 16]],
    ["cubic-64 2^20", cubicAir(64), CONFIG_BLOWUP_2, [20]],
  ];
  it.each(cases)("%s: counts match what the layout implies", (name, air, config, heights) => {
    const counts = countVerifierOperations(air, config, hash, heights);
    const want = expectedFromLayout(air, config, heights);
    console.log(`verifier operations, ${name}: ${JSON.stringify(counts)}`);
    expect(counts.hash.compress).toBe(want.compress);
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
    const buggy = {
      ...hash,
      compress: () => {
        throw new TypeError("a bug in a hash configuration");
      },
    };
    expect(() => verifyStark(air, TEST_CONFIG, buggy, w.publics, proof)).toThrow(TypeError);
  });
});
