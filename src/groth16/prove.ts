/**
 * Groth16 proving through snarkjs (its WebAssembly prover; multi-threaded unless asked otherwise), with the
 * checks snarkjs leaves out: the witness must fit the key and satisfy the circuit, and the proof must verify
 * (with our @noble/curves verifier) before it is returned, so a mismatched key never yields a proof.
 */
import { readFileSync } from "node:fs";
import * as snarkjs from "snarkjs";
import { Groth16SetupError, KeyMismatchError } from "./errors.ts";
import { type Groth16ProvePhase, phaseLogger } from "./prove-phases.ts";
import { readR1cs } from "./r1cs.ts";
import { type Groth16Proof, proofFromSnarkjs, type SnarkjsProof, type VerifyingKey } from "./types.ts";
import { verifyGroth16 } from "./verify.ts";
import { checkWitness, readWitnessFile } from "./witness.ts";
import { readZkeyFile } from "./zkey.ts";

export interface ProveOptions {
  /** Use one thread (snarkjs's default is one WebAssembly worker per CPU). */
  singleThread?: boolean;
  /** The circuit's .r1cs: when given, the witness is checked against every constraint before proving. */
  r1cs?: string;
  /** Called as each of snarkjs's phases ends, with its duration: progress, and where the time goes. */
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
  const key = readZkeyFile(zkeyPath);
  const witness = readWitnessFile(wtnsPath);
  if (witness.length !== key.nVars) {
    throw new KeyMismatchError(
      `the witness has ${witness.length} wires but the proving key ${zkeyPath} is for a circuit with ` +
        `${key.nVars}; use the key made for the witness's circuit`,
    );
  }
  if (options.r1cs) {
    const r1cs = readR1cs(readFileSync(options.r1cs), options.r1cs);
    if (r1cs.header.nVars !== key.nVars || r1cs.header.nPublic !== key.nPublic) {
      throw new KeyMismatchError(`the proving key ${zkeyPath} was not made for the circuit ${options.r1cs}`);
    }
    checkWitness(r1cs, witness);
  }
  let out: Awaited<ReturnType<typeof snarkjs.groth16.prove>>;
  try {
    const phases = options.onPhase ? phaseLogger(options.onPhase) : undefined;
    out = await snarkjs.groth16.prove(zkeyPath, wtnsPath, phases?.logger, {
      singleThread: options.singleThread,
    });
    phases?.end();
  } catch (err) {
    throw new Groth16SetupError(`snarkjs could not prove: ${(err as Error).message}`);
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

/**
 * snarkjs keeps one process-wide pool of WebAssembly workers for BN254; a command-line program must end it
 * to exit. Libraries that keep proving should leave it running.
 */
export async function releaseProverThreads(): Promise<void> {
  const g = globalThis as { curve_bn128?: { terminate(): Promise<void> } | null };
  if (g.curve_bn128) {
    await g.curve_bn128.terminate();
    g.curve_bn128 = null;
  }
}
