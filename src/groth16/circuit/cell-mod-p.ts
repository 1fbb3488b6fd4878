import { BN254_R as R } from "../types.ts";
import { type BabyBear, type Bb, bitLength, P } from "./babybear.ts";
import { Lc } from "./lc.ts";

/**
 * A squeezed transcript cell s ∈ [0, r) as a BabyBear element, s mod p (the Poseidon-BN254 transcript's
 * sample, docs/proof-system.md §8).
 *
 * s = q·p + e with e canonical (32 constraints) is only meaningful if q·p + e cannot wrap around r, so q
 * needs an exact upper bound. A plain bit length does not work: with q < 2^222 a quarter of all cells could
 * not be decomposed, with q < 2^223 a quarter could be decomposed twice (the prover would choose the
 * sample). Instead q = q_hi·2^m + q_lo with q_lo < 2^m (m bits) and 0 ≤ q_hi < Q_hi = ⌊Q/2^m⌋, Q = ⌊(r−1)/p⌋,
 * the latter as two bit decompositions (q_hi and Q_hi − 1 − q_hi). Then q·p + e < Q_hi·2^m·p ≤ r − 1: the
 * decomposition is unique, so e is s mod p exactly. The cells it cannot represent, s ≥ Q_hi·2^m·p, have
 * probability ≤ (2^m + 1)·p/r ≈ 2^−122.7 for m = 100 — a completeness error (an honest proof whose
 * transcript hit one could not be wrapped), far below the STARK's own. Cost: m + 2·(223 − m) + 34 = 380.
 */
const Q = (R - 1n) / P;
const LOW = 100;
const Q_HI = Q >> BigInt(LOW);
const HIGH = bitLength(Q_HI);

export function cellModP(bb: BabyBear, cell: Lc): Bb {
  if (cell.isConstant) return bb.constant(cell.k % P);
  const c = bb.c;
  return c.withCategory("sample", () => {
    const s = cell.value;
    let q = s / P;
    const qHi = q >> BigInt(LOW);
    // A cell beyond the representable range has no witness: force one and let the constraints fail.
    if (qHi >= Q_HI) {
      c.fail(
        "shape",
        "a transcript sample fell outside the range the circuit decomposes (probability ≈ 2^-122)",
      );
      q = 0n;
    }
    const e = bb.canonical(s - q * P, "sample-remainder");
    const lo = bb.bitHints(q & ((1n << BigInt(LOW)) - 1n), LOW, "sample-quotient");
    const hi = bb.bitHints(q >> BigInt(LOW), HIGH, "sample-quotient");
    const gap = bb.bitHints(Q_HI - 1n - (q >> BigInt(LOW)), HIGH, "sample-quotient");
    c.enforceEqual(hi.sum.add(gap.sum), Lc.constant(Q_HI - 1n), "sample: q_hi < Q_hi");
    c.enforceEqual(
      cell,
      hi.sum
        .scale(1n << BigInt(LOW))
        .add(lo.sum)
        .scale(P)
        .add(e.lc),
      "sample: s = q·p + e",
    );
    return e;
  });
}
