/**
 * Poseidon-BN254 against two independent implementations of circomlib's Poseidon: circomlibjs (its
 * WebAssembly `buildPoseidon` and its BigInt `buildPoseidonReference`) and poseidon-lite.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import * as lite from "poseidon-lite";
import { beforeAll, describe, expect, it } from "vitest";
import { instantiateExports } from "../../src/hash/poseidon-bn254/engine.ts";
import { poseidonParams } from "../../src/hash/poseidon-bn254/params.ts";
import { poseidonPermuteSparseBigInt } from "../../src/hash/poseidon-bn254/reference.ts";
import {
  buildPoseidonWasm,
  ELEMENT_BYTES,
  LIMB_BITS,
  LIMBS,
} from "../../src/hash/poseidon-bn254/wasm-module.ts";
import {
  BN254_R,
  POSEIDON_BN254_MAX_INPUTS,
  PoseidonBn254InputError,
  poseidonBn254,
  poseidonBn254Backend,
  poseidonBn254Batch,
  poseidonBn254Permute,
  poseidonBn254PermuteReference,
  poseidonBn254Reference,
} from "../../src/hash/poseidon-bn254.ts";

type CircomlibPoseidon = ((inputs: bigint[], initState?: bigint, nOut?: number) => unknown) & {
  F: { toObject(x: unknown): bigint };
};

const P = BN254_R;
const WIDTHS = Array.from({ length: 16 }, (_, i) => i + 2);
const liteByInputs = [
  undefined,
  lite.poseidon1,
  lite.poseidon2,
  lite.poseidon3,
  lite.poseidon4,
  lite.poseidon5,
  lite.poseidon6,
  lite.poseidon7,
  lite.poseidon8,
  lite.poseidon9,
  lite.poseidon10,
  lite.poseidon11,
  lite.poseidon12,
  lite.poseidon13,
  lite.poseidon14,
  lite.poseidon15,
  lite.poseidon16,
] as const;

const field = fc.bigInt({ min: 0n, max: P - 1n });
/** Mostly uniform elements, with the edges 0, 1 and p−1 and values just below 2^254 / near p mixed in. */
const element = fc.oneof(
  { arbitrary: field, weight: 6 },
  { arbitrary: fc.constantFrom(0n, 1n, P - 1n, P - 2n, (1n << 253n) - 1n), weight: 1 },
);
const inputsOf = (n: number) => fc.array(element, { minLength: n, maxLength: n });

let circomWasm: CircomlibPoseidon;
let circomRef: CircomlibPoseidon;
beforeAll(async () => {
  // circomlibjs ships no type declarations; a non-literal specifier keeps the import untyped.
  const circomlibjs = (await import("circomlibjs" as string)) as {
    buildPoseidon(): Promise<CircomlibPoseidon>;
    buildPoseidonReference(): Promise<CircomlibPoseidon>;
  };
  circomWasm = await circomlibjs.buildPoseidon();
  circomRef = await circomlibjs.buildPoseidonReference();
});
const viaCircomlib = (inputs: bigint[]) => circomWasm.F.toObject(circomWasm(inputs));
const viaCircomlibRef = (inputs: bigint[]) => circomRef.F.toObject(circomRef(inputs));

describe("Poseidon-BN254 constants", () => {
  it("are circomlibjs's poseidon_constants.json (= circomlib's poseidon_constants.circom) for t = 2..17", () => {
    const url = new URL("../../node_modules/circomlibjs/src/poseidon_constants.json", import.meta.url);
    const theirs = JSON.parse(readFileSync(url, "utf8")) as { C: string[][]; M: string[][][] };
    for (const t of WIDTHS) {
      const ours = poseidonParams(t);
      expect(ours.C).toEqual(theirs.C[t - 2]!.map((h) => BigInt(h)));
      expect(ours.M).toEqual(theirs.M[t - 2]!.map((row) => row.map((h) => BigInt(h))));
    }
  });
});

describe("poseidonBn254 (fast path) matches circomlibjs and poseidon-lite", () => {
  it("runs on WebAssembly in Node", () => {
    expect(poseidonBn254Backend()).toBe("wasm");
  });

  it("hashes [1, 2] to circomlib's well-known value", () => {
    // Poseidon([1, 2]) for circomlib's parameters, published in circomlibjs's test/poseidon.js.
    expect(poseidonBn254([1n, 2n])).toBe(0x115cc0f5e7d690413df64c6b9662e9cf2a3617f2743245519e19607a4417189an);
  });

  for (const t of [2, 3, 5, 17]) {
    it(`t = ${t}: random and edge inputs`, () => {
      const lh = liteByInputs[t - 1]!;
      fc.assert(
        fc.property(inputsOf(t - 1), (inputs) => {
          const ours = poseidonBn254(inputs);
          expect(ours).toBe(viaCircomlib(inputs));
          expect(ours).toBe(lh(inputs));
        }),
        { numRuns: t === 17 ? 25 : 60 },
      );
    });
  }

  it("every width t = 2..17 on all-zero, all-(p−1) and random inputs, also against circomlibjs's BigInt reference", () => {
    for (const t of WIDTHS) {
      const lh = liteByInputs[t - 1]!;
      const cases = [
        new Array<bigint>(t - 1).fill(0n),
        new Array<bigint>(t - 1).fill(P - 1n),
        fc.sample(inputsOf(t - 1), { numRuns: 1, seed: t })[0]!,
      ];
      for (const inputs of cases) {
        const ours = poseidonBn254(inputs);
        expect(ours).toBe(viaCircomlib(inputs));
        expect(ours).toBe(viaCircomlibRef(inputs));
        expect(ours).toBe(lh(inputs));
      }
    }
  });

  it("batch hashing (mixed widths) equals hashing one by one", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 16 }).chain(inputsOf), { maxLength: 40 }), (vectors) => {
        expect(poseidonBn254Batch(vectors)).toEqual(vectors.map((v) => viaCircomlib(v)));
      }),
      { numRuns: 10 },
    );
  });

  it("batch hashing spanning several WebAssembly calls", () => {
    const vectors = fc.sample(inputsOf(2), { numRuns: 1000, seed: 7 });
    const got = poseidonBn254Batch(vectors);
    for (let i = 0; i < vectors.length; i += 97) expect(got[i]).toBe(lite.poseidon2(vectors[i]!));
  });
});

describe("poseidonBn254Permute", () => {
  for (const t of [2, 3, 5, 17]) {
    it(`t = ${t}: the full output state equals circomlibjs's poseidon(inputs, initState, nOut = t)`, () => {
      fc.assert(
        fc.property(element, inputsOf(t - 1), (init, inputs) => {
          const out = poseidonBn254Permute([init, ...inputs]);
          const theirs = (circomWasm(inputs, init, t) as unknown[]).map((x) => circomWasm.F.toObject(x));
          expect(out).toEqual(theirs);
        }),
        { numRuns: 15 },
      );
    });
  }

  it("with a zero first cell, all t outputs equal poseidon-lite's nOuts = t", () => {
    for (const t of [3, 9, 17]) {
      const inputs = fc.sample(inputsOf(t - 1), { numRuns: 1, seed: 3 * t })[0]!;
      const out = poseidonBn254Permute([0n, ...inputs]);
      expect(out).toEqual(liteByInputs[t - 1]!(inputs, t) as unknown as bigint[]);
      expect(out[0]).toBe(poseidonBn254(inputs));
    }
  });
});

describe("the BigInt implementations", () => {
  it("the sparse-matrix form (BigInt fallback) equals the dense reference for every width", () => {
    for (const t of WIDTHS) {
      const state = fc.sample(inputsOf(t), { numRuns: 1, seed: 100 + t })[0]!;
      expect(poseidonPermuteSparseBigInt(state)).toEqual(poseidonBn254PermuteReference(state));
    }
  });

  it("the reference hash equals circomlibjs's reference", () => {
    for (const t of [2, 3, 17]) {
      const inputs = fc.sample(inputsOf(t - 1), { numRuns: 1, seed: 200 + t })[0]!;
      expect(poseidonBn254Reference(inputs)).toBe(viaCircomlibRef(inputs));
    }
  });
});

describe("input validation", () => {
  const rejects = (f: () => unknown, message: RegExp) => {
    expect(f).toThrow(PoseidonBn254InputError);
    expect(f).toThrow(message);
  };

  it("rejects non-canonical elements (≥ r or negative) instead of reducing them", () => {
    for (const bad of [P, P + 1n, (1n << 256n) - 1n, -1n]) {
      rejects(() => poseidonBn254([1n, bad]), /not a canonical BN254 scalar field element/);
      rejects(() => poseidonBn254Permute([bad, 0n]), /state\[0\]/);
      rejects(() => poseidonBn254Batch([[0n], [bad]]), /inputs\[1\]\[0\]/);
      rejects(() => poseidonBn254Reference([bad]), /canonical/);
    }
  });

  it("rejects non-bigint elements", () => {
    rejects(() => poseidonBn254([1 as unknown as bigint]), /must be a bigint/);
    rejects(() => poseidonBn254(["1" as unknown as bigint]), /must be a bigint/);
    rejects(() => poseidonBn254Batch([7 as unknown as bigint[]]), /must be an array/);
  });

  it("rejects widths circomlib does not define", () => {
    rejects(() => poseidonBn254([]), /1 to 16 inputs/);
    rejects(() => poseidonBn254(new Array(POSEIDON_BN254_MAX_INPUTS + 1).fill(0n)), /got 17/);
    rejects(() => poseidonBn254Permute([0n]), /2 to 17 elements/);
    rejects(() => poseidonBn254Permute(new Array(18).fill(0n)), /got 18/);
  });
});

describe("WebAssembly Montgomery multiplication", () => {
  // mul(out, a, b) = a·b·2^-261 mod p for any operands below 2^261 (the loose range the permutation relies
  // on), with a result below a·b/2^261 + p.
  const ex = instantiateExports(buildPoseidonWasm());
  const mask = (1n << BigInt(LIMB_BITS)) - 1n;
  const write = (x: bigint, at: number) => {
    const u32 = new Uint32Array(ex.memory.buffer);
    for (let k = 0; k < LIMBS; k++) u32[at / 4 + k] = Number((x >> BigInt(LIMB_BITS * k)) & mask);
  };
  const read = (at: number) => {
    const u32 = new Uint32Array(ex.memory.buffer);
    let v = 0n;
    for (let k = LIMBS - 1; k >= 0; k--) v = (v << BigInt(LIMB_BITS)) | BigInt(u32[at / 4 + k]!);
    return v;
  };
  const R = 1n << BigInt(LIMBS * LIMB_BITS);
  const rInv = (() => {
    let r = 1n;
    let b = R % P;
    for (let e = P - 2n; e > 0n; e >>= 1n, b = (b * b) % P) if (e & 1n) r = (r * b) % P;
    return r;
  })();
  const operand = fc.oneof(
    fc.bigInt({ min: 0n, max: 2n * P }),
    fc.bigInt({ min: 0n, max: R - 1n }),
    fc.constantFrom(0n, 1n, P - 1n, P, R - 1n, 72n * P),
  );

  it("is a·b·R⁻¹ mod p with the documented output bound", () => {
    fc.assert(
      fc.property(operand, operand, (a, b) => {
        write(a, 0);
        write(b, ELEMENT_BYTES);
        ex.mul(2 * ELEMENT_BYTES, 0, ELEMENT_BYTES);
        const out = read(2 * ELEMENT_BYTES);
        expect(out % P).toBe((((a * b) % P) * rInv) % P);
        expect(out < (a * b) / R + P + 1n).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
