/**
 * The stages of snarkjs's Groth16 prover, told apart by the debug messages it logs: reading the witness and
 * the key's coefficients, evaluating A, B and C over the domain, the six FFTs that give H on a coset, joining
 * them, then the multi-exponentiations of the key's A, B₁ (G1), B₂ (G2), C and H points.
 */
export type Groth16ProvePhase =
  | "witness"
  | "coefficients"
  | "abc"
  | "fft"
  | "join"
  | "msm-a"
  | "msm-b1"
  | "msm-b2"
  | "msm-c"
  | "msm-h";

const MARKERS: readonly (readonly [RegExp, Groth16ProvePhase])[] = [
  [/^Reading Wtns$/, "witness"],
  [/^Reading Coeffs$/, "coefficients"],
  [/^Building ABC$/, "abc"],
  [/^I?FFT_[ABC]/, "fft"],
  [/^Join ABC$/, "join"],
  [/^Reading A Points$/, "msm-a"],
  [/^Reading B1 Points$/, "msm-b1"],
  [/^Reading B2 Points$/, "msm-b2"],
  [/^Reading C Points$/, "msm-c"],
  [/^Reading H Points$/, "msm-h"],
];

/** A snarkjs logger, and `end()` to close the last phase once the prover returns. */
export interface PhaseLogger {
  readonly logger: {
    debug(message: string): void;
    info(message: string): void;
    warn(message: string): void;
    error(message: string): void;
  };
  end(): void;
}

/**
 * A logger for snarkjs that calls `onPhase` with each phase's name and duration as the next one starts (a
 * phase may be reported once per marker, e.g. "fft" once for all six transforms).
 */
export function phaseLogger(
  onPhase: (phase: Groth16ProvePhase, seconds: number) => void,
  now: () => number = () => performance.now(),
): PhaseLogger {
  let current: { phase: Groth16ProvePhase; start: number } | undefined;
  const close = () => {
    if (current) onPhase(current.phase, (now() - current.start) / 1000);
    current = undefined;
  };
  const debug = (message: string) => {
    const phase = MARKERS.find(([re]) => re.test(message))?.[1];
    if (phase === undefined || phase === current?.phase) return;
    close();
    current = { phase, start: now() };
  };
  const ignore = () => {};
  return { logger: { debug, info: ignore, warn: ignore, error: ignore }, end: close };
}
