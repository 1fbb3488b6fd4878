import { describe, expect, it } from "vitest";
import { recycleColumns, sharedColumn, slabUsage } from "../../src/field/shared-columns.ts";
import { poseidon2Hash as hash } from "../../src/stark/poseidon2-hash.ts";
import { encodeProof } from "../../src/stark/proof-codec.ts";
import { preprocessedRoot, proveStark } from "../../src/stark/prover.ts";
import { verifyStark } from "../../src/stark/verifier.ts";
import { rangeCheckFixedAir, rangeCheckFixedWitness, TEST_CONFIG } from "../stark/airs.ts";

/** Everything here runs inside one synchronous test body: slabs are forgotten when it returns. */
const WORDS = 1 << 16; // 256 KiB: carved from slabs

/** A deterministic pseudo-random generator (xorshift32), so failures reproduce. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

describe("shared columns", () => {
  it("are zeroed and in shared memory; a recycled column's memory serves the next one, zeroed again", () => {
    const a = sharedColumn(WORDS);
    expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(a.every((v) => v === 0)).toBe(true);
    a.fill(0xdeadbeef);
    recycleColumns([a]);
    const b = sharedColumn(WORDS);
    expect(b.buffer).toBe(a.buffer);
    expect(b.byteOffset).toBe(a.byteOffset);
    expect(b.every((v) => v === 0)).toBe(true);
    recycleColumns([b]);
  });

  it("merge adjacent recycled columns: two columns' memory serves one twice as tall", () => {
    const [a, b] = [sharedColumn(WORDS), sharedColumn(WORDS)];
    expect(b.buffer).toBe(a.buffer);
    const before = slabUsage().slabBytes;
    recycleColumns([b, a]);
    const c = sharedColumn(2 * WORDS);
    expect(c.buffer).toBe(a.buffer);
    expect(c.byteOffset).toBe(a.byteOffset);
    expect(slabUsage().slabBytes).toBe(before);
    recycleColumns([c]);
  });

  it("ignore what they did not hand out: parts of a column, a column recycled twice, small and plain arrays", () => {
    const a = sharedColumn(WORDS);
    const b = sharedColumn(WORDS);
    const free = slabUsage().freeBytes;
    recycleColumns([a.subarray(1), a.subarray(0, WORDS / 2), new Uint32Array(WORDS), sharedColumn(16)]);
    expect(slabUsage().freeBytes).toBe(free);
    recycleColumns([a]);
    const afterOne = slabUsage().freeBytes;
    recycleColumns([a]);
    expect(slabUsage().freeBytes).toBe(afterOne);
    // `a`'s memory went back once: the next column takes it, and `b` is untouched.
    b.fill(7);
    const c = sharedColumn(WORDS);
    expect(c.byteOffset).toBe(a.byteOffset);
    c.fill(9);
    expect(b.every((v) => v === 7)).toBe(true);
    recycleColumns([b, c]);
  });

  it("never hand out memory that a live column holds (random sizes, allocations and recycling)", () => {
    const next = rng(12345);
    const live: { column: Uint32Array; tag: number }[] = [];
    for (let step = 0; step < 600; step++) {
      if (live.length > 0 && next() < 0.45) {
        const [gone] = live.splice(Math.floor(next() * live.length), 1);
        recycleColumns([gone!.column]);
      } else {
        // 64 KiB to 8 MiB, so that some columns are larger than a slab's leftovers and some merge.
        const words = 1 << (14 + Math.floor(next() * 8));
        const column = sharedColumn(words + Math.floor(next() * 100));
        expect(column[0]).toBe(0);
        expect(column[column.length - 1]).toBe(0);
        const tag = step + 1;
        column.fill(tag);
        live.push({ column, tag });
      }
      if (step % 50 === 0)
        for (const { column, tag } of live) {
          expect(column[0]).toBe(tag);
          expect(column[column.length >> 1]).toBe(tag);
          expect(column[column.length - 1]).toBe(tag);
        }
    }
    for (const { column, tag } of live) expect(column.every((v) => v === tag)).toBe(true);
    recycleColumns(live.map((x) => x.column));
    const { slabBytes, freeBytes } = slabUsage();
    expect(freeBytes).toBe(slabBytes);
  });

  it("are forgotten when the synchronous run ends: the collector owns them again", async () => {
    const a = sharedColumn(WORDS);
    expect(slabUsage().slabBytes).toBeGreaterThan(0);
    await Promise.resolve();
    expect(slabUsage()).toEqual({ slabBytes: 0, freeBytes: 0 });
    recycleColumns([a]); // a column of an earlier run: ignored
    expect(slabUsage()).toEqual({ slabBytes: 0, freeBytes: 0 });
    expect(sharedColumn(WORDS).buffer).not.toBe(a.buffer);
  });
});

describe("the prover's memory", () => {
  // LogUp, a preprocessed table, two heights; columns of 2^14 rows and more, so that they are carved from
  // slabs; a worker thread, so that the threaded paths allocate too.
  const air = rangeCheckFixedAir(14);
  const witness = () =>
    rangeCheckFixedWitness(
      Array.from({ length: 1 << 15 }, (_, i) => (i * 37) % (1 << 14)),
      3,
      14,
    );
  const inSlabs = (w: ReturnType<typeof witness>) => ({
    publics: w.publics,
    tables: w.tables.map((cols) =>
      cols.map((c) => {
        const s = sharedColumn(c.length);
        s.set(c);
        return s;
      }),
    ),
  });

  it("hands back every column it allocates, and the witness's when asked; the proof does not change", () => {
    for (const workers of [0, 1]) {
      const reference = encodeProof(
        proveStark(air, TEST_CONFIG, hash, witness(), { workers }),
        air,
        TEST_CONFIG,
        hash,
      );
      const w = inSlabs(witness());
      const proof = proveStark(air, TEST_CONFIG, hash, w, { workers, recycleWitness: true });
      const { slabBytes, freeBytes } = slabUsage();
      expect(slabBytes).toBeGreaterThan(0);
      expect(freeBytes).toBe(slabBytes);
      expect(encodeProof(proof, air, TEST_CONFIG, hash)).toEqual(reference);
      verifyStark(air, TEST_CONFIG, hash, w.publics, proof, {
        preprocessedRoot: preprocessedRoot(air, TEST_CONFIG, hash),
      });
    }
  });

  it("a proof made right after another reuses its memory instead of taking more", () => {
    proveStark(air, TEST_CONFIG, hash, inSlabs(witness()), { workers: 1, recycleWitness: true });
    const first = slabUsage().slabBytes;
    for (let i = 0; i < 3; i++)
      proveStark(air, TEST_CONFIG, hash, inSlabs(witness()), { workers: 1, recycleWitness: true });
    expect(slabUsage().slabBytes).toBe(first);
  });
});
