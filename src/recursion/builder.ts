import { add, mul, sub } from "../field/babybear.ts";
import { type Ext, extAdd, extEquals, extInv, extMul, extSub } from "../field/extension.ts";
import { POSEIDON2_RATE } from "../hash/poseidon2.ts";
import { UnsupportedHashError } from "../stark/hash-config.ts";
import type { BackendChallenger, VerificationReason, VerifierBackend } from "../stark/verifier/backend.ts";
import type { AssertionInfo } from "./executor.ts";
import type { Address, Block, Instruction, Program } from "./ir.ts";

/**
 * Builds recursion programs: a write-once memory allocator, constants folded while building, and the
 * recursion instance of the STARK verifier (`RecursionBackend`), which turns the verifier written once
 * into instructions. The same code path as the native verifier; values are addresses.
 */

/**
 * A base value: known while building (a constant), at an address of its own (a block (v, 0, 0, 0)), or one
 * lane of a packed block (an opened row is hinted 4 elements per block).
 */
export interface RBase {
  readonly known?: number;
  readonly addr?: Address;
  readonly lane?: { readonly block: Address; readonly index: number };
}
/** An extension value. */
export interface RExt {
  readonly known?: Ext;
  readonly addr?: Address;
}
/** A Poseidon2 digest: 8 elements in two blocks. */
export interface RDigest {
  readonly blocks: readonly [Address, Address];
}

export class ProgramBuilder {
  readonly name: string;
  private readonly instructions: Instruction[] = [];
  private readonly info = new Map<number, { reason: VerificationReason; what: string }>();
  private nextAddress = 0;
  private hints = 0;
  private publics = 0;
  private readonly constants = new Map<string, Address>();

  constructor(name: string) {
    this.name = name;
  }

  alloc(): Address {
    return this.nextAddress++;
  }

  emit(ins: Instruction, assertion?: { reason: VerificationReason; what: string }): void {
    if (assertion) this.info.set(this.instructions.length, assertion);
    this.instructions.push(ins);
  }

  /** The address of a constant block (one per distinct value). */
  constant(value: Block): Address {
    const key = value.join(",");
    let a = this.constants.get(key);
    if (a === undefined) {
      a = this.alloc();
      this.emit({ kind: "const", out: a, value: [value[0], value[1], value[2], value[3]] });
      this.constants.set(key, a);
    }
    return a;
  }

  hint(ext: boolean): Address {
    const out = this.alloc();
    this.emit({ kind: "hint", out, ext });
    this.hints++;
    return out;
  }

  /** Exposes a base value as the next public value. */
  expose(addr: Address): number {
    const index = this.publics++;
    this.emit({ kind: "public", input: addr, index });
    return index;
  }

  build(): { program: Program; info: AssertionInfo } {
    return {
      program: {
        name: this.name,
        instructions: [...this.instructions],
        memorySize: this.nextAddress,
        publicCount: this.publics,
        hintCount: this.hints,
      },
      info: new Map(this.info),
    };
  }
}

const base = (v: number): RBase => ({ known: v });

/** The verifier's recursion instance, over a program builder. Its hash configuration is Poseidon2 width 24. */
export class RecursionBackend implements VerifierBackend<RBase, RExt, RDigest> {
  readonly hashId = "poseidon2-babybear-w24";
  readonly p: ProgramBuilder;

  constructor(builder: ProgramBuilder) {
    this.p = builder;
  }

  private readonly unpacked = new Map<Address, readonly Address[]>();

  /** The address of a base value of its own (materialising a constant, unpacking a lane once per block). */
  addr(x: RBase): Address {
    if (x.addr !== undefined) return x.addr;
    if (x.lane !== undefined) {
      let outs = this.unpacked.get(x.lane.block);
      if (!outs) {
        const o = [this.p.alloc(), this.p.alloc(), this.p.alloc(), this.p.alloc()] as const;
        this.p.emit({ kind: "unpack", input: x.lane.block, outs: o });
        this.unpacked.set(x.lane.block, (outs = o));
      }
      return outs[x.lane.index]!;
    }
    return this.p.constant([x.known!, 0, 0, 0]);
  }

  /** The block whose lanes 0–3 are exactly these four values, if they are. */
  private packedBlock(xs: readonly RBase[]): Address | undefined {
    const first = xs[0]?.lane;
    if (first?.index !== 0 || xs.length !== 4) return undefined;
    for (let l = 1; l < 4; l++)
      if (xs[l]!.lane?.block !== first.block || xs[l]!.lane?.index !== l) return undefined;
    return first.block;
  }

  /** A row hinted packed: ⌈n/4⌉ blocks; element i is lane i mod 4 of block ⌊i/4⌋. */
  packedRow(n: number): RBase[] {
    const blocks = Array.from({ length: Math.ceil(n / 4) }, () => this.p.hint(true));
    return Array.from({ length: n }, (_, i) => ({ lane: { block: blocks[i >> 2]!, index: i & 3 } }));
  }

  extAddr(x: RExt): Address {
    if (x.addr !== undefined) return x.addr;
    const k = x.known!;
    return this.p.constant([k[0], k[1], k[2], k[3]]);
  }

  constant(x: number): RBase {
    return base(x);
  }
  extConstant(x: Readonly<Ext>): RExt {
    return { known: [x[0], x[1], x[2], x[3]] };
  }
  known(x: RBase): number | undefined {
    return x.known;
  }

  private baseOp(op: "add" | "sub" | "mul", a: RBase, b: RBase): RBase {
    if (a.known !== undefined && b.known !== undefined)
      return base(
        op === "add" ? add(a.known, b.known) : op === "sub" ? sub(a.known, b.known) : mul(a.known, b.known),
      );
    if (op === "mul" && (a.known === 1 || b.known === 1)) return a.known === 1 ? b : a;
    if (op === "mul" && (a.known === 0 || b.known === 0)) return base(0);
    if ((op === "add" || op === "sub") && b.known === 0) return a;
    if (op === "add" && a.known === 0) return b;
    const out = this.p.alloc();
    this.p.emit({ kind: "baseAlu", op, a: this.addr(a), b: this.addr(b), out });
    return { addr: out };
  }
  add(a: RBase, b: RBase): RBase {
    return this.baseOp("add", a, b);
  }
  sub(a: RBase, b: RBase): RBase {
    return this.baseOp("sub", a, b);
  }
  mul(a: RBase, b: RBase): RBase {
    return this.baseOp("mul", a, b);
  }

  extFromBase(a: RBase): RExt {
    // A base value's block is (v, 0, 0, 0): the same address serves as the extension element.
    return a.known !== undefined ? { known: [a.known, 0, 0, 0] } : { addr: this.addr(a) };
  }
  extFromCoordinates(c0: RBase, c1: RBase, c2: RBase, c3: RBase): RExt {
    const cs = [c0, c1, c2, c3];
    if (cs.every((c) => c.known !== undefined)) return { known: cs.map((c) => c.known!) as Ext };
    const packed = this.packedBlock(cs);
    if (packed !== undefined) return { addr: packed };
    const out = this.p.alloc();
    this.p.emit({
      kind: "pack",
      inputs: [this.addr(c0), this.addr(c1), this.addr(c2), this.addr(c3)],
      out,
    });
    return { addr: out };
  }
  extCoordinates(a: RExt): readonly [RBase, RBase, RBase, RBase] {
    if (a.known !== undefined)
      return [base(a.known[0]), base(a.known[1]), base(a.known[2]), base(a.known[3])];
    const outs = [this.p.alloc(), this.p.alloc(), this.p.alloc(), this.p.alloc()] as const;
    this.p.emit({ kind: "unpack", input: a.addr!, outs });
    return [{ addr: outs[0] }, { addr: outs[1] }, { addr: outs[2] }, { addr: outs[3] }];
  }

  private extOp(op: "add" | "sub" | "mul", a: RExt, b: RExt): RExt {
    if (a.known !== undefined && b.known !== undefined) {
      const k =
        op === "add"
          ? extAdd(a.known, b.known)
          : op === "sub"
            ? extSub(a.known, b.known)
            : extMul(a.known, b.known);
      return { known: k };
    }
    const isOne = (x: RExt) => x.known !== undefined && extEquals(x.known, [1, 0, 0, 0]);
    const isZero = (x: RExt) => x.known !== undefined && extEquals(x.known, [0, 0, 0, 0]);
    if (op === "mul" && (isOne(a) || isOne(b))) return isOne(a) ? b : a;
    if (op === "mul" && (isZero(a) || isZero(b))) return { known: [0, 0, 0, 0] };
    if ((op === "add" || op === "sub") && isZero(b)) return a;
    if (op === "add" && isZero(a)) return b;
    const out = this.p.alloc();
    this.p.emit({ kind: "extAlu", op, a: this.extAddr(a), b: this.extAddr(b), out });
    return { addr: out };
  }
  extAdd(a: RExt, b: RExt): RExt {
    return this.extOp("add", a, b);
  }
  extSub(a: RExt, b: RExt): RExt {
    return this.extOp("sub", a, b);
  }
  extMul(a: RExt, b: RExt): RExt {
    return this.extOp("mul", a, b);
  }
  extMulBase(a: RExt, b: RBase): RExt {
    return this.extOp("mul", a, this.extFromBase(b));
  }
  extInverse(a: RExt, reason: VerificationReason, what: string): RExt {
    if (a.known !== undefined) {
      if (extEquals(a.known, [0, 0, 0, 0])) throw new RangeError(`recursion program: constant ${what}`);
      return { known: extInv(a.known) };
    }
    const out = this.p.alloc();
    this.p.emit({ kind: "extAlu", op: "inv", a: a.addr!, b: a.addr!, out }, { reason, what });
    return { addr: out };
  }

  bits(x: RBase, count: number): RBase[] {
    if (x.known !== undefined)
      return Array.from({ length: count }, (_, i) => base(Math.floor(x.known! / 2 ** i) % 2));
    const outs = Array.from({ length: count }, () => this.p.alloc());
    this.p.emit({ kind: "bits", input: this.addr(x), outs });
    return outs.map((addr) => ({ addr }));
  }
  select(bit: RBase, ifOne: RBase, ifZero: RBase): RBase {
    if (bit.known !== undefined) return bit.known ? ifOne : ifZero;
    if (ifOne.known !== undefined && ifZero.known !== undefined && ifOne.known === ifZero.known) return ifOne;
    const out = this.p.alloc();
    this.p.emit({ kind: "select", bit: this.addr(bit), a: this.addr(ifOne), b: this.addr(ifZero), out });
    return { addr: out };
  }
  extSelect(bit: RBase, ifOne: RExt, ifZero: RExt): RExt {
    if (bit.known !== undefined) return bit.known ? ifOne : ifZero;
    const out = this.p.alloc();
    this.p.emit({
      kind: "select",
      bit: this.addr(bit),
      a: this.extAddr(ifOne),
      b: this.extAddr(ifZero),
      out,
    });
    return { addr: out };
  }
  digestSelect(bit: RBase, ifOne: RDigest, ifZero: RDigest): RDigest {
    if (bit.known !== undefined) return bit.known ? ifOne : ifZero;
    const blocks = [0, 1].map((k) => {
      const out = this.p.alloc();
      this.p.emit({ kind: "select", bit: this.addr(bit), a: ifOne.blocks[k]!, b: ifZero.blocks[k]!, out });
      return out;
    });
    return { blocks: [blocks[0]!, blocks[1]!] };
  }

  /** One permutation of 6 input blocks; returns the output blocks asked for (others unwritten). */
  permute(inputs: readonly Address[], want: readonly boolean[], swap?: Address): (Address | null)[] {
    const outs = want.map((w) => (w ? this.p.alloc() : -1));
    this.p.emit({
      kind: "poseidon2",
      inputs: [...inputs],
      swap: swap ?? this.p.constant([0, 0, 0, 0]),
      outs,
    });
    return outs.map((o) => (o >= 0 ? o : null));
  }

  /** Poseidon2 `hashRow` (overwrite mode, 16 elements per permutation, zero-filled last block). */
  hashRow(row: readonly RBase[]): RDigest {
    const zero = this.p.constant([0, 0, 0, 0]);
    let capacity: [Address, Address] = [zero, zero];
    let out: (Address | null)[] = [];
    let i = 0;
    do {
      const chunk = row.slice(i, i + POSEIDON2_RATE);
      const lanes = Array.from({ length: POSEIDON2_RATE }, (_, l) => chunk[l] ?? base(0));
      const blocks = [0, 1, 2, 3].map((j) => this.packLanes(lanes.slice(4 * j, 4 * j + 4)));
      i += chunk.length;
      const last = i >= row.length;
      out = this.permute([...blocks, ...capacity], [last, last, false, false, !last, !last]);
      if (!last) capacity = [out[4]!, out[5]!];
    } while (i < row.length);
    return { blocks: [out[0]!, out[1]!] };
  }

  private packLanes(lanes: readonly RBase[]): Address {
    if (lanes.every((l) => l.known !== undefined))
      return this.p.constant(lanes.map((l) => l.known!) as unknown as Block);
    return this.extAddr(this.extFromCoordinates(lanes[0]!, lanes[1]!, lanes[2]!, lanes[3]!));
  }

  /**
   * Σ coefficients_i · values_i: four values that fill one packed block are one `dot4` instruction (the
   * opened rows are hinted packed, so a DEEP row reduction is mostly whole blocks); the rest term by term.
   */
  dotBase(coefficients: readonly RExt[], values: ArrayLike<RBase>): RExt {
    let acc: RExt = { known: [0, 0, 0, 0] };
    for (let i = 0; i < values.length; ) {
      const four = i + 4 <= values.length ? [values[i]!, values[i + 1]!, values[i + 2]!, values[i + 3]!] : [];
      const block = four.length === 4 ? this.packedBlock(four) : undefined;
      if (block !== undefined) {
        const out = this.p.alloc();
        const coefficientAddrs = [0, 1, 2, 3].map((l) => this.extAddr(coefficients[i + l]!));
        this.p.emit({
          kind: "dot4",
          acc: this.extAddr(acc),
          values: block,
          coefficients: coefficientAddrs as [Address, Address, Address, Address],
          out,
        });
        acc = { addr: out };
        i += 4;
      } else {
        acc = this.extAdd(acc, this.extMulBase(coefficients[i]!, values[i]!));
        i++;
      }
    }
    return acc;
  }

  compress(left: RDigest, right: RDigest): RDigest {
    const zero = this.p.constant([0, 0, 0, 0]);
    const out = this.permute(
      [...left.blocks, ...right.blocks, zero, zero],
      [true, true, false, false, false, false],
    );
    return { blocks: [out[0]!, out[1]!] };
  }

  merkleStep(bit: RBase, node: RDigest, sibling: RDigest): RDigest {
    if (bit.known !== undefined)
      return bit.known ? this.compress(sibling, node) : this.compress(node, sibling);
    const zero = this.p.constant([0, 0, 0, 0]);
    const out = this.permute(
      [...node.blocks, ...sibling.blocks, zero, zero],
      [true, true, false, false, false, false],
      this.addr(bit),
    );
    return { blocks: [out[0]!, out[1]!] };
  }

  /** The recursion programs verify Poseidon2-BabyBear proofs, whose Merkle trees are binary. */
  merkleStep4(): RDigest {
    throw new UnsupportedHashError(
      "a recursion program verifies Poseidon2-BabyBear proofs (binary Merkle trees); this proof's hash configuration has 4-ary trees",
    );
  }

  /** Poseidon2-BabyBear proofs compress injected rows apart; fused injections are Poseidon-BN254's. */
  merkleInjectStep(): RDigest {
    throw new UnsupportedHashError(
      "a recursion program verifies Poseidon2-BabyBear proofs (injections compressed apart); this proof's hash configuration fuses injections into the Merkle nodes",
    );
  }

  newChallenger(): BackendChallenger<RBase, RDigest> {
    return new RecursionChallenger(this);
  }

  assertEqual(a: RBase, b: RBase, reason: VerificationReason, what: string): void {
    if (a.known !== undefined && b.known !== undefined) {
      if (a.known !== b.known) throw new RangeError(`recursion program: constant assertion fails: ${what}`);
      return;
    }
    this.p.emit({ kind: "assertEq", a: this.addr(a), b: this.addr(b) }, { reason, what });
  }
  assertExtEqual(a: RExt, b: RExt, reason: VerificationReason, what: string): void {
    if (a.known !== undefined && b.known !== undefined) {
      if (!extEquals(a.known, b.known))
        throw new RangeError(`recursion program: constant assertion fails: ${what}`);
      return;
    }
    this.p.emit({ kind: "assertEq", a: this.extAddr(a), b: this.extAddr(b) }, { reason, what });
  }
  assertDigestEqual(a: RDigest, b: RDigest, reason: VerificationReason, what: string): void {
    for (let k = 0; k < 2; k++)
      this.p.emit({ kind: "assertEq", a: a.blocks[k]!, b: b.blocks[k]! }, { reason, what });
  }

  /** A digest given as 8 base elements (for instance a constant root). */
  digestOf(elements: readonly RBase[]): RDigest {
    return {
      blocks: [this.packLanes(elements.slice(0, 4)), this.packLanes(elements.slice(4, 8))],
    };
  }

  /** The 8 elements of a digest as base values. */
  digestElements(d: RDigest): RBase[] {
    return d.blocks.flatMap((b) => [...this.extCoordinates({ addr: b })]);
  }
}

/**
 * The duplex sponge of `Poseidon2Challenger` (overwrite mode, rate 16, samples popped from lane 15 down),
 * with its state as 6 blocks of the recursion memory.
 */
class RecursionChallenger implements BackendChallenger<RBase, RDigest> {
  private readonly b: RecursionBackend;
  private state: Address[];
  private input: RBase[] = [];
  /** The output lanes not yet sampled (lane order), unpacked on demand. */
  private output: (() => RBase)[] = [];

  constructor(b: RecursionBackend) {
    this.b = b;
    const zero = b.p.constant([0, 0, 0, 0]);
    this.state = [zero, zero, zero, zero, zero, zero];
  }

  private duplex(): void {
    const b = this.b;
    const k = this.input.length;
    const blocks = this.state.slice();
    for (let j = 0; j < 4; j++) {
      const lanes = [0, 1, 2, 3].map((l) => 4 * j + l);
      if (lanes.every((l) => l >= k)) continue;
      const old = lanes.some((l) => l >= k) ? b.extCoordinates({ addr: this.state[j]! }) : null;
      const values = lanes.map((l, idx) => (l < k ? this.input[l]! : old![idx]!));
      blocks[j] = b.extAddr(b.extFromCoordinates(values[0]!, values[1]!, values[2]!, values[3]!));
    }
    this.input = [];
    const outs = b.permute(blocks, [true, true, true, true, true, true]);
    this.state = outs.map((o) => o!);
    const unpacked: (readonly RBase[] | null)[] = [null, null, null, null];
    this.output = Array.from({ length: POSEIDON2_RATE }, (_, lane) => () => {
      const j = lane >> 2;
      unpacked[j] ??= b.extCoordinates({ addr: this.state[j]! });
      return unpacked[j]![lane & 3]!;
    });
  }

  observe(x: RBase): void {
    this.output = [];
    this.input.push(x);
    if (this.input.length === POSEIDON2_RATE) this.duplex();
  }

  observeDigest(d: RDigest): void {
    for (const x of this.b.digestElements(d)) this.observe(x);
  }

  sample(): RBase {
    if (this.input.length > 0 || this.output.length === 0) this.duplex();
    return this.output.pop()!();
  }
}
