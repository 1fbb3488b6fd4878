/**
 * `npm run bench -- recursion [--blowup4] [--segment-po2 k] [--published] [--sha bytes]`: a real session
 * proven with the machine's 100-bit configuration in segments of 2^k cycles (default 14), then made
 * succinct: one lift per segment and joins, then `identity` of the result, under the recursion
 * configuration (RECURSION_CONFIG, blowup 8; `--blowup4`: CONFIG_BLOWUP_4 for comparison). The guest is
 * hello (30,076 cycles), or with `--sha n` the sha guest hashing n bytes. The release is by default one built for the session's segment shapes;
 * `--published` proves with the published release (RECURSION_RELEASE: its larger shape holds the lifts of
 * every segment po2, as users prove; built or read from the release cache first, not timed as proving).
 * Reports per program: instructions per chip next to the shape's rows and the counting backend's operations
 * by kind (bench/recursion-counts.ts), proving time, proof bytes; the
 * succinct receipt's verification time (the first call, the median of 20 more in the same process, and
 * the same in a fresh process: bench/verify-succinct.ts); the process's peak memory. Last line: JSON.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { machine } from "../src/machine/air.ts";
import { proveSession } from "../src/machine/prove.ts";
import { MACHINE_CONFIG } from "../src/machine/verify.ts";
import { encodeReceipt } from "../src/receipt/receipt.ts";
import { verifySuccinct } from "../src/receipt/succinct-receipt.ts";
import { chipRows, chipsOfShape } from "../src/recursion/air.ts";
import { RECURSION_CONFIG } from "../src/recursion/config.ts";
import { recursionReleaseSystem } from "../src/recursion/release-system.ts";
import {
  controlInclusionOf,
  innerHints,
  proveProgram,
  proveSuccinct,
  recursionSystem,
} from "../src/recursion/system.ts";
import { CONFIG_BLOWUP_4 } from "../src/stark/config.ts";
import { poseidon2Hash } from "../src/stark/poseidon2-hash.ts";
import { decodeProof } from "../src/stark/proof-codec.ts";
import { computeImageId } from "../src/zkvm/image-id.ts";
import { loadProgram } from "../src/zkvm/program.ts";
import { verifierCounts } from "./recursion-counts.ts";
import { report } from "./util.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const po2Flag = args.indexOf("--segment-po2");
const segmentPo2 = po2Flag >= 0 ? Number(args.splice(po2Flag, 2)[1]) : 14;
const published = args.includes("--published");
const shaFlag = args.indexOf("--sha");
const shaBytes = shaFlag >= 0 ? Number(args[shaFlag + 1]) : 0;
if (published && args.includes("--blowup4"))
  throw new Error("--published proves under the published RECURSION_CONFIG: drop --blowup4");
const config = args.includes("--blowup4") ? CONFIG_BLOWUP_4 : RECURSION_CONFIG;
const elf = new Uint8Array(
  readFileSync(join(root, shaBytes > 0 ? "guests/examples/sha.elf" : "guests/examples/hello.elf")),
);
const input =
  shaBytes > 0
    ? Uint8Array.from({ length: shaBytes }, (_, i) => (i * 131 + 7) & 0xff)
    : Uint8Array.of(7, 0, 0, 0, 9, 0, 0, 0);
const secs = (ms: number) => Math.round(ms) / 1000;

let t = performance.now();
const session = proveSession(elf, { input, config: MACHINE_CONFIG, segmentCycles: 2 ** segmentPo2 });
const sessionMs = performance.now() - t;
console.log(
  `session: ${session.result.cycles} cycles, ${session.segments.length} segments, ${secs(sessionMs)} s`,
);

t = performance.now();
const heights = session.segments.map(
  (s) => decodeProof(s.seal, machine().air, MACHINE_CONFIG, poseidon2Hash).logHeights,
);
const sys = published ? recursionReleaseSystem() : recursionSystem(MACHINE_CONFIG, config, heights);
const systemMs = performance.now() - t;
const liftKey = heights[0]!.join(",");
const lift = [...sys.lifts.entries()].find(([k]) => k === liftKey)?.[1] ?? [...sys.lifts.values()][0]!;
console.log(
  `release (${published ? "published" : "built for this session"}): ${sys.tree.ids.length} programs in ` +
    `${secs(systemMs)} s; lift ${lift.program.instructions.length} instructions, join ${sys.join.program.instructions.length}`,
);
/** Instructions per chip of a program, next to the rows the shape gives that chip. */
const perChip = (program: typeof lift.program) =>
  Object.fromEntries(
    [...chipRows(program, chipsOfShape(sys.shape))].map(([chip, rows]) => [
      chip.name,
      { instructions: rows.length, rows: 2 ** sys.shape[chip.name]! },
    ]),
  );
const liftChips = perChip(lift.program);
const joinChips = perChip(sys.join.program);
for (const [name, { rows }] of Object.entries(liftChips))
  console.log(
    `  ${name.padEnd(18)} 2^${Math.log2(rows)} rows; lift ${liftChips[name]!.instructions}, join ${joinChips[name]!.instructions} instructions`,
  );

// The cost model (the counting backend's operations by kind) next to the instructions above.
const verifierOps = verifierCounts(sys, heights[0]!);
for (const [program, counted] of Object.entries(verifierOps))
  console.log(`  ${program} verifier, counted: ${JSON.stringify(counted)}`);

// proveSuccinct reports each step before it runs: a step ends where the next one (or the whole) does.
const steps: { kind: "lift" | "join"; ms: number }[] = [];
let open: { kind: "lift" | "join"; start: number } | undefined;
const close = () => {
  if (!open) return;
  const ms = performance.now() - open.start;
  console.log(`${open.kind}: ${secs(ms)} s`);
  steps.push({ kind: open.kind, ms });
};
const final = proveSuccinct(sys, session.segments, (step) => {
  close();
  open = { kind: step.kind, start: performance.now() };
});
close();
const lifts = steps.filter((s) => s.kind === "lift");
const joinMs = steps.filter((s) => s.kind === "join").map((s) => s.ms);
const receipt = {
  kind: "succinct" as const,
  journal: session.result.journal,
  seal: final.proof,
  publics: final.publics,
  preprocessedRoot: final.program.preprocessedRoot,
  inclusion: controlInclusionOf(sys, final.program.controlId),
};
const release = { shape: sys.shape, config, controlRoot: sys.tree.root };
const imageId = computeImageId(loadProgram(elf));
t = performance.now();
verifySuccinct(receipt, imageId, session.result.journal, release);
const verifyMs = performance.now() - t;
console.log(`succinct receipt: ${final.proof.length} bytes, verified in ${Math.round(verifyMs)} ms`);
// Repeated verification in this process (after the first call, or after proving a join, which builds the
// recursion AIR template too), then in a fresh process, which pays the one-time costs apart
// (bench/verify-succinct.ts).
const repeats: number[] = [];
for (let i = 0; i < 20; i++) {
  t = performance.now();
  verifySuccinct(receipt, imageId, session.result.journal, release);
  repeats.push(performance.now() - t);
}
const steadyMs = [...repeats].sort((a, b) => a - b)[repeats.length >> 1]!;
console.log(`repeated verification: median ${Math.round(steadyMs)} ms over ${repeats.length} calls`);
const dir = mkdtempSync(join(tmpdir(), "zkvm-recursion-bench-"));
writeFileSync(join(dir, "receipt.json"), encodeReceipt(receipt));
writeFileSync(
  join(dir, "release.json"),
  JSON.stringify({ shape: sys.shape, config, controlRoot: [...sys.tree.root] }),
);
const child = spawnSync(
  process.execPath,
  [
    join(root, "bench/verify-succinct.ts"),
    join(dir, "receipt.json"),
    Buffer.from(imageId).toString("hex"),
    join(dir, "release.json"),
  ],
  { encoding: "utf8" },
);
rmSync(dir, { recursive: true, force: true });
if (child.status !== 0) throw new Error(`bench/verify-succinct.ts failed: ${child.stderr}`);
const fresh = JSON.parse(child.stdout.trim().split("\n").at(-1)!);
console.log(
  `fresh process: template ${fresh.templateMs} ms, first verification ${fresh.firstMs} ms, then median ${fresh.steadyMedianMs} ms`,
);

// identity: the final proof re-proven by the program that verifies one recursion proof and exposes its claim
// unchanged (what the BN254 step runs under Poseidon-BN254), here under the release's own configuration.
t = performance.now();
const identity = proveProgram(sys, sys.identity, innerHints(sys, final));
const identityMs = performance.now() - t;
if (identity.publics.join() !== final.publics.join()) throw new Error("identity changed the claim");
console.log(
  `identity: ${sys.identity.program.instructions.length} instructions, ${secs(identityMs)} s, ${identity.proof.length} bytes`,
);

const peakMiB = Math.round(process.resourceUsage().maxRSS / 1024);
console.log(`peak memory (this process): ${peakMiB} MiB`);
report("recursion", {
  config,
  release: published ? "published" : "session",
  guest: shaBytes > 0 ? `sha ${shaBytes} bytes` : "hello",
  cycles: session.result.cycles,
  segments: session.segments.length,
  sessionSeconds: secs(sessionMs),
  releaseSeconds: secs(systemMs),
  shape: sys.shape,
  segmentPo2,
  liftInstructions: lift.program.instructions.length,
  liftChips,
  joinChips,
  verifierOps,
  peakMiB,
  joinInstructions: sys.join.program.instructions.length,
  liftSeconds: lifts.map((l) => secs(l.ms)),
  joinSeconds: joinMs.map(secs),
  identityInstructions: sys.identity.program.instructions.length,
  identitySeconds: secs(identityMs),
  segmentSealBytes: session.segments.map((s) => s.seal.length),
  succinctBytes: final.proof.length,
  verifyMs: Math.round(verifyMs),
  verifySteadyMs: Math.round(steadyMs * 10) / 10,
  verifyFreshProcess: {
    templateMs: fresh.templateMs,
    firstMs: fresh.firstMs,
    steadyMedianMs: fresh.steadyMedianMs,
    steadyMinMs: fresh.steadyMinMs,
  },
});
