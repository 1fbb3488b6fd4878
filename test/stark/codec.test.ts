import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { proofLayout } from "../../src/stark/layout.ts";
import { poseidon2Hash } from "../../src/stark/poseidon2-hash.ts";
import type { StarkProof } from "../../src/stark/proof.ts";
import {
  decodeProof,
  encodeProof,
  NonCanonicalProofError,
  ProofFormatError,
  ProofLengthError,
  ProofVersionError,
  TrailingBytesError,
  TruncatedProofError,
} from "../../src/stark/proof-codec.ts";
import { proveStark } from "../../src/stark/prover.ts";
import { VerificationError, verifyStark, verifyStarkBytes } from "../../src/stark/verifier.ts";
import { rangeCheckAir, rangeCheckWitness, TEST_CONFIG } from "./airs.ts";

const air = rangeCheckAir(4);
const w = rangeCheckWitness([1, 2, 3, 15, 9, 9, 0, 4], 5, 4);
const proof = proveStark(air, TEST_CONFIG, poseidon2Hash, w);
const bytes = encodeProof(proof, air, TEST_CONFIG, poseidon2Hash);
const decode = (b: Uint8Array) => decodeProof(b, air, TEST_CONFIG, poseidon2Hash);

describe("proof encoding", () => {
  it("round-trips and is deterministic", () => {
    const again = encodeProof(decode(bytes), air, TEST_CONFIG, poseidon2Hash);
    expect(again).toEqual(bytes);
    expect(
      encodeProof(proveStark(air, TEST_CONFIG, poseidon2Hash, w), air, TEST_CONFIG, poseidon2Hash),
    ).toEqual(bytes);
    console.log(`range-check-4 proof (24 queries): ${bytes.length} bytes`);
  });

  it("rejects malformed input with typed errors", () => {
    expect(() => decode(bytes.subarray(0, 0))).toThrow(TruncatedProofError);
    expect(() => decode(bytes.subarray(0, bytes.length - 1))).toThrow(TruncatedProofError);
    const v = bytes.slice();
    v[0] = 1; // the format before openings were shared
    expect(() => decode(v)).toThrow(ProofVersionError);
    const h = bytes.slice();
    h[1] = 30;
    expect(() => decode(h)).toThrow(ProofLengthError);
    const t = new Uint8Array(bytes.length + 1);
    t.set(bytes);
    expect(() => decode(t)).toThrow(TrailingBytesError);
    const nc = bytes.slice();
    // First word of the main root (offset 1 + 2 heights): 0xFFFFFFFF ≥ p.
    nc.set([0xff, 0xff, 0xff, 0xff], 3);
    expect(() => decode(nc)).toThrow(NonCanonicalProofError);
  });

  it("fuzz: mutated, truncated and random inputs are rejected with a typed error, never a crash", () => {
    const check = (b: Uint8Array) => {
      try {
        verifyStarkBytes(air, TEST_CONFIG, poseidon2Hash, w.publics, b);
        return false;
      } catch (e) {
        return e instanceof ProofFormatError || e instanceof VerificationError;
      }
    };
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 }), (pos, x) => {
        const b = bytes.slice();
        b[pos] = b[pos]! ^ x;
        return check(b);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), (len) => check(bytes.subarray(0, len))),
      { numRuns: 100 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (b) => check(b)),
      { numRuns: 200 },
    );
  });
});

/** Every query opening of a proof as (tree, leaf, rows, path), with the leaf recomputed from the index here. */
function openingsOf(p: StarkProof) {
  const layout = proofLayout(air, TEST_CONFIG, p.logHeights);
  const L = layout.logMaxLdeHeight;
  const rev = (x: number, bits: number) => {
    let r = 0;
    for (let i = 0; i < bits; i++) r |= ((x >> i) & 1) << (bits - 1 - i);
    return r;
  };
  const out: { tree: string; leaf: number; shifts: number[]; rows: Uint32Array[]; path: Uint32Array[] }[] =
    [];
  for (const q of p.queries) {
    for (const round of ["pre", "main", "aux", "quotient"] as const) {
      const c = layout.commitments[round];
      const o = q[round];
      if (c && o)
        out.push({
          tree: round,
          leaf: rev(q.index, L) >> (L - c.logMaxHeight),
          shifts: c.matrices.map((m) => c.logMaxHeight - m.logHeight),
          ...o,
        });
    }
    layout.fri.layers.forEach((l, li) => {
      const bits = l.logSize - l.logArity;
      out.push({
        tree: `fri${li}`,
        leaf: rev(q.index % 2 ** bits, bits),
        shifts: [0],
        rows: [q.fri[li]!.row],
        path: q.fri[li]!.path,
      });
    });
  }
  return out;
}

describe("shared openings", () => {
  it("send each row and sibling once per position, and decode to every query's full openings", () => {
    const decoded = decode(bytes);
    expect(decoded).toEqual(proof);
    // Count the repeats independently: in a binary tree the sibling at depth d of leaf x is (x >> d) ^ 1.
    const seen = new Set<string>();
    let repeatedBytes = 0;
    let fullBytes = 0;
    for (const o of openingsOf(proof)) {
      o.rows.forEach((row, m) => {
        fullBytes += 4 * row.length;
        // A shorter matrix's row sits at the leaf's ancestor of its height.
        const key = `${o.tree} row ${m} ${o.leaf >> o.shifts[m]!}`;
        if (seen.has(key)) repeatedBytes += 4 * row.length;
        seen.add(key);
      });
      o.path.forEach((_, d) => {
        fullBytes += 32;
        const key = `${o.tree} sibling ${d} ${(o.leaf >> d) ^ 1}`;
        if (seen.has(key)) repeatedBytes += 32;
        seen.add(key);
      });
    }
    expect(repeatedBytes).toBeGreaterThan(0);
    const header = bytes.length - (fullBytes - repeatedBytes);
    // What precedes the openings: everything but them, the same with or without sharing.
    const layout = proofLayout(air, TEST_CONFIG, proof.logHeights);
    const atZeta = layout.tables.reduce(
      (n, t) => n + t.widths.pre + t.widths.main + t.widths.aux + t.widths.quotient,
      0,
    );
    // At ζω only the groups of four columns holding what the constraints read at the next row: the range
    // table's counter (column 0, in the group 0–3 of its 2 columns), and each table's LogUp running sum φ
    // (its second aux column, after the one batch).
    const phi = [4, 5, 6, 7];
    expect(layout.tables.map((t) => t.next)).toEqual([
      { pre: [], main: [], aux: phi, quotient: [] },
      { pre: [], main: [0, 1], aux: phi, quotient: [] },
    ]);
    const opened = atZeta + 4 + 4 + 2; // extension values, at ζ and at ζω
    const roots = 1 + (layout.commitments.aux ? 1 : 0) + 1 + layout.fri.layers.length;
    expect(header).toBe(
      1 +
        layout.tables.length +
        32 * roots +
        16 * layout.cumsumTables.length +
        16 * opened +
        16 * layout.fri.finalCoefficients +
        4 +
        4 * TEST_CONFIG.numQueries,
    );
  });

  it("a query index other than the transcript's is rejected, in memory and in bytes", () => {
    const wrong: StarkProof = {
      ...proof,
      queries: proof.queries.map((q, i) => (i === 3 ? { ...q, index: q.index ^ 1 } : q)),
    };
    expect(() => verifyStark(air, TEST_CONFIG, poseidon2Hash, w.publics, wrong)).toThrow(
      expect.objectContaining({ reason: "shape", message: expect.stringContaining("query 3's index") }),
    );
    // In bytes, the indices follow the PoW nonce.
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    let start = -1;
    for (let i = 0; i + 8 <= bytes.length; i++)
      if (
        view.getUint32(i, true) === proof.powNonce &&
        view.getUint32(i + 4, true) === proof.queries[0]!.index
      ) {
        start = i + 4;
        break;
      }
    expect(start).toBeGreaterThan(0);
    for (const q of [0, 5, TEST_CONFIG.numQueries - 1]) {
      const b = bytes.slice();
      new DataView(b.buffer).setUint32(start + 4 * q, proof.queries[q]!.index ^ 2, true);
      let error: unknown = null;
      try {
        verifyStarkBytes(air, TEST_CONFIG, poseidon2Hash, w.publics, b);
      } catch (e) {
        error = e;
      }
      // Another index moves where the shared openings sit: the bytes no longer parse, or the proof fails.
      expect(error instanceof ProofFormatError || error instanceof VerificationError).toBe(true);
    }
  });

  it("a proof whose queries disagree at a shared position has no encoding", () => {
    const openings = openingsOf(proof);
    const seen = new Map<string, number>();
    let target: { q: number; d: number } | null = null;
    openings.forEach((o, i) => {
      if (o.tree !== "main" || target) return;
      o.path.forEach((_, d) => {
        const key = `${d} ${(o.leaf >> d) ^ 1}`;
        if (seen.has(key) && !target) target = { q: i, d };
        seen.set(key, i);
      });
    });
    expect(target).not.toBeNull();
    const { q, d } = target!;
    const tampered = structuredClone(proof);
    const main = openingsOf(tampered)[q]!;
    main.path[d]![0] = (main.path[d]![0]! + 1) % 2013265921;
    expect(() => encodeProof(tampered, air, TEST_CONFIG, poseidon2Hash)).toThrow(ProofLengthError);
  });
});
