/**
 * `npm run bench -- executor [iterations]`: execute-only and recording speed of the RV32IM executor on a
 * loop-heavy guest (guests/bench/loop.elf), plus the example guests' ImageID time. Last line: JSON.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { execute } from "../src/zkvm/executor.ts";
import { computeImageId } from "../src/zkvm/image-id.ts";
import { loadProgram } from "../src/zkvm/program.ts";
import { executeRecording } from "../src/zkvm/recorder.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const iterations = Number(process.argv[2] ?? 2_000_000);
const input = new Uint8Array(4);
new DataView(input.buffer).setUint32(0, iterations, true);
const program = loadProgram(readFileSync(join(root, "guests/bench/loop.elf")));

function best(label: string, runs: number, f: () => { cycles: number }) {
  let bestRate = 0;
  let cycles = 0;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    cycles = f().cycles;
    const rate = cycles / ((performance.now() - t) / 1000);
    bestRate = Math.max(bestRate, rate);
  }
  console.log(`${label}: ${cycles} cycles, best ${(bestRate / 1e6).toFixed(1)} M cycles/s over ${runs} runs`);
  return { cycles, rate: bestRate };
}

best("warm-up", 2, () => execute(program, { input }));
const fast = best("execute-only", 5, () => execute(program, { input }));
const smallInput = new Uint8Array(4);
new DataView(smallInput.buffer).setUint32(0, Math.floor(iterations / 4), true);
best("warm-up", 1, () => executeRecording(program, { input: smallInput }));
const rec = best("recording", 3, () => executeRecording(program, { input: smallInput }));

const t = performance.now();
const elf = readFileSync(join(root, "guests/examples/sort.elf"));
const sortProgram = loadProgram(elf);
computeImageId(sortProgram);
const imageIdMs = performance.now() - t;
console.log(
  `load + ImageID of sort.elf (${sortProgram.segments.length} segments): ${imageIdMs.toFixed(1)} ms`,
);

console.log(
  JSON.stringify({
    bench: "executor",
    executeCycles: fast.cycles,
    executeMCyclesPerSec: Number((fast.rate / 1e6).toFixed(1)),
    recordCycles: rec.cycles,
    recordMCyclesPerSec: Number((rec.rate / 1e6).toFixed(1)),
    imageIdSortMs: Number(imageIdMs.toFixed(1)),
  }),
);
