import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ZkvmError } from "../../errors.ts";
import { digestToBytes } from "../../hash/poseidon2.ts";
import { type ReceiptClaim, receiptClaimDigest } from "../../receipt/claim.ts";
import {
  be32,
  type Groth16ReceiptVerifierParameters,
  groth16ReceiptPublicInputs,
  groth16Selector,
} from "../../receipt/groth16-receipt.ts";
import { encodeGroth16Seal } from "../../receipt/seal.ts";
import { recursionClaim } from "../../receipt/succinct-receipt.ts";
import { type P254Input, type P254Program, type P254Proof, proveP254 } from "../../recursion/p254.ts";
import { digestToBigint } from "../../stark/poseidon-bn254-hash.ts";
import type { CircuitStats } from "../circuit/builder.ts";
import { buildStarkVerifierCircuit, type StarkCircuitSpec } from "../circuit/stark-verifier.ts";
import { writeAtomically } from "../dev-setup.ts";
import { type ProveOptions, prove } from "../prove.ts";
import type { VerifyingKey } from "../types.ts";
import { p254CircuitSpec, p254CircuitWitness } from "./p254-circuit.ts";
import { RECEIPT_STATEMENT } from "./statement.ts";

/**
 * The wrap (docs/wrap-circuit.md §10): a succinct receipt's recursion proof → the BN254 step (identity under
 * Poseidon-BN254) → the R1CS verifier of that step, whose public inputs are RISC Zero's five → a Groth16
 * proof → a 260-byte seal that RISC Zero's verifier contract, deployed with this key, our control root and
 * our BN254 control ID, accepts for the receipt's claim.
 */

/** The wrap circuit of a BN254 step: its verifier with the receipt's public inputs. */
export function wrapCircuitSpec(p: Pick<P254Program, "air" | "config" | "logHeights">): StarkCircuitSpec {
  return p254CircuitSpec(p, RECEIPT_STATEMENT);
}

/** Writes the wrap circuit's .r1cs (the input of a Groth16 setup) and returns its size. */
export function writeWrapCircuit(
  p: Pick<P254Program, "air" | "config" | "logHeights">,
  r1csPath: string,
): CircuitStats {
  const circuit = buildStarkVerifierCircuit(wrapCircuitSpec(p));
  writeAtomically(r1csPath, circuit.r1cs);
  return circuit.stats;
}

/**
 * The verifier parameters of seals made with this BN254 step and key: the release's control root (its 8
 * elements as little-endian words, the bytes RISC Zero's contracts take), the BN254 control ID as a big-endian
 * field element, and the key. What `zkvm deploy` deploys and `verifyGroth16Receipt` checks against.
 */
export function wrapVerifierParameters(p: P254Program, vk: VerifyingKey): Groth16ReceiptVerifierParameters {
  return receiptVerifierParameters(p.system.tree.root, p.bn254ControlId, vk);
}

/** {@link wrapVerifierParameters} from the two roots (BabyBear control root, BN254 control ID as 8 u32 words). */
export function receiptVerifierParameters(
  controlRoot: Uint32Array,
  bn254ControlId: Uint32Array,
  vk: VerifyingKey,
): Groth16ReceiptVerifierParameters {
  return {
    controlRoot: digestToBytes(controlRoot),
    bn254ControlId: be32(digestToBigint(bn254ControlId)),
    verifyingKey: vk,
  };
}

/** Whether a recursion proof's public values name the release's control root (the claim's first 8 values). */
export function namesRelease(p: Pick<P254Program, "system">, publics: readonly number[]): boolean {
  return p.system.tree.root.every((x, i) => publics[i] === x);
}

export class WrapError extends ZkvmError {
  override name = "WrapError";
}

export interface WrapResult {
  /** selector ‖ A ‖ B ‖ C (260 bytes). */
  readonly seal: Uint8Array;
  readonly claim: ReceiptClaim;
  readonly p254: P254Proof;
  /** Seconds per stage. */
  readonly seconds: Readonly<Record<string, number>>;
}

export interface WrapOptions {
  /** Called as each stage starts (the BN254 step, the circuit's witness, the Groth16 proof). */
  readonly onStage?: (stage: string) => void;
  /** Directory for the witness file (default: a fresh temporary directory, removed afterwards). */
  readonly workDir?: string;
  /** Called as each phase of the Groth16 prover ends, with its duration (see `ProveOptions.onPhase`). */
  readonly onGroth16Phase?: ProveOptions["onPhase"];
  /** Filled with the BN254 step's milliseconds per prover phase (see the STARK prover's `timings`). */
  readonly bn254Timings?: Record<string, number>;
}

/**
 * Wraps a recursion proof of the release (`p.system`), or a succinct receipt of it, into a Groth16 seal with the proving key at `zkeyPath`
 * (made by a Groth16 setup of {@link writeWrapCircuit}'s circuit). Throws RecursionAssertionError when the
 * recursion proof does not verify (it has no BN254 step), {@link WrapError} when the circuit rejects the BN254
 * proof or the key does not belong to this circuit.
 */
export async function wrapToGroth16(
  p: P254Program,
  inner: P254Input,
  zkeyPath: string,
  options: WrapOptions = {},
): Promise<WrapResult> {
  const seconds: Record<string, number> = {};
  let t = performance.now();
  const stage = (name: string) => {
    const now = performance.now();
    seconds[name] = (now - t) / 1000;
    t = now;
  };
  if (!namesRelease(p, inner.publics))
    throw new WrapError(
      "the recursion proof names another control root than the release's: wrap it with its own release",
    );
  options.onStage?.("proving the BN254 step");
  // No native check of the BN254 proof here: the circuit's witness below is that check.
  const p254 = proveP254(p, inner, { timings: options.bn254Timings });
  stage("bn254");
  options.onStage?.("computing the wrap circuit's witness");
  const w = p254CircuitWitness(p, p254, wrapCircuitSpec(p));
  if (!w.accepted)
    throw new WrapError(
      `the wrap circuit rejects the BN254 proof (${w.failures.map((f) => f.what).join("; ") || "violated constraints"})`,
    );
  const claim = recursionClaim(p254.publics);
  const dir = options.workDir ?? mkdtempSync(join(tmpdir(), "zkvm-wrap-"));
  const wtnsPath = join(dir, "wrap.wtns");
  try {
    writeAtomically(wtnsPath, w.wtns());
    stage("witness");
    options.onStage?.("proving with Groth16");
    const result = await prove(zkeyPath, wtnsPath, { onPhase: options.onGroth16Phase });
    stage("groth16");
    const params = wrapVerifierParameters(p, result.vk);
    const expected = groth16ReceiptPublicInputs(params, receiptClaimDigest(claim));
    if (result.publicSignals.some((s, i) => s !== expected[i]))
      throw new WrapError(
        "the Groth16 proof's public inputs are not the receipt's: the key is for another circuit",
      );
    return { seal: encodeGroth16Seal(groth16Selector(params), result.proof), claim, p254, seconds };
  } finally {
    if (!options.workDir) rmSync(dir, { recursive: true, force: true });
  }
}
