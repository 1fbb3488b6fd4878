import { ZkvmError } from "../errors.ts";
import { P } from "../field/babybear.ts";
import type { Digest } from "../hash/digest.ts";
import { digestToBytes, poseidon2Compress } from "../hash/poseidon2.ts";
import { PUBLIC_COUNT, Pub } from "./publics.ts";

/**
 * What a segment proof states (docs/machine.md §6): the machine state before and after it, and how it
 * ended. A state is the pc, the memory Merkle root (registers included) and the global cycle count; its
 * digest extends the ImageID's construction with the cycle count, so the initial state's digest (cycle 0)
 * is exactly the ImageID (docs/abi.md §4).
 */
export interface MachineState {
  readonly pc: number;
  /** Memory Merkle root as 8 canonical field elements. */
  readonly root: Uint32Array;
  /** Cycles executed in the session before this state. */
  readonly cycles: number;
}

export interface SegmentStatement {
  readonly pre: MachineState;
  readonly post: MachineState;
  /** The segment ends with HALT (then post.pc = 0); otherwise it was split and the session continues. */
  readonly halted: boolean;
  readonly exitCode: number;
  /** The 32-byte Output digest the guest passed to HALT (zeros when not halted). */
  readonly output: Uint8Array;
}

/** Cycles a segment may span: timestamps 8·clk + slot must stay below 2^24. */
export const MAX_SEGMENT_CYCLES = 2 ** 21 - 2;

export class StatementError extends ZkvmError {
  override name = "StatementError";
}

/** compress(root, [pc lo16, pc hi16, cycles as four 16-bit limbs, 0, 0]) as 32 bytes. */
export function stateDigest(s: MachineState): Digest {
  const lanes = new Uint32Array(8);
  lanes[0] = s.pc & 0xffff;
  lanes[1] = s.pc >>> 16;
  let c = s.cycles;
  for (let k = 0; k < 4; k++) {
    lanes[2 + k] = c % 65536;
    c = Math.floor(c / 65536);
  }
  return digestToBytes(poseidon2Compress(s.root, lanes));
}

function checkState(s: MachineState, what: string): void {
  if (!(Number.isInteger(s.pc) && s.pc >= 0 && s.pc < P))
    throw new StatementError(`${what}.pc ${s.pc} is not a valid program counter`);
  if (!(Number.isSafeInteger(s.cycles) && s.cycles >= 0))
    throw new StatementError(`${what}.cycles ${s.cycles} is not a cycle count`);
  if (!(s.root instanceof Uint32Array && s.root.length === 8 && s.root.every((v) => v < P)))
    throw new StatementError(`${what}.root is not 8 canonical field elements`);
}

/** Rejects statements whose values the proof's public values cannot represent faithfully. */
export function checkStatement(st: SegmentStatement): void {
  checkState(st.pre, "pre");
  checkState(st.post, "post");
  const n = st.post.cycles - st.pre.cycles;
  if (!(n >= 1 && n <= MAX_SEGMENT_CYCLES))
    throw new StatementError(`a segment spans 1 to ${MAX_SEGMENT_CYCLES} cycles, this one ${n}`);
  if (st.halted && st.post.pc !== 0) throw new StatementError("a halted segment ends with pc 0");
  if (!(Number.isInteger(st.exitCode) && st.exitCode >= 0 && st.exitCode <= 0xffffffff))
    throw new StatementError(`exit code ${st.exitCode} is not a u32`);
  if (!(st.output instanceof Uint8Array && st.output.length === 32))
    throw new StatementError("the output digest must be 32 bytes");
  if (!st.halted && (st.exitCode !== 0 || st.output.some((b) => b !== 0)))
    throw new StatementError("a split segment has no exit code or output");
}

/** The proof's public values (docs/machine.md §6) for a statement. */
export function statementPublics(st: SegmentStatement): number[] {
  checkStatement(st);
  const p = new Array<number>(PUBLIC_COUNT).fill(0);
  p[Pub.PC_START] = st.pre.pc;
  p[Pub.PC_END] = st.post.pc;
  p[Pub.CYCLES] = st.post.cycles - st.pre.cycles;
  p[Pub.HALTED] = st.halted ? 1 : 0;
  p[Pub.EXIT_LO] = st.exitCode & 0xffff;
  p[Pub.EXIT_HI] = st.exitCode >>> 16;
  for (let k = 0; k < 16; k++) p[Pub.OUTPUT + k] = st.output[2 * k]! | (st.output[2 * k + 1]! << 8);
  for (let k = 0; k < 8; k++) {
    p[Pub.PRE_ROOT + k] = st.pre.root[k]!;
    p[Pub.POST_ROOT + k] = st.post.root[k]!;
  }
  let c = st.pre.cycles;
  for (let k = 0; k < 4; k++) {
    p[Pub.START_CYCLES + k] = c % 65536;
    c = Math.floor(c / 65536);
  }
  return p;
}
