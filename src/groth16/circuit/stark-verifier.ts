import type { Air } from "../../stark/air.ts";
import type { StarkConfig } from "../../stark/config.ts";
import { merkleScheme } from "../../stark/hash-config.ts";
import { proofLayout } from "../../stark/layout.ts";
import { digestToBigint, poseidonBn254Hash } from "../../stark/poseidon-bn254-hash.ts";
import type { StarkProof } from "../../stark/proof.ts";
import { airStructureDigest, preprocessedTables } from "../../stark/protocol.ts";
import { verifyStarkProof } from "../../stark/verifier/algorithm.ts";
import { mapProof, zeroProof } from "../../stark/verifier/proof-vars.ts";
import { CircuitInputError } from "../errors.ts";
import type { Bb } from "./babybear.ts";
import { R1csBackend } from "./backend.ts";
import {
  type BuilderOptions,
  CircuitBuilder,
  type CircuitStats,
  type Violation,
  type WitnessFailure,
} from "./builder.ts";
import type { Ext } from "./extension.ts";
import { Lc } from "./lc.ts";

/**
 * The STARK verifier as an R1CS circuit (the third instance of the verifier written once), for proofs under
 * the Poseidon-BN254 configuration of one AIR, one configuration and fixed table heights.
 *
 * One function emits it: `emit` runs the verification algorithm on an {@link R1csBackend} whose inputs are
 * the proof's values. Run on an all-zero proof of the layout it gives the circuit (`buildStarkVerifierCircuit`);
 * run on a real proof it gives that proof's witness (`starkVerifierWitness`). The two runs create the same
 * wires and constraints, because the algorithm's control flow depends only on the layout; both report a
 * fingerprint of the constraints to confirm it.
 */
export interface StarkCircuitSpec {
  readonly air: Air;
  readonly config: StarkConfig;
  /** log2 of every table's height: the circuit verifies proofs of exactly these heights. */
  readonly logHeights: readonly number[];
  /**
   * For an AIR with preprocessed columns: its preprocessed root fixed in the circuit, or `"input"` — the root
   * is a public signal and the circuit derives the AIR digest from it (one circuit and key for every program
   * that shares the AIR's structure, as RISC Zero's circuit takes the BN254 control ID).
   */
  readonly preprocessedRoot?: Uint32Array | "input" | null;
  /** Which values become the Groth16 public signals (default: {@link innerPublicsStatement}). */
  readonly statement?: PublicStatement;
}

/** What a satisfied circuit has established about the inner proof. */
export interface VerifiedStatement {
  /** The inner proof's public values (canonical BabyBear values). */
  readonly publics: readonly Bb[];
  /** The AIR digest the proof was verified against (8 values; constants unless the root is an input). */
  readonly airDigest: readonly Bb[];
  /** The preprocessed root when it is an input of the circuit (one BN254 element). */
  readonly preprocessedRoot: Lc | null;
}

/**
 * The circuit's public interface. The wrap of a zkVM receipt defines its own (RISC Zero's: control root and
 * claim digest in 128-bit halves, BN254 control ID), computed from the verified statement.
 */
export interface PublicStatement {
  readonly count: number;
  signals(statement: VerifiedStatement, backend: R1csBackend): readonly Lc[];
}

/** The default: the preprocessed root if it is an input, then every inner public value, one signal each. */
export function innerPublicsStatement(spec: Omit<StarkCircuitSpec, "statement">): PublicStatement {
  const root = spec.preprocessedRoot === "input" && preprocessedTables(spec.air).length > 0 ? 1 : 0;
  return {
    count: root + spec.air.publicCount,
    signals: (s) => [...(s.preprocessedRoot ? [s.preprocessedRoot] : []), ...s.publics.map((p) => p.lc)],
  };
}

/** A proof and its statement, as the circuit's private input. */
export interface StarkCircuitInput {
  readonly publics: readonly number[];
  readonly proof: StarkProof;
  /** Required when the spec takes the preprocessed root as an input. */
  readonly preprocessedRoot?: Uint32Array | null;
}

export interface StarkCircuit {
  readonly stats: CircuitStats;
  readonly fingerprint: number;
  /** The .r1cs file, as parts to write in order. */
  readonly r1cs: Uint8Array[];
}

export interface StarkWitness {
  /** Witness generation succeeded and every constraint holds: the circuit accepts this proof. */
  readonly accepted: boolean;
  /** Checks whose honest value did not exist (the native verifier's reasons), in order. */
  readonly failures: readonly WitnessFailure[];
  /** The first violated constraints of the (forced) witness, and how many there are. */
  readonly violations: readonly Violation[];
  readonly violationCount: number;
  readonly fingerprint: number;
  /** Wire values: 1, the public signals, then the private wires. */
  readonly values: bigint[];
  readonly publicSignals: bigint[];
  /** The .wtns file, as parts to write in order. */
  wtns(): Uint8Array[];
}

export function buildStarkVerifierCircuit(spec: StarkCircuitSpec): StarkCircuit {
  const builder = emit(spec, null, { record: true });
  return { stats: builder.stats(), fingerprint: builder.fingerprint, r1cs: builder.r1cs() };
}

/**
 * The circuit's size without writing it: the builder runs in witness mode on an all-zero proof (several
 * times faster than {@link buildStarkVerifierCircuit}); the counts are the same, the non-zero counts are not
 * measured.
 */
export function countStarkVerifierCircuit(spec: StarkCircuitSpec): CircuitStats {
  return emit(spec, null, { record: false }).stats();
}

/**
 * The witness for one proof. Never throws for a proof that fails verification: it returns a witness with
 * `accepted: false`, the failed checks, and the constraints that witness violates. Throws
 * {@link CircuitInputError} for inputs of another shape (other heights, wrong public count, malformed proof).
 */
export function starkVerifierWitness(
  spec: StarkCircuitSpec,
  input: StarkCircuitInput,
  options: Pick<BuilderOptions, "tamper"> = {},
): StarkWitness {
  const builder = emit(spec, input, { record: false, tamper: options.tamper });
  const values = builder.witness();
  const count = builder.publicCount;
  return {
    accepted: builder.satisfied,
    failures: [...builder.failures],
    violations: [...builder.violations],
    violationCount: builder.violationTotal,
    fingerprint: builder.fingerprint,
    values,
    publicSignals: values.slice(1, 1 + count),
    wtns: () => builder.wtns(),
  };
}

function emit(
  spec: StarkCircuitSpec,
  input: StarkCircuitInput | null,
  options: Omit<BuilderOptions, "publicCount">,
): CircuitBuilder {
  const { air, config } = spec;
  const logHeights = [...spec.logHeights];
  const layout = proofLayout(air, config, logHeights);
  const statement = spec.statement ?? innerPublicsStatement(spec);
  const hasPre = preprocessedTables(air).length > 0;
  if (hasPre && !spec.preprocessedRoot)
    throw new CircuitInputError(
      `AIR "${air.name}" has preprocessed columns: give the circuit its preprocessed root or "input"`,
    );
  const zero = zeroProof(layout, poseidonBn254Hash.merkleArity);
  if (input) checkInput(spec, layout.tables.length, input, zero);
  const c = new CircuitBuilder({ ...options, publicCount: statement.count });
  const b = new R1csBackend(c);
  const publics = (input?.publics ?? Array<number>(air.publicCount).fill(0)).map((v) => b.bb.input(v));
  let preRoot: Lc | null = null;
  if (hasPre) {
    const root = spec.preprocessedRoot!;
    if (root === "input")
      preRoot = b.digestInput(input?.preprocessedRoot ? digestToBigint(input.preprocessedRoot) : 0n);
    else preRoot = Lc.constant(digestToBigint(root));
  }
  const proof = mapProof<Bb, Ext, Lc>(input?.proof ?? zero, {
    base: (x) => b.bb.input(x),
    ext: (e) => [b.bb.input(e[0]), b.bb.input(e[1]), b.bb.input(e[2]), b.bb.input(e[3])],
    digest: (d) => b.digestInput(digestToBigint(d)),
  });
  const out = verifyStarkProof(b, {
    air,
    config,
    layout,
    merkle: merkleScheme(poseidonBn254Hash),
    structureDigest: airStructureDigest(air, config, poseidonBn254Hash),
    publics,
    preprocessedRoot: preRoot,
    proof,
  });
  const signals = statement.signals(
    {
      publics,
      airDigest: out.airDigest,
      preprocessedRoot: spec.preprocessedRoot === "input" ? preRoot : null,
    },
    b,
  );
  if (signals.length !== statement.count)
    throw new RangeError(
      `the statement declares ${statement.count} public signals but gives ${signals.length}`,
    );
  signals.forEach((s, i) => c.bindPublic(i, s));
  return c;
}

function checkInput(
  spec: StarkCircuitSpec,
  tables: number,
  input: StarkCircuitInput,
  zero: StarkProof,
): void {
  const heights = input.proof.logHeights;
  if (heights.length !== tables || heights.some((h, i) => h !== spec.logHeights[i]))
    throw new CircuitInputError(
      `the circuit verifies proofs with table heights 2^[${spec.logHeights.join(", ")}]; this proof has 2^[${heights.join(", ")}]`,
    );
  if (input.publics.length !== spec.air.publicCount)
    throw new CircuitInputError(
      `expected ${spec.air.publicCount} public values, got ${input.publics.length}`,
    );
  if (spec.preprocessedRoot === "input" && preprocessedTables(spec.air).length > 0 && !input.preprocessedRoot)
    throw new CircuitInputError("this circuit takes the preprocessed root as an input: supply it");
  const where = sameShape(input.proof, zero, "proof");
  if (where) throw new CircuitInputError(`the proof does not have the layout's shape: ${where} differs`);
}

/** The first place where two proofs' structures (lengths, present parts) differ, or null. */
function sameShape(a: unknown, b: unknown, at: string): string | null {
  if (a === null || b === null || typeof b !== "object") return (a === null) === (b === null) ? null : at;
  if (typeof a !== "object") return at;
  if (ArrayBuffer.isView(b) || Array.isArray(b)) {
    const x = a as ArrayLike<unknown>;
    const y = b as ArrayLike<unknown>;
    if (x.length !== y.length) return at;
    if (ArrayBuffer.isView(b)) return null;
    for (let i = 0; i < y.length; i++) {
      const d = sameShape(x[i], y[i], `${at}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  for (const k of Object.keys(b)) {
    const d = sameShape((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`);
    if (d) return d;
  }
  return null;
}
