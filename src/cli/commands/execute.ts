import { bytesToHex } from "@noble/hashes/utils.js";
import type { Command } from "commander";
import { DEFAULT_CYCLE_LIMIT } from "../../zkvm/executor.ts";
import { executeSession } from "../../zkvm/session.ts";
import { CliError } from "../errors.ts";
import { EXIT } from "../exit-codes.ts";
import { openInputArg, readElfArg, writeOutputFile } from "../io.ts";
import { positiveInt } from "../options.ts";

/**
 * `zkvm execute <elf>`: runs a guest (no proof) and prints its exit code, cycles, journal and claim. Exits
 * with code 3 when the guest exits with a non-zero code (after printing), so scripts notice.
 */
export function register(program: Command): void {
  program
    .command("execute")
    .description("run a guest ELF without proving; print exit code, cycles, journal and claim digest")
    .argument("<elf>", "guest ELF (RV32IM)")
    .option(
      "--input <file|0xhex>",
      "the guest's input: a file (read as the guest consumes it) or 0x-prefixed hex",
    )
    .option("--journal <out>", "also write the journal bytes to this file")
    .option(
      "--cycle-limit <n>",
      `stop after this many cycles (default ${DEFAULT_CYCLE_LIMIT})`,
      positiveInt("--cycle-limit"),
    )
    .option("--json", "print the result as one JSON object")
    .action(
      (elfPath: string, opts: { input?: string; journal?: string; cycleLimit?: number; json?: boolean }) => {
        const elf = readElfArg(elfPath);
        const input = openInputArg(opts.input);
        let session: ReturnType<typeof executeSession>;
        try {
          session = executeSession(elf, {
            input: input.input,
            cycleLimit: opts.cycleLimit,
            // Guest stdout/stderr pass through (stdout goes to stderr under --json to keep the JSON clean).
            onStdout: (b) => (opts.json ? process.stderr : process.stdout).write(b),
            onStderr: (b) => process.stderr.write(b),
          });
        } finally {
          input.close();
        }
        if (opts.journal) writeOutputFile(opts.journal, session.journal, "the journal");
        const failed = () =>
          new CliError(`the guest exited with code ${session.exitCode} (0 is success)`, EXIT.GUEST_EXIT);
        const text = printable(session.journal);
        if (opts.json) {
          console.log(
            JSON.stringify({
              exitCode: session.exitCode,
              cycles: session.cycles,
              journal: `0x${bytesToHex(session.journal)}`,
              journalText: text,
              journalDigest: `0x${bytesToHex(session.journalDigest)}`,
              imageId: `0x${bytesToHex(session.imageId)}`,
              claimDigest: `0x${bytesToHex(session.claimDigest)}`,
            }),
          );
          if (session.exitCode !== 0) throw failed();
          return;
        }
        console.log(`exit code:      ${session.exitCode}`);
        console.log(`cycles:         ${session.cycles}`);
        console.log(`journal:        0x${bytesToHex(session.journal)} (${session.journal.length} bytes)`);
        if (text !== null) console.log(`journal (text): ${JSON.stringify(text)}`);
        console.log(`journal digest: 0x${bytesToHex(session.journalDigest)}`);
        console.log(`image id:       0x${bytesToHex(session.imageId)}`);
        console.log(`claim digest:   0x${bytesToHex(session.claimDigest)}`);
        if (opts.journal) console.log(`journal written to ${opts.journal}`);
        if (session.exitCode !== 0) throw failed();
      },
    );
}

/** The journal as text when it is non-empty, valid UTF-8 and has no control characters besides whitespace. */
export function printable(bytes: Uint8Array): string | null {
  if (bytes.length === 0) return null;
  let s: string;
  try {
    s = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we reject
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s) ? null : s;
}
