/**
 * Groth16 proving with our prover (prover.ts: snarkjs's algorithm, our multi-scalar multiplications), with
 * the checks snarkjs leaves out: the witness must fit the key and satisfy the circuit, and the proof must
 * verify (with our @noble/curves verifier) before it is returned, so a mismatched key never yields a proof.
 */
import { readFileSync } from "node:fs";
import { Groth16FileError, Groth16SetupError, KeyMismatchError } from "./errors.ts";
import { releaseMsmThreads } from "./msm/msm.ts";
import { type Groth16ProvePhase, proveWithKey, releaseCosetThreads } from "./prover.ts";
import { readR1cs } from "./r1cs.ts";
import { type Groth16Proof, proofFromSnarkjs, type SnarkjsProof, type VerifyingKey } from "./types.ts";
import { verifyGroth16 } from "./verify.ts";
import { checkWitness, readWitnessSection, witnessValues } from "./witness.ts";
import { readZkey } from "./zkey.ts";

export interface ProveOptions {
  /** Multi-scalar multiplications on one thread (the default is one per CPU). */
  singleThread?: boolean;
  /** The circuit's .r1cs: when given, the witness is checked against every constraint before proving. */
  r1cs?: string;
  /** Called as each phase of the prover ends, with its duration: progress, and where the time goes. */
  onPhase?: (phase: Groth16ProvePhase, seconds: number) => void;
}

export interface ProveResult {
  proof: Groth16Proof;
  publicSignals: bigint[];
  /** snarkjs's own JSON, for `snarkjs groth16 verify` and the like. */
  json: { proof: SnarkjsProof; publicSignals: string[] };
  vk: VerifyingKey;
}

export async function prove(
  zkeyPath: string,
  wtnsPath: string,
  options: ProveOptions = {},
): Promise<ProveResult> {
  const zkeyBytes = readInput(zkeyPath);
  const key = readZkey(zkeyBytes, zkeyPath);
  const wtnsBytes = readInput(wtnsPath);
  const witness = readWitnessSection(wtnsBytes, wtnsPath);
  if (witness.length / 32 !== key.nVars) {
    throw new KeyMismatchError(
      `the witness has ${witness.length / 32} wires but the proving key ${zkeyPath} is for a circuit with ` +
        `${key.nVars}; use the key made for the witness's circuit`,
    );
  }
  if (options.r1cs) {
    const r1cs = readR1cs(readFileSync(options.r1cs), options.r1cs);
    if (r1cs.header.nVars !== key.nVars || r1cs.header.nPublic !== key.nPublic) {
      throw new KeyMismatchError(`the proving key ${zkeyPath} was not made for the circuit ${options.r1cs}`);
    }
    checkWitness(r1cs, witnessValues(witness));
  }
  let out: Awaited<ReturnType<typeof proveWithKey>>;
  try {
    out = await proveWithKey(zkeyBytes, witness, {
      onPhase: options.onPhase,
      threads: options.singleThread ? 1 : undefined,
    });
  } catch (err) {
    if (err instanceof Groth16FileError) throw err;
    throw new Groth16SetupError(`the Groth16 prover failed: ${(err as Error).message}`);
  }
  const proof = proofFromSnarkjs(out.proof);
  const publicSignals = out.publicSignals.map((s) => BigInt(s));
  if (!verifyGroth16(key.vk, proof, publicSignals)) {
    throw new KeyMismatchError(
      `the proof does not verify against ${zkeyPath}: the key was not made for this circuit, or the witness ` +
        `does not satisfy it (pass the .r1cs to find the failing constraint)`,
    );
  }
  return { proof, publicSignals, json: out, vk: key.vk };
}

function readInput(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Groth16FileError(`cannot read ${path}: ${(err as Error).message}`);
  }
}

/**
 * The prover keeps ffjavascript's process-wide pool of WebAssembly workers for BN254 (its FFTs) and a curve
 * instance with its memory in each of our worker threads; a command-line program must end the former to
 * exit. Libraries that keep proving should leave them running.
 */
export async function releaseProverThreads(): Promise<void> {
  await Promise.all([releaseMsmThreads(), releaseCosetThreads()]);
  const g = globalThis as { curve_bn128?: { terminate(): Promise<void> } | null };
  if (g.curve_bn128) {
    await g.curve_bn128.terminate();
    g.curve_bn128 = null;
  }
}
