import { bytesToHex } from "@noble/hashes/utils.js";
import type { Command } from "commander";
import { encodeReceipt, receiptSeal } from "../../receipt/receipt.ts";
import { prove } from "../../zkvm/prove.ts";
import { CliError } from "../errors.ts";
import { EXIT } from "../exit-codes.ts";
import { openInputArg, readElfArg, writeOutputFile } from "../io.ts";
import { positiveInt } from "../options.ts";

/**
 * `zkvm prove <elf>`: proves an execution and writes the receipt (JSON, docs/receipts.md). Until the RV32IM
 * prover lands only dev mode answers: a fake receipt whose seal is the mock seal, announced on stderr.
 * Exits with code 3 (after writing the receipt, whose claim records the exit code) when the guest exits
 * with a non-zero code.
 */
export function register(program: Command): void {
  program
    .command("prove")
    .description(
      "prove a guest execution and write its receipt (today dev mode only: a FAKE receipt with a mock seal, which proves nothing)",
    )
    .argument("<elf>", "guest ELF (RV32IM)")
    .option(
      "--input <file|0xhex>",
      "the guest's input: a file (read as the guest consumes it) or 0x-prefixed hex",
    )
    .option("--dev", "dev mode: execute only and write a fake receipt (same as ZKVM_DEV_MODE=1)")
    .option("-o, --out <file>", "write the receipt (JSON) to this file instead of stdout")
    .option("--cycle-limit <n>", "stop after this many cycles", positiveInt("--cycle-limit"))
    .action((elfPath: string, opts: { input?: string; dev?: boolean; out?: string; cycleLimit?: number }) => {
      const elf = readElfArg(elfPath);
      const input = openInputArg(opts.input);
      let result: ReturnType<typeof prove>;
      try {
        result = prove(elf, {
          dev: opts.dev ? true : undefined,
          input: input.input,
          cycleLimit: opts.cycleLimit,
          onStdout: (b) => process.stderr.write(b),
          onStderr: (b) => process.stderr.write(b),
          warn: (m) => console.error(m),
        });
      } finally {
        input.close();
      }
      const { receipt, session } = result;
      const json = encodeReceipt(receipt);
      if (opts.out) {
        writeOutputFile(opts.out, `${json}\n`, "the receipt");
        const seal = `0x${bytesToHex(receiptSeal(receipt))}`;
        console.error(
          [
            `receipt (${receipt.kind}) written to ${opts.out}`,
            `  exit code     ${session.exitCode}, ${session.cycles} cycles`,
            `  image id      0x${bytesToHex(session.imageId)}`,
            `  journal       0x${bytesToHex(session.journal)}`,
            `  claim digest  0x${bytesToHex(session.claimDigest)}`,
            `  seal          ${seal}${receipt.kind === "fake" ? " (mock: only MockReceiptVerifier accepts it)" : ""}`,
          ].join("\n"),
        );
      } else {
        console.log(json);
      }
      if (session.exitCode !== 0) {
        throw new CliError(
          `the guest exited with code ${session.exitCode}: the receipt's claim records it, and verifiers accept only exit code 0`,
          EXIT.GUEST_EXIT,
        );
      }
    });
}
