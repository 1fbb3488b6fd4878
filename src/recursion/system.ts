import { machineFor } from "../machine/air.ts";
import type { ProvenSegment } from "../machine/prove.ts";
import { statementPublics } from "../machine/statement.ts";
import { machinePreprocessedRoot } from "../machine/verify.ts";
import type { Air } from "../stark/air.ts";
import type { StarkConfig } from "../stark/config.ts";
import type { StarkHash } from "../stark/hash-config.ts";
import { poseidon2Hash } from "../stark/poseidon2-hash.ts";
import { decodeProof, encodeProof } from "../stark/proof-codec.ts";
import { airDigest, logupCapacityOk } from "../stark/protocol.ts";
import { proveStark } from "../stark/prover.ts";
import {
  type RecursionAir,
  type RecursionShape,
  recursionAir,
  recursionChips,
  recursionWitness,
  shapeFor,
} from "./air.ts";
import { ProgramBuilder } from "./builder.ts";
import {
  type ControlId,
  type ControlInclusion,
  type ControlTree,
  controlInclusion,
  controlTree,
} from "./control.ts";
import { type AssertionInfo, executeProgram, RecursionProgramError } from "./executor.ts";
import type { Block, Program } from "./ir.ts";
import {
  buildIdentity,
  buildJoin,
  buildLift,
  CONTROL_DEPTH,
  RECURSION_PUBLIC_COUNT,
  recursionTemplate,
  shapeHeights,
} from "./programs.ts";
import { computePreprocessedRoot, type PreprocessedRootOf } from "./release-cache.ts";
import { verifierHints } from "./verifier-program.ts";

/**
 * A release of the recursion system (docs/recursion.md): the lift programs for the segment shapes it
 * supports, join and identity at the common shape they all fit, their control IDs and the control root.
 * Everything is derived deterministically from (machine configuration, recursion configuration, lift
 * shapes), so a test can recompute a published control root.
 */
export interface RecursionProgram {
  readonly name: string;
  readonly program: Program;
  readonly info: AssertionInfo;
  readonly air: RecursionAir;
  readonly preprocessedRoot: Uint32Array;
  readonly controlId: ControlId;
}

export interface RecursionSystem {
  readonly machineConfig: StarkConfig;
  readonly config: StarkConfig;
  readonly shape: RecursionShape;
  readonly lifts: ReadonlyMap<string, RecursionProgram>;
  readonly join: RecursionProgram;
  readonly identity: RecursionProgram;
  /** Further programs of the allowed set (`recursionSystem`'s `others`), by name. */
  readonly others: ReadonlyMap<string, RecursionProgram>;
  readonly tree: ControlTree;
}

/**
 * A program of the allowed set besides lift, join and identity, as RISC Zero's releases also admit test
 * programs: it exposes the release's public values (control root and claim) from whatever it verifies.
 */
export interface OtherProgram {
  readonly name: string;
  readonly build: (b: ProgramBuilder) => void;
}

/** A recursion proof and the public values it proves (the control root and the claim). */
export interface RecursionProof {
  readonly program: RecursionProgram;
  readonly proof: Uint8Array;
  readonly publics: readonly number[];
}

const heightsKey = (h: readonly number[]) => h.join(",");

function built(name: string, build: (b: ProgramBuilder) => void): { program: Program; info: AssertionInfo } {
  const b = new ProgramBuilder(name);
  build(b);
  return b.build();
}

/**
 * Builds a release. `rootOf` supplies the programs' preprocessed roots (default: computed — most of the
 * build's time; release-cache.ts passes roots from the disk cache).
 */
export function recursionSystem(
  machineConfig: StarkConfig,
  config: StarkConfig,
  liftHeights: readonly (readonly number[])[],
  others: readonly OtherProgram[] = [],
  rootOf: PreprocessedRootOf = computePreprocessedRoot,
): RecursionSystem {
  const lifts = liftHeights.map((h) => ({
    h,
    ...built(`lift ${heightsKey(h)}`, (b) => buildLift(b, machineConfig, h)),
  }));
  const extra = others.map((o) => ({ name: o.name, ...built(o.name, o.build) }));
  const leaves = [...lifts, ...extra].map((l) => l.program);
  // join and identity verify proofs of the shape they must themselves fit: iterate to a fixed point. The
  // shape only grows (a table's height is the largest seen), so the iteration ends: a verifier's size
  // depends on the heights it reads, and letting heights shrink again can cycle.
  const chips = recursionChips(config);
  let shape = shapeFor(leaves, chips);
  for (let round = 0; ; round++) {
    if (round === 32) throw new RangeError("the recursion shape does not settle (a bug: report it)");
    const join = built("join", (b) => buildJoin(b, shape, config));
    const identity = built("identity", (b) => buildIdentity(b, shape, config));
    const fitted = shapeFor([...leaves, join.program, identity.program], chips);
    const next: RecursionShape = Object.fromEntries(
      Object.keys(fitted).map((k) => [k, Math.max(fitted[k]!, shape[k] ?? 0)]),
    );
    if (Object.keys(next).every((k) => next[k] === shape[k])) {
      const make = (name: string, p: { program: Program; info: AssertionInfo }): RecursionProgram => {
        const air = recursionAir(p.program, shape);
        if (!logupCapacityOk(air.air, shapeHeights(shape)))
          throw new RangeError(`recursion program ${name} exceeds LogUp's capacity`);
        const root = rootOf(air.air, config, poseidon2Hash);
        return {
          name,
          ...p,
          air,
          preprocessedRoot: root,
          controlId: airDigest(air.air, config, poseidon2Hash, root),
        };
      };
      const liftPrograms = new Map(lifts.map((l) => [heightsKey(l.h), make(`lift ${heightsKey(l.h)}`, l)]));
      const joinProgram = make("join", join);
      const identityProgram = make("identity", identity);
      const otherPrograms = new Map(extra.map((o) => [o.name, make(o.name, o)]));
      const tree = controlTree(
        [
          ...[...liftPrograms.values()].map((p) => p.controlId),
          joinProgram.controlId,
          identityProgram.controlId,
          ...[...otherPrograms.values()].map((p) => p.controlId),
        ],
        CONTROL_DEPTH,
      );
      return {
        machineConfig,
        config,
        shape,
        lifts: liftPrograms,
        join: joinProgram,
        identity: identityProgram,
        others: otherPrograms,
        tree,
      };
    }
    shape = next;
  }
}

/**
 * The program's preprocessed root as the prover commits to it (computed once per AIR and kept for its
 * proofs) must be the one its control ID was made from: a root taken from a stale or corrupt cache entry
 * fails here, before any proof is made with it.
 */
export function checkPreprocessedRoot(
  air: Air,
  config: StarkConfig,
  hash: StarkHash,
  expected: Uint32Array,
  what: string,
) {
  const root = computePreprocessedRoot(air, config, hash);
  if (!root.every((x, i) => x === expected[i]))
    throw new RecursionProgramError(
      `${what}: its preprocessed columns commit to [${[...root].join(", ")}], not to the root its control ID ` +
        `was made from (a stale release cache? delete the cache directory or set ZKVM_NO_CACHE=1)`,
    );
}

/** Proves a program's execution on its hints (throws RecursionAssertionError when a check fails). */
export function proveProgram(
  sys: RecursionSystem,
  p: RecursionProgram,
  hints: readonly Block[],
): RecursionProof {
  checkPreprocessedRoot(
    p.air.air,
    sys.config,
    poseidon2Hash,
    p.preprocessedRoot,
    `recursion program ${p.name}`,
  );
  const exec = executeProgram(p.program, hints, p.info);
  const witness = recursionWitness(p.air, exec);
  const proof = proveStark(p.air.air, sys.config, poseidon2Hash, witness);
  return {
    program: p,
    proof: encodeProof(proof, p.air.air, sys.config, poseidon2Hash),
    publics: exec.publics,
  };
}

/** The inclusion proof of a program's control ID in the release's tree (of the depth the programs read). */
export function controlInclusionOf(sys: RecursionSystem, id: ControlId): ControlInclusion {
  return controlInclusion(sys.tree, id);
}

/** `lift` of one segment proof. */
export function proveLift(sys: RecursionSystem, segment: ProvenSegment): RecursionProof {
  const m = machineFor(sys.machineConfig);
  const proof = decodeProof(segment.seal, m.air, sys.machineConfig, poseidon2Hash);
  const program = sys.lifts.get(heightsKey(proof.logHeights));
  if (!program)
    throw new RangeError(
      `this recursion release has no lift program for segment heights [${proof.logHeights.join(", ")}]`,
    );
  const root: Block[] = Array.from(sys.tree.root, (x) => [x, 0, 0, 0]);
  const hints = [
    ...root,
    ...verifierHints(m.air, proof, statementPublics(segment.statement), {
      preprocessedRoot: "constant",
      root: machinePreprocessedRoot(sys.machineConfig),
    }),
  ];
  return proveProgram(sys, program, hints);
}

/**
 * The hint stream of `emitRecursionVerifier` (programs.ts) for one inner recursion proof of the release:
 * the proof, its public values, its program's preprocessed root and the inclusion of its control ID (tests
 * pass another inclusion to check that the program refuses it).
 */
export function innerHints(
  sys: RecursionSystem,
  inner: RecursionProof,
  inc: ControlInclusion = controlInclusionOf(sys, inner.program.controlId),
): Block[] {
  return proofHints(sys, { ...inner, preprocessedRoot: inner.program.preprocessedRoot }, inc);
}

/** A recursion proof as a receipt carries it: its program known only by preprocessed root and inclusion. */
export interface DetachedRecursionProof {
  readonly proof: Uint8Array;
  readonly publics: readonly number[];
  readonly preprocessedRoot: Uint32Array;
}

/** {@link innerHints} for a proof detached from its program (a succinct receipt's). */
export function proofHints(
  sys: RecursionSystem,
  inner: DetachedRecursionProof,
  inc: ControlInclusion,
): Block[] {
  const template = recursionTemplate(sys.shape);
  const proof = decodeProof(inner.proof, template, sys.config, poseidon2Hash);
  return [
    ...verifierHints(template, proof, inner.publics, {
      preprocessedRoot: "hint",
      root: inner.preprocessedRoot,
    }),
    [inc.index, 0, 0, 0],
    ...inc.path.flatMap((d): Block[] => [
      [d[0]!, d[1]!, d[2]!, d[3]!],
      [d[4]!, d[5]!, d[6]!, d[7]!],
    ]),
  ];
}

/** `join` of two recursion proofs whose claims chain. */
export function proveJoin(sys: RecursionSystem, left: RecursionProof, right: RecursionProof): RecursionProof {
  return proveProgram(sys, sys.join, [...innerHints(sys, left), ...innerHints(sys, right)]);
}

/** One step of {@link proveSuccinct}, reported before it runs. */
export interface RecursionStep {
  readonly kind: "lift" | "join";
  readonly index: number;
  readonly total: number;
}

/** Lifts a session's segment proofs and joins them pairwise, in order, into one recursion proof. */
export function proveSuccinct(
  sys: RecursionSystem,
  segments: readonly ProvenSegment[],
  onStep?: (step: RecursionStep) => void,
): RecursionProof {
  if (segments.length === 0) throw new RangeError("a session has at least one segment");
  const total = segments.length;
  let level = segments.map((s, index) => {
    onStep?.({ kind: "lift", index, total });
    return proveLift(sys, s);
  });
  let joins = 0;
  while (level.length > 1) {
    const next: RecursionProof[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) {
      onStep?.({ kind: "join", index: joins++, total: total - 1 });
      next.push(proveJoin(sys, level[i]!, level[i + 1]!));
    }
    if (level.length % 2 === 1) next.push(level[level.length - 1]!);
    level = next;
  }
  return level[0]!;
}

export { RECURSION_PUBLIC_COUNT };
