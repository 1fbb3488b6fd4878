import type { Command } from "commander";
import { DEFAULT_MAX_CALLBACK_GAS, DEFAULT_MAX_INLINE_INPUT_BYTES } from "../../relay/limits.ts";
import { PRIVATE_KEY_ENV } from "../key.ts";

/**
 * `zkvm relay start --config relay.json` runs the relay service (chain watcher, provers, submitter, HTTP API
 * with /health and /metrics); `zkvm relay worker` runs BullMQ proving workers for a relay configured with
 * `prover.kind = "bullmq"`, on this or any other machine.
 */
export function register(program: Command): void {
  const relay = program
    .command("relay")
    .description("run the relay: proof requests from contracts → proofs → callbacks");
  relay
    .command("start")
    .description("start the relay service (JSON logs on stdout)")
    .requiredOption("--config <file>", "relay configuration (JSON); see docs/relay.md")
    .action(async (opts: { config: string }) => {
      const { runRelayStart } = await import("./relay-run.ts");
      await runRelayStart(opts);
    });
  relay
    .command("deploy")
    .description("deploy a ZkvmRelay that verifies through a router (see zkvm deploy); prints its address")
    .requiredOption("--rpc <url>", "JSON-RPC endpoint of the chain")
    .requiredOption(
      "--router <address>",
      "the ReceiptVerifierRouter (or any IReceiptVerifier) to verify seals with",
    )
    .option(
      "--max-callback-gas <gas>",
      "largest callback gas limit a request may ask for",
      String(DEFAULT_MAX_CALLBACK_GAS),
    )
    .option("--max-inline-input <bytes>", "largest inline input", String(DEFAULT_MAX_INLINE_INPUT_BYTES))
    .addHelpText("after", `\nThe deployer key is read from $${PRIVATE_KEY_ENV}.`)
    .action(async (opts: { rpc: string; router: string; maxCallbackGas: string; maxInlineInput: string }) => {
      const { runRelayDeploy } = await import("./relay-run.ts");
      await runRelayDeploy(opts);
    });
  relay
    .command("worker")
    .description("run BullMQ proving workers (sandboxed processes) for a relay queue")
    .requiredOption("--redis <url>", "Redis URL, e.g. redis://127.0.0.1:6379")
    .option("--queue <name>", "queue name (the relay's prover.queue)", "zkvm-proofs")
    .option("--concurrency <n>", "parallel proving processes", "1")
    .option("--lock-ms <ms>", "job lock duration (renewed every half of it while proving)", "60000")
    .option(
      "--groth16-key <wrap.zkey>",
      "the wrap circuit's proving key on this machine (default: the path in the relay's prover.groth16Key)",
    )
    .action(
      async (opts: {
        redis: string;
        queue: string;
        concurrency: string;
        lockMs: string;
        groth16Key?: string;
      }) => {
        const { runRelayWorker } = await import("./relay-run.ts");
        await runRelayWorker(opts);
      },
    );
}
