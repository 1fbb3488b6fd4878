import { writeFileSync } from "node:fs";
import { bytesToHex } from "@noble/hashes/utils.js";
import type { Command } from "commander";
import { receiptClaimDigest } from "../../receipt/claim.ts";
import { encodeFakeReceipt } from "../../receipt/fake-receipt.ts";
import { prove } from "../../zkvm/prove.ts";
import { positiveInt, readElfArg, readInputArg } from "./elf-input.ts";

/**
 * `zkvm prove <elf>`: proves an execution. Until the RV32IM AIR lands only dev mode can answer (a fake
 * receipt, announced on stderr); without it the command fails and says how to get one.
 */
export function register(program: Command): void {
  program
    .command("prove")
    .description("prove a guest execution (today: dev mode only, which writes a FAKE receipt with no seal)")
    .argument("<elf>", "guest ELF (RV32IM)")
    .option("--input <file|0xhex>", "input bytes the guest reads with zkvm_read: a file or 0x-prefixed hex")
    .option("--dev", "dev mode: execute only and write a fake receipt (same as ZKVM_DEV_MODE=1)")
    .option("-o, --out <file>", "write the receipt (JSON) to this file instead of stdout")
    .option("--cycle-limit <n>", "stop after this many cycles", positiveInt("--cycle-limit"))
    .action((elfPath: string, opts: { input?: string; dev?: boolean; out?: string; cycleLimit?: number }) => {
      const { receipt, session } = prove(readElfArg(elfPath), {
        dev: opts.dev ? true : undefined,
        input: readInputArg(opts.input),
        cycleLimit: opts.cycleLimit,
        onStdout: (b) => process.stderr.write(b),
        onStderr: (b) => process.stderr.write(b),
        warn: (m) => console.error(m),
      });
      const json = encodeFakeReceipt(receipt);
      if (opts.out) {
        writeFileSync(opts.out, `${json}\n`);
        console.error(
          `exit code ${session.exitCode}, ${session.cycles} cycles; claim digest ` +
            `${bytesToHex(receiptClaimDigest(receipt.claim))}; receipt written to ${opts.out}`,
        );
      } else {
        console.log(json);
      }
    });
}
