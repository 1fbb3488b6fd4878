import { Bus } from "../buses.ts";
import { type ChipContext, defineChip } from "../chip.ts";

/**
 * The fixed lookup table (2^16 rows, preprocessed, part of the verifying key): row i holds the byte pair
 * (x, y) = (i & 255, i >> 8) with x & y, the 16-bit value i, the 12-bit value i (rows ≥ 4096 repeat 0),
 * the guest high half i < 3072 (rows ≥ 3072 repeat 0), and the shift table entry k = i < 64. Its only
 * witness columns are the multiplicities of each bus (free: every row is a fact).
 */
export const LOOKUP_ROWS = 1 << 16;
export const GUEST_HI_LIMIT = 3072;

/** The shift table: y = 2^k for k < 32 (left shifts), 2^(32 − (k − 32)) mod 2^32 for right shifts. */
export function pow2Entry(k: number): { y: number; z: number } {
  if (k < 32) return { y: 2 ** k, z: 0 };
  const sh = k - 32;
  return sh === 0 ? { y: 0, z: 1 } : { y: 2 ** (32 - sh), z: 0 };
}

function preprocessed(): Uint32Array[] {
  const n = LOOKUP_ROWS;
  const cols = Array.from({ length: 11 }, () => new Uint32Array(n));
  const [x, y, and, u12, ghi, pk, py0, py1, py2, py3, pz] = cols as [
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
  ];
  for (let i = 0; i < n; i++) {
    x[i] = i & 255;
    y[i] = i >>> 8;
    and[i] = x[i]! & y[i]!;
    u12[i] = i < 4096 ? i : 0;
    ghi[i] = i < GUEST_HI_LIMIT ? i : 0;
    const k = i < 64 ? i : 0;
    const e = pow2Entry(k);
    pk[i] = k;
    py0[i] = e.y & 255;
    py1[i] = (e.y >>> 8) & 255;
    py2[i] = (e.y >>> 16) & 255;
    py3[i] = (e.y >>> 24) & 255;
    pz[i] = e.z;
  }
  return cols;
}

export function lookupChip() {
  return defineChip(
    "lookup",
    (c: ChipContext) => {
      const t = c.t;
      const f = (i: number) => t.fixed(i);
      const [x, y, and, u12, ghi, pk, py0, py1, py2, py3, pz] = Array.from({ length: 11 }, (_, i) =>
        f(i),
      ) as [
        ReturnType<typeof f>,
        ReturnType<typeof f>,
        ReturnType<typeof f>,
        ReturnType<typeof f>,
        ReturnType<typeof f>,
        ReturnType<typeof f>,
        ReturnType<typeof f>,
        ReturnType<typeof f>,
        ReturnType<typeof f>,
        ReturnType<typeof f>,
        ReturnType<typeof f>,
      ];
      const m = {
        range16: c.col("m_range16"),
        pair: c.col("m_pair"),
        and8: c.col("m_and8"),
        u12: c.col("m_u12"),
        guestHi: c.col("m_guest_hi"),
        pow2: c.col("m_pow2"),
      };
      const lookup = { bound: "lookup" } as const;
      t.receive(Bus.RANGE16, [x.add(y.mul(256))], m.range16.e, lookup);
      t.receive(Bus.BYTE_PAIR, [x, y], m.pair.e, lookup);
      t.receive(Bus.AND8, [x, y, and], m.and8.e, lookup);
      t.receive(Bus.U12, [u12], m.u12.e, lookup);
      t.receive(Bus.GUEST_HI, [ghi], m.guestHi.e, lookup);
      t.receive(Bus.POW2, [pk, py0, py1, py2, py3, pz], m.pow2.e, lookup);
      return m;
    },
    { preprocessed: preprocessed() },
  );
}

export type LookupChip = ReturnType<typeof lookupChip>;

/** Row of the lookup table that serves a tuple on one of its buses, or undefined if none does. */
export function lookupRow(bus: number, f: readonly number[]): number | undefined {
  switch (bus) {
    case Bus.RANGE16:
      return f[0]! < 65536 ? f[0] : undefined;
    case Bus.BYTE_PAIR:
      return f[0]! < 256 && f[1]! < 256 ? f[0]! + 256 * f[1]! : undefined;
    case Bus.AND8:
      return f[0]! < 256 && f[1]! < 256 && f[2] === (f[0]! & f[1]!) ? f[0]! + 256 * f[1]! : undefined;
    case Bus.U12:
      return f[0]! < 4096 ? f[0] : undefined;
    case Bus.GUEST_HI:
      return f[0]! < GUEST_HI_LIMIT ? f[0] : undefined;
    case Bus.POW2: {
      const k = f[0]!;
      if (k >= 64) return undefined;
      const e = pow2Entry(k);
      const ok =
        f[1] === (e.y & 255) &&
        f[2] === ((e.y >>> 8) & 255) &&
        f[3] === ((e.y >>> 16) & 255) &&
        f[4] === ((e.y >>> 24) & 255) &&
        f[5] === e.z;
      return ok ? k : undefined;
    }
    default:
      return undefined;
  }
}
