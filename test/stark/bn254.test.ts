import * as lite from "poseidon-lite";
import { describe, expect, it } from "vitest";
import { P } from "../../src/field/babybear.ts";
import { DEFAULT_CONFIG } from "../../src/stark/config.ts";
import { checkPow, grind, grindBySearch } from "../../src/stark/hash-config.ts";
import { poseidonBn254Hash } from "../../src/stark/poseidon-bn254-hash.ts";
import { poseidon2Hash } from "../../src/stark/poseidon2-hash.ts";
import { decodeProof, encodeProof } from "../../src/stark/proof-codec.ts";
import { proveStark } from "../../src/stark/prover.ts";
import { runSoundnessHarness } from "../../src/stark/testing/perturb.ts";
import { VerificationError, verifyStark, verifyStarkBytes } from "../../src/stark/verifier.ts";
import {
  cubicAir,
  cubicWitness,
  fibonacciAir,
  fibonacciWitness,
  rangeCheckAir,
  rangeCheckWitness,
  TEST_CONFIG,
} from "./airs.ts";

const hash = poseidonBn254Hash;
const digestValue = (d: Uint32Array) => d.reduceRight((acc, w) => (acc << 32n) | BigInt(w), 0n);

describe("Poseidon-BN254 configuration", () => {
  it("hashes a row as circomlib Poseidon of its elements packed 8 per BN254 element (checked with poseidon-lite)", () => {
    const row = Uint32Array.from({ length: 19 }, (_, i) => (i * 123_456_789 + 7) % P);
    const packed: bigint[] = [];
    for (let i = 0; i < row.length; i += 8) {
      let v = 0n;
      row.slice(i, i + 8).forEach((e, j) => {
        v += BigInt(e) * BigInt(P) ** BigInt(j);
      });
      packed.push(v);
    }
    const out = new Uint32Array(8);
    hash.hashRow(row, out);
    expect(digestValue(out)).toBe(lite.poseidon3(packed));
    const a = Uint32Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const b = Uint32Array.from([9, 0, 0, 0, 0, 0, 0, 0]);
    hash.compress(a, b, out);
    expect(digestValue(out)).toBe(lite.poseidon2([digestValue(a), digestValue(b)]));
    // A tree level at once gives each node's own digest.
    const below = Uint32Array.from({ length: 16 * 5 }, (_, i) => (i * 2_654_435_761) % 2 ** 28);
    const level = new Uint32Array(8 * 5);
    hash.compressLevel!(below, level, 1, 4, 2);
    for (let j = 0; j < 5; j++) {
      if (j < 1 || j >= 4) {
        expect(level.subarray(8 * j, 8 * j + 8).every((x) => x === 0)).toBe(true);
        continue;
      }
      hash.compress(below.subarray(16 * j, 16 * j + 8), below.subarray(16 * j + 8, 16 * j + 16), out);
      expect(level.subarray(8 * j, 8 * j + 8)).toEqual(out);
    }
    // The batched form (paired permutations) gives each row's own digest, for chained rows too (> 16 cells).
    for (const width of [19, 8 * 16 + 1, 259]) {
      const rows = [0, 1, 2].map((r) =>
        Uint32Array.from({ length: width }, (_, i) => (i * 7919 + r * 31) % P),
      );
      const outs = rows.map(() => new Uint32Array(8));
      hash.hashRows!(rows, outs);
      rows.forEach((r, i) => {
        hash.hashRow(r, out);
        expect(outs[i]).toEqual(out);
      });
    }
  });

  const cases = [
    { air: fibonacciAir(), witness: fibonacciWitness(8) },
    { air: cubicAir(8), witness: cubicWitness(8, 7) },
    // The full two-height case: a 2^8-row chip into a 2^16-row table (~35 s: BN254 hashing dominates).
    {
      air: rangeCheckAir(16),
      witness: rangeCheckWitness(
        Array.from({ length: 256 }, (_, i) => (i * 40_503 + 17) % 65_536),
        65_535,
      ),
    },
  ];
  for (const { air, witness } of cases) {
    it(`proves and verifies ${air.name} at default security`, () => {
      const proof = proveStark(air, DEFAULT_CONFIG, hash, witness);
      const bytes = encodeProof(proof, air, DEFAULT_CONFIG, hash);
      verifyStarkBytes(air, DEFAULT_CONFIG, hash, witness.publics, bytes);
      expect(encodeProof(decodeProof(bytes, air, DEFAULT_CONFIG, hash), air, DEFAULT_CONFIG, hash)).toEqual(
        bytes,
      );
      // The hash configuration is part of the statement.
      expect(() => verifyStark(air, DEFAULT_CONFIG, poseidon2Hash, witness.publics, proof)).toThrow(
        VerificationError,
      );
    });
  }

  // At blowup 2, 2^11 rows: every hashing kernel is large enough to be split with the thread; a 2^9-row
  // chip into a 2^11-row table: its fused injections (2^10 nodes per commitment) are split too.
  it.each([
    { air: cubicAir(8), w: cubicWitness(8, 11) },
    {
      air: rangeCheckAir(11),
      w: rangeCheckWitness(
        Array.from({ length: 512 }, (_, i) => (i * 977 + 5) % 2048),
        2047,
        11,
      ),
    },
  ])(
    "a proof whose Merkle hashing runs partly in a worker thread is byte-identical to a serial one ($air.name)",
    ({ air, w }) => {
      const serial = encodeProof(
        proveStark(air, TEST_CONFIG, hash, w, { workers: 0 }),
        air,
        TEST_CONFIG,
        hash,
      );
      const parallel = encodeProof(
        proveStark(air, TEST_CONFIG, hash, w, { workers: 1 }),
        air,
        TEST_CONFIG,
        hash,
      );
      expect(parallel).toEqual(serial);
      verifyStarkBytes(air, TEST_CONFIG, hash, w.publics, parallel);
    },
  );

  it("the soundness harness rejects every perturbation under this configuration too", () => {
    const report = runSoundnessHarness({
      air: rangeCheckAir(3),
      config: TEST_CONFIG,
      hash,
      witness: rangeCheckWitness([1, 2, 3, 7], 5, 3),
      cellsPerColumn: 4,
      multiplicitiesPerInteraction: 2,
      byteMutations: 300,
      seed: 0xb254,
    });
    console.log(`soundness range check (BN254): ${JSON.stringify(report.tried)}`);
    expect(report.accepted).toEqual([]);
  });
});

describe("Poseidon-BN254 proof of work", () => {
  it("16 bits of grinding split across a worker thread find the serial nonce", () => {
    const config = { ...TEST_CONFIG, powBits: 16 };
    const air = fibonacciAir();
    const w = fibonacciWitness(4);
    const serial = proveStark(air, config, hash, w, { workers: 0 });
    const parallel = proveStark(air, config, hash, w, { workers: 1 });
    // Past the first block of every thread: the rounds and the lowest-block rule both matter.
    expect(serial.powNonce).toBeGreaterThan(2 * 2048);
    expect(encodeProof(parallel, air, config, hash)).toEqual(encodeProof(serial, air, config, hash));
    verifyStark(air, config, hash, w.publics, parallel);
  });

  // The nonce's cell lands in slot 1 or 2 of the permutation, after a run hashed or absorbed as it is, with
  // 0 to 7 elements before it in its cell.
  it.each([
    ["right after a sample", 0, 0, 0],
    ["after three more samples (squeezed cells left over)", 3, 0, 0],
    ["behind 5 pending elements", 0, 0, 5],
    ["behind 7 pending elements (the nonce completes the cell)", 0, 0, 7],
    ["after one queued cell (slot 2)", 0, 1, 0],
    ["after two queued cells and 3 elements", 0, 2, 3],
    ["after four queued cells and an element (a hashed run)", 0, 4, 1],
    ["after 40 queued cells (a hashed chain)", 0, 40, 2],
  ])("the batched search finds the generic search's nonce %s", (_, before, queued, pending) => {
    const ch = poseidonBn254Hash.newChallenger();
    for (let i = 0; i < 9; i++) ch.observe(i * 7 + 1);
    ch.sample();
    for (let i = 0; i < before; i++) ch.sample();
    const d = new Uint32Array(8);
    for (let i = 0; i < queued; i++) {
      d[0] = 1000 + i;
      ch.observeDigest(d);
    }
    for (let i = 0; i < pending; i++) ch.observe(1000 + i);
    expect(ch.powState?.()).toBeDefined();
    const fast = grind(ch, 10);
    expect(fast).toBe(grindBySearch(ch, 10));
    expect(checkPow(ch, fast, 10)).toBe(true);
  });
});

describe("Poseidon-BN254 Merkle hashing on words", () => {
  const element = (i: number) => (Math.imul(i, 2654435761) >>> 1) % P;
  const digestOf = (i: number) => {
    const d = new Uint32Array(8);
    hash.hashRow(Uint32Array.of(i), d);
    return d;
  };

  it.each([1, 7, 8, 9, 127, 128, 129, 207, 300])(
    "hashRows of %i-element rows equals hashRow (packing and the > 16-cell chain)",
    (len) => {
      // Row 0 is all p − 1: the largest cell every pack can make.
      const rows = Array.from({ length: 5 }, (_, r) =>
        Uint32Array.from({ length: len }, (_, i) => (r === 0 ? P - 1 : element(1000 * r + i))),
      );
      const outs = rows.map(() => new Uint32Array(8));
      hash.hashRows!(rows, outs);
      rows.forEach((row, r) => {
        const one = new Uint32Array(8);
        hash.hashRow(row, one);
        expect(outs[r]).toEqual(one);
      });
    },
  );

  it.each([2, 4] as const)(
    "compressLevel and injectNodes of arity %i equal compress and injectNode",
    (arity) => {
      const below = new Uint32Array(8 * arity * 20);
      for (let i = 0; i < below.length / 8; i++) below.set(digestOf(i), 8 * i);
      const level = new Uint32Array(8 * 20);
      hash.compressLevel!(below, level, 3, 17, arity);
      for (let j = 0; j < 20; j++) {
        const children = Array.from({ length: arity }, (_, k) =>
          below.subarray(8 * (arity * j + k), 8 * (arity * j + k + 1)),
        );
        const one = new Uint32Array(8);
        if (arity === 2) hash.compress(children[0]!, children[1]!, one);
        else hash.compress4!(children, one);
        // Nodes outside [3, 17) are not written.
        expect(level.subarray(8 * j, 8 * j + 8)).toEqual(j >= 3 && j < 17 ? one : new Uint32Array(8));
      }
      for (const len of [3, 8, 40, 100, 130]) {
        const rows = Array.from({ length: 3 }, (_, r) =>
          Uint32Array.from({ length: len }, (_, i) => element(77 * r + i)),
        );
        const children = rows.map((_, r) => Array.from({ length: arity }, (_, k) => digestOf(r + k)));
        const outs = rows.map(() => new Uint32Array(8));
        hash.injectNodes!(children, rows, outs);
        rows.forEach((row, r) => {
          const one = new Uint32Array(8);
          hash.injectNode!(children[r]!, row, one);
          expect(outs[r]).toEqual(one);
        });
      }
    },
  );
});
