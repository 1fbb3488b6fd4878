import { add, mul, P } from "../../src/field/babybear.ts";
import { type Air, defineAir, PublicInteractionBuilder, TableBuilder } from "../../src/stark/air.ts";
import type { StarkConfig } from "../../src/stark/config.ts";
import type { Witness } from "../../src/stark/prover.ts";

/** Example AIRs shared by the STARK tests, the soundness harness tests and the benchmark. */

/** A small configuration for tests: same code path as the defaults, fewer queries and PoW bits. */
export const TEST_CONFIG: StarkConfig = {
  logBlowup: 1,
  numQueries: 24,
  powBits: 4,
  friLogArity: 2,
  logFinalDegree: 1,
};

/** Fibonacci: a' = b, b' = a + b; publics (a_0, b_0, b_{n−1}). */
export function fibonacciAir(): Air {
  const t = new TableBuilder("fib", 2);
  const [a, b] = [t.main(0), t.main(1)];
  t.assertZeroFirstRow(a.sub(t.public(0)));
  t.assertZeroFirstRow(b.sub(t.public(1)));
  t.assertZeroTransition(t.next(0).sub(b));
  t.assertZeroTransition(t.next(1).sub(a.add(b)));
  t.assertZeroLastRow(b.sub(t.public(2)));
  return defineAir({ name: "fibonacci", publicCount: 3, tables: [t] });
}

export function fibonacciWitness(logN: number, a0 = 1, b0 = 1): Witness {
  const n = 1 << logN;
  const a = new Uint32Array(n);
  const b = new Uint32Array(n);
  a[0] = a0;
  b[0] = b0;
  for (let i = 1; i < n; i++) {
    a[i] = b[i - 1]!;
    b[i] = add(a[i - 1]!, b[i - 1]!);
  }
  return { tables: [[a, b]], publics: [a0, b0, b[n - 1]!] };
}

/** Fibonacci computed independently with BigInt (the test's reference for the public output). */
export function fibonacciReference(logN: number, a0 = 1n, b0 = 1n): number {
  let a = a0;
  let b = b0;
  for (let i = 1; i < 1 << logN; i++) [a, b] = [b, (a + b) % BigInt(P)];
  return Number(b);
}

export const RANGE_BUS = 7;

/**
 * Two tables of different heights: "values" sends every entry of its column over a LogUp bus; "range"
 * is a 2^bits-row table (2^16 by default) with a counter 0..65535 that receives each value with multiplicity `mult`.
 * A public interaction sends the public value too (so the bus has a public side).
 */
export function rangeCheckAir(bits = 16): Air {
  const v = new TableBuilder("values", 1);
  v.send(RANGE_BUS, [v.main(0)]);
  // A trivial constraint so the table has one of its own: values are fixed by the bus.
  v.assertZeroFirstRow(v.main(0).sub(v.public(0)));
  const r = new TableBuilder("range", 2);
  const [c, m] = [r.main(0), r.main(1)];
  r.assertZeroFirstRow(c);
  r.assertZeroTransition(r.next(0).sub(c).sub(1));
  r.assertZeroLastRow(c.sub((1 << bits) - 1));
  // The counter runs over 0..2^bits − 1, so every row is a fact: its count may be anything.
  r.receive(RANGE_BUS, [c], m, { bound: "lookup" });
  const pub = new PublicInteractionBuilder();
  pub.send(RANGE_BUS, [pub.public(1)]);
  return defineAir({ name: `range-check-${bits}`, publicCount: 2, tables: [v, r], publicInteractions: pub });
}

/**
 * The range check with a preprocessed table: the 2^bits-row table's value column is fixed data of the AIR
 * (committed once, part of the verifying key); its only witness column is the multiplicity.
 */
export function rangeCheckFixedAir(bits = 16): Air {
  const v = new TableBuilder("values", 1);
  v.send(RANGE_BUS, [v.main(0)]);
  v.assertZeroFirstRow(v.main(0).sub(v.public(0)));
  const counter = Uint32Array.from({ length: 1 << bits }, (_, i) => i);
  const r = new TableBuilder("range", 1, { preprocessed: [counter] });
  r.receive(RANGE_BUS, [r.fixed(0)], r.main(0), { bound: "lookup" });
  const pub = new PublicInteractionBuilder();
  pub.send(RANGE_BUS, [pub.public(1)]);
  return defineAir({
    name: `range-check-fixed-${bits}`,
    publicCount: 2,
    tables: [v, r],
    publicInteractions: pub,
  });
}

export function rangeCheckFixedWitness(values: number[], extra: number, bits = 16): Witness {
  const w = rangeCheckWitness(values, extra, bits);
  return { tables: [w.tables[0]!, [w.tables[1]![1]!]], publics: w.publics };
}

export function rangeCheckWitness(values: number[], extra: number, bits = 16): Witness {
  const n = values.length;
  const col = Uint32Array.from(values);
  const counter = new Uint32Array(1 << bits);
  const mult = new Uint32Array(1 << bits);
  for (let i = 0; i < counter.length; i++) counter[i] = i;
  for (const x of values) mult[x]!++;
  mult[extra]!++;
  if (n < 4) throw new Error("need at least 4 values");
  return { tables: [[col], [counter, mult]], publics: [values[0]!, extra] };
}

/**
 * Degree-3 constraints with next-row references over `width` columns (even, ≥ 4): the first half are state
 * columns s_j with transition·(s_j' − s_j·s_{j+1} − j) = 0; the second half hold products
 * p_j = s_j·s_{j+1}·s_{j+2} (indices mod width/2) on every row. Every constraint has degree 3.
 */
export function cubicAir(width: number): Air {
  const h = width / 2;
  const t = new TableBuilder(`cubic-${width}`, width);
  for (let j = 0; j < h; j++) {
    const s = t.main(j);
    const s1 = t.main((j + 1) % h);
    const s2 = t.main((j + 2) % h);
    t.assertZeroTransition(t.next(j).sub(s.mul(s1)).sub(j));
    t.assertEqual(t.main(h + j), s.mul(s1).mul(s2));
  }
  t.assertZeroFirstRow(t.main(0).sub(t.public(0)));
  return defineAir({ name: `cubic-${width}`, publicCount: 1, tables: [t] });
}

export function cubicWitness(width: number, logN: number, seed = 1): Witness {
  const h = width / 2;
  const n = 1 << logN;
  const cols = Array.from({ length: width }, () => new Uint32Array(n));
  let s = seed;
  for (let j = 0; j < h; j++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 1;
    cols[j]![0] = s % P;
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < h; j++) {
      const a = cols[j]![i]!;
      const b = cols[(j + 1) % h]![i]!;
      const c = cols[(j + 2) % h]![i]!;
      cols[h + j]![i] = mul(mul(a, b), c);
      if (i + 1 < n) cols[j]![i + 1] = add(mul(a, b), j);
    }
  }
  return { tables: [cols], publics: [cols[0]![0]!] };
}

/**
 * Four byte-range lookups per row into a preprocessed 2^8-row table: LogUp batches several interactions per
 * aux column (two at the default degree 3, all four at degree 5).
 */
export function byteLookupsAir(maxLogupDegree?: number): Air {
  const v = new TableBuilder("bytes", 4);
  for (let c = 0; c < 4; c++) v.send(RANGE_BUS, [v.main(c)]);
  v.assertZeroFirstRow(v.main(0).sub(v.public(0)));
  const bytes = Uint32Array.from({ length: 256 }, (_, i) => i);
  const r = new TableBuilder("byte-table", 1, { preprocessed: [bytes] });
  r.receive(RANGE_BUS, [r.fixed(0)], r.main(0), { bound: "lookup" });
  return defineAir({ name: "byte-lookups", publicCount: 1, tables: [v, r], maxLogupDegree });
}

export function byteLookupsWitness(logN: number, seed = 1): Witness {
  const n = 1 << logN;
  const cols = Array.from({ length: 4 }, () => new Uint32Array(n));
  const counts = new Uint32Array(256);
  let s = seed;
  for (let i = 0; i < n; i++)
    for (const c of cols) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      c[i] = s >>> 24;
      counts[c[i]!]!++;
    }
  return { tables: [cols, [counts]], publics: [cols[0]![0]!] };
}
