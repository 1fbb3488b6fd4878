import { describe, expect, it } from "vitest";
import { GENERATOR, P } from "../../src/field/babybear.ts";
import { cosetLde, cosetNtt } from "../../src/field/ntt.ts";
import { cosetLdeKernel, kernelFits } from "../../src/field/ntt-simd.ts";
import { prng } from "../../src/stark/testing/perturb.ts";

const kernel = cosetLdeKernel();

describe("coset LDE on WebAssembly vectors", () => {
  it("is available on this engine", () => {
    expect(kernel).not.toBeNull(); // Node 22 has WebAssembly SIMD
  });

  it("equals the reference LDE for every size, blowup and shift, from evaluations and from coefficients", () => {
    const u32 = prng(7);
    const next = () => u32() % P;
    for (const logN of [4, 5, 6, 9, 12])
      for (let logB = 1; logB <= 5; logB++)
        for (const shift of [GENERATOR, 7 ** 5]) {
          const n = 1 << logN;
          const input = Uint32Array.from({ length: n }, next);
          input.set([0, 1, P - 1], 0);
          const out = new Uint32Array(n << logB).fill(123);
          kernel!.lde(input, out, logB, shift);
          expect(out, `2^${logN} at blowup 2^${logB}`).toEqual(cosetLde(input, logB, shift));
          kernel!.ldeOfCoefficients(input, out, logB, shift);
          expect(out, `coefficients, 2^${logN} at blowup 2^${logB}`).toEqual(
            cosetNtt(input, n << logB, shift),
          );
        }
  });

  it("keeps sizes apart when they alternate (tables resident in the kernel's memory)", () => {
    const u32 = prng(8);
    const next = () => u32() % P;
    const a = Uint32Array.from({ length: 1 << 10 }, next);
    const b = Uint32Array.from({ length: 1 << 8 }, next);
    for (let r = 0; r < 3; r++)
      for (const [x, logB] of [
        [a, 1],
        [b, 2],
        [a, 2],
      ] as const) {
        const out = new Uint32Array(x.length << logB);
        if (r % 2 === 0) kernel!.lde(x, out, logB, GENERATOR);
        else kernel!.ldeOfCoefficients(x, out, logB, GENERATOR);
        expect(out).toEqual(
          r % 2 === 0 ? cosetLde(x, logB, GENERATOR) : cosetNtt(x, x.length << logB, GENERATOR),
        );
      }
  });

  it("refuses shapes it does not handle", () => {
    expect(kernelFits(8, 1)).toBe(false);
    expect(kernelFits(1 << 10, 6)).toBe(false);
    expect(kernelFits(48, 1)).toBe(false);
    expect(() => kernel!.lde(new Uint32Array(64), new Uint32Array(100), 1, GENERATOR)).toThrow(RangeError);
  });
});
