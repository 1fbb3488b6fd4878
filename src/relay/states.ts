import { InvalidTransitionError } from "./errors.ts";

/**
 * The state machine of one request. Every transition is written to the database (with its reason) before
 * the service acts on the new state, so a restart resumes from the last persisted state.
 *
 *   received → proving → proved → submitted → confirmed
 *       ↘          ↘         ↘          ↘
 *        failed | expired  (terminal, with a reason)
 *
 * Backwards edges exist only for recovery: a lost proving job goes back to `received`; a dropped or
 * rejected transaction sends its requests back to `proved`; a reorg that removes a fulfilment sends a
 * confirmed request back to `submitted`, and one that removes the request's own event sends it back to
 * `received` until the event reappears.
 */
export const REQUEST_STATES = [
  "received",
  "proving",
  "proved",
  "submitted",
  "confirmed",
  "failed",
  "expired",
] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

export const TERMINAL_STATES: ReadonlySet<RequestState> = new Set(["failed", "expired"]);

const ALLOWED: Record<RequestState, readonly RequestState[]> = {
  received: ["proving", "failed", "expired", "confirmed"],
  proving: ["proved", "received", "failed", "expired", "confirmed"],
  proved: ["submitted", "received", "confirmed", "failed", "expired"],
  submitted: ["confirmed", "proved", "received", "failed", "expired"],
  confirmed: ["submitted", "received"],
  // A reorg can remove the event of a request that had already failed or expired; it then starts over.
  failed: ["received"],
  expired: ["received", "confirmed"],
};

export function assertTransition(id: string, from: RequestState, to: RequestState): void {
  if (!ALLOWED[from].includes(to)) {
    throw new InvalidTransitionError(
      `request ${id}: ${from} → ${to} is not a transition of the state machine`,
    );
  }
}

/** How a confirmed request ended on chain. */
export type Outcome = "delivered" | "callback-failed" | "fulfilled-elsewhere";
