import { ZkvmError } from "../errors.ts";
/**
 * Protocol parameters. The presets reach ≥ 100 conjectured bits (see security.ts and docs/security.md);
 * tests use smaller settings through the same code path.
 */
export interface StarkConfig {
  /** log2 of the LDE blowup B; must be ≥ log2 of every table's quotient chunk count. */
  readonly logBlowup: number;
  readonly numQueries: number;
  /** Proof-of-work bits ground before the queries are drawn. */
  readonly powBits: number;
  /** log2 of the FRI folding arity (1 → 2, 2 → 4, 3 → 8). */
  readonly friLogArity: number;
  /** The final FRI polynomial has at most 2^logFinalDegree coefficients, sent in clear. */
  readonly logFinalDegree: number;
  /**
   * Merkle cap height (default 0): a proof's commitments are the 2^capHeight nodes that many levels below
   * the root instead of the root, and every opening's path stops there — fewer hashes per query for a few
   * more digests in the transcript (docs/proof-system.md §3). Trees shorter than the cap, and levels where
   * a shorter matrix is injected, lower it; the preprocessed commitment (the verifying key) keeps its root.
   */
  readonly capHeight?: number;
}

export class StarkConfigError extends ZkvmError {
  override name = "StarkConfigError";
}

/** Blowup 4 (degree ≤ 5 constraints), 42 queries × 2 bits + 16 PoW bits = 100 bits. */
export const CONFIG_BLOWUP_4: StarkConfig = {
  logBlowup: 2,
  numQueries: 42,
  powBits: 16,
  friLogArity: 2,
  logFinalDegree: 3,
};

/** Blowup 2 (degree ≤ 3 constraints, fastest prover), 84 queries + 16 PoW bits = 100 bits. */
export const CONFIG_BLOWUP_2: StarkConfig = {
  logBlowup: 1,
  numQueries: 84,
  powBits: 16,
  friLogArity: 2,
  logFinalDegree: 3,
};

/** The default: blowup 4, which admits constraints up to degree 5. */
export const DEFAULT_CONFIG: StarkConfig = CONFIG_BLOWUP_4;

/**
 * Largest trace height accepted: 2^24 rows. The LDE must also stay within BabyBear's two-adicity:
 * log height + log blowup ≤ 27 (`MAX_LOG_LDE_HEIGHT`), so blowup 32 allows 2^22 rows.
 */
export const MAX_LOG_HEIGHT = 24;
export const MAX_LOG_LDE_HEIGHT = 27;
export const MIN_LOG_HEIGHT = 2;

export function checkConfig(c: StarkConfig): void {
  const int = (v: number, lo: number, hi: number, name: string) => {
    if (!Number.isInteger(v) || v < lo || v > hi)
      throw new StarkConfigError(`${name} must be an integer in [${lo}, ${hi}], got ${v}`);
  };
  int(c.logBlowup, 1, 5, "logBlowup");
  int(c.numQueries, 1, 1000, "numQueries");
  int(c.powBits, 0, 30, "powBits");
  int(c.friLogArity, 1, 3, "friLogArity");
  int(c.logFinalDegree, 0, 10, "logFinalDegree");
  int(c.capHeight ?? 0, 0, 12, "capHeight");
}
