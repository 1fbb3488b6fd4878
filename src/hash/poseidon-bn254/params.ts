import { POSEIDON_BN254_CONSTANTS_HEX } from "./constants.ts";

/** Smallest and largest state width circomlib defines (t = number of inputs + 1). */
export const MIN_WIDTH = 2;
export const MAX_WIDTH = 17;

/** Full rounds, for every width (4 before and 4 after the partial rounds). */
export const FULL_ROUNDS = 8;

/** Partial rounds for t = 2..17, as in circomlib's poseidon.circom and circomlibjs. */
const PARTIAL_ROUNDS = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68] as const;

export function partialRounds(t: number): number {
  return PARTIAL_ROUNDS[t - MIN_WIDTH]!;
}

/** circomlib's parameters for one width: round constants (round-major) and MDS matrix M (new_i = Σ_j M[i][j]·s_j). */
export interface PoseidonParams {
  readonly t: number;
  readonly fullRounds: number;
  readonly partialRounds: number;
  readonly C: readonly bigint[];
  readonly M: readonly (readonly bigint[])[];
}

const cache: (PoseidonParams | undefined)[] = [];

/** Parses the shipped constants for width t on first use. */
export function poseidonParams(t: number): PoseidonParams {
  const cached = cache[t];
  if (cached) return cached;
  const hex = POSEIDON_BN254_CONSTANTS_HEX[t - MIN_WIDTH]!;
  const rp = partialRounds(t);
  const nC = (FULL_ROUNDS + rp) * t;
  const at = (i: number) => BigInt(`0x${hex.slice(64 * i, 64 * i + 64)}`);
  if (hex.length !== 64 * (nC + t * t)) throw new Error(`corrupt Poseidon-BN254 constants for t = ${t}`);
  const C = Array.from({ length: nC }, (_, i) => at(i));
  const M = Array.from({ length: t }, (_, i) => Array.from({ length: t }, (_, j) => at(nC + i * t + j)));
  const params: PoseidonParams = { t, fullRounds: FULL_ROUNDS, partialRounds: rp, C, M };
  cache[t] = params;
  return params;
}
