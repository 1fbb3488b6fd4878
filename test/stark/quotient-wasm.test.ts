import { describe, expect, it } from "vitest";
import { P } from "../../src/field/babybear.ts";
import type { ExtColumns } from "../../src/field/ext-columns.ts";
import type { Ext } from "../../src/field/extension.ts";
import { montgomeryArrays } from "../../src/field/montgomery-wasm.ts";
import { machine } from "../../src/machine/air.ts";
import { quotientInputs, quotientRange, quotientSize } from "../../src/stark/quotient.ts";
import { prng } from "../../src/stark/testing/perturb.ts";

describe("the quotient on the WebAssembly kernel", () => {
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
});
