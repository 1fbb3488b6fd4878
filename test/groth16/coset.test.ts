import { type Bn128, buildBn128 } from "ffjavascript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { oddCoset } from "../../src/groth16/ntt/coset.ts";
import { instantiateNtt } from "../../src/groth16/ntt/ntt-wasm.ts";

describe("odd-coset transform", () => {
  let curve: Bn128;
  beforeAll(async () => {
    curve = await buildBn128(true);
  });
  afterAll(async () => {
    await curve.terminate();
  });

  it.each([1, 2, 5, 11])(
    "equals ffjavascript's ifft · shift powers · fft, byte for byte, at 2^%i",
    async (log) => {
      const Fr = curve.Fr;
      const n = 1 << log;
      const values = new Uint8Array(32 * n);
      // Values across the field: small, near r, and spread out.
      for (let i = 0; i < n; i++) {
        const v =
          i % 3 === 0 ? BigInt(i) : i % 3 === 1 ? -BigInt(i + 1) : BigInt(i) * 0x1234567890abcdef1234567n;
        values.set(Fr.e(v), 32 * i);
      }
      const shift = Fr.w[log + 1]!;
      const expected = await Fr.fft(
        await Fr.batchApplyKey(await Fr.ifft(values, "", ""), Fr.e(1), shift),
        "",
        "",
      );
      const omega = Fr.w[log]!;
      const got = oddCoset(instantiateNtt(), {
        values,
        omega,
        omegaInverse: Fr.inv(omega),
        shift,
        nInverse: Fr.inv(Fr.e(n)),
      });
      expect(Buffer.from(got).equals(Buffer.from(expected))).toBe(true);
    },
  );

  it("rejects a domain that is not a power of two", () => {
    const Fr = curve.Fr;
    const one = Fr.e(1);
    const job = { values: new Uint8Array(32 * 3), omega: one, omegaInverse: one, shift: one, nInverse: one };
    expect(() => oddCoset(instantiateNtt(), job)).toThrow(/power of two/);
  });
});
