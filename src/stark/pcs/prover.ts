import { P, rootOfUnity } from "../../field/babybear.ts";
import { type ExtColumns, extMulScalars, extScratch, newExtColumns } from "../../field/ext-columns.ts";
import { type Ext, extAdd, extMul, extMulBase, extPow } from "../../field/extension.ts";
import { intt } from "../../field/ntt.ts";
import { recycleColumns } from "../../field/shared-columns.ts";
import type { StarkConfig } from "../config.ts";
import {
  type Challenger,
  grind,
  grindByRounds,
  observeCap,
  observeExt,
  type StarkHash,
  sampleBits,
  sampleExt,
} from "../hash-config.ts";
import { NO_NONCE } from "../kernels.ts";
import { type ProofLayout, ROUNDS, type Round } from "../layout.ts";
import { type Executor, shared, toShared } from "../parallel.ts";
import type { FriQueryStep, MerkleCap, QueryProof, TableOpenings } from "../proof.ts";
import { COSET_SHIFT } from "../protocol.ts";
import type { PhaseTimer } from "../timer.ts";
import { foldLayer } from "./fri-fold.ts";
import { type Matrix, type MmcsData, mmcsCommit, mmcsOpen } from "./mmcs.ts";
import { type OpeningSums, PointOpener } from "./open.ts";
import { commitmentLeaf, friLeaf } from "./opening-positions.ts";

/** Proof-of-work nonces per unit of the `grind` kernel, and units per round (a few tenths of a second). */
const GRIND_BLOCK = 2048;
const GRIND_UNITS = 8;

/**
 * The prover's side of the polynomial commitment scheme (docs/proof-system.md §3, §6): commit columns
 * (their coset LDE in a mixed-height Merkle tree), open them at ζ and ζω, and prove those openings with the
 * DEEP combination, FRI, proof of work and the query answers. The verifier's side is pcs/mmcs-verify.ts
 * and pcs/fri-verify.ts.
 */

/** Everything a commitment holds: its matrices' columns and its tree. */
function committedColumns(c: MmcsData): Uint32Array[] {
  return [...c.matrices.flatMap((m) => m.columns), ...c.layers];
}

/** One committed round. */
export interface RoundData {
  readonly round: Round;
  readonly commitment: MmcsData;
  /**
   * Per table, its columns on the LDE coset (empty for tables outside the round). The openings at ζ read
   * them too (open.ts), so no copy in trace order is kept.
   */
  readonly lde: readonly (readonly Uint32Array[])[];
}

export type Rounds = Readonly<Record<Round, RoundData | null>>;

export interface OpeningProof {
  /** Each FRI layer's commitment (its Merkle cap). */
  readonly friCaps: MerkleCap[];
  readonly finalPoly: Ext[];
  readonly powNonce: number;
  readonly queries: QueryProof[];
}

export class PcsProver {
  private readonly hash: StarkHash;
  private readonly config: StarkConfig;
  private readonly layout: ProofLayout;
  private readonly exec: Executor;
  /** Whether arrays handed to the executor must be SharedArrayBuffer-backed (worker threads). */
  private readonly threaded: boolean;
  private readonly timer: PhaseTimer | undefined;

  constructor(
    hash: StarkHash,
    config: StarkConfig,
    layout: ProofLayout,
    exec: Executor,
    threaded: boolean,
    timer?: PhaseTimer,
  ) {
    this.hash = hash;
    this.config = config;
    this.layout = layout;
    this.exec = exec;
    this.threaded = threaded;
    this.timer = timer;
  }

  /**
   * The smallest proof-of-work nonce (`grind`), split across the executor's threads where the hash can
   * pre-check nonces from a state the threads receive (`StarkHash.powScan`): rounds of GRIND_UNITS blocks,
   * the first candidate of the lowest block confirmed by the generic check. Same nonce for any thread count.
   */
  private grind(ch: Challenger, bits: number): number {
    const state = ch.powState?.();
    if (!state || !this.hash.powScan || bits === 0) return grind(ch, bits);
    const found = this.threaded ? shared(GRIND_UNITS) : new Uint32Array(GRIND_UNITS);
    return grindByRounds(ch, bits, GRIND_UNITS * GRIND_BLOCK, (first) => {
      this.exec.run(
        { kind: "grind", hash: this.hash.id, state, bits, first, block: GRIND_BLOCK, found },
        this.hash,
      );
      return found.find((n) => n !== NO_NONCE) ?? -1;
    });
  }

  private share(a: Uint32Array): Uint32Array {
    return this.threaded ? toShared(a) : a;
  }

  private ldeOf(columns: readonly Uint32Array[], coefficients: boolean): Uint32Array[] {
    const logB = this.config.logBlowup;
    const outputs = columns.map((c) => shared(c.length << logB));
    const inputs = columns.map((c) => this.share(c));
    this.exec.run({ kind: "lde", inputs, outputs, logBlowup: logB, shift: COSET_SHIFT, coefficients });
    recycleColumns(inputs.filter((c, i) => c !== columns[i]));
    return outputs;
  }

  /**
   * Commits a round: each table's columns (of its trace height; evaluations on the trace domain, or the
   * coefficients of polynomials of degree below it) extended to the LDE coset and hashed into one tree.
   * Returns null for a round with no columns in this layout. With `consume`, the caller hands the columns
   * over: each table's are recycled once extended, so that the next tables' LDEs and the tree reuse them.
   */
  commit(
    round: Round,
    columns: readonly (readonly Uint32Array[])[],
    from: "evaluations" | "coefficients" = "evaluations",
    consume = false,
  ): RoundData | null {
    const c = this.layout.commitments[round];
    if (!c) return null;
    const inRound = new Set(c.matrices.map((m) => m.table));
    const lde = columns.map((cols, i) => {
      if (!inRound.has(i)) return [];
      const extended = this.ldeOf(cols, from === "coefficients");
      if (consume) recycleColumns(cols);
      return extended;
    });
    this.timer?.lap("lde");
    const matrices: Matrix[] = c.matrices.map((m) => ({ height: 1 << m.logHeight, columns: lde[m.table]! }));
    const commitment = mmcsCommit(this.hash, matrices, this.exec, c.capHeight);
    this.timer?.lap("hash");
    return { round, commitment, lde };
  }

  /**
   * Every committed column's value at ζ, and at ζ·ω_t those of the columns the constraints read at the next
   * row (layout `next`), per table and round (docs/proof-system.md §6).
   */
  open(zeta: Ext, rounds: Rounds): TableOpenings[] {
    // The threads take shares of the columns (the `open` kernel); the weights are in shared memory.
    const sums: OpeningSums | undefined = this.threaded
      ? (columns, logBlowup, weights, next) => {
          const out = shared(8 * columns.length);
          this.exec.run({ kind: "open", columns, logBlowup, weights, next, out });
          return out;
        }
      : undefined;
    const opener = new PointOpener(zeta, this.config.logBlowup, COSET_SHIFT, sums);
    const openings = this.layout.tables.map((t, i) => {
      const open = (round: Round) => {
        const r = rounds[round];
        const cols = r ? r.lde[i]! : [];
        // At ζω only the columns a constraint reads at the next row.
        return cols.length > 0 ? opener.open(cols, t.logHeight, t.next[round]) : { zeta: [], zetaNext: [] };
      };
      return { pre: open("pre"), main: open("main"), aux: open("aux"), quotient: open("quotient") };
    });
    opener.dispose();
    this.timer?.lap("open");
    return openings;
  }

  /**
   * Proves the openings at ζ: samples γ, builds one DEEP polynomial per LDE height, runs FRI's commit phase
   * with roll-ins, sends the final polynomial, grinds the proof of work and answers the queries.
   */
  prove(ch: Challenger, zeta: Ext, rounds: Rounds, openings: readonly TableOpenings[]): OpeningProof {
    const { layout, config } = this;
    const gamma = sampleExt(ch);
    const deep = layout.groups.map((g) =>
      this.deepPolynomial(g.tables, g.ldeLogHeight, g.gammaOffset, g.width, zeta, gamma, rounds, openings),
    );
    this.timer?.lap("deep");

    // FRI commit phase.
    let cur = deep[0]!;
    const layers: MmcsData[] = [];
    const friCaps: MerkleCap[] = [];
    for (const layer of layout.fri.layers) {
      const a = 1 << layer.logArity;
      const rows = 1 << (layer.logSize - layer.logArity);
      const columns: Uint32Array[] = [];
      for (let v = 0; v < a; v++)
        for (let l = 0; l < 4; l++) columns.push(this.share(cur[l].subarray(v * rows, (v + 1) * rows)));
      const commit = mmcsCommit(this.hash, [{ height: rows, columns }], this.exec, layer.capHeight);
      layers.push(commit);
      friCaps.push(commit.cap);
      observeCap(ch, commit.cap);
      const beta = sampleExt(ch);
      const next = foldLayer(cur, layer.logSize, layer.logArity, beta);
      if (layer.rollIn !== null) {
        const roll = deep[layer.rollIn]!;
        const ba = extPow(beta, a);
        for (let k = 0; k < rows; k++) {
          extMulScalars(ba[0], ba[1], ba[2], ba[3], roll[0][k]!, roll[1][k]!, roll[2][k]!, roll[3][k]!);
          for (let l = 0; l < 4; l++) next[l][k] = (next[l][k]! + extScratch[l]!) % P;
        }
      }
      cur = next;
    }
    const coefficients = cur.map((c) => intt(Uint32Array.from(c)));
    const finalPoly: Ext[] = [];
    for (let i = 0; i < layout.fri.finalCoefficients; i++)
      finalPoly.push([
        coefficients[0]![i]!,
        coefficients[1]![i]!,
        coefficients[2]![i]!,
        coefficients[3]![i]!,
      ]);
    for (const c of finalPoly) observeExt(ch, c);
    this.timer?.lap("fri");

    const powNonce = this.grind(ch, config.powBits);
    ch.observe(powNonce);
    sampleBits(ch, config.powBits);
    this.timer?.lap("pow");

    const logMax = layout.logMaxLdeHeight;
    const queries: QueryProof[] = [];
    for (let q = 0; q < layout.numQueries; q++) {
      const index = sampleBits(ch, logMax);
      const open = (round: Round) => {
        const r = rounds[round];
        const c = layout.commitments[round];
        return r && c ? mmcsOpen(r.commitment, commitmentLeaf(index, logMax, c)) : null;
      };
      const fri: FriQueryStep[] = layout.fri.layers.map((layer, li) => {
        const o = mmcsOpen(layers[li]!, friLeaf(index, layer));
        return { row: o.rows[0]!, path: o.path };
      });
      queries.push({
        index,
        pre: open("pre"),
        main: open("main")!,
        aux: open("aux"),
        quotient: open("quotient")!,
        fri,
      });
    }
    this.timer?.lap("queries");
    // The answers are copies: the DEEP columns and FRI layers are dead.
    recycleColumns([...deep.flat(), ...layers.flatMap(committedColumns)]);
    return { friCaps, finalPoly, powNonce, queries };
  }

  /**
   * Hands a finished proof's rounds back for reuse (src/field/shared-columns.ts): their LDE columns and
   * Merkle trees. Only for rounds this prover committed for one proof — never the cached preprocessed round.
   */
  recycle(rounds: readonly (RoundData | null)[]): void {
    recycleColumns(rounds.flatMap((r) => (r ? committedColumns(r.commitment) : [])));
  }

  /**
   * F_N on the LDE coset of one height: Σ_i γ^(o+i)·(c_i − c_i(ζ))/(x − ζ) + γ^M·Σ_(i∈N) γ^(o+i)·(c_i −
   * c_i(ζω))/(x − ζω), N the columns opened at ζω.
   */
  private deepPolynomial(
    tables: readonly number[],
    ldeLogHeight: number,
    gammaOffset: number,
    width: number,
    zeta: Ext,
    gamma: Ext,
    rounds: Rounds,
    openings: readonly TableOpenings[],
  ): ExtColumns {
    // The kernel takes the columns opened at ζω first (its partial sum after them is T), each with the
    // power of γ its position in opening order gives it.
    const nextCols: Uint32Array[] = [];
    const nextPowers: Ext[] = [];
    const restCols: Uint32Array[] = [];
    const restPowers: Ext[] = [];
    let gp = extPow(gamma, gammaOffset);
    let vz: Ext = [0, 0, 0, 0];
    let vzn: Ext = [0, 0, 0, 0];
    for (const ti of tables) {
      const t = this.layout.tables[ti]!;
      for (const round of ROUNDS) {
        const r = rounds[round];
        if (!r) continue;
        const o = openings[ti]![round];
        const next = t.next[round];
        let k = 0;
        r.lde[ti]!.forEach((c, j) => {
          vz = extAdd(vz, extMul(gp, o.zeta[j]!));
          if (next[k] === j) {
            vzn = extAdd(vzn, extMul(gp, o.zetaNext[k++]!));
            nextCols.push(c);
            nextPowers.push(gp);
          } else {
            restCols.push(c);
            restPowers.push(gp);
          }
          gp = extMul(gp, gamma);
        });
      }
    }
    const cols = [...nextCols, ...restCols];
    const gammaPowers = new Uint32Array(4 * cols.length);
    [...nextPowers, ...restPowers].forEach((p, j) => gammaPowers.set(p, 4 * j));
    const size = 1 << ldeLogHeight;
    const out: ExtColumns = this.threaded
      ? [shared(size), shared(size), shared(size), shared(size)]
      : newExtColumns(size);
    this.exec.run({
      kind: "deep",
      columns: cols,
      nextCount: nextCols.length,
      gammaPowers,
      vz,
      vzn,
      gammaM: extPow(gamma, width),
      zeta,
      zetaNext: extMulBase(zeta, rootOfUnity(ldeLogHeight - this.config.logBlowup)),
      logN: ldeLogHeight,
      shift: COSET_SHIFT,
      out,
    });
    return out;
  }
}
