import { ZkvmError } from "../errors.ts";
import { add, mul, P, sub } from "../field/babybear.ts";
import { type Ext, extAdd, extInv, extIsBase, extMul, extSub } from "../field/extension.ts";
import { poseidon2Permute } from "../hash/poseidon2.ts";
import type { VerificationReason } from "../stark/errors.ts";
import type { Block, Instruction, Program } from "./ir.ts";

/**
 * Runs a recursion program on a hint stream: the values every instruction writes (the witness of the
 * recursion AIR) and the public values it exposes. A failed assertion (an invalid inner proof, for a
 * verifier program) stops the run with RecursionAssertionError: such a program has no satisfying witness,
 * so the honest recursion prover has nothing to prove.
 */
export class RecursionAssertionError extends ZkvmError {
  override name = "RecursionAssertionError";
  /** Index of the failing instruction. */
  readonly instruction: number;
  /** The verifier check the instruction came from, when the builder recorded one. */
  readonly reason: VerificationReason | undefined;
  constructor(instruction: number, reason: VerificationReason | undefined, what: string) {
    super(`recursion program: instruction ${instruction} fails: ${what}`);
    this.instruction = instruction;
    this.reason = reason;
  }
}

/** The hint stream or the program is malformed (a bug or a mismatched proof shape, not a failed check). */
export class RecursionProgramError extends ZkvmError {
  override name = "RecursionProgramError";
}

export interface Execution {
  /** 4 elements per address. */
  readonly memory: Uint32Array;
  readonly publics: number[];
}

/** Where assertions came from (kept beside the program: not part of its identity). */
export type AssertionInfo = ReadonlyMap<
  number,
  { readonly reason: VerificationReason; readonly what: string }
>;

export function executeProgram(
  program: Program,
  hints: readonly Block[],
  info: AssertionInfo = new Map(),
  options: { readonly force?: boolean } = {},
): Execution {
  if (hints.length !== program.hintCount)
    throw new RecursionProgramError(
      `program "${program.name}" takes ${program.hintCount} hints, got ${hints.length}`,
    );
  const mem = new Uint32Array(4 * program.memorySize);
  const written = new Uint8Array(program.memorySize);
  const publics: number[] = new Array(program.publicCount).fill(0);
  const read = (a: number, i: number): Ext => {
    if (!(a >= 0 && a < program.memorySize) || !written[a])
      throw new RecursionProgramError(`instruction ${i} reads address ${a} before it is written`);
    return [mem[4 * a]!, mem[4 * a + 1]!, mem[4 * a + 2]!, mem[4 * a + 3]!];
  };
  const readBase = (a: number, i: number): number => {
    const v = read(a, i);
    if (!extIsBase(v))
      throw new RecursionProgramError(`instruction ${i} reads a base value at ${a} that is not one`);
    return v[0];
  };
  const write = (a: number, v: Readonly<Ext>, i: number) => {
    if (!(a >= 0 && a < program.memorySize) || written[a])
      throw new RecursionProgramError(`instruction ${i} writes address ${a} twice or out of range`);
    written[a] = 1;
    mem.set(v, 4 * a);
  };
  const fail = (i: number, what: string): void => {
    if (options.force) return;
    const at = info.get(i);
    throw new RecursionAssertionError(i, at?.reason, at ? `${at.what} (${what})` : what);
  };
  let hint = 0;
  const state = new Uint32Array(24);
  program.instructions.forEach((ins: Instruction, i) => {
    switch (ins.kind) {
      case "const":
        write(ins.out, ins.value, i);
        break;
      case "hint": {
        const h = hints[hint++]!;
        if (!h.every((x) => Number.isInteger(x) && x >= 0 && x < P))
          throw new RecursionProgramError(`hint ${hint - 1} is not made of field elements`);
        if (!ins.ext && !(h[1] === 0 && h[2] === 0 && h[3] === 0))
          throw new RecursionProgramError(`hint ${hint - 1} should be a base value`);
        write(ins.out, h, i);
        break;
      }
      case "baseAlu": {
        const a = readBase(ins.a, i);
        const b = readBase(ins.b, i);
        write(ins.out, [ins.op === "add" ? add(a, b) : ins.op === "sub" ? sub(a, b) : mul(a, b), 0, 0, 0], i);
        break;
      }
      case "extAlu": {
        const a = read(ins.a, i);
        const b = read(ins.b, i);
        if (ins.op === "inv" && a.every((x) => x === 0)) fail(i, "inverse of zero");
        const r =
          ins.op === "add"
            ? extAdd(a, b)
            : ins.op === "sub"
              ? extSub(a, b)
              : ins.op === "mul"
                ? extMul(a, b)
                : extInv(a);
        write(ins.out, r, i);
        break;
      }
      case "dot4": {
        let acc = read(ins.acc, i);
        const v = read(ins.values, i);
        ins.coefficients.forEach((c, l) => {
          acc = extAdd(acc, extMul(read(c, i), [v[l]!, 0, 0, 0]));
        });
        write(ins.out, acc, i);
        break;
      }
      case "select": {
        const bit = readBase(ins.bit, i);
        if (bit !== 0 && bit !== 1) throw new RecursionProgramError(`instruction ${i} selects on a non-bit`);
        const a = read(ins.a, i);
        const b = read(ins.b, i);
        write(ins.out, bit ? a : b, i);
        break;
      }
      case "pack":
        write(
          ins.out,
          [
            readBase(ins.inputs[0], i),
            readBase(ins.inputs[1], i),
            readBase(ins.inputs[2], i),
            readBase(ins.inputs[3], i),
          ],
          i,
        );
        break;
      case "unpack": {
        const v = read(ins.input, i);
        ins.outs.forEach((o, l) => write(o, [v[l]!, 0, 0, 0], i));
        break;
      }
      case "bits": {
        const v = readBase(ins.input, i);
        ins.outs.forEach((o, k) => write(o, [Math.floor(v / 2 ** k) % 2, 0, 0, 0], i));
        break;
      }
      case "poseidon2": {
        const blocks = ins.inputs.map((a) => read(a, i));
        const s = readBase(ins.swap, i);
        if (s !== 0 && s !== 1) throw new RecursionProgramError(`instruction ${i} swaps on a non-bit`);
        if (s === 1) blocks.splice(0, 4, blocks[2]!, blocks[3]!, blocks[0]!, blocks[1]!);
        blocks.forEach((b, k) => state.set(b, 4 * k));
        poseidon2Permute(state);
        ins.outs.forEach((o, k) => {
          if (o >= 0) write(o, [state[4 * k]!, state[4 * k + 1]!, state[4 * k + 2]!, state[4 * k + 3]!], i);
        });
        break;
      }
      case "assertEq": {
        const a = read(ins.a, i);
        const b = read(ins.b, i);
        if (!a.every((x, l) => x === b[l])) fail(i, `[${a}] ≠ [${b}]`);
        break;
      }
      case "public":
        publics[ins.index] = readBase(ins.input, i);
        break;
    }
  });
  return { memory: mem, publics };
}
