/**
 * `npm run bench -- prove [log2 cycles …] [--segment-po2 k]`: proves sessions of the loop-heavy guest
 * (guests/bench/loop.elf) of about 2^n cycles each (default 16 18 20) with the machine's 100-bit
 * configuration, segments of at most po2 k (default 19, so that 2^20 is multi-segment; each segment is
 * proven at the smallest published segment shape it fits, docs/machine.md "Segment shapes"). Per size: proving
 * throughput (cycles/s, wall), peak memory per cycle, receipt bytes per segment, verification time per
 * segment (in a fresh process, bench/verify-segments.ts: the median of nine per segment after warm-up, and the process's
 * first verification as `firstVerifyMs`), and the split (trace generation, LDE, hashing, quotient, FRI…). Last line: JSON.
 *
 * `--blowup4` proves with CONFIG_BLOWUP_4 instead (42 queries, LogUp batches of four): smaller receipts for
 * larger LDEs. Do not run the long sizes while other work shares the machine; `npm run bench -- prove 12`
 * checks it runs.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { machineFor } from "../src/machine/air.ts";
import { proveSession } from "../src/machine/prove.ts";
import { MACHINE_CONFIG } from "../src/machine/verify.ts";
import { encodeReceipt } from "../src/receipt/receipt-codec.ts";
import { CONFIG_BLOWUP_4 } from "../src/stark/config.ts";
import { execute } from "../src/zkvm/executor.ts";
import { loadProgram } from "../src/zkvm/program.ts";
import { report } from "./util.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const po2Flag = args.indexOf("--segment-po2");
const segmentPo2 = po2Flag >= 0 ? Number(args.splice(po2Flag, 2)[1]) : 19;
const blowupFlag = args.indexOf("--blowup4");
if (blowupFlag >= 0) args.splice(blowupFlag, 1);
// --blowup4: CONFIG_BLOWUP_4 (42 queries, LogUp batches of four): smaller receipts, larger LDEs.
const config = blowupFlag >= 0 ? CONFIG_BLOWUP_4 : MACHINE_CONFIG;
const sizes = args.length > 0 ? args.map(Number) : [16, 18, 20];
const program = loadProgram(readFileSync(join(root, "guests/bench/loop.elf")));
const inputFor = (n: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
};
// Cycles per loop iteration and fixed overhead, to size the input for a target cycle count.
const c1 = execute(program, { input: inputFor(1000) }).cycles;
const c2 = execute(program, { input: inputFor(2000) }).cycles;
const perIteration = (c2 - c1) / 1000;
const fixed = c1 - 1000 * perIteration;
machineFor(config); // build the AIR outside the timings

const results: Record<string, unknown>[] = [];
for (const logCycles of sizes) {
  const iterations = Math.max(1, Math.floor((2 ** logCycles - fixed) / perIteration));
  const timings: Record<string, number> = {};
  const t = performance.now();
  const s = proveSession(program, {
    input: inputFor(iterations),
    segmentPo2,
    timings,
    config,
  });
  const proveMs = performance.now() - t;
  const maxRssBytes = process.resourceUsage().maxRSS * 1024;
  // Verification in a fresh process (bench/verify-segments.ts): a verifier's heap, not the one this prover
  // has just filled, whose garbage collection would be charged to the verifier.
  const dir = mkdtempSync(join(tmpdir(), "zkvm-prove-bench-"));
  const receiptPath = join(dir, "receipt.bin");
  writeFileSync(
    receiptPath,
    encodeReceipt({
      kind: "composite",
      config,
      journal: s.result.journal,
      segments: s.segments.map((x) => ({
        kind: "segment",
        index: x.index,
        statement: x.statement,
        seal: x.seal,
      })),
    }),
  );
  const child = spawnSync(process.execPath, [join(root, "bench/verify-segments.ts"), receiptPath], {
    encoding: "utf8",
  });
  rmSync(dir, { recursive: true, force: true });
  if (child.status !== 0) throw new Error(`bench/verify-segments.ts failed: ${child.stderr}`);
  const verified = JSON.parse(child.stdout.trim().split("\n").at(-1)!);
  const cycles = s.result.cycles;
  const largestSegment = Math.max(...s.segments.map((x) => x.statement.post.cycles - x.statement.pre.cycles));
  const figures = {
    logCycles,
    cycles,
    segments: s.segments.length,
    po2s: s.segments.map((x) => x.po2),
    proveSeconds: Number((proveMs / 1000).toFixed(2)),
    cyclesPerSecond: Math.round(cycles / (proveMs / 1000)),
    peakRssMiB: Math.round(maxRssBytes / 2 ** 20),
    peakBytesPerCycle: Math.round(maxRssBytes / largestSegment),
    receiptBytesPerSegment: Math.round(s.segments.reduce((n, x) => n + x.seal.length, 0) / s.segments.length),
    verifyMsPerSegment: verified.meanOfMediansMs,
    firstVerifyMs: verified.firstMs,
    splitMs: Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v)])),
  };
  console.log(
    `2^${logCycles}: ${cycles} cycles in ${s.segments.length} segment(s), proven in ${figures.proveSeconds} s ` +
      `(${figures.cyclesPerSecond} cycles/s), peak RSS ${figures.peakRssMiB} MiB (${figures.peakBytesPerCycle} B/cycle ` +
      `of the largest segment), ${figures.receiptBytesPerSegment} B per segment receipt, verified in ` +
      `${figures.verifyMsPerSegment} ms per segment in a fresh process (first ${figures.firstVerifyMs} ms); split ${JSON.stringify(figures.splitMs)}`,
  );
  results.push(figures);
}
report("prove", { config, segmentPo2, results });
