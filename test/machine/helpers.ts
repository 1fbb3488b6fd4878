import { expect } from "vitest";
import { machine } from "../../src/machine/air.ts";
import { checkWitness } from "../../src/machine/check.ts";
import { MemoryImage } from "../../src/machine/memory.ts";
import { type ProvenSession, type ProveSessionOptions, proveSession } from "../../src/machine/prove.ts";
import { verifySegmentSeal } from "../../src/machine/verify.ts";
import { type SegmentWitness, segmentWitness, type WitnessLies } from "../../src/machine/witness.ts";
import { poseidon2Hash } from "../../src/stark/poseidon2-hash.ts";
import { encodeProof } from "../../src/stark/proof-codec.ts";
import { proveDishonestly } from "../../src/stark/testing/dishonest.ts";
import type { ExecuteOptions } from "../../src/zkvm/executor.ts";
import { imagePages } from "../../src/zkvm/image-id.ts";
import { loadProgram } from "../../src/zkvm/program.ts";
import { executeRecording } from "../../src/zkvm/recorder.ts";
import { TEST_CONFIG } from "../stark/airs.ts";

/** Machine tests prove with the test configuration (fewer queries, same code path). */
export const CONFIG = TEST_CONFIG;

export function proveElf(elf: Uint8Array, options: ProveSessionOptions = {}): ProvenSession {
  return proveSession(elf, { config: CONFIG, ...options });
}

/** Proves a program and verifies every segment seal; returns the session. */
export function proveAndVerify(elf: Uint8Array, options: ProveSessionOptions = {}): ProvenSession {
  const s = proveElf(elf, options);
  for (const seg of s.segments) verifySegmentSeal(seg.statement, seg.seal, options.config ?? CONFIG);
  return s;
}

/** The single-segment witness of a whole run (no proof), optionally with lies. */
export function witnessOf(elf: Uint8Array, options: ExecuteOptions = {}, lies?: WitnessLies): SegmentWitness {
  const program = loadProgram(elf);
  const run = executeRecording(program, options);
  return segmentWitness(run.trace, 0, run.cycles, new MemoryImage(imagePages(program)), machine(), lies);
}

/** The exact witness checks (constraints and bus balance) pass. */
export function expectValidWitness(w: SegmentWitness): void {
  expect(checkWitness(machine().air, w.witness)).toEqual([]);
}

/** A dishonest proof of a witness (the prover's own check off), encoded; null if it cannot be built. */
export function dishonestProof(w: SegmentWitness): Uint8Array | null {
  const m = machine();
  try {
    return encodeProof(
      proveDishonestly(m.air, CONFIG, poseidon2Hash, w.witness),
      m.air,
      CONFIG,
      poseidon2Hash,
    );
  } catch {
    return null;
  }
}

/** Whether a seal verifies for a witness's statement. */
export function verifies(w: SegmentWitness, seal: Uint8Array | null): boolean {
  if (seal === null) return false;
  try {
    verifySegmentSeal(w.statement, seal, CONFIG);
    return true;
  } catch (e) {
    if (e instanceof RangeError || e instanceof TypeError) throw e;
    return false;
  }
}
