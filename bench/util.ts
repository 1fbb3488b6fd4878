/** Shared helpers for benchmarks: timing, deterministic inputs, machine description, JSON output. */
import { cpus, loadavg } from "node:os";

/** Runs fn repeatedly until at least minMs have passed (after one warm-up call); returns ms per call. */
export function timeIt(fn: () => void, minMs = 500): { msPerCall: number; calls: number } {
  fn();
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    fn();
    calls++;
    elapsed = performance.now() - start;
  } while (elapsed < minMs);
  return { msPerCall: elapsed / calls, calls };
}

/** A deterministic stream of canonical BabyBear elements (xorshift), so runs are comparable. */
export function randomElements(n: number, seed = 1): Uint32Array {
  const out = new Uint32Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = (x >>> 0) % 2013265921;
  }
  return out;
}

export function machine(): Record<string, unknown> {
  return { node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, load1: loadavg()[0] };
}

/** Prints the figures as the benchmark's last line. */
export function report(name: string, figures: Record<string, unknown>): void {
  console.log(JSON.stringify({ bench: name, ...figures, machine: machine() }));
}
