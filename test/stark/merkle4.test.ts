/**
 * 4-ary Merkle trees with fused injections (the Poseidon-BN254 configuration; pcs/merkle-shape.ts): the tree
 * shape over mixed heights, the commitment against its recursive definition (poseidon-lite), openings of every
 * leaf with each perturbation rejected, binary trees (Poseidon2) unchanged, and the recursion backend refusing
 * a 4-ary configuration.
 */
import * as lite from "poseidon-lite";
import { describe, expect, it } from "vitest";
import { P } from "../../src/field/babybear.ts";
import {
  ProgramBuilder,
  type RBase,
  type RDigest,
  type RExt,
  RecursionBackend,
} from "../../src/recursion/builder.ts";
import type { Air } from "../../src/stark/air.ts";
import { merkleScheme, type StarkHash, UnsupportedHashError } from "../../src/stark/hash-config.ts";
import { proofLayout } from "../../src/stark/layout.ts";
import { type MerkleScheme, merklePathLength, merkleSteps } from "../../src/stark/pcs/merkle-shape.ts";
import { mmcsCommit, mmcsOpen } from "../../src/stark/pcs/mmcs.ts";
import { digestToBigint, poseidonBn254Hash } from "../../src/stark/poseidon-bn254-hash.ts";
import { poseidon2Hash } from "../../src/stark/poseidon2-hash.ts";
import { airStructureDigest, reverseBits } from "../../src/stark/protocol.ts";
import { verifyStarkProof } from "../../src/stark/verifier/algorithm.ts";
import { mapProof, zeroProof } from "../../src/stark/verifier/proof-vars.ts";
import { fibonacciAir, rangeCheckAir, TEST_CONFIG } from "./airs.ts";
import { mmcsAccepts } from "./mmcs-helpers.ts";

const hash = poseidonBn254Hash;
const rnd = (seed: number) => {
  let s = seed;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) % P;
};

describe("Merkle tree shape", () => {
  it("4-ary steps except around injected heights and at the top of an odd stretch", () => {
    expect(merkleSteps([4], 4)).toEqual([2, 2]);
    // Odd height: one binary step at the root.
    expect(merkleSteps([5], 4)).toEqual([2, 2, 1]);
    expect(merkleSteps([1], 4)).toEqual([1]);
    expect(merkleSteps([0], 4)).toEqual([]);
    // 2^6, 2^5 and 2^2 rows: binary into level 5 (injected), 4-ary to 3, binary into 2 (injected), 4-ary to 0.
    expect(merkleSteps([6, 5, 2, 6], 4)).toEqual([1, 2, 1, 2]);
    expect(merklePathLength([6, 5, 2], 4)).toBe(1 + 3 + 1 + 3);
    // Binary configurations: one step per level, as before.
    expect(merkleSteps([6, 5, 2], 2)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(merklePathLength([6, 5, 2], 2)).toBe(6);
  });

  it("every injected height is a level of the tree, and no stretch has two binary steps", () => {
    for (let mask = 1; mask < 1 << 9; mask++) {
      const heights = [...Array(9).keys()].filter((h) => (mask >> h) & 1);
      const steps = merkleSteps(heights, 4);
      const levels = [Math.max(...heights)];
      for (const s of steps) levels.push(levels[levels.length - 1]! - s);
      expect(levels[levels.length - 1]).toBe(0);
      for (const h of heights) expect(levels).toContain(h);
      // A binary step only where a 4-ary one would skip an injected level or pass the root.
      steps.forEach((s, i) => {
        if (s === 1) expect(levels[i]! === 1 || heights.includes(levels[i]! - 1)).toBe(true);
      });
    }
  });
});

describe("4-ary mixed-height commitment (Poseidon-BN254)", () => {
  it("compress4 is circomlib Poseidon(4) of the children (poseidon-lite), level by level too", () => {
    const r = rnd(3);
    const children = Array.from({ length: 4 }, () => Uint32Array.from({ length: 8 }, () => r() >>> 3));
    const out = new Uint32Array(8);
    hash.compress4!(children, out);
    expect(digestToBigint(out)).toBe(lite.poseidon4(children.map(digestToBigint)));
    const below = Uint32Array.from({ length: 8 * 4 * 3 }, () => r() >>> 3);
    const level = new Uint32Array(8 * 3);
    hash.compressLevel!(below, level, 0, 3, 4);
    for (let j = 0; j < 3; j++) {
      hash.compress4!(
        [0, 1, 2, 3].map((k) => below.subarray(8 * (4 * j + k), 8 * (4 * j + k) + 8)),
        out,
      );
      expect(level.subarray(8 * j, 8 * j + 8)).toEqual(out);
    }
  });

  const r = rnd(11);
  const mk = (height: number, width: number) => ({
    height,
    columns: Array.from({ length: width }, () => Uint32Array.from({ length: height }, r)),
  });
  // Heights 2^6, 2^5, 2^2, 2^0: steps binary, 4-ary, binary, 4-ary, injections after the binary steps and
  // the last 4-ary one; a single odd height, 2^5. Then wide injected rows on both sides of circomlib's 16
  // inputs: 13 cells after a 4-ary step (its digest), 15 after a binary one (digest), 14 after a binary one
  // (cells); 12 cells after a 4-ary step (cells), 14 after one (digest).
  const cases = [
    [mk(64, 3), mk(4, 2), mk(32, 1), mk(64, 2), mk(1, 1)],
    [mk(32, 2)],
    [mk(16, 2), mk(4, 100), mk(2, 120), mk(1, 112)],
    [mk(16, 1), mk(4, 90), mk(4, 6), mk(1, 105)],
  ];

  /** Poseidon of n inputs, n ≤ 16, from poseidon-lite (circomlib's constants; not the code under test). */
  const poseidon = (inputs: bigint[]): bigint => {
    const f = (lite as unknown as Record<string, (x: bigint[]) => bigint>)[`poseidon${inputs.length}`];
    if (!f) throw new RangeError(`no Poseidon of ${inputs.length} inputs`);
    return f(inputs);
  };
  const PB = BigInt(P);
  /** A row's cells: 8 elements each, Σ e_i·p^i. */
  const cellsOf = (row: number[]): bigint[] => {
    const cells: bigint[] = [];
    for (let i = 0; i < row.length; i += 8)
      cells.push(row.slice(i, i + 8).reduceRight((acc, e) => acc * PB + BigInt(e), 0n));
    return cells;
  };
  const rowDigest = (cells: bigint[]): bigint => {
    if (cells.length <= 16) return poseidon(cells);
    let h = poseidon(cells.slice(0, 16));
    for (let i = 16; i < cells.length; i += 15) h = poseidon([h, ...cells.slice(i, i + 15)]);
    return h;
  };

  /**
   * The root from the definition (docs/proof-system.md §3), with poseidon-lite: a leaf hashes its row; a
   * node hashes its 2 or 4 children and, on a level where a row is injected, the row's cells too if they fit
   * in 16 inputs, else the row's digest.
   */
  function naiveRoot(matrices: { height: number; columns: Uint32Array[] }[]): bigint {
    const logs = matrices.map((m) => Math.log2(m.height));
    const levels = [Math.max(...logs)];
    for (const s of merkleSteps(logs, 4)) levels.push(levels[levels.length - 1]! - s);
    const rowCells = (l: number, j: number) => {
      const row: number[] = [];
      for (const m of matrices)
        if (m.height === 1 << l) for (const c of m.columns) row.push(c[reverseBits(j, l)]!);
      return cellsOf(row);
    };
    const node = (i: number, j: number): bigint => {
      if (i === 0) return rowDigest(rowCells(levels[0]!, j));
      const arity = 1 << (levels[i - 1]! - levels[i]!);
      const children = Array.from({ length: arity }, (_, k) => node(i - 1, arity * j + k));
      if (!logs.includes(levels[i]!)) return poseidon(children);
      const cells = rowCells(levels[i]!, j);
      return poseidon([...children, ...(arity + cells.length <= 16 ? cells : [rowDigest(cells)])]);
    };
    return node(levels.length - 1, 0);
  }

  const verifies = (
    heights: number[],
    root: Uint32Array,
    index: number,
    rows: Uint32Array[],
    path: Uint32Array[],
  ) => mmcsAccepts(hash, [root], heights, index, rows, path);

  for (const matrices of cases) {
    const heights = matrices.map((m) => m.height);
    it(`heights ${heights.join(", ")}: matches the definition; every leaf opens; any change is rejected`, () => {
      const data = mmcsCommit(hash, matrices);
      expect(digestToBigint(data.cap[0]!)).toBe(naiveRoot(matrices));
      const maxHeight = Math.max(...heights);
      const logs = heights.map(Math.log2);
      for (let i = 0; i < maxHeight; i++) {
        const o = mmcsOpen(data, i);
        expect(o.path.length).toBe(merklePathLength(logs, 4));
        expect(verifies(heights, data.cap[0]!, i, o.rows, o.path)).toBe(true);
        // Another index in the same group of four (other index bits, same siblings) and beyond it.
        expect(verifies(heights, data.cap[0]!, i ^ 1, o.rows, o.path)).toBe(false);
        expect(verifies(heights, data.cap[0]!, i ^ 2, o.rows, o.path)).toBe(false);
        if (i % 8 !== 0) continue;
        for (let m = 0; m < o.rows.length; m++) {
          const rows = o.rows.map((x) => x.slice());
          rows[m]![0] = (rows[m]![0]! + 1) % P;
          expect(verifies(heights, data.cap[0]!, i, rows, o.path)).toBe(false);
        }
        for (let l = 0; l < o.path.length; l++) {
          const path = o.path.map((x) => x.slice());
          path[l]![3] ^= 1;
          expect(verifies(heights, data.cap[0]!, i, o.rows, path)).toBe(false);
        }
        // Siblings of one group in another order.
        const swapped = o.path.map((x) => x.slice());
        [swapped[1], swapped[2]] = [swapped[2]!, swapped[1]!];
        expect(verifies(heights, data.cap[0]!, i, o.rows, swapped)).toBe(false);
      }
    });
  }

  it("Poseidon2 trees stay binary", () => {
    const matrices = [mk(16, 2), mk(4, 1)];
    const data = mmcsCommit(poseidon2Hash, matrices);
    expect(data.steps).toEqual([1, 1, 1, 1]);
    expect(mmcsOpen(data, 5).path.length).toBe(4);
  });

  it("a hash configuration of arity 4 without compress4 is refused with a typed error", () => {
    const broken: StarkHash = { ...poseidon2Hash, merkleArity: 4 };
    expect(() => mmcsCommit(broken, [mk(16, 1)])).toThrow(UnsupportedHashError);
  });
});

describe("the recursion backend", () => {
  /** The recursion backend verifying a proof of `air` at `heights` under a Merkle scheme. */
  function recursionVerify(air: Air, heights: number[], merkle: MerkleScheme) {
    const layout = proofLayout(air, TEST_CONFIG, heights);
    const builder = new ProgramBuilder("merkle4");
    const b = new RecursionBackend(builder);
    const proof = mapProof<RBase, RExt, RDigest>(zeroProof(layout, merkle.arity), {
      base: () => ({ addr: builder.hint(false) }),
      ext: () => ({ addr: builder.hint(true) }),
      digest: () => ({ blocks: [builder.hint(true), builder.hint(true)] }),
    });
    return () =>
      verifyStarkProof(b, {
        air,
        config: TEST_CONFIG,
        layout,
        merkle,
        structureDigest: airStructureDigest(air, TEST_CONFIG, poseidonBn254Hash),
        publics: Array.from({ length: air.publicCount }, () => ({ addr: builder.hint(false) })),
        preprocessedRoot: null,
        proof,
      });
  }

  it("refuses to verify a proof of a 4-ary configuration (typed error, not a miscomputed program)", () => {
    expect(recursionVerify(fibonacciAir(), [4], merkleScheme(poseidonBn254Hash))).toThrow(
      UnsupportedHashError,
    );
  });

  it("refuses fused injections, even in binary trees", () => {
    // Two heights: the first opening's path reaches an injected level after binary steps.
    const air = rangeCheckAir(6);
    expect(recursionVerify(air, [3, 6], { arity: 2, fusedInjection: true })).toThrow(/fuses injections/);
    expect(recursionVerify(air, [3, 6], { arity: 2, fusedInjection: true })).toThrow(UnsupportedHashError);
  });
});
