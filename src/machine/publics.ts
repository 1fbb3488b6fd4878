/**
 * The public values of a segment proof (docs/machine.md §6). Digest-like values are 8 field elements;
 * 32-bit values are 16-bit halves so that every public value has one encoding.
 */
export const Pub = {
  /** pc at the segment's first cycle. */
  PC_START: 0,
  /** pc after the last cycle (0 when halted). */
  PC_END: 1,
  /** Cycles executed in this segment (≥ 1). */
  CYCLES: 2,
  /** 1 if the segment ends with HALT. */
  HALTED: 3,
  /** Exit code halves (HALT's a0). */
  EXIT_LO: 4,
  EXIT_HI: 5,
  /** The 32-byte Output digest as 16 halves (word k: 2k lo, 2k + 1 hi). */
  OUTPUT: 6,
  /** Memory Merkle root before the segment. */
  PRE_ROOT: 22,
  /** Memory Merkle root after the segment. */
  POST_ROOT: 30,
  /** Global cycles before this segment, as four 16-bit limbs. */
  START_CYCLES: 38,
} as const;

export const PUBLIC_COUNT = 42;
