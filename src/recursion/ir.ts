/**
 * The recursion VM's program form (docs/recursion.md): a straight-line list of instructions over a
 * write-once memory of blocks. Every address holds a block of 4 base elements, written by exactly one
 * instruction before any instruction reads it. A base value v is the block (v, 0, 0, 0), which is also the
 * extension element v, so base values feed extension arithmetic without conversion; an extension element
 * Σ c_l·X^l is the block (c_0, c_1, c_2, c_3).
 *
 * Each instruction kind is one table (chip) of the recursion AIR; the program's instructions are that AIR's
 * preprocessed data, so a program's identity is its AIR digest.
 */
export type Address = number;

export type BaseAluOp = "add" | "sub" | "mul";
export type ExtAluOp = "add" | "sub" | "mul" | "inv";

export type Instruction =
  /** out ← the constant block. */
  | {
      readonly kind: "const";
      readonly out: Address;
      readonly value: readonly [number, number, number, number];
    }
  /** out ← the next value of the hint stream: a base value (upper slots 0) or an extension element. */
  | { readonly kind: "hint"; readonly out: Address; readonly ext: boolean }
  /** out ← a op b on base values. */
  | {
      readonly kind: "baseAlu";
      readonly op: BaseAluOp;
      readonly a: Address;
      readonly b: Address;
      readonly out: Address;
    }
  /** out ← a op b in F₄ (base values are extension elements too); `inv` is out ← 1/a (b = a) and rejects a = 0. */
  | {
      readonly kind: "extAlu";
      readonly op: ExtAluOp;
      readonly a: Address;
      readonly b: Address;
      readonly out: Address;
    }
  /** out ← acc + Σ_l coefficients_l · values[l]: four base lanes of one block against four F₄ elements. */
  | {
      readonly kind: "dot4";
      readonly acc: Address;
      readonly values: Address;
      readonly coefficients: readonly [Address, Address, Address, Address];
      readonly out: Address;
    }
  /** out ← bit ? a : b, block-wise; `bit` must hold 0 or 1. */
  | {
      readonly kind: "select";
      readonly bit: Address;
      readonly a: Address;
      readonly b: Address;
      readonly out: Address;
    }
  /** out ← (in₀, in₁, in₂, in₃) from four base values. */
  | {
      readonly kind: "pack";
      readonly inputs: readonly [Address, Address, Address, Address];
      readonly out: Address;
    }
  /** outs ← the four slots of a block, as base values. */
  | {
      readonly kind: "unpack";
      readonly input: Address;
      readonly outs: readonly [Address, Address, Address, Address];
    }
  /**
   * outs[i] ← bit i of the base value's canonical form (least significant first); the decomposition covers
   * all 31 bits, so it also proves the value canonical. Only `outs.length` low bits are written.
   */
  | { readonly kind: "bits"; readonly input: Address; readonly outs: readonly Address[] }
  /**
   * outs ← Poseidon2 width 24 of the 6 input blocks; when `swap` (an address holding 0 or 1; a constant 0
   * when there is nothing to swap) holds 1, blocks 0–1 and 2–3 change places first (a Merkle step). Outputs
   * with address −1 are not written.
   */
  | {
      readonly kind: "poseidon2";
      readonly inputs: readonly Address[];
      readonly swap: Address;
      readonly outs: readonly Address[];
    }
  /** Requires the two blocks equal. */
  | { readonly kind: "assertEq"; readonly a: Address; readonly b: Address }
  /** Exposes the base value as public value `index` of the proof. */
  | { readonly kind: "public"; readonly input: Address; readonly index: number };

export interface Program {
  readonly name: string;
  readonly instructions: readonly Instruction[];
  /** Number of memory blocks. */
  readonly memorySize: number;
  /** Number of public values the program exposes. */
  readonly publicCount: number;
  /** Number of values the hint stream must supply, in `hint` order. */
  readonly hintCount: number;
}

/** A block as 4 base elements. */
export type Block = readonly [number, number, number, number];

export const ZERO_BLOCK: Block = [0, 0, 0, 0];

/** Addresses an instruction reads, in order. */
export function reads(ins: Instruction): Address[] {
  switch (ins.kind) {
    case "const":
    case "hint":
      return [];
    case "baseAlu":
    case "extAlu":
      return [ins.a, ins.b];
    case "select":
      return [ins.bit, ins.a, ins.b];
    case "dot4":
      return [ins.acc, ins.values, ...ins.coefficients];
    case "pack":
      return [...ins.inputs];
    case "unpack":
      return [ins.input];
    case "bits":
      return [ins.input];
    case "poseidon2":
      return [...ins.inputs, ins.swap];
    case "assertEq":
      return [ins.a, ins.b];
    case "public":
      return [ins.input];
  }
}

/** Addresses an instruction writes (−1 entries excluded). */
export function writes(ins: Instruction): Address[] {
  switch (ins.kind) {
    case "const":
    case "hint":
    case "baseAlu":
    case "extAlu":
    case "select":
    case "pack":
    case "dot4":
      return [ins.out];
    case "unpack":
      return [...ins.outs];
    case "bits":
    case "poseidon2":
      return ins.outs.filter((a) => a >= 0);
    case "assertEq":
    case "public":
      return [];
  }
}
