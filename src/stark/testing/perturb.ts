import { P } from "../../field/babybear.ts";
import type { Ext } from "../../field/extension.ts";
import type { Air } from "../air.ts";
import type { StarkConfig } from "../config.ts";
import type { StarkHash } from "../hash-config.ts";
import { encodeProof, ProofFormatError } from "../proof-codec.ts";
import { type DishonestProverHooks, preprocessedRoot, proveStark, type Witness } from "../prover.ts";
import { VerificationError, verifyStarkBytes } from "../verifier.ts";
import { proveDishonestly } from "./dishonest.ts";

/**
 * Soundness harness, reusable for every AIR: from a valid witness it derives perturbed statements and
 * checks that the verifier rejects each one.
 *
 * - cell: one trace cell (random row, every column of every table) changed by a random non-zero delta,
 *   proven by a dishonest prover (the prover with its constraint check off);
 * - public: each public value changed, both proven dishonestly and presented with the honest proof;
 * - multiplicity: each bus interaction's multiplicity changed at a random row while building the LogUp
 *   trace (the dishonest prover's `tamperMultiplicity`);
 * - aux: per table with bus interactions, a random cell of its LogUp columns (a batch sum or the running
 *   sum φ) and a coordinate of its revealed cumulative sum changed after the honest LogUp trace is built
 *   (the dishonest prover's `tamperAux`): the committed columns the prover alone computes;
 * - bytes: the honest proof's encoding with one byte changed at a random position, or truncated, or
 *   extended — rejected as malformed or invalid.
 *
 * A perturbation that verifies is recorded in `accepted`; callers assert it stays empty.
 */
export interface SoundnessOptions {
  readonly air: Air;
  readonly config: StarkConfig;
  readonly hash: StarkHash;
  readonly witness: Witness;
  /** Random rows perturbed per column (default 2). */
  readonly cellsPerColumn?: number;
  /**
   * For wide AIRs: perturb this many randomly chosen (table, column, row) cells instead of every column
   * (each table gets at least one).
   */
  readonly sampledCells?: number;
  /** Perturb cells of these tables only (default every table): to focus on one table of a larger AIR. */
  readonly cellTables?: readonly number[];
  /** For tables with many interactions: tamper this many randomly chosen interactions per table. */
  readonly sampledInteractions?: number;
  /** Random rows per interaction for multiplicity tampering (default 2). */
  readonly multiplicitiesPerInteraction?: number;
  /** Random LogUp cells changed per table with interactions (default 1), besides its cumulative sum. */
  readonly auxCellsPerTable?: number;
  /** For many public values: perturb only these indices (default every one). */
  readonly publicIndices?: readonly number[];
  /** Proof-byte mutations (default 1000). */
  readonly byteMutations?: number;
  readonly seed?: number;
  /**
   * A second verifier (a recursion program, a circuit) run on every statement the harness presents; the
   * report lists each statement where its verdict differs from the native verifier's.
   */
  readonly differential?: (publics: readonly number[], proof: Uint8Array) => boolean;
}

export interface SoundnessReport {
  readonly tried: {
    cell: number;
    public: number;
    multiplicity: number;
    aux: number;
    bytes: number;
    total: number;
  };
  readonly accepted: string[];
  /** Statements where the differential verifier disagreed with the native one. */
  readonly disagreements: string[];
}

/** xorshift32: deterministic so that a failure can be reproduced from its seed. */
export function prng(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

function nativeVerdict(o: SoundnessOptions, publics: readonly number[], bytes: Uint8Array): boolean {
  try {
    verifyStarkBytes(o.air, o.config, o.hash, publics, bytes, {
      preprocessedRoot: preprocessedRoot(o.air, o.config, o.hash),
    });
    return true;
  } catch (e) {
    if (e instanceof VerificationError || e instanceof ProofFormatError) return false;
    throw e; // a crash, not a rejection
  }
}

function dishonest(o: SoundnessOptions, w: Witness, hooks: DishonestProverHooks = {}): Uint8Array | null {
  try {
    return encodeProof(proveDishonestly(o.air, o.config, o.hash, w, hooks), o.air, o.config, o.hash);
  } catch {
    return null; // the dishonest prover could not even produce a proof (e.g. a vanishing denominator)
  }
}

export function runSoundnessHarness(o: SoundnessOptions): SoundnessReport {
  const rand = prng(o.seed ?? 1);
  const delta = () => 1 + (rand() % (P - 1));
  const accepted: string[] = [];
  const disagreements: string[] = [];
  let label = "honest proof";
  const verifies = (_: SoundnessOptions, publics: readonly number[], bytes: Uint8Array): boolean => {
    const native = nativeVerdict(o, publics, bytes);
    if (o.differential && o.differential(publics, bytes) !== native)
      disagreements.push(`${label}: native ${native ? "accepts" : "rejects"}, the other does not`);
    return native;
  };
  const tried = { cell: 0, public: 0, multiplicity: 0, aux: 0, bytes: 0, total: 0 };
  const honest = encodeProof(proveStark(o.air, o.config, o.hash, o.witness), o.air, o.config, o.hash);
  if (!verifies(o, o.witness.publics, honest)) throw new Error("the honest proof does not verify");

  const cellTargets: [number, number][] = [];
  const cellTables = o.cellTables ?? o.witness.tables.map((_, t) => t);
  if (o.sampledCells !== undefined) {
    for (const t of cellTables) cellTargets.push([t, rand() % o.witness.tables[t]!.length]);
    while (cellTargets.length < o.sampledCells) {
      const t = cellTables[rand() % cellTables.length]!;
      cellTargets.push([t, rand() % o.witness.tables[t]!.length]);
    }
  } else {
    const cells = o.cellsPerColumn ?? 2;
    for (const t of cellTables)
      o.witness.tables[t]!.forEach((_, c) => {
        for (let k = 0; k < cells; k++) cellTargets.push([t, c]);
      });
  }
  for (const [t, c] of cellTargets) {
    const col = o.witness.tables[t]![c]!;
    const row = rand() % col.length;
    const tables = o.witness.tables.map((tc) => tc.map((x) => x));
    const copy = Uint32Array.from(col);
    copy[row] = (copy[row]! + delta()) % P;
    tables[t]![c] = copy;
    const bytes = dishonest(o, { tables, publics: o.witness.publics });
    tried.cell++;
    label = `cell table ${t} column ${c} row ${row}`;
    if (bytes && verifies(o, o.witness.publics, bytes)) accepted.push(label);
  }

  const publicIndices = o.publicIndices ?? o.witness.publics.map((_, i) => i);
  publicIndices.forEach((i) => {
    const v = o.witness.publics[i]!;
    const publics = [...o.witness.publics];
    publics[i] = (v + delta()) % P;
    const bytes = dishonest(o, { tables: o.witness.tables, publics });
    tried.public++;
    label = `public ${i} (dishonest proof)`;
    if (bytes && verifies(o, publics, bytes)) accepted.push(label);
    tried.public++;
    label = `public ${i} (honest proof)`;
    if (verifies(o, publics, honest)) accepted.push(label);
  });

  const mults = o.multiplicitiesPerInteraction ?? 2;
  o.air.tables.forEach((t, ti) => {
    const n = o.witness.tables[ti]![0]!.length;
    const chosen =
      o.sampledInteractions === undefined
        ? t.interactions.map((_, ii) => ii)
        : Array.from(
            { length: Math.min(o.sampledInteractions, t.interactions.length) },
            () => rand() % t.interactions.length,
          );
    chosen.forEach((ii) => {
      for (let k = 0; k < mults; k++) {
        const row = rand() % n;
        const bytes = dishonest(o, o.witness, {
          tamperMultiplicity: { table: ti, interaction: ii, row, delta: delta() },
        });
        tried.multiplicity++;
        label = `multiplicity table ${ti} interaction ${ii} row ${row}`;
        if (bytes && verifies(o, o.witness.publics, bytes))
          accepted.push(`multiplicity table ${ti} interaction ${ii} row ${row}`);
      }
    });
  });

  const auxCells = o.auxCellsPerTable ?? 1;
  o.air.tables.forEach((t, ti) => {
    if (t.auxWidth === 0) return;
    const n = o.witness.tables[ti]![0]!.length;
    const tamper = (what: string, hook: (cols: Uint32Array[], cumsum: Ext) => Ext) => {
      const bytes = dishonest(o, o.witness, {
        tamperAux: (table, cols, cumsum) => (table === ti ? hook(cols, cumsum) : cumsum),
      });
      tried.aux++;
      label = `aux table ${ti} ${what}`;
      if (bytes && verifies(o, o.witness.publics, bytes)) accepted.push(label);
    };
    for (let k = 0; k < auxCells; k++) {
      const column = rand() % (4 * t.auxWidth);
      const row = rand() % n;
      const d = delta();
      tamper(`column ${column} row ${row}`, (cols, cumsum) => {
        cols[column]![row] = (cols[column]![row]! + d) % P;
        return cumsum;
      });
    }
    const coordinate = rand() % 4;
    const d = delta();
    tamper(`cumulative sum coordinate ${coordinate}`, (_, cumsum) => {
      const c: Ext = [...cumsum];
      c[coordinate] = (c[coordinate] + d) % P;
      return c;
    });
  });

  const mutations = o.byteMutations ?? 1000;
  for (let k = 0; k < mutations; k++) {
    let bytes: Uint8Array;
    const kind = rand() % 16;
    if (kind === 0) {
      bytes = honest.slice(0, rand() % honest.length); // truncation
    } else if (kind === 1) {
      bytes = new Uint8Array(honest.length + 1 + (rand() % 8)); // trailing bytes
      bytes.set(honest);
    } else {
      bytes = honest.slice();
      const pos = rand() % bytes.length;
      bytes[pos] = bytes[pos]! ^ (1 + (rand() % 255));
    }
    tried.bytes++;
    label = `byte mutation ${k} (kind ${kind})`;
    if (verifies(o, o.witness.publics, bytes)) accepted.push(`byte mutation ${k} (kind ${kind})`);
  }
  tried.total = tried.cell + tried.public + tried.multiplicity + tried.aux + tried.bytes;
  return { tried, accepted, disagreements };
}
