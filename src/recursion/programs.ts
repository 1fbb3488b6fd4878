import { machineFor } from "../machine/air.ts";
import { Pub } from "../machine/publics.ts";
import { machinePreprocessedRoot } from "../machine/verify.ts";
import type { Air } from "../stark/air.ts";
import type { StarkConfig } from "../stark/config.ts";
import { type AnyRecursionChip, chipsOfShape, type RecursionShape, recursionAir } from "./air.ts";
import { type ProgramBuilder, type RBase, type RDigest, RecursionBackend } from "./builder.ts";
import type { Program } from "./ir.ts";
import { emitStarkVerifier, type VerifierInstance } from "./verifier-program.ts";

/**
 * The recursion programs (docs/recursion.md §3): `lift` verifies one RV32IM segment proof, `join` two
 * recursion proofs whose claims chain, `identity` one recursion proof (to re-prove it under another
 * configuration). Every recursion proof has the same public values: the control root and a claim.
 *
 * Claim, as public values: the pre- and post-state digests of the machine (8 elements each: the Poseidon2
 * state digest of docs/machine.md, the ImageID for a session's first state), whether the last segment
 * halted, its exit code as two 16-bit halves, and the Output digest as 16 halves. It is the structured form
 * of RISC Zero's ReceiptClaim; its SHA-256 claim digest is computed from it (receipt/succinct-receipt.ts).
 */
export const Claim = {
  CONTROL_ROOT: 0,
  PRE: 8,
  POST: 16,
  HALTED: 24,
  EXIT_LO: 25,
  EXIT_HI: 26,
  OUTPUT: 27,
} as const;
export const RECURSION_PUBLIC_COUNT = 43;

/** Depth of the control tree: an allowed set holds up to 2^CONTROL_DEPTH programs. */
export const CONTROL_DEPTH = 6;

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

/** The claim of a recursion proof, as program values. */
interface ClaimValues {
  readonly root: readonly RBase[];
  readonly pre: readonly RBase[];
  readonly post: readonly RBase[];
  readonly halted: RBase;
  readonly exit: readonly [RBase, RBase];
  readonly output: readonly RBase[];
}

function expose(builder: ProgramBuilder, b: RecursionBackend, c: ClaimValues): void {
  const values = [...c.root, ...c.pre, ...c.post, c.halted, ...c.exit, ...c.output];
  if (values.length !== RECURSION_PUBLIC_COUNT) throw new RangeError("claim layout");
  for (const v of values) builder.expose(b.addr(v));
}

function claimOf(inner: VerifierInstance): ClaimValues {
  const p = inner.publics;
  return {
    root: range(Claim.CONTROL_ROOT, 8).map((i) => p[i]!),
    pre: range(Claim.PRE, 8).map((i) => p[i]!),
    post: range(Claim.POST, 8).map((i) => p[i]!),
    halted: p[Claim.HALTED]!,
    exit: [p[Claim.EXIT_LO]!, p[Claim.EXIT_HI]!],
    output: range(Claim.OUTPUT, 16).map((i) => p[i]!),
  };
}

/** x = lo + 2^k·hi with lo < 2^k, from x's canonical 31-bit decomposition. */
function split(b: RecursionBackend, x: RBase, k: number): { lo: RBase; hi: RBase } {
  const bits = b.bits(x, 31);
  let lo = b.constant(0);
  let hi = b.constant(0);
  bits.forEach((bit, i) => {
    if (i < k) lo = b.add(lo, b.mul(bit, b.constant(2 ** i)));
    else hi = b.add(hi, b.mul(bit, b.constant(2 ** (i - k))));
  });
  return { lo, hi };
}

/** The machine's state digest: compress(root, [pc lo16, pc hi16, cycles as four 16-bit limbs, 0, 0]). */
function stateDigest(
  b: RecursionBackend,
  root: readonly RBase[],
  pc: RBase,
  cycles: readonly RBase[],
): RBase[] {
  const { lo, hi } = split(b, pc, 16);
  const lanes = [lo, hi, ...cycles, b.constant(0), b.constant(0)];
  const d = b.compress(b.digestOf(root), b.digestOf(lanes));
  return b.digestElements(d);
}

/** The inner proof's AIR digest is a member of the control tree whose root the claim carries. */
function checkControlMembership(
  builder: ProgramBuilder,
  b: RecursionBackend,
  inner: VerifierInstance,
  root: readonly RBase[],
): void {
  const index: RBase = { addr: builder.hint(false) };
  const bits = b.bits(index, CONTROL_DEPTH);
  let node: RDigest = b.digestOf(inner.airDigest);
  for (let l = 0; l < CONTROL_DEPTH; l++) {
    const sibling: RDigest = { blocks: [builder.hint(true), builder.hint(true)] };
    node = b.merkleStep(bits[l]!, node, sibling);
  }
  b.assertDigestEqual(node, b.digestOf(root), "shape", "the inner program is not in the allowed set");
}

/**
 * `lift`: verifies one RV32IM segment proof with the given table heights under `config`, and exposes its
 * claim; the control root is a hint passed through (joins and the final verifier check it).
 */
export function buildLift(builder: ProgramBuilder, config: StarkConfig, logHeights: readonly number[]): void {
  const b = new RecursionBackend(builder);
  const root = range(0, 8).map((): RBase => ({ addr: builder.hint(false) }));
  const m = machineFor(config);
  const inner = emitStarkVerifier(builder, m.air, config, logHeights, {
    preprocessedRoot: "constant",
    constantRoot: machinePreprocessedRoot(config),
  });
  const p = inner.publics;
  const halted = p[Pub.HALTED]!;
  const haltedBit = b.bits(halted, 1)[0]!;
  b.assertEqual(haltedBit, halted, "public-values", "the halted flag is a bit");
  const start = range(Pub.START_CYCLES, 4).map((i) => p[i]!);
  // End cycles = start + CYCLES, as canonical 16-bit limbs (the start limbs are canonical by induction:
  // the first segment starts from the ImageID, cycle 0, and each later one where the previous ended).
  const cycles = split(b, p[Pub.CYCLES]!, 16);
  let carry = b.constant(0);
  const end: RBase[] = [];
  for (let k = 0; k < 4; k++) {
    let sum = b.add(start[k]!, carry);
    if (k === 0) sum = b.add(sum, cycles.lo);
    if (k === 1) sum = b.add(sum, cycles.hi);
    const s = split(b, sum, 16);
    end.push(s.lo);
    carry = s.hi;
  }
  b.assertEqual(carry, b.constant(0), "public-values", "the cycle count overflows 64 bits");
  const pre = stateDigest(
    b,
    range(Pub.PRE_ROOT, 8).map((i) => p[i]!),
    p[Pub.PC_START]!,
    start,
  );
  const post = stateDigest(
    b,
    range(Pub.POST_ROOT, 8).map((i) => p[i]!),
    p[Pub.PC_END]!,
    end,
  );
  expose(builder, b, {
    root,
    pre,
    post,
    halted,
    exit: [p[Pub.EXIT_LO]!, p[Pub.EXIT_HI]!],
    output: range(Pub.OUTPUT, 16).map((i) => p[i]!),
  });
}

/** Templates built in this process, by shape (few: a verifier knows one release or a handful). */
const templates = new Map<string, Air>();
const TEMPLATES_KEPT = 4;

/**
 * The recursion AIR of no program: the structure every program of the shape shares. Built once per shape
 * and process (its preprocessed columns, zeros at the shape's heights, take most of a succinct receipt's
 * verification time to build otherwise) and shared: an `Air` is data that no caller changes. The key is the
 * shape (its chips and heights) — the caller's release, never anything a proof says.
 */
export function recursionTemplate(shape: RecursionShape): Air {
  const heights = chipsOfShape(shape).map((c) => shape[c.name]);
  const key = heights.every((h) => Number.isInteger(h)) ? JSON.stringify(shape) : null;
  const hit = key === null ? undefined : templates.get(key);
  if (hit) return hit;
  const air = recursionAir(
    { name: "template", instructions: [], memorySize: 0, publicCount: RECURSION_PUBLIC_COUNT, hintCount: 0 },
    shape,
  ).air;
  if (key !== null) {
    if (templates.size === TEMPLATES_KEPT) templates.delete(templates.keys().next().value!);
    templates.set(key, air);
  }
  return air;
}

/** Table heights of recursion proofs of a shape, in AIR table order. */
export function shapeHeights(
  shape: RecursionShape,
  chips: readonly AnyRecursionChip[] = chipsOfShape(shape),
): number[] {
  return chips.map((c) => shape[c.name]!);
}

/** Verifies one inner recursion proof of the shape and checks its program against the control root. */
function emitRecursionVerifier(
  builder: ProgramBuilder,
  b: RecursionBackend,
  shape: RecursionShape,
  config: StarkConfig,
) {
  const inner = emitStarkVerifier(builder, recursionTemplate(shape), config, shapeHeights(shape), {
    preprocessedRoot: "hint",
  });
  const claim = claimOf(inner);
  checkControlMembership(builder, b, inner, claim.root);
  return { inner, claim };
}

/** `join`: verifies two recursion proofs whose claims chain and exposes the joined claim. */
export function buildJoin(builder: ProgramBuilder, shape: RecursionShape, config: StarkConfig): void {
  const b = new RecursionBackend(builder);
  const left = emitRecursionVerifier(builder, b, shape, config).claim;
  const right = emitRecursionVerifier(builder, b, shape, config).claim;
  for (let k = 0; k < 8; k++) {
    b.assertEqual(
      left.root[k]!,
      right.root[k]!,
      "public-values",
      "the two proofs name different control roots",
    );
    b.assertEqual(
      left.post[k]!,
      right.pre[k]!,
      "public-values",
      "the left claim does not end where the right one starts",
    );
  }
  b.assertEqual(left.halted, b.constant(0), "public-values", "the left claim halts: nothing may follow it");
  expose(builder, b, { ...right, root: left.root, pre: left.pre });
}

/** `identity`: verifies one recursion proof and exposes its claim unchanged. */
export function buildIdentity(builder: ProgramBuilder, shape: RecursionShape, config: StarkConfig): void {
  const b = new RecursionBackend(builder);
  expose(builder, b, emitRecursionVerifier(builder, b, shape, config).claim);
}

export type { Program };
