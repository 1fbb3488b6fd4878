/**
 * A polynomial's values on the domain of the n-th roots of unity ω^i taken to the odd coset ω_2n·ω^i, the
 * step of Groth16 proving where xⁿ − 1 is constant (prover.ts): an inverse transform to coefficients c_k,
 * c_k·ω_2n^k, a forward transform. In place, without a permutation: the inverse transform runs as
 * Gentleman–Sande stages (natural order in, bit-reversed out), the scaling reads its factor at the reversed
 * index, and the forward transform runs as Cooley–Tukey stages (bit-reversed in, natural out).
 *
 * Values cross in ffjavascript's layout (32-byte little-endian Montgomery form, R = 2^256), the layout of
 * the rest of the prover.
 */
import { growMemory } from "../../wasm/instance.ts";
import { FP_BYTES, ONE_PTR } from "../msm/field-wasm.ts";
import type { NttInstance } from "./ntt-wasm.ts";

export interface CosetJob {
  /** n values in ffjavascript's layout. */
  readonly values: Uint8Array;
  /** ω (a primitive n-th root of unity), ω⁻¹, the coset shift ω_2n, and 1/n, in ffjavascript's layout. */
  readonly omega: Uint8Array;
  readonly omegaInverse: Uint8Array;
  readonly shift: Uint8Array;
  readonly nInverse: Uint8Array;
}

const FFJS_BYTES = 32;

function bitReversal(log: number): Uint32Array {
  const rev = new Uint32Array(1 << log);
  for (let i = 1; i < rev.length; i++) rev[i] = (rev[i >> 1]! >> 1) | ((i & 1) << (log - 1));
  return rev;
}

export function oddCoset(inst: NttInstance, job: CosetJob): Uint8Array {
  const n = job.values.length / FFJS_BYTES;
  const log = Math.log2(n);
  if (!Number.isInteger(log) || log < 1) throw new RangeError("the domain size must be a power of two ≥ 2");
  const e = FP_BYTES;
  const staging = inst.heapStart;
  const data = staging + n * FFJS_BYTES;
  const twiddlesInverse = data + n * e;
  const twiddles = twiddlesInverse + (n / 2) * e;
  const factors = twiddles + (n / 2) * e;
  const constants = factors + n * e;
  const [omega, omegaInverse, shift, nInverse] = [0, 1, 2, 3].map((k) => constants + k * e) as [
    number,
    number,
    number,
    number,
  ];
  growMemory(inst.memory, constants + 4 * e);
  const x = inst.exports;
  const mem = new Uint8Array(inst.memory.buffer);

  [job.omega, job.omegaInverse, job.shift, job.nInverse].forEach((c, k) => {
    mem.set(c, staging);
    x.fromFfjs(constants + k * e, staging);
  });
  mem.set(job.values, staging);
  for (let i = 0; i < n; i++) x.fromFfjs(data + i * e, staging + i * FFJS_BYTES);
  x.powers(twiddlesInverse, ONE_PTR, omegaInverse, n / 2);
  x.powers(twiddles, ONE_PTR, omega, n / 2);
  x.powers(factors, nInverse, shift, n);

  for (let h = n / 2; h >= 1; h /= 2) x.difStage(data, n, h, twiddlesInverse, n / (2 * h));
  const rev = bitReversal(log);
  for (let p = 0; p < n; p++) x.mul(data + p * e, data + p * e, factors + rev[p]! * e);
  for (let h = 1; h < n; h *= 2) x.ditStage(data, n, h, twiddles, n / (2 * h));

  for (let i = 0; i < n; i++) x.toFfjs(staging + i * FFJS_BYTES, data + i * e);
  return mem.slice(staging, staging + n * FFJS_BYTES);
}
