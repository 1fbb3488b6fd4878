/** Accumulates milliseconds per named phase into a caller's record (the prover's `timings` option). */
export class PhaseTimer {
  private readonly out: Record<string, number> | undefined;
  private t = performance.now();

  constructor(out: Record<string, number> | undefined) {
    this.out = out;
  }

  /** Charges the time since the previous lap to `phase`. */
  lap(phase: string): void {
    const now = performance.now();
    if (this.out) this.out[phase] = (this.out[phase] ?? 0) + (now - this.t);
    this.t = now;
  }
}
