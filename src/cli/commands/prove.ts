import { existsSync } from "node:fs";
import { bytesToHex } from "@noble/hashes/utils.js";
import type { Command } from "commander";
import { DEFAULT_SEGMENT_CYCLES, DEFAULT_SEGMENT_PO2, type ProveProgress } from "../../machine/prove.ts";
import { MAX_SEGMENT_PO2, MIN_SEGMENT_PO2 } from "../../machine/shapes.ts";
import { MAX_SEGMENT_CYCLES } from "../../machine/statement.ts";
import { receiptClaimDigest } from "../../receipt/claim.ts";
import { devModeEnabled } from "../../receipt/fake-receipt.ts";
import { proveReceipt } from "../../receipt/prove.ts";
import { encodeReceipt, receiptClaim } from "../../receipt/receipt.ts";
import { encodeReceipt as encodeBinaryReceipt } from "../../receipt/receipt-codec.ts";
import { CliError, usageError } from "../errors.ts";
import { EXIT } from "../exit-codes.ts";
import { openInputArg, readElfArg, writeOutputFile } from "../io.ts";
import { positiveInt } from "../options.ts";
import {
  CACHE_DIR_OPTION,
  NO_CACHE_OPTION,
  type ReleaseCacheCliOptions,
  releaseCacheOptions,
} from "../release-cache.ts";

/**
 * `zkvm prove <elf>`: proves an execution with the STARK prover and writes a real (composite) receipt,
 * reporting progress on stderr. `--dev` (or ZKVM_DEV_MODE=1) only executes and writes a fake receipt.
 * Exits with code 3 (after writing the receipt, whose claim records the exit code) when the guest exits
 * with a non-zero code.
 */
interface ProveCliOptions {
  input?: string;
  dev?: boolean;
  out?: string;
  cycleLimit?: number;
  segmentCycles?: number;
  segmentPo2?: number;
  json?: boolean;
  succinct?: boolean;
  groth16?: string;
}

type ProveOptions = ProveCliOptions & ReleaseCacheCliOptions;

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
    .option(
      "--input <file|0xhex>",
      "the guest's input: a file (read as the guest consumes it) or 0x-prefixed hex",
    )
    .option("--dev", "dev mode: execute only and write a fake receipt (same as ZKVM_DEV_MODE=1)")
    .option(
      "-o, --out <file>",
      "write the receipt to this file (binary for a real receipt; JSON with --json) instead of stdout (JSON)",
    )
    .option("--json", "write the receipt as JSON")
    .option(
      "--succinct",
      "lift and join the segment proofs into one succinct receipt (recursion; the release's programs are built first: a few minutes the first time, seconds once cached, see --cache-dir)",
    )
    .option(
      "--groth16 <wrap.zkey>",
      "compress the succinct receipt into a Groth16 receipt (260-byte seal) with this wrap key (`zkvm groth16 wrap-circuit` + `zkvm groth16 setup`; minutes)",
    )
    .option("--cycle-limit <n>", "stop after this many cycles", positiveInt("--cycle-limit"))
    .option(
      "--segment-cycles <n>",
      `cycles per segment proof (default ${DEFAULT_SEGMENT_CYCLES}, at most ${MAX_SEGMENT_CYCLES})`,
      positiveInt("--segment-cycles"),
    )
    .option(
      "--segment-po2 <k>",
      `largest segment shape, ${MIN_SEGMENT_PO2}–${MAX_SEGMENT_PO2} (default ${DEFAULT_SEGMENT_PO2}): segments end before a table of that shape would overflow, and each is proven at the smallest shape it fits`,
      positiveInt("--segment-po2"),
    )
    .option(...CACHE_DIR_OPTION)
    .option(...NO_CACHE_OPTION)
    .action(async (elfPath: string, opts: ProveOptions) => {
      const elf = readElfArg(elfPath);
      if (opts.segmentCycles !== undefined && opts.segmentCycles > MAX_SEGMENT_CYCLES)
        throw usageError(`--segment-cycles must be at most ${MAX_SEGMENT_CYCLES}`);
      if (
        opts.segmentPo2 !== undefined &&
        !(opts.segmentPo2 >= MIN_SEGMENT_PO2 && opts.segmentPo2 <= MAX_SEGMENT_PO2)
      )
        throw usageError(`--segment-po2 must be in [${MIN_SEGMENT_PO2}, ${MAX_SEGMENT_PO2}]`);
      const dev = opts.dev ? true : undefined;
      if (opts.groth16 !== undefined && !existsSync(opts.groth16))
        throw usageError(
          `--groth16 ${opts.groth16}: no such proving key (make one with zkvm groth16 wrap-circuit and zkvm groth16 setup)`,
        );
      const succinct = opts.succinct || opts.groth16 !== undefined;
      if (!(dev ?? devModeEnabled())) {
        if (succinct)
          console.error(
            "succinct receipt: after the segment proofs, the recursion release's programs are built (about 3 minutes on 2 cores the first time, seconds once cached), then the lifts and joins are proven",
          );
        console.error("executing…");
      }
      const cache = releaseCacheOptions(opts);
      const input = openInputArg(opts.input);
      let result: ReturnType<typeof proveReceipt>;
      try {
        result = proveReceipt(elf, {
          dev,
          input: input.input,
          cycleLimit: opts.cycleLimit,
          segmentCycles: opts.segmentCycles,
          segmentPo2: opts.segmentPo2,
          onStdout: (b) => process.stderr.write(b),
          onStderr: (b) => process.stderr.write(b),
          warn: (m) => console.error(m),
          onProgress: progressReporter(),
          receiptKind: succinct ? "succinct" : "composite",
          releaseCache: cache,
          onRecursion: (step) =>
            console.error(
              step.kind === "lift"
                ? `recursion: lift ${step.index + 1}/${step.total}…`
                : `recursion: join ${step.index + 1}/${step.total}…`,
            ),
        });
      } finally {
        input.close();
      }
      const { session } = result;
      let receipt = result.receipt;
      if (opts.groth16 !== undefined && receipt.kind === "succinct") {
        const { wrapReleaseProgram } = await import("../../groth16/wrap/release.ts");
        const { compressReceipt } = await import("../../receipt/compress.ts");
        const { releaseProverThreads } = await import("../../groth16/prove.ts");
        console.error("compression: building the BN254 step of the release…");
        try {
          receipt = await compressReceipt(
            receipt,
            { p254: wrapReleaseProgram(cache), zkeyPath: opts.groth16 },
            {
              onStage: (stage) => console.error(`compression: ${stage}…`),
              onGroth16Phase: (phase, seconds) =>
                console.error(`compression: Groth16 ${phase} done (${seconds.toFixed(1)} s)`),
            },
          );
        } finally {
          await releaseProverThreads();
        }
      }
      const binary = opts.out !== undefined && !opts.json;
      const summary = [
        `receipt (${receipt.kind}${receipt.kind === "fake" ? ": proves nothing, accepted only in dev mode" : ""})`,
        `  exit code     ${session.exitCode}, ${session.cycles} cycles`,
        `  image id      0x${bytesToHex(session.imageId)}`,
        `  journal       0x${bytesToHex(session.journal)}`,
        `  claim digest  0x${bytesToHex(receiptClaimDigest(receiptClaim(receipt)))}`,
      ];
      if (receipt.kind === "groth16") summary.push(`  seal          0x${bytesToHex(receipt.seal)}`);
      if (opts.out) {
        if (binary && receipt.kind === "composite")
          writeOutputFile(opts.out, encodeBinaryReceipt(receipt), "the receipt");
        else writeOutputFile(opts.out, `${encodeReceipt(receipt)}\n`, "the receipt");
        summary[0] += ` written to ${opts.out}`;
      } else console.log(encodeReceipt(receipt));
      console.error(summary.join("\n"));
      if (session.exitCode !== 0) {
        throw new CliError(
          `the guest exited with code ${session.exitCode}: the receipt's claim records it, and verifiers accept only exit code 0`,
          EXIT.GUEST_EXIT,
        );
      }
    });
}
