import { P } from "../field/babybear.ts";
import { type ExtColumns, newExtColumns } from "../field/ext-columns.ts";
import { type Ext, extAdd } from "../field/extension.ts";
import { cosetIntt, ntt } from "../field/ntt.ts";
import { recycleColumns } from "../field/shared-columns.ts";
import type { Air } from "./air.ts";
import { publicBusSum } from "./bus.ts";
import {
  checkConfig,
  MAX_LOG_HEIGHT,
  MAX_LOG_LDE_HEIGHT,
  MIN_LOG_HEIGHT,
  type StarkConfig,
} from "./config.ts";
import { ProverInputError, VerificationError } from "./errors.ts";
import {
  type Challenger,
  observeCap,
  observeExt,
  observeMany,
  type StarkHash,
  sampleExt,
} from "./hash-config.ts";
import { proofLayout, ROUNDS } from "./layout.ts";
import { buildAuxTrace, type LogupBatchColumns, type MultiplicityTamper } from "./logup.ts";
import {
  defaultWorkerCount,
  type Executor,
  parallelExecutor,
  serialExecutor,
  shared,
  toShared,
} from "./parallel.ts";
import { PcsProver, type RoundData, type Rounds } from "./pcs/prover.ts";
import type { StarkProof } from "./proof.ts";
import { COSET_SHIFT, logupCapacityOk, preprocessedTables, startTranscript } from "./protocol.ts";
import { quotientInputs, quotientSize } from "./quotient.ts";
import { PhaseTimer } from "./timer.ts";
import { checkTraceConstraints } from "./trace-domain.ts";
import { evaluateNodes } from "./verifier/constraints.ts";
import { nativeBackend } from "./verifier/native.ts";
import { verifyStark } from "./verifier.ts";

/**
 * The STARK prover (docs/proof-system.md): the protocol's steps in order, with the work done by the LogUp
 * trace builder (logup.ts), the quotient (quotient.ts) and the polynomial commitment scheme (pcs/). Traces are
 * column-major Uint32Arrays of canonical elements. The prover verifies the proof it made before returning it;
 * if the proof does not verify, it checks every constraint on every row and the buses' balance, so a bad
 * witness fails with a message naming the constraint and row (`checkConstraints` runs that check first).
 */
export interface Witness {
  /** Per table, its main columns (all of one power-of-two length). */
  readonly tables: readonly (readonly Uint32Array[])[];
  readonly publics: readonly number[];
}

export interface ProveOptions {
  /** Receives the milliseconds spent per phase. */
  readonly timings?: Record<string, number>;
  /**
   * Worker threads for LDE, quotient transforms, DEEP and Merkle hashing (default: cores − 1 when the tallest
   * LDE has ≥ 2^16 rows, else 0). Proofs are byte-identical for any count.
   */
  readonly workers?: number;
  /**
   * Check every constraint on every row and the buses' balance before committing to anything, so that a bad
   * witness fails before the proving work (for debugging a witness generator). Off by default: the prover
   * verifies the proof it made instead — a verification costs milliseconds, the check a pass over every row
   * (about a tenth of a machine segment's proving time) — and runs the check only when that verification
   * fails, to say which constraint and row the witness violates.
   */
  readonly checkConstraints?: boolean;
  /**
   * Let the prover reuse the memory of the witness's columns once it no longer reads them (after the LogUp
   * trace is built): the caller promises not to read or write them afterwards. For callers that generate one
   * witness per proof, as a session does per segment; it lowers the peak by the witness's size
   * (src/field/shared-columns.ts). A failed self-check then recovers the trace from its LDE to say which
   * constraint it violates.
   */
  readonly recycleWitness?: boolean;
}

/**
 * What a dishonest prover does differently (soundness testing only, through src/stark/testing): skip the
 * witness and capacity checks, change one multiplicity while building the LogUp trace, or rewrite a table's
 * LogUp trace (its base columns, φ's four last) and the cumulative sum it reveals.
 */
export interface DishonestProverHooks {
  readonly skipChecks?: boolean;
  readonly tamperMultiplicity?: MultiplicityTamper & { readonly table: number };
  readonly tamperAux?: (table: number, columns: Uint32Array[], cumsum: Ext) => Ext;
}

export function proveStark(
  air: Air,
  config: StarkConfig,
  hash: StarkHash,
  witness: Witness,
  options: ProveOptions = {},
): StarkProof {
  return proveStarkWithHooks(air, config, hash, witness, options, {});
}

/** @internal The prover with the soundness harness's hooks; use {@link proveStark}. */
export function proveStarkWithHooks(
  air: Air,
  config: StarkConfig,
  hash: StarkHash,
  witness: Witness,
  options: ProveOptions,
  hooks: DishonestProverHooks,
): StarkProof {
  checkConfig(config);
  const honest = !hooks.skipChecks;
  const timer = new PhaseTimer(options.timings);
  const logHeights = checkWitness(air, config, witness);
  const { publics } = witness;
  if (honest && !logupCapacityOk(air, logHeights))
    throw new ProverInputError("tables too tall for sound LogUp over BabyBear");
  if (honest) checkPublicMultiplicities(air, publics);
  const layout = proofLayout(air, config, logHeights);
  const workers = options.workers ?? (layout.logMaxLdeHeight >= 16 ? defaultWorkerCount() : 0);
  const exec = workers > 0 ? parallelExecutor(workers) : serialExecutor;
  const pcs = new PcsProver(hash, config, layout, exec, workers > 0, timer);
  const pre = preprocessedRound(air, config, hash);

  const ch: Challenger = startTranscript(air, config, hash, pre ? pre.commitment.cap[0]! : null);
  observeMany(ch, publics);
  observeMany(ch, logHeights);

  const main = pcs.commit("main", witness.tables)!;
  observeCap(ch, main.commitment.cap);
  const challenges = [sampleExt(ch), sampleExt(ch)];

  const auxTraces: Uint32Array[][] = air.tables.map(() => []);
  const cumsums: Ext[] = air.tables.map(() => [0, 0, 0, 0]);
  air.tables.forEach((t, i) => {
    if (t.auxWidth === 0) return;
    const tamper = hooks.tamperMultiplicity?.table === i ? hooks.tamperMultiplicity : undefined;
    const own = witness.tables[i]!;
    const columns = workers > 0 ? own.map(toShared) : own;
    const r = buildAuxTrace(
      t,
      logHeights[i]!,
      columns,
      publics,
      challenges[0]!,
      challenges[1]!,
      tamper,
      workers > 0 ? threadedBatchColumns(exec) : undefined,
    );
    recycleColumns(columns.filter((c, j) => c !== own[j]));
    auxTraces[i] = r.columns;
    cumsums[i] = hooks.tamperAux ? hooks.tamperAux(i, r.columns, r.cumsum) : r.cumsum;
  });
  timer.lap("aux");
  if (honest && options.checkConstraints) {
    checkWitnessConstraints(air, logHeights, witness, auxTraces, cumsums, challenges);
    timer.lap("check");
  }
  if (options.recycleWitness) recycleColumns(witness.tables.flat());
  // Consumed: from here on the prover reads the LDE (the openings too), so trace-order copies are dead.
  const aux = pcs.commit("aux", auxTraces, "evaluations", true);
  if (aux) observeCap(ch, aux.commitment.cap);
  const revealed = layout.cumsumTables.map((i) => cumsums[i]!);
  for (const c of revealed) observeExt(ch, c);
  const alpha = sampleExt(ch);

  const quotientValues: Uint32Array[] = [];
  const quotientChunks = air.tables.map((t, i) => {
    const logN = logHeights[i]!;
    const n = 1 << logN;
    // Every point of the coset is independent: the threads take shares (the `quotient` kernel).
    const inputs = quotientInputs(
      t,
      logN,
      config.logBlowup,
      pre?.lde[i] ?? [],
      main.lde[i]!,
      aux?.lde[i] ?? [],
      publics,
      challenges,
      cumsums[i]!,
      alpha,
    );
    const size = quotientSize(inputs);
    const values: ExtColumns =
      workers > 0 ? [shared(size), shared(size), shared(size), shared(size)] : newExtColumns(size);
    exec.run({ kind: "quotient", inputs, out: values });
    timer.lap("quotient");
    // In place: the values become the coefficients, split into the chunks.
    exec.run({ kind: "transform", op: "cosetIntt", arrays: values, shift: COSET_SHIFT });
    quotientValues.push(...values);
    const chunks: Uint32Array[] = [];
    for (let c = 0; c < t.quotientChunks; c++)
      for (let l = 0; l < 4; l++) chunks.push(values[l]!.subarray(c * n, (c + 1) * n));
    return chunks;
  });
  const quotient = pcs.commit("quotient", quotientChunks, "coefficients")!;
  recycleColumns(quotientValues);
  observeCap(ch, quotient.commitment.cap);
  const zeta = sampleExt(ch);

  const rounds: Rounds = { pre, main, aux, quotient };
  const openings = pcs.open(zeta, rounds);
  for (const o of openings)
    for (const round of ROUNDS) {
      for (const v of o[round].zeta) observeExt(ch, v);
      for (const v of o[round].zetaNext) observeExt(ch, v);
    }
  const opening = pcs.prove(ch, zeta, rounds, openings);
  const proof: StarkProof = {
    logHeights,
    mainCap: main.commitment.cap,
    auxCap: aux ? aux.commitment.cap : null,
    quotientCap: quotient.commitment.cap,
    cumsums: revealed,
    openings,
    ...opening,
  };
  if (honest) {
    verifyOwnProof(air, config, hash, proof, publics, pre ? pre.commitment.cap[0]! : null, () => {
      // The LogUp traces are rebuilt rather than kept through the proving work: this runs only on failure.
      const tables = options.recycleWitness
        ? main.lde.map((cols) => cols.map((c) => traceFromLde(c, config.logBlowup)))
        : witness.tables;
      const traces = air.tables.map((t, i) =>
        t.auxWidth === 0
          ? []
          : buildAuxTrace(t, logHeights[i]!, tables[i]!, publics, challenges[0]!, challenges[1]!).columns,
      );
      checkWitnessConstraints(air, logHeights, { tables, publics }, traces, cumsums, challenges);
    });
    timer.lap("verify");
  }
  // The proof holds copies of what it opened; the next proof (a session's next segment) takes this memory.
  pcs.recycle([main, aux, quotient]);
  return proof;
}

/** A column's values on the trace domain, in order, from its LDE (every 2^b-th point is on the coset s·H_n). */
function traceFromLde(lde: Uint32Array, logBlowup: number): Uint32Array {
  const n = lde.length >>> logBlowup;
  const values = new Uint32Array(n);
  for (let i = 0; i < n; i++) values[i] = lde[i << logBlowup]!;
  return ntt(cosetIntt(values, COSET_SHIFT));
}

/** LogUp batch columns computed by the prover's threads, each taking a share of the rows. */
function threadedBatchColumns(exec: Executor): LogupBatchColumns {
  return (inputs) => {
    const n = 1 << inputs.logN;
    const out = inputs.batches.map((): ExtColumns => [shared(n), shared(n), shared(n), shared(n)]);
    exec.run({ kind: "logup", inputs, out });
    return out;
  };
}

/**
 * The prover's own check of its output: the proof must verify. When it does not, `diagnose` (the constraint
 * check) names what the witness violates; if the witness satisfies every constraint, the prover or the
 * verifier has a bug, reported as such rather than as the user's fault.
 */
function verifyOwnProof(
  air: Air,
  config: StarkConfig,
  hash: StarkHash,
  proof: StarkProof,
  publics: readonly number[],
  preprocessedRoot: Uint32Array | null,
  diagnose: () => void,
): void {
  try {
    verifyStark(air, config, hash, publics, proof, { preprocessedRoot });
  } catch (e) {
    if (!(e instanceof VerificationError)) throw e;
    diagnose();
    throw new Error(
      `internal error: the proof of AIR "${air.name}" does not verify (${e.message}) although its witness satisfies every constraint; please report it`,
      { cause: e },
    );
  }
}

/** Every public multiplicity within its declared bound (what the verifier requires). */
function checkPublicMultiplicities(air: Air, publics: readonly number[]): void {
  if (air.publicInteractions.length === 0) return;
  const values = evaluateNodes(nativeBackend(), air.publicNodes, { publics });
  for (const it of air.publicInteractions) {
    const v = values[it.multiplicity]!;
    const m = v.isExt ? v.ext[0] : v.base;
    if (Math.min(m, P - m) > (it.bound as number))
      throw new ProverInputError(
        `a public interaction's multiplicity is ${m}, outside its bound ±${it.bound as number}; fix the public values`,
      );
  }
}

/** The witness's shape against the AIR; returns the table heights. */
function checkWitness(air: Air, config: StarkConfig, witness: Witness): number[] {
  const T = air.tables.length;
  if (witness.tables.length !== T)
    throw new ProverInputError(`expected ${T} table traces, got ${witness.tables.length}`);
  if (witness.publics.length !== air.publicCount)
    throw new ProverInputError(`expected ${air.publicCount} public values, got ${witness.publics.length}`);
  for (const v of witness.publics)
    if (!(Number.isInteger(v) && v >= 0 && v < P))
      throw new ProverInputError(`public value ${v} is not canonical`);
  return air.tables.map((t, i) => {
    const cols = witness.tables[i]!;
    if (cols.length !== t.mainWidth)
      throw new ProverInputError(`table "${t.name}" has ${t.mainWidth} columns, the witness ${cols.length}`);
    const n = cols[0]!.length;
    const logN = Math.log2(n);
    if (!Number.isInteger(logN) || logN < MIN_LOG_HEIGHT || logN > MAX_LOG_HEIGHT)
      throw new ProverInputError(
        `table "${t.name}" has ${n} rows; heights are powers of two from 2^${MIN_LOG_HEIGHT} to 2^${MAX_LOG_HEIGHT}`,
      );
    for (const c of cols) {
      if (c.length !== n) throw new ProverInputError(`table "${t.name}": columns differ in length`);
      for (let r = 0; r < n; r++)
        if (c[r]! >= P) throw new ProverInputError(`table "${t.name}": non-canonical value at row ${r}`);
    }
    if (logN + config.logBlowup > MAX_LOG_LDE_HEIGHT)
      throw new ProverInputError(
        `table "${t.name}" has 2^${logN} rows: with blowup 2^${config.logBlowup} its LDE exceeds BabyBear's 2^${MAX_LOG_LDE_HEIGHT} domains`,
      );
    if (t.quotientChunks > 1 << config.logBlowup)
      throw new ProverInputError(
        `table "${t.name}" has degree ${t.degree}; use logBlowup ≥ ${Math.log2(t.quotientChunks)}`,
      );
    if (t.fixedLogHeight !== null && t.fixedLogHeight !== logN)
      throw new ProverInputError(
        `table "${t.name}" has ${1 << t.fixedLogHeight} preprocessed rows; its trace must have as many, not ${n}`,
      );
    return logN;
  });
}

/** Every constraint on every row, and the buses' balance (the honest prover's check). */
function checkWitnessConstraints(
  air: Air,
  logHeights: readonly number[],
  witness: Witness,
  auxTraces: readonly Uint32Array[][],
  cumsums: readonly Ext[],
  challenges: Ext[],
): void {
  air.tables.forEach((t, i) =>
    checkTraceConstraints(
      t,
      logHeights[i]!,
      witness.tables[i]!,
      auxTraces[i]!,
      witness.publics,
      challenges,
      cumsums[i]!,
    ),
  );
  if (air.publicInteractions.length === 0 && air.tables.every((t) => t.auxWidth === 0)) return;
  let s: Ext = [0, 0, 0, 0];
  air.tables.forEach((t, i) => {
    if (t.auxWidth > 0) s = extAdd(s, cumsums[i]!);
  });
  s = extAdd(s, publicBusSum(air, witness.publics, challenges[0]!, challenges[1]!));
  if (s.some((c) => c !== 0)) throw new ProverInputError("the buses do not balance; fix the witness");
}

const preprocessedCache = new WeakMap<Air, Map<string, RoundData>>();

/** The committed preprocessed round, computed once per AIR, blowup and hash. */
function preprocessedRound(air: Air, config: StarkConfig, hash: StarkHash): RoundData | null {
  if (preprocessedTables(air).length === 0) return null;
  const key = `${hash.id}|${config.logBlowup}`;
  let m = preprocessedCache.get(air);
  if (!m) preprocessedCache.set(air, (m = new Map()));
  let r = m.get(key);
  if (!r) {
    const layout = proofLayout(
      air,
      config,
      air.tables.map((t) => t.fixedLogHeight ?? MIN_LOG_HEIGHT),
    );
    // Threads as the prover uses them: under Poseidon-BN254 this commitment is the BN254 control ID, tens
    // of seconds of hashing at blowup 16.
    const workers = layout.logMaxLdeHeight >= 16 ? defaultWorkerCount() : 0;
    const exec: Executor = workers > 0 ? parallelExecutor(workers) : serialExecutor;
    const pcs = new PcsProver(hash, config, layout, exec, workers > 0);
    r = detached(
      pcs.commit(
        "pre",
        air.tables.map((t) => t.preprocessed),
      )!,
    );
    m.set(key, r);
  }
  return r;
}

/**
 * A copy of a round in shared buffers of its own, the original recycled: a cached round outlives the run
 * that made it and must not pin that run's slabs (src/field/shared-columns.ts).
 */
function detached(r: RoundData): RoundData {
  const copies = new Map<Uint32Array, Uint32Array>();
  const copy = (c: Uint32Array) => {
    let d = copies.get(c);
    if (!d) {
      d = new Uint32Array(new SharedArrayBuffer(c.byteLength));
      d.set(c);
      copies.set(c, d);
    }
    return d;
  };
  const { commitment } = r;
  const detachedRound: RoundData = {
    round: r.round,
    lde: r.lde.map((cols) => cols.map(copy)),
    commitment: {
      ...commitment,
      matrices: commitment.matrices.map((m) => ({ height: m.height, columns: m.columns.map(copy) })),
      layers: commitment.layers.map(copy),
    },
  };
  recycleColumns(copies.keys());
  return detachedRound;
}

/**
 * The commitment root of an AIR's preprocessed columns under a configuration: the verifying-key value that
 * `verifyStark` needs for AIRs with preprocessed columns (null for AIRs without).
 */
export function preprocessedRoot(air: Air, config: StarkConfig, hash: StarkHash): Uint32Array | null {
  checkConfig(config);
  const r = preprocessedRound(air, config, hash);
  // The preprocessed commitment takes no cap: its one digest is the root.
  return r ? r.commitment.cap[0]!.slice() : null;
}
