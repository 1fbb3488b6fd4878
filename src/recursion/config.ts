import type { StarkConfig } from "../stark/config.ts";

/**
 * The configuration recursion proofs are made under (docs/recursion.md §6): blowup 8, 28 queries × 3 bits
 * + 16 PoW bits = 100 conjectured bits. A recursion program's size is dominated by the queries of the proof
 * it verifies, so a join (which verifies two recursion proofs) shrinks as the queries do; the larger LDE
 * costs the prover less than the queries save (`npm run bench -- recursion` compares blowup 4 and 8).
 */
export const RECURSION_CONFIG: StarkConfig = {
  logBlowup: 3,
  numQueries: 28,
  powBits: 16,
  friLogArity: 2,
  logFinalDegree: 3,
};
