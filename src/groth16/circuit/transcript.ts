import type { BackendChallenger } from "../../stark/verifier/backend.ts";
import type { BabyBear, Bb } from "./babybear.ts";
import { P } from "./babybear.ts";
import { cellModP } from "./cell-mod-p.ts";
import { combine, Lc } from "./lc.ts";
import { poseidonPermuteCircuit } from "./poseidon.ts";

/**
 * The Poseidon-BN254 transcript (`PoseidonBn254Challenger`, src/stark/poseidon-bn254-hash.ts) as a circuit:
 * a duplex sponge on the width-3 permutation, capacity cell 0, rate cells 1–2, overwrite mode. Observed
 * BabyBear elements are reduced to canonical form and packed 8 per cell as Σ e_i·p^i (a linear combination:
 * free); a digest takes a cell of its own; each squeezed cell yields one element, s mod p (cell-mod-p.ts).
 * Whatever is constant folds, so the protocol's fixed prefix costs nothing.
 */
export class CircuitChallenger implements BackendChallenger<Bb, Lc> {
  private readonly bb: BabyBear;
  private state: Lc[] = [Lc.constant(0n), Lc.constant(0n), Lc.constant(0n)];
  private pending: Bb[] = [];
  private input: Lc[] = [];
  private output: Lc[] = [];

  constructor(bb: BabyBear) {
    this.bb = bb;
  }

  private flushPending(): void {
    if (this.pending.length === 0) return;
    this.absorbCell(packCanonical(this.pending));
    this.pending = [];
  }

  private absorbCell(x: Lc): void {
    this.output = [];
    this.input.push(x);
    if (this.input.length === 2) this.duplex();
  }

  private duplex(): void {
    const s = [...this.state];
    this.input.forEach((x, i) => {
      s[1 + i] = x;
    });
    this.input = [];
    this.state = this.bb.c.withCategory("transcript", () => poseidonPermuteCircuit(this.bb.c, s));
    this.output = [this.state[1]!, this.state[2]!];
  }

  observe(x: Bb): void {
    this.output = [];
    this.pending.push(this.bb.reduce(x));
    if (this.pending.length === 8) this.flushPending();
  }

  observeDigest(d: Lc): void {
    this.flushPending();
    this.absorbCell(d);
  }

  sample(): Bb {
    this.flushPending();
    if (this.input.length > 0 || this.output.length === 0) this.duplex();
    return cellModP(this.bb, this.output.pop()!);
  }
}

/** Σ e_i·p^i of up to 8 canonical values (injective: p^8 < r). */
export function packCanonical(values: readonly Bb[]): Lc {
  let weight = 1n;
  return combine(
    values.map((v) => {
      if (v.max >= P) throw new RangeError("packing needs canonical values");
      const term = [v.lc, weight] as const;
      weight *= P;
      return term;
    }),
  );
}
