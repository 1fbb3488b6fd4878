import { describe, expect, it } from "vitest";
import { GENERATOR, inv, mul, P, pow, rootOfUnity, sub } from "../../src/field/babybear.ts";
import type { ExtColumns } from "../../src/field/ext-columns.ts";
import { type Ext, extAdd, extInv, extMul, extMulBase, extSub } from "../../src/field/extension.ts";
import { montgomeryArrays } from "../../src/field/montgomery-wasm.ts";
import { machine } from "../../src/machine/air.ts";
import { ProverInputError } from "../../src/stark/errors.ts";
import type { Node } from "../../src/stark/expr.ts";
import { deepRange } from "../../src/stark/kernels.ts";
import { type LogupInputs, logupBatchSums } from "../../src/stark/logup.ts";
import { openingSums } from "../../src/stark/pcs/open.ts";
import { quotientInputs, quotientRange, quotientSize } from "../../src/stark/quotient.ts";
import { prng } from "../../src/stark/testing/perturb.ts";

describe("the prover's evaluations on the WebAssembly kernel", () => {
  const kernel = montgomeryArrays();

  // Every table of the machine at both LogUp budgets (degree 3 for blowup 2, degree 5 for blowup 4): base
  // and extension nodes, constants, publics, challenges, the cumsum, selectors, next-row columns. The range
  // spans several of the kernel's chunks and starts and ends off a vector boundary.
  for (const [maxDegree, logB] of [
    [3, 1],
    [5, 2],
  ] as const)
    it(`equals the JavaScript evaluation value for value on every machine table (degree ${maxDegree})`, () => {
      expect(kernel).not.toBeNull();
      const { air } = machine(maxDegree);
      const u32 = prng(maxDegree);
      const next = () => u32() % P;
      const column = (n: number) => Uint32Array.from({ length: n }, next);
      const ext = (): Ext => [next(), next(), next(), next()];
      const logN = 9;
      for (const t of air.tables) {
        const n = 1 << (logN + logB);
        const inputs = quotientInputs(
          t,
          logN,
          logB,
          t.preprocessed.map(() => column(n)),
          Array.from({ length: t.mainWidth }, () => column(n)),
          Array.from({ length: 4 * t.auxWidth }, () => column(n)),
          Array.from({ length: air.publicCount }, next),
          [ext(), ext()],
          ext(),
          ext(),
        );
        const size = quotientSize(inputs);
        const columns = () => [0, 1, 2, 3].map(() => new Uint32Array(size)) as unknown as ExtColumns;
        const js = columns();
        const wasm = columns();
        quotientRange(inputs, 3, size - 5, js, null);
        quotientRange(inputs, 3, size - 5, wasm, kernel);
        for (let l = 0; l < 4; l++) expect(wasm[l], `table ${t.name}, coordinate ${l}`).toEqual(js[l]);
        // Outside the range nothing is written.
        expect([wasm[0][2], wasm[0][size - 5]]).toEqual([0, 0]);
      }
    });

  for (const maxDegree of [3, 5])
    it(`computes the LogUp batch sums of every machine table as the JavaScript path does (degree ${maxDegree})`, () => {
      const { air } = machine(maxDegree);
      const u32 = prng(10 + maxDegree);
      const next = () => u32() % P;
      const ext = (): Ext => [next(), next(), next(), next()];
      const logN = 11;
      const n = 1 << logN;
      const column = () => Uint32Array.from({ length: n }, next);
      for (const t of air.tables) {
        if (t.interactions.length === 0) continue;
        const inputs: LogupInputs = {
          nodes: t.nodes,
          interactions: t.interactions,
          batches: t.logupBatches,
          preprocessed: t.preprocessed.map(column),
          main: Array.from({ length: t.mainWidth }, column),
          logN,
          publics: Array.from({ length: air.publicCount }, next),
          alpha: ext(),
          beta: ext(),
        };
        const columns = () =>
          t.logupBatches.map(() => [0, 1, 2, 3].map(() => new Uint32Array(n)) as unknown as ExtColumns);
        const js = columns();
        const wasm = columns();
        // Several of the kernel's chunks, a range off the vector boundaries.
        logupBatchSums(inputs, 5, n - 3, js, null);
        logupBatchSums(inputs, 5, n - 3, wasm, kernel);
        wasm.forEach((batch, b) => {
          for (let l = 0; l < 4; l++) expect(batch[l], `table ${t.name}, batch ${b}`).toEqual(js[b]![l]);
        });
      }
    });

  it("refuses a vanishing LogUp denominator on both paths, in any lane and chunk", () => {
    // One interaction (bus 3) looking up one main column, multiplicity 1: with α = 7 and β = 12345 in the base
    // field, d = 12345 + 3 + 7·f vanishes where f = −12348/7.
    const nodes: Node[] = [
      { op: "col", kind: "main", index: 0, next: false },
      { op: "const", value: 1 },
    ];
    const logN = 11;
    const n = 1 << logN;
    const inputs = (zeroAt: number | null): LogupInputs => {
      const f = Uint32Array.from({ length: n }, (_, r) => r + 1);
      if (zeroAt !== null) f[zeroAt] = mul(sub(0, 12348), inv(7));
      return {
        nodes,
        interactions: [{ bus: 3, kind: "send", fields: [0], multiplicity: 1, bound: 1 }],
        batches: [[0]],
        preprocessed: [],
        main: [f],
        logN,
        publics: [],
        alpha: [7, 0, 0, 0],
        beta: [12345, 0, 0, 0],
      };
    };
    const run = (zeroAt: number | null, k: typeof kernel) => {
      const out = [[0, 1, 2, 3].map(() => new Uint32Array(n)) as unknown as ExtColumns];
      try {
        logupBatchSums(inputs(zeroAt), 0, n, out, k);
        return out[0]![0][zeroAt ?? 0];
      } catch (e) {
        if (e instanceof ProverInputError) return "refused";
        throw e;
      }
    };
    // Without a vanishing denominator both paths give 1/d.
    expect(run(null, kernel)).toBe(inv(12348 + 7));
    expect(run(null, null)).toBe(inv(12348 + 7));
    // Rows in each of the four lanes, in the first, a middle and the last chunk of the kernel.
    for (const row of [0, 1, 2, 3, 777, 1028, n - 2, n - 1]) {
      expect(run(row, null)).toBe("refused");
      expect(run(row, kernel)).toBe("refused");
    }
  });

  it("computes the DEEP combination as the JavaScript path does", () => {
    const u32 = prng(21);
    const next = () => u32() % P;
    const logN = 11;
    const n = 1 << logN;
    const width = 37;
    const gammaPowers = Uint32Array.from({ length: 4 * width }, next);
    gammaPowers.fill(0, 4, 8); // a column without weight
    gammaPowers.set([5, 0, 0, 0], 8); // one with a base-field weight
    const columns = Array.from({ length: width }, () => Uint32Array.from({ length: n }, next));
    const ext = (): Ext => [next(), next(), next(), next()];
    const [vz, vzn, gammaM, zeta, zetaNext] = [ext(), ext(), ext(), ext(), ext()];
    const w = rootOfUnity(logN);
    // The definition at one row r: (S − vz)/(x − ζ) + γ^M·(T − vzn)/(x − ζω), T over the first nextCount terms.
    const reference = (r: number, nextCount: number): Ext => {
      let s: Ext = [0, 0, 0, 0];
      let t: Ext = [0, 0, 0, 0];
      columns.forEach((c, j) => {
        if (j === nextCount) t = s;
        s = extAdd(s, extMulBase([...gammaPowers.subarray(4 * j, 4 * j + 4)] as Ext, c[r]!));
      });
      if (nextCount === width) t = s;
      const x: Ext = [mul(GENERATOR, pow(w, r)), 0, 0, 0];
      return extAdd(
        extMul(extSub(s, vz), extInv(extSub(x, zeta))),
        extMul(gammaM, extMul(extSub(t, vzn), extInv(extSub(x, zetaNext)))),
      );
    };
    for (const nextCount of [0, 5, width]) {
      const k = {
        kind: "deep" as const,
        columns,
        nextCount,
        gammaPowers,
        vz,
        vzn,
        gammaM,
        zeta,
        zetaNext,
        logN,
        shift: GENERATOR,
      };
      const js = [0, 1, 2, 3].map(() => new Uint32Array(n));
      const wasm = [0, 1, 2, 3].map(() => new Uint32Array(n));
      deepRange({ ...k, out: js }, 3, n - 7, null);
      deepRange({ ...k, out: wasm }, 3, n - 7, kernel);
      for (let l = 0; l < 4; l++) expect(wasm[l], `coordinate ${l}, ${nextCount} at ζω`).toEqual(js[l]);
      expect([wasm[0]![2], wasm[0]![n - 7]]).toEqual([0, 0]);
      for (const r of [3, 1000, n - 8])
        expect(
          [0, 1, 2, 3].map((l) => js[l]![r]!),
          `row ${r}, ${nextCount} at ζω`,
        ).toEqual(reference(r, nextCount));
    }
  });

  it("computes the opening sums as the JavaScript path does", () => {
    const u32 = prng(31);
    const next = () => u32() % P;
    for (const [logN, logB] of [
      [4, 1],
      [10, 1],
      [11, 2],
    ] as const) {
      const n = 1 << logN;
      const columns = Array.from({ length: 9 }, () => Uint32Array.from({ length: n << logB }, next));
      const weights = [0, 1, 2, 3].map(() => Uint32Array.from({ length: n }, next)) as unknown as ExtColumns;
      const all = new Uint8Array(columns.length).fill(1);
      // The second sum (at ζω) only for the flagged columns.
      const some = Uint8Array.from([1, 1, 0, 1, 0, 0, 1, 1, 0]);
      for (const next of [all, some]) {
        const js = new Uint32Array(8 * columns.length);
        const wasm = new Uint32Array(8 * columns.length);
        openingSums(columns, logB, weights, next, 2, 8, js, null);
        openingSums(columns, logB, weights, next, 2, 8, wasm, kernel);
        expect(wasm, `2^${logN} at blowup 2^${logB}`).toEqual(js);
        expect(Array.from(wasm.subarray(0, 16))).toEqual(new Array(16).fill(0));
      }
      const full = new Uint32Array(8 * columns.length);
      const partial = new Uint32Array(8 * columns.length);
      openingSums(columns, logB, weights, all, 2, 8, full, kernel);
      openingSums(columns, logB, weights, some, 2, 8, partial, kernel);
      for (let c = 2; c < 8; c++) {
        expect(partial.subarray(8 * c, 8 * c + 4), `column ${c} at ζ`).toEqual(
          full.subarray(8 * c, 8 * c + 4),
        );
        expect(partial.subarray(8 * c + 4, 8 * c + 8), `column ${c} at ζω`).toEqual(
          some[c] ? full.subarray(8 * c + 4, 8 * c + 8) : new Uint32Array(4),
        );
      }
    }
  });
});
