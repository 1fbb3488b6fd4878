import { transcriptCells } from "../../stark/poseidon-bn254-hash.ts";
import type { BackendChallenger } from "../../stark/verifier/backend.ts";
import type { BabyBear, Bb } from "./babybear.ts";
import { P } from "./babybear.ts";
import { cellModP } from "./cell-mod-p.ts";
import { combine, Lc } from "./lc.ts";
import { hashCellsCircuit, poseidonPermuteCircuit } from "./poseidon.ts";

/**
 * The Poseidon-BN254 transcript (`PoseidonBn254Challenger`, src/stark/poseidon-bn254-hash.ts) as a circuit:
 * a duplex sponge on the width-3 permutation, capacity cell 0, rate cells 1–2, overwrite mode. Observed
 * BabyBear elements are reduced to canonical form and packed 8 per cell as Σ e_i·p^i (a linear combination:
 * free); a digest takes a cell of its own; the cells observed between two samples are absorbed at the next
 * sample, hashed into one cell when there are 5 or more; each squeezed cell yields one element, s mod p
 * (cell-mod-p.ts).
 * Whatever is constant folds, so the protocol's fixed prefix costs nothing.
 */
export class CircuitChallenger implements BackendChallenger<Bb, Lc> {
  private readonly bb: BabyBear;
  private state: Lc[] = [Lc.constant(0n), Lc.constant(0n), Lc.constant(0n)];
  private pending: Bb[] = [];
  private queue: Lc[] = [];
  private input: Lc[] = [];
  private output: Lc[] = [];

  constructor(bb: BabyBear) {
    this.bb = bb;
  }

  private flushPending(): void {
    if (this.pending.length === 0) return;
    this.queue.push(packCanonical(this.pending));
    this.pending = [];
  }

  /** Absorbs the cells observed since the last sample, hashed into one if there are many. */
  private flushQueue(): void {
    if (this.queue.length === 0) return;
    const c = this.bb.c;
    const cells = transcriptCells(this.queue, (q) =>
      c.withCategory("transcript", () => hashCellsCircuit(c, q)),
    );
    for (const x of cells) {
      this.input.push(x);
      if (this.input.length === 2) this.duplex();
    }
    this.queue = [];
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
    this.output = [];
    this.queue.push(d);
  }

  sample(): Bb {
    this.flushPending();
    this.flushQueue();
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
