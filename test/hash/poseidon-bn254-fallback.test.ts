/**
 * The fallback wiring of src/hash/poseidon-bn254.ts: without usable WebAssembly (no WebAssembly at all, or
 * a browser main thread refusing synchronous compilation) the functions compute with BigInt, and
 * `initPoseidonBn254()` switches to WebAssembly once asynchronous compilation works.
 */
import * as lite from "poseidon-lite";
import { afterEach, describe, expect, it, vi } from "vitest";

type Api = typeof import("../../src/hash/poseidon-bn254.ts");
const fresh = async (): Promise<Api> => {
  vi.resetModules();
  return (await import("../../src/hash/poseidon-bn254.ts")) as Api;
};

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("Poseidon-BN254 without usable WebAssembly", () => {
  it("falls back to BigInt when WebAssembly is missing, with the same results", async () => {
    vi.stubGlobal("WebAssembly", undefined);
    const api = await fresh();
    expect(api.poseidonBn254([1n, 2n])).toBe(lite.poseidon2([1n, 2n]));
    expect(api.poseidonBn254Backend()).toBe("bigint");
    expect(api.poseidonBn254Batch([[3n], [4n, 5n, 6n, 7n]])).toEqual([
      lite.poseidon1([3n]),
      lite.poseidon4([4n, 5n, 6n, 7n]),
    ]);
    expect(api.poseidonBn254PermuteBatch([[0n, 1n, 2n]])[0]).toEqual(
      api.poseidonBn254PermuteReference([0n, 1n, 2n]),
    );
    await expect(api.initPoseidonBn254()).rejects.toThrow(/WebAssembly is not available/);
  });

  it("uses BigInt while synchronous compilation is refused, then WebAssembly after initPoseidonBn254()", async () => {
    const real = (globalThis as unknown as { WebAssembly: Record<string, unknown> }).WebAssembly;
    // What a browser main thread does with large modules: synchronous compilation throws, async works.
    const MainThreadWebAssembly = {
      compile: real.compile,
      instantiate: real.instantiate,
      Instance: real.Instance,
      Module: class {
        constructor() {
          throw new RangeError("WebAssembly.Compile is disallowed on the main thread");
        }
      },
    };
    vi.stubGlobal("WebAssembly", MainThreadWebAssembly);
    const api = await fresh();
    expect(api.poseidonBn254([1n, 2n])).toBe(lite.poseidon2([1n, 2n]));
    expect(api.poseidonBn254Backend()).toBe("bigint");
    await api.initPoseidonBn254();
    expect(api.poseidonBn254Backend()).toBe("wasm");
    expect(api.poseidonBn254([1n, 2n])).toBe(lite.poseidon2([1n, 2n]));
    const inputs = Array.from({ length: 16 }, (_, i) => BigInt(i) * 0x1234567n);
    expect(api.poseidonBn254(inputs)).toBe(lite.poseidon16(inputs));
  });
});
