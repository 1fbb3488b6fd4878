import type { StarkConfig } from "../stark/config.ts";
import { poseidonBn254Hash } from "../stark/poseidon-bn254-hash.ts";
import { encodeProof } from "../stark/proof-codec.ts";
import { airDigest, logupCapacityOk } from "../stark/protocol.ts";
import { type ProveOptions, proveStark, type Witness } from "../stark/prover.ts";
import { type VerifiedProof, verifyStarkBytes } from "../stark/verifier.ts";
import {
  type AnyRecursionChip,
  admitsDegree7,
  chipRows,
  DEGREE3_CHIPS,
  type RecursionAir,
  type RecursionAirOptions,
  type RecursionShape,
  recursionAir,
  recursionTableHeights,
  recursionWitness,
  shapeFor,
  TWO_ROW_DEGREE7_CHIPS,
  withFourLanes,
} from "./air.ts";
import { rowsFor } from "./chips/chip.ts";
import type { ControlInclusion } from "./control.ts";
import { executeProgram } from "./executor.ts";
import { computePreprocessedRoot, type PreprocessedRootOf } from "./release-cache.ts";
import {
  checkPreprocessedRoot,
  innerHints,
  proofHints,
  type RecursionProof,
  type RecursionSystem,
} from "./system.ts";

/**
 * The BN254 step (RISC Zero's `identity_p254`, docs/wrap-circuit.md §8): the release's `identity` program —
 * it verifies one recursion proof of the release's shape, checks its program against the control root the
 * claim names, and exposes the claim unchanged — proven under a Poseidon-BN254 configuration, so that a
 * BN254 circuit can verify the proof (src/groth16/circuit). The program is the release's own; only its
 * chips and shape (one table, {@link P254_TABLES}: the wrap circuit's cost grows with the tallest table, with
 * each table and with each distinct height) and the configuration differ. Its verifying key is therefore
 * one BN254 element, the **BN254 control ID**: the preprocessed root of the program's recursion AIR under
 * that configuration. The wrap circuit takes it as a public input, as
 * RISC Zero's does, and derives the AIR digest from it.
 */
export interface P254Program {
  readonly system: RecursionSystem;
  readonly config: StarkConfig;
  /** The identity program's own shape (every chip at the height of the tallest that holds it). */
  readonly shape: RecursionShape;
  readonly air: RecursionAir;
  /** Table heights of its proofs, in AIR table order (pinned by the verifier and the circuit). */
  readonly logHeights: readonly number[];
  /** The preprocessed root under the BN254 configuration: one BN254 field element, as 8 u32 words LE. */
  readonly bn254ControlId: Uint32Array;
  /** Its AIR digest under the BN254 configuration (what the wrap circuit derives from the control ID). */
  readonly airDigest: Uint32Array;
}

/**
 * The BN254 layer's configuration, chosen by measurement (docs/wrap-circuit.md §8, "Under 2^20"): blowup 32,
 * 16 queries, 20 PoW bits, FRI arity 8, Merkle caps of 2^6 digests. Conjectured security at the BN254
 * identity AIR's heights: 100 bits (fri 5·16 + 20 = 100; FRI folding, DEEP and LogUp above 103). Chosen
 * so that the wrap circuit fits the 2^20 domain: 1,031,907 constraints with the statement, where blowup 16
 * with 21 queries and 16 PoW bits counts 1,211,750. The price is the BN254 step's Poseidon-BN254 hashing,
 * twice as many LDE rows, and ~2^20 grinding attempts (split across the prover's threads); the Groth16
 * proof over a domain half as large saves more (docs/benchmarks.md, "Compression"). The cap height is the
 * circuit's least once the transcript hashes the caps (2^5 +3 k, 2^7 +7 k).
 */
export const P254_CONFIG: StarkConfig = {
  logBlowup: 5,
  numQueries: 16,
  powBits: 20,
  friLogArity: 3,
  logFinalDegree: 3,
  capHeight: 6,
};

/** How a BN254 step is built other than the production way: for measurements and caches. */
export interface P254ProgramOptions {
  /** The chips (default {@link p254Chips} of the configuration): bench/wrap-p254.ts compares others. */
  readonly chips?: readonly AnyRecursionChip[];
  /** How the chips make tables (default {@link P254_TABLES}: one table). */
  readonly tables?: P254Tables;
  /** How the preprocessed root is found (default: computed; a release cache looks it up). */
  readonly rootOf?: PreprocessedRootOf;
}

/**
 * The BN254 step of a release under a Poseidon-BN254 configuration (deterministic: a verifier recomputes
 * the BN254 control ID from the release and the configuration).
 */
export function p254Program(
  system: RecursionSystem,
  config: StarkConfig = P254_CONFIG,
  options: P254ProgramOptions = {},
): P254Program {
  const { shape, air, logHeights } = p254Air(system, config, options.chips, options.tables);
  const root = (options.rootOf ?? computePreprocessedRoot)(air.air, config, poseidonBn254Hash);
  return {
    system,
    config,
    shape,
    air,
    logHeights,
    bn254ControlId: root,
    airDigest: airDigest(air.air, config, poseidonBn254Hash, root),
  };
}

/**
 * The chips of the BN254 identity AIR under `config`. At blowup ≥ 8 — P254_CONFIG's 32 — Poseidon2 on two
 * rows of degree-7 constraints, hints and extension arithmetic two a row ({@link TWO_ROW_DEGREE7_CHIPS}):
 * every chip fits the Poseidon2 table's 2^14 rows, and the AIR opens 399 values instead of the one-row
 * chip's 566 (that chip at 2^13 with four lanes), 96 of its columns and 96 of its degree-7 S-boxes fewer, for
 * 29 % more cells (docs/wrap-circuit.md §8, "Two rows of degree 7"). The tests' BN254 configuration of
 * blowup 2 gets the degree-3 chips, hints and extension arithmetic four a row ({@link withFourLanes}), so
 * that their AIR is one table too ({@link P254_TABLES}).
 */
export function p254Chips(config: Pick<StarkConfig, "logBlowup">): readonly AnyRecursionChip[] {
  return admitsDegree7(config) ? TWO_ROW_DEGREE7_CHIPS : withFourLanes(DEGREE3_CHIPS);
}

/** How the BN254 identity AIR's chips make tables. */
export interface P254Tables extends RecursionAirOptions {
  /** How many levels below the tallest chip the shortest sit: shorter chips are raised to that height. */
  readonly heightSpread: number;
}

/**
 * The BN254 identity AIR is one table (docs/wrap-circuit.md §8, "One table"): every chip raised to the
 * tallest height, all of them side by side. Every table costs each query of the wrap circuit its opened
 * row, LogUp running sum and quotient, every distinct height its own x, DEEP denominators and Merkle
 * injection, while the chips raised are narrow and cheap to prove taller. Measured on the published release
 * (BN254 verifier at P254_CONFIG): a table per chip at two heights 1,871,636 constraints, a table per height
 * 1,702,709, one table (hints and extension arithmetic on four lanes) 1,624,085, for the same cells.
 *
 * In that table the narrow chips share columns down the rows, two stacks of them (docs/wrap-circuit.md §8,
 * "Stacked chips"): each fills about a third of the table's rows on its own. Measured (same release, two-row
 * degree-7 Poseidon2 at 2^14): 399 opened values and 1,304,226 constraints side by side, 344 and 1,250,680
 * stacked. A stack names chips of the degree-7 set (with other chips it keeps those present) and the table
 * grows if a stack's rows need it; configurations that do not admit degree 7 (the tests', blowup 2) stack
 * nothing, as gating raises a chip's constraints by a degree.
 */
export const P254_TABLES: P254Tables = {
  mergeEqualHeights: true,
  heightSpread: 0,
  stacks: [
    ["dot4", "select", "base-alu", "const", "public"],
    ["ext-alu-2-lanes", "repack", "assert-eq"],
  ],
};

/** A table per chip, short ones raised to two levels below the tallest (the BN254 step until 2026-12-06). */
export const P254_TABLE_PER_CHIP: P254Tables = { mergeEqualHeights: false, heightSpread: 2 };

/**
 * The BN254 identity AIR of a release and its heights, which depend on the BN254 configuration only through
 * its chips (the control ID depends on all of it): what a circuit's size is measured on before any
 * commitment is computed. `chips` and `tables` are for measurements (bench/wrap-p254.ts compares others).
 */
export function p254Air(
  system: Pick<RecursionSystem, "identity">,
  config: Pick<StarkConfig, "logBlowup"> = P254_CONFIG,
  chips: readonly AnyRecursionChip[] = p254Chips(config),
  tables: P254Tables = P254_TABLES,
): Pick<P254Program, "shape" | "air" | "logHeights"> {
  const program = system.identity.program;
  const fitted = shapeFor([program], chips);
  const byName = new Map(chips.map((c) => [c.name, c]));
  // A stacked chip's constraints are gated, one degree higher: the degree-3 chips at blowup 2 have no room.
  const stacks = (admitsDegree7(config) ? (tables.stacks ?? []) : [])
    .map((stack) => stack.filter((name) => byName.has(name)))
    .filter((stack) => stack.length > 1);
  // A stack's chips take its rows one after another: the table is at least as tall as its longest stack.
  const counts = chipRows(program, chips);
  const stackHeights = stacks.map((stack) => {
    const rows = stack.reduce(
      (n, name) => n + rowsFor(byName.get(name)!, counts.get(byName.get(name)!)!.length),
      0,
    );
    return Math.ceil(Math.log2(Math.max(4, rows)));
  });
  const floor = Math.max(Math.max(...Object.values(fitted)) - tables.heightSpread, ...stackHeights);
  const shape = Object.fromEntries(Object.entries(fitted).map(([k, h]) => [k, Math.max(h, floor)]));
  const air = recursionAir(program, shape, chips, { ...tables, stacks });
  const logHeights = recursionTableHeights(air);
  if (!logupCapacityOk(air.air, logHeights))
    throw new RangeError("the BN254 identity program exceeds LogUp's capacity");
  return { shape, air, logHeights };
}

/**
 * What the BN254 step verifies: a recursion proof of the release, with its program (as the prover has it) or
 * as a succinct receipt carries it (the proof, its public values, the program's preprocessed root and the
 * inclusion of its control ID in the release's allowed set).
 */
export type P254Input =
  | RecursionProof
  | {
      readonly seal: Uint8Array;
      readonly publics: readonly number[];
      readonly preprocessedRoot: Uint32Array;
      readonly inclusion: ControlInclusion;
    };

/** A BN254 identity proof and the public values it proves (the inner proof's control root and claim). */
export interface P254Proof {
  /** The STARK proof codec's bytes (Poseidon-BN254 configuration). */
  readonly proof: Uint8Array;
  readonly publics: readonly number[];
}

/**
 * Proves `identity` of one recursion proof of the release (a succinct proof: a lift, a join, or another
 * program of its allowed set) under the BN254 configuration. Throws RecursionAssertionError when the inner
 * proof does not verify or its program is not in the allowed set its claim names: such a proof has no BN254
 * identity proof.
 */
export function proveP254(p: P254Program, inner: P254Input, options: ProveOptions = {}): P254Proof {
  checkPreprocessedRoot(p.air.air, p.config, poseidonBn254Hash, p.bn254ControlId, "the BN254 step");
  const witness = p254Witness(p, inner);
  const proof = proveStark(p.air.air, p.config, poseidonBn254Hash, witness, options);
  return { proof: encodeProof(proof, p.air.air, p.config, poseidonBn254Hash), publics: witness.publics };
}

/** The BN254 identity AIR's witness for one inner proof (throws RecursionAssertionError as `proveP254`). */
export function p254Witness(p: P254Program, inner: P254Input): Witness {
  const identity = p.system.identity;
  const hints =
    "program" in inner
      ? innerHints(p.system, inner)
      : proofHints(
          p.system,
          { proof: inner.seal, publics: inner.publics, preprocessedRoot: inner.preprocessedRoot },
          inner.inclusion,
        );
  const exec = executeProgram(identity.program, hints, identity.info);
  return recursionWitness(p.air, exec);
}

/**
 * Verifies a BN254 identity proof natively (what the wrap circuit checks, at the same pinned heights).
 * Throws VerificationError or ProofFormatError for a proof that does not verify. The public values are the
 * control root and claim the proof vouches for; the caller checks the control root against the release's.
 */
export function verifyP254(p: P254Program, proof: P254Proof): VerifiedProof {
  return verifyStarkBytes(p.air.air, p.config, poseidonBn254Hash, proof.publics, proof.proof, {
    preprocessedRoot: p.bn254ControlId,
    logHeights: p.logHeights,
  });
}
