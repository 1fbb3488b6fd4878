/**
 * Fault injection for the kill -9 tests: when `ZKVM_RELAY_FAILPOINT` names a point, the process kills
 * itself with SIGKILL right there — after the state before it was committed and before anything after it
 * happened. Unset in production, where this is one environment lookup.
 */
export const FAILPOINT_ENV = "ZKVM_RELAY_FAILPOINT";

export const FAILPOINTS = [
  "after-received",
  "after-proving",
  "after-proved",
  "after-nonce-allocated",
  "after-attempt-persisted",
  "after-send",
  "after-confirmed",
] as const;
export type Failpoint = (typeof FAILPOINTS)[number];

export function failpoint(name: Failpoint): void {
  if (process.env[FAILPOINT_ENV] === name) process.kill(process.pid, "SIGKILL");
}
