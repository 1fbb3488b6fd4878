import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { REQUEST_STATES } from "./states.ts";

/** The relay's Prometheus metrics, in a registry of its own (served at GET /metrics). */
export function createRelayMetrics() {
  const registry = new Registry();
  const m = {
    registry,
    requests: new Gauge({
      name: "zkvm_relay_requests",
      help: "Requests by state (queue depth per state)",
      labelNames: ["state"],
      registers: [registry],
    }),
    timeInState: new Histogram({
      name: "zkvm_relay_time_in_state_seconds",
      help: "Seconds a request spent in a state before leaving it",
      labelNames: ["state"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
      registers: [registry],
    }),
    transitions: new Counter({
      name: "zkvm_relay_transitions_total",
      help: "State transitions",
      labelNames: ["from", "to"],
      registers: [registry],
    }),
    failures: new Counter({
      name: "zkvm_relay_request_failures_total",
      help: "Requests that failed, by reason code",
      labelNames: ["code"],
      registers: [registry],
    }),
    callbackFailures: new Counter({
      name: "zkvm_relay_callback_failures_total",
      help: "Fulfilments whose callback reverted or ran out of gas (CallbackFailed)",
      registers: [registry],
    }),
    feeBumps: new Counter({
      name: "zkvm_relay_fee_bumps_total",
      help: "Replacement transactions sent with higher fees",
      registers: [registry],
    }),
    txSent: new Counter({
      name: "zkvm_relay_transactions_sent_total",
      help: "Signed transaction attempts broadcast",
      registers: [registry],
    }),
    rpcErrors: new Counter({
      name: "zkvm_relay_rpc_errors_total",
      help: "Failed JSON-RPC calls",
      labelNames: ["operation"],
      registers: [registry],
    }),
    reorgs: new Counter({
      name: "zkvm_relay_reorgs_total",
      help: "Chain reorganisations detected",
      registers: [registry],
    }),
    duplicateEvents: new Counter({
      name: "zkvm_relay_duplicate_events_total",
      help: "Events seen again and ignored (unique on transaction hash and log index)",
      registers: [registry],
    }),
    lastPoll: new Gauge({
      name: "zkvm_relay_last_poll_timestamp_seconds",
      help: "When the event poll last succeeded",
      registers: [registry],
    }),
    lag: new Gauge({
      name: "zkvm_relay_event_lag_blocks",
      help: "Blocks between the chain head and the last ingested block",
      registers: [registry],
    }),
    proverQueue: new Gauge({
      name: "zkvm_relay_prover_queue_depth",
      help: "Proving jobs waiting or running",
      registers: [registry],
    }),
    signerBalance: new Gauge({
      name: "zkvm_relay_signer_balance_ether",
      help: "Balance of the relay's signer (pays for fulfilments)",
      registers: [registry],
    }),
    devMode: new Gauge({
      name: "zkvm_relay_dev_mode",
      help: "1 when the relay delivers dev-mode (mock) seals that prove nothing",
      registers: [registry],
    }),
  };
  for (const s of REQUEST_STATES) m.requests.set({ state: s }, 0);
  return m;
}

export type RelayMetrics = ReturnType<typeof createRelayMetrics>;
