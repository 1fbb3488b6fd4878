import { mul, P as P_NUMBER } from "../../field/babybear.ts";
import type { BabyBear, Bb } from "./babybear.ts";

/**
 * g^e for a fixed base g and an exponent given by its bits, in emulated BabyBear.
 *
 * Bit by bit, g^e = Π_k (1 + b_k·(g^(2^k) − 1)): a product per bit, and every product adds ~31 bits to the
 * bound that a reduction pays back as quotient bits — ~32 constraints per bit. Over a chunk of c bits the
 * factor Π_(k in chunk) (1 + b_k·(g_k − 1)) is the multilinear polynomial Σ_S (Π_(k∈S) (g_k − 1))·Π_(k∈S) b_k:
 * its 2^c − c − 1 monomials of two or more bits are products of bits (one constraint each, bound 1), and the
 * sum is linear, an integer below 2^c·p. So a chunk costs 2^c − c − 1 constraints, one product and
 * c + log₂p bits of bound: 11.75 constraints per bit for c = 4 (the minimum over c) instead of ~32.
 */
const CHUNK = 4;
const P = BigInt(P_NUMBER);

export function fixedBasePow(bb: BabyBear, g: number, bits: readonly Bb[]): Bb {
  let acc: Bb | null = null;
  let gk = g;
  for (let i = 0; i < bits.length; i += CHUNK) {
    const chunk = bits.slice(i, i + CHUNK);
    const factors: number[] = [];
    for (let k = 0; k < chunk.length; k++) {
      factors.push(gk);
      gk = mul(gk, gk);
    }
    const f = chunkFactor(bb, chunk, factors);
    acc = acc === null ? f : bb.mul(acc, f);
  }
  return acc ?? bb.constant(1);
}

/** Π_k (1 + b_k·(factors_k − 1)) as Σ_S coefficient_S · monomial_S. */
function chunkFactor(bb: BabyBear, bits: readonly Bb[], factors: readonly number[]): Bb {
  const n = bits.length;
  // monomial[S] for every subset S of the chunk's bits (S as a bit mask), built from S minus its top bit.
  const monomial: Bb[] = [bb.constant(1)];
  let sum = bb.constant(1);
  for (let s = 1; s < 1 << n; s++) {
    const top = 31 - Math.clz32(s);
    const rest = s & ~(1 << top);
    monomial[s] = rest === 0 ? bits[top]! : bb.mul(monomial[rest]!, bits[top]!);
    let coefficient = 1n;
    for (let k = 0; k < n; k++)
      if (s & (1 << k)) coefficient = (coefficient * (BigInt(factors[k]!) - 1n + P)) % P;
    sum = bb.add(sum, bb.mul(bb.constant(coefficient), monomial[s]!));
  }
  return sum;
}
