/**
 * Bus ids of the RV32IM machine (docs/machine.md §2). Each bus carries tuples of one fixed shape; the
 * comment gives the fields in order.
 */
export const Bus = {
  /** (pc, clk, halted): one token per cycle boundary; chips receive (pc, clk, 0) and send the next. */
  EXEC: 1,
  /** (space, index, lo16, hi16, ts): offline memory checking; space 0 guest words, 1 registers. */
  MEM: 2,
  /** (w_lo, w_hi, op, rd, rs1, rs2, imm_a, imm_b): the decode table's facts. */
  DECODE: 3,
  /** (v): v ∈ [0, 2^16). */
  RANGE16: 4,
  /** (x, y): x, y ∈ [0, 256). */
  BYTE_PAIR: 5,
  /** (x, y, x & y) for bytes x, y. */
  AND8: 6,
  /** (v): v ∈ [0, 4096). */
  U12: 7,
  /** (v): v ∈ [0, 3072), i.e. v·2^16 below GUEST_MAX. */
  GUEST_HI: 8,
  /** (k, y0, y1, y2, y3, z): the shift table; y = 2^k (k < 32) or 2^(64−k) mod 2^32 (k ≥ 32) as bytes. */
  POW2: 9,
  /** (clk, kind, ptr, count): a host request by an ecall (kind 0 HALT digest read, 1 READ). */
  HOST_REQ: 10,
  /** (k, lo16, hi16): k < 8 the HALT output digest words, k = 8 the exit code. */
  OUTPUT: 11,
  /** (tree, level, index, d0..d7): Merkle nodes of the pre (0) and post (1) memory trees. */
  MERKLE: 12,
  /** (in0..in23, out0..out7, out16..out23): a Poseidon2 permutation, for sponge absorption. */
  P2_SPONGE: 13,
  /** (in0..in15, out0..out7): compress(a, b) = permute(a ‖ b ‖ 0⁸)[0..8]. */
  P2_COMPRESS: 14,
} as const;

/** Address spaces of the memory bus. */
export const Space = { GUEST: 0, REGISTER: 1 } as const;

/** Timestamps: 8 per cycle; a cycle's accesses happen in slot order. Page-in tokens have ts 0, clk ≥ 1. */
export const TS_PER_CYCLE = 8;
export const Slot = {
  FETCH: 0,
  RS1: 1,
  RS2: 2,
  MEM: 3,
  RD: 4,
  /** The system chip: t0 at RS1, a0 at RS2, a1 at MEM, a2 at RD. */
  HOST: 7,
} as const;
