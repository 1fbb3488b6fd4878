import { Bus } from "../buses.ts";
import { type ChipContext, defineChip } from "../chip.ts";

/**
 * The fixed lookup tables (preprocessed, part of the verifying key). Every row is a fact, so the only
 * witness columns are the multiplicities of each bus.
 *
 * - "bytes" (2^16 rows): row i holds the 16-bit value i, the byte pair (x, y) = (i & 255, i >> 8) and x & y;
 * - "small" (2^12 rows): row i holds the 12-bit value i, the guest high half i < 3072 (rows ≥ 3072 repeat 0),
 *   and the shift table entry k = i < 64 (rows ≥ 64 repeat entry 0).
 */
export const BYTES_ROWS = 1 << 16;
export const SMALL_ROWS = 1 << 12;
export const GUEST_HI_LIMIT = 3072;

/** The shift table: y = 2^k for k < 32 (left shifts), 2^(32 − (k − 32)) mod 2^32 for right shifts. */
export function pow2Entry(k: number): { y: number; z: number } {
  if (k < 32) return { y: 2 ** k, z: 0 };
  const sh = k - 32;
  return sh === 0 ? { y: 0, z: 1 } : { y: 2 ** (32 - sh), z: 0 };
}

function columns(n: number, count: number, fill: (i: number, out: number[]) => void): Uint32Array[] {
  const cols = Array.from({ length: count }, () => new Uint32Array(n));
  const row: number[] = new Array(count);
  for (let i = 0; i < n; i++) {
    fill(i, row);
    for (let k = 0; k < count; k++) cols[k]![i] = row[k]!;
  }
  return cols;
}

export function bytesChip() {
  const pre = columns(BYTES_ROWS, 3, (i, o) => {
    o[0] = i & 255;
    o[1] = i >>> 8;
    o[2] = o[0] & o[1];
  });
  return defineChip(
    "bytes",
    (c: ChipContext) => {
      const [x, y, and] = [c.t.fixed(0), c.t.fixed(1), c.t.fixed(2)];
      const m = { range16: c.col("m_range16"), pair: c.col("m_pair"), and8: c.col("m_and8") };
      const lookup = { bound: "lookup" } as const;
      c.t.receive(Bus.RANGE16, [x.add(y.mul(256))], m.range16.e, lookup);
      c.t.receive(Bus.BYTE_PAIR, [x, y], m.pair.e, lookup);
      c.t.receive(Bus.AND8, [x, y, and], m.and8.e, lookup);
      return m;
    },
    { preprocessed: pre },
  );
}

export function smallChip() {
  const pre = columns(SMALL_ROWS, 10, (i, o) => {
    o[0] = i;
    o[1] = i < GUEST_HI_LIMIT ? i : 0;
    const k = i < 64 ? i : 0;
    const e = pow2Entry(k);
    o[2] = k;
    o[3] = e.y & 255;
    o[4] = (e.y >>> 8) & 255;
    o[5] = (e.y >>> 16) & 255;
    o[6] = (e.y >>> 24) & 255;
    o[7] = e.z;
    // Rows that repeat an earlier fact may not be counted (each fact has one multiplicity cell).
    o[8] = i < GUEST_HI_LIMIT ? 1 : 0;
    o[9] = i < 64 ? 1 : 0;
  });
  return defineChip(
    "small",
    (c: ChipContext) => {
      const f = Array.from({ length: 10 }, (_, i) => c.t.fixed(i));
      const m = { u12: c.col("m_u12"), guestHi: c.col("m_guest_hi"), pow2: c.col("m_pow2") };
      c.zero(m.guestHi.e.mul(c.k(1).sub(f[8]!)));
      c.zero(m.pow2.e.mul(c.k(1).sub(f[9]!)));
      const lookup = { bound: "lookup" } as const;
      c.t.receive(Bus.U12, [f[0]!], m.u12.e, lookup);
      c.t.receive(Bus.GUEST_HI, [f[1]!], m.guestHi.e, lookup);
      c.t.receive(Bus.POW2, f.slice(2, 8), m.pow2.e, lookup);
      return m;
    },
    { preprocessed: pre },
  );
}

export type BytesChip = ReturnType<typeof bytesChip>;
export type SmallChip = ReturnType<typeof smallChip>;
