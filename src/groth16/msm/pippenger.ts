/**
 * Multi-scalar multiplication Σ sᵢ·Pᵢ on one thread, by Pippenger's bucket method over the generated curve
 * code (msm-wasm.ts): 16 windows of 16 bits in signed digits (|d| ≤ 2^15, so 2^15 buckets a window). In each
 * window the points are sorted by bucket and summed pairwise in rounds of independent batch-affine additions
 * (one inversion per batch; batch-affine-wasm.ts); the buckets are summed by running sums in Jacobian
 * coordinates, the windows joined by doublings. A scalar above r/2 is replaced by r − s with the point
 * negated, so small negative values cost as little as small positive ones; zero digits, zero scalars and
 * points at infinity cost nothing.
 *
 * Inputs and output use ffjavascript's layouts (the .zkey's): affine points as little-endian Montgomery
 * (R = 2^256) coordinates, all-zero bytes for infinity; scalars as 32-byte little-endian canonical values;
 * the result as a Jacobian point (X ‖ Y ‖ Z, Z = 0 at infinity).
 */
import { growMemory } from "../../wasm/instance.ts";
import { BN254_R } from "../types.ts";
import { ENTRY_BYTES, EQUAL_X } from "./batch-affine-wasm.ts";
import { FP_BYTES, ONE_PTR } from "./field-wasm.ts";
import { groupOps, type MsmInstance } from "./msm-wasm.ts";

export type Group = 1 | 2;

const WINDOW_BITS = 16;
const WINDOWS = 16;
const BUCKETS = 1 << (WINDOW_BITS - 1);
const SCALAR_BYTES = 32;
/** Pairs added with one shared inversion. */
const BATCH = 1024;
/** Bytes of one coordinate in ffjavascript's layout (per base-field component). */
const FFJS_FP_BYTES = 32;

const R_LIMBS = Array.from({ length: 16 }, (_, k) => Number((BN254_R >> BigInt(16 * k)) & 0xffffn));
const HALF_LIMBS = Array.from({ length: 16 }, (_, k) =>
  Number((((BN254_R - 1n) / 2n) >> BigInt(16 * k)) & 0xffffn),
);

/**
 * Signed 16-bit window digits of every scalar (row i: 16 digits, least significant first), with the sign
 * of a negated scalar folded in. Throws on a scalar ≥ r.
 */
export function signedDigits(scalars: Uint8Array): Int32Array {
  const n = scalars.length / SCALAR_BYTES;
  const aligned = scalars.byteOffset % 2 === 0 ? scalars : scalars.slice();
  const limbs = new Uint16Array(aligned.buffer, aligned.byteOffset, n * 16);
  const digits = new Int32Array(n * WINDOWS);
  const s = new Int32Array(16);
  for (let i = 0; i < n; i++) {
    const base = 16 * i;
    // Compare with r and with (r − 1)/2 from the top limb.
    let cmpR = 0;
    let cmpHalf = 0;
    for (let k = 15; k >= 0 && (cmpR === 0 || cmpHalf === 0); k--) {
      const v = limbs[base + k]!;
      if (cmpR === 0 && v !== R_LIMBS[k]) cmpR = v > R_LIMBS[k]! ? 1 : -1;
      if (cmpHalf === 0 && v !== HALF_LIMBS[k]) cmpHalf = v > HALF_LIMBS[k]! ? 1 : -1;
    }
    if (cmpR >= 0) throw new RangeError(`scalar ${i} is not below the group order`);
    const negate = cmpHalf > 0;
    if (negate) {
      let borrow = 0;
      for (let k = 0; k < 16; k++) {
        let d = R_LIMBS[k]! - limbs[base + k]! - borrow;
        borrow = d < 0 ? 1 : 0;
        if (d < 0) d += 0x10000;
        s[k] = d;
      }
    } else {
      for (let k = 0; k < 16; k++) s[k] = limbs[base + k]!;
    }
    let carry = 0;
    for (let j = 0; j < WINDOWS; j++) {
      let d = s[j]! + carry;
      carry = 0;
      if (d >= BUCKETS) {
        d -= 1 << WINDOW_BITS;
        carry = 1;
      }
      digits[base + j] = negate ? -d : d;
    }
  }
  return digits;
}

/** Σ sᵢ·Pᵢ over `points` (n affine points of `group`) and `scalars` (n × 32 bytes), as a Jacobian point. */
export function pippenger(
  inst: MsmInstance,
  group: Group,
  points: Uint8Array,
  scalars: Uint8Array,
): Uint8Array {
  const n = scalars.length / SCALAR_BYTES;
  const ffjsAffine = 2 * group * FFJS_FP_BYTES;
  if (!Number.isInteger(n) || points.length !== n * ffjsAffine) {
    throw new RangeError(`expected ${n} affine points of ${ffjsAffine} bytes for ${n} scalars`);
  }
  const e = group * FP_BYTES;
  const affine = 2 * e;
  const jacobian = 3 * e;
  const x = inst.exports;
  const ops = groupOps(x, group);

  // Memory: the input points as given, ours, a window's signed copies, the batch's entries and scratch, two
  // running sums, the window sums.
  const input = inst.heapStart;
  const ours = input + n * ffjsAffine;
  const work = ours + n * affine;
  const entries = work + n * affine;
  const batchScratch = entries + BATCH * ENTRY_BYTES;
  const sum = batchScratch + 2 * BATCH * e;
  const total = sum + jacobian;
  const windows = total + jacobian;
  const end = windows + WINDOWS * jacobian;
  growMemory(inst.memory, end);
  const mem = new Uint8Array(inst.memory.buffer);
  mem.set(points, input);

  const digits = signedDigits(scalars);
  const words = new Uint32Array(inst.memory.buffer, input, (n * ffjsAffine) / 4);
  const wordsPerPoint = ffjsAffine / 4;
  for (let i = 0; i < n; i++) {
    let any = 0;
    for (let w = 0; w < wordsPerPoint; w++) any |= words[i * wordsPerPoint + w]!;
    if (any === 0) {
      digits.fill(0, i * WINDOWS, (i + 1) * WINDOWS);
      continue;
    }
    for (let c = 0; c < 2 * group; c++) {
      x.fromFfjs(ours + i * affine + c * FP_BYTES, input + i * ffjsAffine + c * FFJS_FP_BYTES);
    }
  }

  const entry = new Uint32Array(inst.memory.buffer, entries, BATCH * 3);
  const start = new Int32Array(BUCKETS + 1);
  const length = new Int32Array(BUCKETS);
  const list = new Int32Array(n);
  const dead = new Uint8Array(n);
  let count = 0;
  const flush = () => {
    if (count === 0) return;
    ops.batchAdd(entries, count, work, work, batchScratch);
    for (let k = 0; k < count; k++) {
      if (
        entry[3 * k + 2]! & EQUAL_X &&
        ops.addSlow(work + entry[3 * k]! * affine, work + entry[3 * k + 1]! * affine, 0)
      ) {
        dead[entry[3 * k]!] = 1;
      }
    }
    count = 0;
  };

  mem.fill(0, windows, end);
  for (let j = 0; j < WINDOWS; j++) {
    // The window's points, signed, grouped by bucket (a counting sort): bucket b's are
    // work[list[start[b] .. start[b] + length[b])].
    length.fill(0);
    let m = 0;
    for (let i = 0; i < n; i++) {
      const d = digits[i * WINDOWS + j]!;
      if (d !== 0) length[(d < 0 ? -d : d) - 1]++;
    }
    start[0] = 0;
    for (let b = 0; b < BUCKETS; b++) start[b + 1] = start[b]! + length[b]!;
    length.fill(0);
    for (let i = 0; i < n; i++) {
      const d = digits[i * WINDOWS + j]!;
      if (d === 0) continue;
      const b = (d < 0 ? -d : d) - 1;
      list[start[b]! + length[b]!++] = m;
      ops.assign(work + m * affine, ours + i * affine, d < 0 ? 1 : 0);
      dead[m++] = 0;
    }
    // Pairwise sums within each bucket, every pair of a round independent: one inversion per batch.
    for (let paired = true; paired; ) {
      paired = false;
      for (let b = 0; b < BUCKETS; b++) {
        const len = length[b]!;
        for (let k = 0; k + 1 < len; k += 2) {
          entry[3 * count] = list[start[b]! + k]!;
          entry[3 * count + 1] = list[start[b]! + k + 1]!;
          entry[3 * count + 2] = 0;
          if (++count === BATCH) flush();
          paired = true;
        }
      }
      flush();
      // Keep each pair's sum (in its first element) and an odd one out, unless it vanished.
      for (let b = 0; b < BUCKETS; b++) {
        const len = length[b]!;
        if (len < 2) continue;
        let kept = 0;
        for (let k = 0; k < len; k += 2) {
          const w = list[start[b]! + k]!;
          if (!dead[w]) list[start[b]! + kept++] = w;
        }
        length[b] = kept;
      }
    }
    // Σ (b + 1)·B_b by running sums from the top bucket down.
    mem.fill(0, sum, windows);
    for (let b = BUCKETS - 1; b >= 0; b--) {
      if (length[b] === 1) ops.addAffine(sum, work + list[start[b]!]! * affine, 0);
      ops.add(total, sum);
    }
    mem.copyWithin(windows + j * jacobian, total, total + jacobian);
  }

  // Σ 2^(16j)·W_j, Horner's rule from the top window.
  mem.fill(0, sum, total);
  for (let j = WINDOWS - 1; j >= 0; j--) {
    for (let k = 0; k < WINDOW_BITS; k++) ops.double(sum);
    ops.add(sum, windows + j * jacobian);
  }
  return exportJacobian(inst, group, sum);
}

/** The Jacobian point at `ptr` in ffjavascript's layout; infinity as (0, 1, 0). */
export function exportJacobian(inst: MsmInstance, group: Group, ptr: number): Uint8Array {
  const e = group * FP_BYTES;
  const out = inst.exchange;
  const mem = new Uint8Array(inst.memory.buffer);
  const atInfinity = mem.subarray(ptr + 2 * e, ptr + 3 * e).every((b) => b === 0);
  if (atInfinity) {
    mem.fill(0, ptr, ptr + 3 * e);
    mem.copyWithin(ptr + e, ONE_PTR, ONE_PTR + FP_BYTES);
  }
  for (let c = 0; c < 3 * group; c++) inst.exports.toFfjs(out + c * FFJS_FP_BYTES, ptr + c * FP_BYTES);
  return mem.slice(out, out + 3 * group * FFJS_FP_BYTES);
}

/** Writes a Jacobian point given in ffjavascript's layout at `ptr` in ours. */
export function importJacobian(inst: MsmInstance, group: Group, ptr: number, point: Uint8Array): void {
  const staging = inst.exchange;
  new Uint8Array(inst.memory.buffer).set(point, staging);
  for (let c = 0; c < 3 * group; c++) inst.exports.fromFfjs(ptr + c * FP_BYTES, staging + c * FFJS_FP_BYTES);
}
