import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import type { SnarkjsProof, SnarkjsVerificationKey } from "../../groth16/types.ts";
import { CliError } from "../errors.ts";
import {
  CACHE_DIR_OPTION,
  NO_CACHE_OPTION,
  type ReleaseCacheCliOptions,
  releaseCacheOptions,
} from "../release-cache.ts";

// The toolchain (snarkjs, circom2, curves) loads only when a subcommand runs: `zkvm execute` and the other
// commands do not pay for it.
const compile = () => import("../../groth16/compile.ts");
const setups = async () => ({
  ...(await import("../../groth16/dev-setup.ts")),
  ...(await import("../../groth16/ptau-setup.ts")),
});
const prover = () => import("../../groth16/prove.ts");
const exports = () => import("../../groth16/export.ts");

function readJson<T>(path: string, what: string): T {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new CliError(`cannot read ${what} ${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new CliError(`${what} ${path} is not valid JSON`);
  }
}

const collect = (v: string, all: string[]) => [...all, v];

/** `zkvm groth16 …`: compile circom circuits, set up, prove, verify and export Groth16 keys. */
export function register(program: Command): void {
  const g = program.command("groth16").description("Groth16 over BN254 with circom and snarkjs");

  g.command("compile")
    .description("compile a circom circuit (circom2 --O2, circomlib on the include path), cached by content")
    .argument("<circuit.circom>")
    .option("-l, --include <dir>", "extra include directory (repeatable)", collect, [])
    .option("--cache-dir <dir>", "build cache (default: $ZKVM_BUILD_CACHE or the OS temp dir)")
    .action(async (circuit: string, o: { include: string[]; cacheDir?: string }) => {
      const { compileCircuit } = await compile();
      const c = await compileCircuit(circuit, { include: o.include, cacheDir: o.cacheDir });
      if (c.log) console.error(c.log);
      console.log(JSON.stringify({ r1cs: c.r1cs, wasm: c.wasm, sym: c.sym, cached: c.cached }, null, 2));
    });

  g.command("setup")
    .description(
      "make a proving key: --dev (single-party, for development: whoever runs it can forge proofs) " +
        "or --ptau <ceremony.ptau> --contribute <name> (snarkjs phase 2: secret contributions, then an optional beacon)",
    )
    .argument("<circuit.r1cs>")
    .requiredOption("-o, --output <file.zkey>", "where to write the proving key")
    .option("--dev", "development setup: toxic waste drawn in memory and discarded; single-party trust")
    .option("--ptau <file>", "production setup from a phase-2-prepared powers-of-tau ceremony file")
    .option(
      "--contribute <name>",
      "phase-2 contribution with CSPRNG entropy (repeatable; at least one)",
      collect,
      [],
    )
    .option(
      "--beacon <hex>",
      "final beacon hash after the contributions (e.g. a pre-announced future block hash)",
    )
    .option("--beacon-iterations <exp>", "beacon hash iterations, as a power of two", "10")
    .option("--threads <n>", "worker threads for --dev (default: CPUs)")
    .action(
      async (
        r1cs: string,
        o: {
          output: string;
          dev?: boolean;
          ptau?: string;
          contribute: string[];
          beacon?: string;
          beaconIterations: string;
          threads?: string;
        },
      ) => {
        if (!!o.dev === !!o.ptau) throw new CliError("choose exactly one of --dev and --ptau <file>", 2);
        const { devSetup, ptauSetup } = await setups();
        const { releaseProverThreads } = await prover();
        if (o.dev) {
          console.error("development setup: single-party trust — do not use this key to protect value");
          const r = await devSetup(r1cs, o.output, {
            threads: o.threads ? Number(o.threads) : undefined,
            onStage: (s) => console.error(`  ${s}…`),
          });
          console.log(JSON.stringify({ zkey: o.output, ...r }, null, 2));
          return;
        }
        if (o.contribute.length === 0)
          throw new CliError(
            "--ptau needs at least one --contribute <name>: a key without a secret contribution can be forged",
            2,
          );
        try {
          await ptauSetup(r1cs, o.ptau!, o.output, {
            contributions: o.contribute.map((name) => ({ name, entropy: randomBytes(32).toString("hex") })),
            beacon: o.beacon
              ? { name: "beacon", hashHex: o.beacon, iterationsExp: Number(o.beaconIterations) }
              : undefined,
          });
        } finally {
          // snarkjs's BN254 worker threads would keep the process alive.
          await releaseProverThreads();
        }
        console.log(JSON.stringify({ zkey: o.output }, null, 2));
      },
    );

  g.command("wrap-circuit")
    .description(
      "write the wrap circuit of the published recursion release (the BN254 step's verifier with RISC Zero's five public inputs), " +
        "the input of `zkvm groth16 setup` for the key that `zkvm prove --groth16` proves with; builds the release's programs first (minutes, ~1 GB file)",
    )
    .requiredOption("-o, --output <wrap.r1cs>", "where to write the circuit")
    .option(...CACHE_DIR_OPTION)
    .option(...NO_CACHE_OPTION)
    .action(async (o: { output: string } & ReleaseCacheCliOptions) => {
      const { wrapReleaseProgram } = await import("../../groth16/wrap/release.ts");
      const { writeWrapCircuit } = await import("../../groth16/wrap/wrap.ts");
      const { digestToBigint } = await import("../../stark/poseidon-bn254-hash.ts");
      const { digestToBytes } = await import("../../hash/poseidon2.ts");
      const { bytesToHex } = await import("@noble/hashes/utils.js");
      console.error(
        "building the recursion release's programs and its BN254 step (several minutes the first time, seconds once cached)…",
      );
      const p = wrapReleaseProgram(releaseCacheOptions(o));
      console.error(`writing the wrap circuit to ${o.output}…`);
      const stats = writeWrapCircuit(p, o.output);
      console.log(
        JSON.stringify(
          {
            r1cs: o.output,
            constraints: stats.constraints,
            wires: stats.wires,
            controlRoot: `0x${bytesToHex(digestToBytes(p.system.tree.root))}`,
            bn254ControlId: `0x${digestToBigint(p.bn254ControlId).toString(16).padStart(64, "0")}`,
          },
          null,
          2,
        ),
      );
      console.error(
        `next: zkvm groth16 setup ${o.output} -o wrap.zkey --ptau <ceremony.ptau> --contribute <name> (or --dev for development)`,
      );
    });

  g.command("witness")
    .description("compute a witness (.wtns) with the circuit's WebAssembly generator")
    .argument("<circuit.wasm>")
    .argument("<input.json>")
    .requiredOption("-o, --output <file.wtns>")
    .action(async (wasm: string, input: string, o: { output: string }) => {
      const { computeWitness } = await import("../../groth16/witness.ts");
      await computeWitness(wasm, readJson(input, "input"), o.output);
    });

  g.command("prove")
    .description("prove with a snarkjs .zkey (our prover); the proof is verified before it is written")
    .argument("<circuit.zkey>")
    .argument("<witness.wtns>")
    .requiredOption("-o, --output <proof.json>")
    .option("--public <public.json>", "write the public signals here")
    .option("--r1cs <circuit.r1cs>", "check the witness against every constraint first")
    .option("--single-thread", "prove on one thread (ffjavascript's field work aside)")
    .option("--seal <file>", "also write the seal (selector ‖ proof, hex)")
    .option("--selector <hex>", "4-byte seal selector", "00000000")
    .action(
      async (
        zkey: string,
        wtns: string,
        o: {
          output: string;
          public?: string;
          r1cs?: string;
          singleThread?: boolean;
          seal?: string;
          selector: string;
        },
      ) => {
        const { prove, releaseProverThreads } = await prover();
        try {
          const r = await prove(zkey, wtns, { r1cs: o.r1cs, singleThread: o.singleThread });
          writeFileSync(o.output, `${JSON.stringify(r.json.proof, null, 2)}\n`);
          if (o.public) writeFileSync(o.public, `${JSON.stringify(r.json.publicSignals, null, 2)}\n`);
          if (o.seal) {
            if (!/^[0-9a-fA-F]{8}$/.test(o.selector))
              throw new CliError("--selector must be 4 bytes of hex", 2);
            const { encodeGroth16Seal } = await import("../../receipt/seal.ts");
            const seal = encodeGroth16Seal(Buffer.from(o.selector, "hex"), r.proof);
            writeFileSync(o.seal, `0x${Buffer.from(seal).toString("hex")}\n`);
          }
        } finally {
          await releaseProverThreads();
        }
      },
    );

  g.command("verify")
    .description("verify a proof in TypeScript (@noble/curves; no snarkjs)")
    .argument("<verification_key.json>")
    .argument("<proof.json>")
    .argument("<public.json>")
    .action(async (vkPath: string, proofPath: string, publicPath: string) => {
      const { proofFromSnarkjs, verifyingKeyFromSnarkjs } = await import("../../groth16/types.ts");
      const { verifyGroth16 } = await import("../../groth16/verify.ts");
      const vk = verifyingKeyFromSnarkjs(readJson<SnarkjsVerificationKey>(vkPath, "verification key"));
      const proof = proofFromSnarkjs(readJson<SnarkjsProof>(proofPath, "proof"));
      const inputs = readJson<string[]>(publicPath, "public signals");
      if (!Array.isArray(inputs)) throw new CliError(`${publicPath} must be a JSON array of decimal strings`);
      const ok = verifyGroth16(
        vk,
        proof,
        inputs.map((s) => {
          try {
            return BigInt(s);
          } catch {
            throw new CliError(`public signal ${JSON.stringify(s)} is not an integer`);
          }
        }),
      );
      console.log(ok ? "OK: proof verifies" : "INVALID: proof does not verify");
      if (!ok) throw new CliError("verification failed", 3);
    });

  g.command("export-vk")
    .description(
      "write the verification key (snarkjs verification_key.json form, the Ethereum verifier's input)",
    )
    .argument("<circuit.zkey>")
    .requiredOption("-o, --output <file.json>")
    .action(async (zkey: string, o: { output: string }) => {
      const { verificationKeyJson } = await exports();
      const { readZkeyFile } = await import("../../groth16/zkey.ts");
      writeFileSync(o.output, `${JSON.stringify(verificationKeyJson(readZkeyFile(zkey).vk), null, 2)}\n`);
    });

  g.command("export-solidity")
    .description("write a standalone Solidity verifier for the key (snarkjs's template)")
    .argument("<circuit.zkey>")
    .requiredOption("-o, --output <Verifier.sol>")
    .action(async (zkey: string, o: { output: string }) => {
      const { exportSolidityVerifier } = await exports();
      const { releaseProverThreads } = await prover();
      try {
        writeFileSync(o.output, await exportSolidityVerifier(zkey));
      } finally {
        await releaseProverThreads();
      }
    });
}
