/**
 * Groth16 at scale: `npm run bench -- groth16 [log2 sizes…] [--single-thread-up-to <log2>]`
 * (default sizes 16 18 20). For each size, a circomlib Poseidon chain just under 2^k constraints is
 * compiled, set up with the development setup, given a witness, proved (multi-threaded, then by snarkjs's
 * prover on the same key as a reference, and single-threaded up to the given size), and verified in TypeScript. Above 2^18, where circom2 runs out of its 4 GiB of
 * wasm32 memory, the chain's R1CS and witness are assembled from compiled 2^16 segments (groth16-stitch.ts). Each size runs in its own child process so that its
 * peak memory is its own. Compile outputs are cached in .build-cache/groth16-bench (compile time is only
 * reported when it was not a cache hit); keys and witnesses go to the OS temp dir and are deleted.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as snarkjs from "snarkjs";
import { compileCircuit } from "../src/groth16/compile.ts";
import { devSetup } from "../src/groth16/dev-setup.ts";
import { prove, releaseProverThreads } from "../src/groth16/prove.ts";
import { verifyGroth16 } from "../src/groth16/verify.ts";
import { computeWitness } from "../src/groth16/witness.ts";
import { stitchR1cs, stitchWitness } from "./groth16-stitch.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** Constraints per Poseidon(2) link after --O2. */
const LINK = 240;

/** Samples the process RSS (worker threads included) while `f` runs; returns its result, seconds and peak MiB. */
async function measure<T>(f: () => Promise<T>): Promise<{ value: T; seconds: number; peakMiB: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 100);
  const t0 = performance.now();
  try {
    const value = await f();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, seconds: (performance.now() - t0) / 1000, peakMiB: Math.round(peak / 2 ** 20) };
  } finally {
    clearInterval(timer);
  }
}

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** Above this size circom2 (wasm32, 4 GiB) cannot compile the chain; it is assembled from 2^16 segments. */
const argv = process.argv.slice(2);
const stitchAboveArg = argv.indexOf("--stitch-above");
const LARGEST_COMPILED = stitchAboveArg >= 0 ? Number(argv[stitchAboveArg + 1]) : 18;
const SEGMENT_LOG2 = 16;

async function runSize(k: number, singleThread: boolean): Promise<Record<string, unknown>> {
  const stitched = k > LARGEST_COMPILED;
  // Largest chain with m + nPublic < 2^k, so the domain is exactly 2^k (for a stitched circuit: segments of
  // that size for 2^16, which leaves room for the link constraints).
  const links = Math.floor((2 ** (stitched ? SEGMENT_LOG2 : k) - 3) / LINK);
  const segments = stitched ? 2 ** (k - SEGMENT_LOG2) : 1;
  const work = mkdtempSync(join(tmpdir(), `zkvm-groth16-bench-${k}-`));
  const cacheDir = join(root, ".build-cache", "groth16-bench");
  const circuit = join(cacheDir, "src", `poseidon_chain_${links}.circom`);
  const log = (s: string) => console.error(`[2^${k}] ${s}`);
  try {
    spawnSync("mkdir", ["-p", dirname(circuit)]);
    writeFileSync(
      circuit,
      `pragma circom 2.0.0;\ninclude "poseidon_chain.circom";\ncomponent main {public [seed]} = PoseidonChain(${links});\n`,
    );
    log(`compiling a ${links}-link Poseidon chain`);
    const compiled = await measure(() => compileCircuit(circuit, { cacheDir }));
    const segment = compiled.value;
    log(segment.cached ? "compile: cache hit" : `compile: ${round(compiled.seconds)} s`);
    let c = { r1cs: segment.r1cs, wasm: segment.wasm, cached: segment.cached };
    let assembleSeconds: number | null = null;
    if (stitched) {
      log(`assembling ${segments} segments`);
      const r1cs = join(work, "stitched.r1cs");
      assembleSeconds = (await measure(async () => stitchR1cs(segment.r1cs, segments, r1cs))).seconds;
      c = { ...c, r1cs };
    }

    log("development setup");
    const zkey = join(work, "circuit.zkey");
    const setup = await measure(() => devSetup(c.r1cs, zkey));
    log(`setup: ${round(setup.seconds)} s ${JSON.stringify(setup.value.seconds)}`);

    const wtns = join(work, "circuit.wtns");
    const witness = await measure(() =>
      stitched
        ? stitchWitness(c.wasm, segments, 1n, 2n, join(work, "segment.wtns"), wtns)
        : computeWitness(c.wasm, { seed: 1, salt: 2 }, wtns),
    );
    log(`witness: ${round(witness.seconds)} s`);

    const proved = await measure(() => prove(zkey, wtns));
    log(`prove (multi-threaded): ${round(proved.seconds)} s`);
    // Reference in the same run: snarkjs's own prover on the same key and witness.
    const reference = await measure(() => snarkjs.groth16.prove(zkey, wtns));
    log(`snarkjs prove (reference): ${round(reference.seconds)} s`);
    await releaseProverThreads();
    let single: Awaited<ReturnType<typeof measure>> | undefined;
    if (singleThread) {
      single = await measure(() => prove(zkey, wtns, { singleThread: true }));
      log(`prove (single-threaded): ${round(single.seconds)} s`);
    }

    const { vk, proof, publicSignals } = proved.value;
    verifyGroth16(vk, proof, publicSignals); // warm-up
    const runs = 20;
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) if (!verifyGroth16(vk, proof, publicSignals)) throw new Error("bad proof");
    const verifyMs = (performance.now() - t0) / runs;
    log(`verify: ${round(verifyMs)} ms`);

    return {
      log2: k,
      constraints: setup.value.nConstraints,
      wires: setup.value.nVars,
      domainSize: setup.value.domainSize,
      compileSeconds: c.cached ? null : round(compiled.seconds),
      compileCached: c.cached,
      stitchedSegments: stitched ? segments : null,
      assembleSeconds: assembleSeconds === null ? null : round(assembleSeconds),
      devSetupSeconds: round(setup.seconds),
      devSetupStages: Object.fromEntries(Object.entries(setup.value.seconds).map(([s, v]) => [s, round(v)])),
      devSetupPeakMiB: setup.peakMiB,
      g1Multiplications: setup.value.g1Multiplications,
      g2Multiplications: setup.value.g2Multiplications,
      zkeyMiB: round(statSync(zkey).size / 2 ** 20, 1),
      r1csMiB: round(statSync(c.r1cs).size / 2 ** 20, 1),
      witnessSeconds: round(witness.seconds),
      proveSeconds: round(proved.seconds),
      provePeakMiB: proved.peakMiB,
      snarkjsProveSeconds: round(reference.seconds),
      proveSingleThreadSeconds: single ? round(single.seconds) : null,
      verifyMs: round(verifyMs),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
const childSize = args.indexOf("--child");
if (childSize >= 0) {
  const k = Number(args[childSize + 1]);
  const single = args.includes("--single-thread");
  const r = await runSize(k, single);
  console.log(JSON.stringify(r));
  process.exit(0);
}

const stUpTo = args.indexOf("--single-thread-up-to");
const singleUpTo = stUpTo >= 0 ? Number(args[stUpTo + 1]) : 18;
const sizes = args
  .filter((a, i) => /^\d+$/.test(a) && !["--single-thread-up-to", "--stitch-above"].includes(args[i - 1]!))
  .map(Number);
const results: Record<string, unknown>[] = [];
for (const k of sizes.length ? sizes : [16, 18, 20]) {
  const child = spawnSync(
    process.execPath,
    [
      "--max-old-space-size=16384",
      fileURLToPath(import.meta.url),
      "--child",
      String(k),
      ...(k <= singleUpTo ? ["--single-thread"] : []),
      "--stitch-above",
      String(LARGEST_COMPILED),
    ],
    { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8", maxBuffer: 1 << 24 },
  );
  const last = child.stdout.trim().split("\n").at(-1) ?? "";
  if (child.status !== 0) {
    results.push({ log2: k, error: `exit ${child.status}` });
    continue;
  }
  results.push(JSON.parse(last));
  console.error(last);
}
console.log(JSON.stringify({ benchmark: "groth16", results }));
