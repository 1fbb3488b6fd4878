import { writeFileSync } from "node:fs";
import { bytesToHex } from "@noble/hashes/utils.js";
import type { Command } from "commander";
import { DEFAULT_SEGMENT_CYCLES, type ProveProgress } from "../../machine/prove.ts";
import { MAX_SEGMENT_CYCLES } from "../../machine/statement.ts";
import { receiptClaimDigest } from "../../receipt/claim.ts";
import { devModeEnabled, encodeFakeReceipt } from "../../receipt/fake-receipt.ts";
import { proveReceipt } from "../../receipt/prove.ts";
import { encodeReceipt, encodeReceiptJson } from "../../receipt/receipt-codec.ts";
import { CliError } from "../errors.ts";
import { positiveInt, readElfArg, readInputArg } from "./elf-input.ts";

/**
 * `zkvm prove <elf>`: proves an execution with the STARK prover and writes a real (composite) receipt,
 * reporting progress on stderr. `--dev` (or ZKVM_DEV_MODE=1) only executes and writes a fake receipt.
 */
interface ProveCliOptions {
  input?: string;
  dev?: boolean;
  out?: string;
  cycleLimit?: number;
  segmentCycles?: number;
  json?: boolean;
}

function progressReporter(): (p: ProveProgress) => void {
  const start = performance.now();
  let done = 0;
  let total = 0;
  const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return (p) => {
    if (p.stage === "executed") {
      total = p.segments;
      console.error(
        `executed ${p.cycles} cycles: ${p.segments} segment${p.segments === 1 ? "" : "s"} to prove`,
      );
      return;
    }
    if (p.phase === "done") {
      done++;
      const elapsed = performance.now() - start;
      const eta = done < total ? `, about ${secs((elapsed / done) * (total - done))} left` : "";
      console.error(`segment ${p.index + 1}/${p.segments}: proven in ${secs(p.elapsedMs)}${eta}`);
    } else
      console.error(
        `segment ${p.index + 1}/${p.segments}: ${p.phase === "witness" ? "building the trace" : "proving"}…`,
      );
  };
}

export function register(program: Command): void {
  program
    .command("prove")
    .description("prove a guest execution and write its receipt (--dev: execute only, FAKE receipt)")
    .argument("<elf>", "guest ELF (RV32IM)")
    .option("--input <file|0xhex>", "input bytes the guest reads with zkvm_read: a file or 0x-prefixed hex")
    .option("--dev", "dev mode: execute only and write a fake receipt (same as ZKVM_DEV_MODE=1)")
    .option(
      "-o, --out <file>",
      "write the receipt to this file (binary; JSON with --json) instead of stdout (JSON)",
    )
    .option("--json", "write the receipt as JSON")
    .option("--cycle-limit <n>", "stop after this many cycles", positiveInt("--cycle-limit"))
    .option(
      "--segment-cycles <n>",
      `cycles per segment proof (default ${DEFAULT_SEGMENT_CYCLES}, at most ${MAX_SEGMENT_CYCLES})`,
      positiveInt("--segment-cycles"),
    )
    .action((elfPath: string, opts: ProveCliOptions) => {
      const elf = readElfArg(elfPath);
      if (opts.segmentCycles !== undefined && opts.segmentCycles > MAX_SEGMENT_CYCLES)
        throw new CliError(`--segment-cycles must be at most ${MAX_SEGMENT_CYCLES}`, 2);
      const dev = opts.dev ? true : undefined;
      if (!(dev ?? devModeEnabled())) console.error("executing…");
      const { receipt, session } = proveReceipt(elf, {
        dev,
        input: readInputArg(opts.input),
        cycleLimit: opts.cycleLimit,
        segmentCycles: opts.segmentCycles,
        onStdout: (b) => process.stderr.write(b),
        onStderr: (b) => process.stderr.write(b),
        warn: (m) => console.error(m),
        onProgress: progressReporter(),
      });
      let bytes: Uint8Array | string;
      if (receipt.kind === "fake") bytes = encodeFakeReceipt(receipt);
      else bytes = opts.out && !opts.json ? encodeReceipt(receipt) : encodeReceiptJson(receipt);
      const summary =
        `exit code ${session.exitCode}, ${session.cycles} cycles; claim digest ` +
        `${bytesToHex(receiptClaimDigest(session.claim))}`;
      if (opts.out) {
        writeFileSync(opts.out, typeof bytes === "string" ? `${bytes}\n` : bytes);
        console.error(`${summary}; receipt written to ${opts.out}`);
      } else {
        console.log(bytes);
        console.error(summary);
      }
    });
}
