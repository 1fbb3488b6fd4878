/**
 * `npm run bench -- wrap [--test] [--dir <dir>]`: the whole compression of a real receipt, at the production
 * configurations (default) or the tests' (`--test`: minutes instead of most of an hour). The even-number guest
 * is proven (MACHINE_CONFIG), made succinct with the published release, then wrapped: the BN254 step
 * (P254_CONFIG), its verifier circuit with RISC Zero's public inputs, a development Groth16 key (2^20 domain at
 * production size: ~5.5 GB of memory), the Groth16 proof; finally the seal goes through the router on Hardhat's
 * in-process chain and `EvenNumber.set` runs with it. Reports constraints, each stage's time, key size, peak
 * memory, and gas; then, as a reference, snarkjs's Groth16 prover on the same key and witness. One-time work (the release's programs, the BN254 control ID, the circuit, the key) is
 * reported apart from the per-receipt compression (BN254 step + witness + Groth16 proof). Last line: JSON.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import hre from "hardhat";
import * as snarkjs from "snarkjs";
import { encodeFunctionData, type Hex } from "viem";
import { deployVerifierStack } from "../src/eth/deploy.ts";
import { devSetup } from "../src/groth16/dev-setup.ts";
import { verifyingKeyFromZkey } from "../src/groth16/export.ts";
import { releaseProverThreads } from "../src/groth16/prove.ts";
import { wrapReleaseProgram } from "../src/groth16/wrap/release.ts";
import { wrapToGroth16, wrapVerifierParameters, writeWrapCircuit } from "../src/groth16/wrap/wrap.ts";
import { machine } from "../src/machine/air.ts";
import { proveSession } from "../src/machine/prove.ts";
import { MACHINE_CONFIG } from "../src/machine/verify.ts";
import { journalDigest } from "../src/receipt/claim.ts";
import { verifyGroth16ReceiptForJournal } from "../src/receipt/groth16-receipt.ts";
import { p254Program } from "../src/recursion/p254.ts";
import { recursionReleaseSystem } from "../src/recursion/release-system.ts";
import { proveSuccinct, recursionSystem } from "../src/recursion/system.ts";
import { poseidonBn254Hash } from "../src/stark/poseidon-bn254-hash.ts";
import { poseidon2Hash } from "../src/stark/poseidon2-hash.ts";
import { decodeProof } from "../src/stark/proof-codec.ts";
import { computeImageId } from "../src/zkvm/image-id.ts";
import { loadProgram } from "../src/zkvm/program.ts";
import { BN254_TEST_CONFIG } from "../test/recursion/test-release.ts";
import { TEST_CONFIG } from "../test/stark/airs.ts";
import { report } from "./util.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const test = args.includes("--test");
const dirFlag = args.indexOf("--dir");
const dir = dirFlag >= 0 ? args[dirFlag + 1]! : mkdtempSync(join(tmpdir(), "zkvm-wrap-bench-"));
const secs = (ms: number) => Math.round(ms) / 1000;
const peakMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);
const figures: Record<string, unknown> = { configuration: test ? "tests'" : "production" };
let t = performance.now();
const lap = (name: string) => {
  const s = secs(performance.now() - t);
  figures[`${name}Seconds`] = s;
  console.log(`${name}: ${s} s (peak RSS so far ${peakMiB()} MiB)`);
  t = performance.now();
  return s;
};

const elf = new Uint8Array(readFileSync(join(root, "guests/examples/even-number.elf")));
const x = 42n;
const input = Uint8Array.from({ length: 32 }, (_, i) => Number((x >> BigInt(8 * (31 - i))) & 0xffn));
const machineConfig = test ? TEST_CONFIG : MACHINE_CONFIG;
const session = proveSession(elf, { input, config: machineConfig });
lap("session");

const sys = test
  ? recursionSystem(
      TEST_CONFIG,
      TEST_CONFIG,
      session.segments.map((s) => decodeProof(s.seal, machine().air, TEST_CONFIG, poseidon2Hash).logHeights),
    )
  : // Without the disk cache: this lap measures the build (bench/release-cache.bench.ts measures the cache).
    recursionReleaseSystem({ dir: null });
lap("release");
const succinct = proveSuccinct(sys, session.segments);
lap("succinct");
const p = test ? p254Program(sys, BN254_TEST_CONFIG) : wrapReleaseProgram({ dir: null });
figures.bn254Shape = p.shape;
lap("bn254ControlId");

const r1cs = join(dir, "wrap.r1cs");
const stats = writeWrapCircuit(p, r1cs);
figures.constraints = stats.constraints;
figures.wires = stats.wires;
figures.constraintsByCategory = stats.byCategory;
figures.r1csBytes = statSync(r1cs).size;
console.log(`wrap circuit: ${stats.constraints} constraints, ${JSON.stringify(stats.byCategory)}`);
lap("circuit");
const zkey = join(dir, "wrap.zkey");
const setup = await devSetup(r1cs, zkey);
rmSync(r1cs);
figures.domainSize = setup.domainSize;
figures.zkeyBytes = setup.zkeyBytes;
lap("devSetup");
const vk = verifyingKeyFromZkey(zkey);
const params = wrapVerifierParameters(p, vk);

// Per receipt: the compression proper.
const start = performance.now();
const groth16Phases: Record<string, number> = {};
const bn254Timings: Record<string, number> = {};
const wrapped = await wrapToGroth16(p, succinct, zkey, {
  bn254Timings,
  workDir: dir,
  onStage: (s) => console.log(`  ${s}…`),
  onGroth16Phase: (phase, seconds) => {
    groth16Phases[phase] = secs(seconds * 1000);
  },
});
figures.compressionSeconds = secs(performance.now() - start);
figures.compressionStages = wrapped.seconds;
figures.groth16Phases = groth16Phases;
figures.bn254Phases = Object.fromEntries(Object.entries(bn254Timings).map(([k, ms]) => [k, secs(ms)]));
figures.bn254ProofBytes = wrapped.p254.proof.length;
// Grinding takes a geometric number of attempts (mean 2^powBits): the nonce says how lucky this proof was.
figures.bn254PowNonce = decodeProof(wrapped.p254.proof, p.air.air, p.config, poseidonBn254Hash).powNonce;
console.log(`compression: ${figures.compressionSeconds} s ${JSON.stringify(wrapped.seconds)}`);
console.log(`Groth16 phases (s): ${JSON.stringify(groth16Phases)}`);
console.log(`BN254 step phases (s): ${JSON.stringify(figures.bn254Phases)}`);
figures.peakRssMiB = peakMiB();
// Reference in the same run: snarkjs's own prover on the same key and witness (our prover replaced it).
t = performance.now();
await snarkjs.groth16.prove(zkey, join(dir, "wrap.wtns"));
lap("snarkjsGroth16");
await releaseProverThreads();
t = performance.now();
const imageId = computeImageId(loadProgram(elf));
if (!verifyGroth16ReceiptForJournal(wrapped.seal, imageId, input, params))
  throw new Error("the seal does not verify");
lap("verifyOffChain");

// Gas: our verifier for this key behind the router; EvenNumber.set with the seal.
await hre.tasks.getTask("build").run({ quiet: true, noTests: true });
const { viem } = await hre.network.connect();
const publicClient = await viem.getPublicClient();
const [owner] = await viem.getWalletClients();
const record = await deployVerifierStack({
  publicClient,
  walletClient: owner!,
  groth16: [params],
  deploymentsDir: null,
});
const verifier = record.verifiers[0]!.verifier;
const hex = (b: Uint8Array): Hex => `0x${Buffer.from(b).toString("hex")}`;
const app = await viem.deployContract("EvenNumber", [record.router, hex(imageId)]);
const direct = await viem.getContractAt("RiscZeroGroth16Verifier", verifier);
const gasOf = async (hash: Hex) => Number((await publicClient.waitForTransactionReceipt({ hash })).gasUsed);
// A view function sent as a transaction: what a caller pays (21 000 base and calldata included).
figures.verifyGas = await gasOf(
  await owner!.sendTransaction({
    to: verifier,
    data: encodeFunctionData({
      abi: direct.abi,
      functionName: "verify",
      args: [hex(wrapped.seal), hex(imageId), hex(journalDigest(input))],
    }),
  }),
);
figures.evenNumberSetGas = await gasOf(await app.write.set([x, hex(wrapped.seal)]));
console.log(`gas: verify ${figures.verifyGas}, EvenNumber.set via router ${figures.evenNumberSetGas}`);
if (dirFlag < 0) rmSync(dir, { recursive: true, force: true });
report("wrap", figures);
