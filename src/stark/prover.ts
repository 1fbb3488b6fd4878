import { batchInverse, inv, mul, P, pow, rootOfUnity, sub } from "../field/babybear.ts";
import {
  type ExtColumns,
  extBatchInverse,
  extMulScalars,
  extScratch,
  newExtColumns,
} from "../field/ext-columns.ts";
import { type Ext, extAdd, extMul, extMulBase, extPow } from "../field/extension.ts";
import { cosetLde, intt } from "../field/ntt.ts";
import type { Air, Table } from "./air.ts";
import { publicBusSum } from "./bus.ts";
import { checkConfig, MAX_LOG_HEIGHT, MIN_LOG_HEIGHT, type StarkConfig } from "./config.ts";
import { ProverInputError } from "./errors.ts";
import { dependencies, evaluateOnDomain, type NodeValue } from "./eval-domain.ts";
import {
  type Challenger,
  grind,
  observeExt,
  observeMany,
  type StarkHash,
  sampleBits,
  sampleExt,
} from "./hash-config.ts";
import { type Matrix, type MmcsData, mmcsCommit, mmcsOpen } from "./mmcs.ts";
import { defaultWorkerCount, parallelExecutor, serialExecutor, shared, toShared } from "./parallel.ts";
import type { FriQueryStep, OpenedValues, QueryProof, StarkProof, TableOpenings } from "./proof.ts";
import {
  COSET_SHIFT,
  friSchedule,
  logupCapacityOk,
  preprocessedTables,
  reverseBits,
  startTranscript,
} from "./protocol.ts";

/**
 * The STARK prover (docs/proof-system.md). Traces are column-major Uint32Arrays of canonical elements.
 * By default it first checks that the witness satisfies every constraint and that the buses balance, so a
 * bad witness fails fast with a message naming the constraint and row; the soundness harness turns that
 * check off to play a dishonest prover.
 */
export interface Witness {
  /** Per table, its main columns (all of one power-of-two length). */
  readonly tables: readonly (readonly Uint32Array[])[];
  readonly publics: readonly number[];
}

export interface ProveOptions {
  /** Check the witness before proving (default true). */
  readonly checkConstraints?: boolean;
  /** Receives the milliseconds spent per phase. */
  readonly timings?: Record<string, number>;
  /**
   * Soundness testing only: the prover adds `delta` to the multiplicity of one interaction at one row when
   * building the LogUp trace, as a dishonest prover would (the verifier must reject the proof).
   */
  /**
   * Worker threads for LDE and Merkle hashing (default: cores − 1 when the tallest LDE has ≥ 2^16 rows,
   * else 0). Results are identical for any count.
   */
  readonly workers?: number;
  readonly tamperMultiplicity?: { table: number; interaction: number; row: number; delta: number };
  /** Soundness testing only: prove even when the LogUp capacity is exceeded. */
  readonly skipCapacityCheck?: boolean;
}

class Timer {
  private readonly out: Record<string, number> | undefined;
  private t = performance.now();
  constructor(out: Record<string, number> | undefined) {
    this.out = out;
  }
  lap(name: string): void {
    const now = performance.now();
    if (this.out) this.out[name] = (this.out[name] ?? 0) + (now - this.t);
    this.t = now;
  }
}

/** Selectors on the trace domain for the constraint check: only their zero pattern matters there. */
function traceSelectors(logN: number) {
  const n = 1 << logN;
  const w = rootOfUnity(logN);
  const wInv = inv(w);
  const first = new Uint32Array(n);
  const last = new Uint32Array(n);
  const transition = new Uint32Array(n);
  first[0] = 1;
  last[n - 1] = 1;
  let x = 1;
  for (let i = 0; i < n; i++) {
    transition[i] = sub(x, wInv);
    x = mul(x, w);
  }
  return { first, last, transition };
}

function traceDomainInputs(
  table: Table,
  logN: number,
  main: readonly Uint32Array[],
  aux: readonly Uint32Array[],
  publics: readonly number[],
  challenges: Ext[],
  cumsum: Ext,
) {
  const n = 1 << logN;
  return {
    length: n,
    pre: table.preprocessed,
    main,
    aux,
    stride: 1,
    nextOffset: 1,
    sourceLength: n,
    publics,
    challenges,
    cumsum,
    selectors: traceSelectors(logN),
  };
}

/** LogUp aux trace: h_i = ±m_i/d_i per interaction and the running sum φ, as 4 base columns each. */
function buildAuxTrace(
  table: Table,
  logN: number,
  main: readonly Uint32Array[],
  publics: readonly number[],
  alpha: Ext,
  beta: Ext,
  tamper?: { interaction: number; row: number; delta: number },
): { columns: Uint32Array[]; cumsum: Ext } {
  const n = 1 << logN;
  const k = table.interactions.length;
  const roots = table.interactions.flatMap((it) => [...it.fields, it.multiplicity]);
  const needed = dependencies(table.nodes, roots);
  const dens: ExtColumns[] = table.interactions.map(() => newExtColumns(n));
  const mults: Uint32Array[] = table.interactions.map(() => new Uint32Array(n));
  const alphaPows: Ext[] = [alpha];
  const maxFields = Math.max(...table.interactions.map((it) => it.fields.length));
  for (let j = 1; j < maxFields; j++) alphaPows.push(extMul(alphaPows[j - 1]!, alpha));
  const inp = { ...traceDomainInputs(table, logN, main, [], publics, [alpha, beta], [0, 0, 0, 0]), needed };
  evaluateOnDomain(table.nodes, inp, (start, len, values) => {
    table.interactions.forEach((it, i) => {
      const d = dens[i]!;
      const mv = values[it.multiplicity]!;
      if (!(mv instanceof Uint32Array))
        throw new ProverInputError("multiplicities must be base-field expressions");
      mults[i]!.set(mv.subarray(0, len), start);
      const acc = [
        new Float64Array(len),
        new Float64Array(len),
        new Float64Array(len),
        new Float64Array(len),
      ];
      for (let l = 0; l < 4; l++) acc[l]!.fill(l === 0 ? (beta[0] + it.bus) % P : beta[l]!);
      it.fields.forEach((f, j) => {
        const fv = values[f]!;
        if (!(fv instanceof Uint32Array))
          throw new ProverInputError("bus fields must be base-field expressions");
        const ap = alphaPows[j]!;
        for (let l = 0; l < 4; l++) {
          const al = ap[l]!;
          const a = acc[l]!;
          for (let r = 0; r < len; r++) a[r] = a[r]! + mul(al, fv[r]!);
        }
      });
      for (let l = 0; l < 4; l++) {
        const a = acc[l]!;
        const dl = d[l];
        for (let r = 0; r < len; r++) dl[start + r] = a[r]! % P;
      }
    });
  });
  if (tamper) {
    const m = mults[tamper.interaction]!;
    m[tamper.row] = (m[tamper.row]! + tamper.delta) % P;
  }
  const columns: Uint32Array[] = [];
  const phi = newExtColumns(n);
  const hs: ExtColumns[] = [];
  table.interactions.forEach((it, i) => {
    let dInv: ExtColumns;
    try {
      dInv = extBatchInverse(dens[i]!);
    } catch {
      throw new ProverInputError(
        "a LogUp denominator vanished (negligible probability); retry with other inputs",
      );
    }
    const m = mults[i]!;
    const sign = it.kind === "send";
    for (let l = 0; l < 4; l++) {
      const c = dInv[l];
      for (let r = 0; r < n; r++) {
        const v = mul(m[r]!, c[r]!);
        c[r] = sign || v === 0 ? v : P - v;
      }
    }
    hs.push(dInv);
    for (let l = 0; l < 4; l++) columns.push(dInv[l]);
  });
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < k; i++) {
      const h = hs[i]!;
      s0 += h[0][r]!;
      s1 += h[1][r]!;
      s2 += h[2][r]!;
      s3 += h[3][r]!;
    }
    s0 %= P;
    s1 %= P;
    s2 %= P;
    s3 %= P;
    phi[0][r] = s0;
    phi[1][r] = s1;
    phi[2][r] = s2;
    phi[3][r] = s3;
  }
  for (let l = 0; l < 4; l++) columns.push(phi[l]);
  return { columns, cumsum: [s0, s1, s2, s3] };
}

function checkTraceConstraints(
  table: Table,
  logN: number,
  main: readonly Uint32Array[],
  aux: readonly Uint32Array[],
  publics: readonly number[],
  challenges: Ext[],
  cumsum: Ext,
): void {
  const inp = traceDomainInputs(table, logN, main, aux, publics, challenges, cumsum);
  const needed = dependencies(table.nodes, table.constraints);
  evaluateOnDomain(table.nodes, { ...inp, needed }, (start, len, values) => {
    table.constraints.forEach((c, ci) => {
      const v = values[c]!;
      const cols = v instanceof Uint32Array ? [v] : v;
      for (const col of cols) {
        for (let r = 0; r < len; r++) {
          if (col[r] !== 0)
            throw new ProverInputError(
              `table "${table.name}": constraint ${ci} does not hold at row ${start + r}; fix the witness`,
            );
        }
      }
    });
  });
}

/** Σ_k α^k C_k / Z_H on the quotient coset g·⟨ω_{q·n}⟩, as four coordinate columns. */
function quotientOnCoset(
  table: Table,
  logN: number,
  logB: number,
  preLde: readonly Uint32Array[],
  mainLde: readonly Uint32Array[],
  auxLde: readonly Uint32Array[],
  publics: readonly number[],
  challenges: Ext[],
  cumsum: Ext,
  alpha: Ext,
): ExtColumns {
  const n = 1 << logN;
  const q = table.quotientChunks;
  const logQ = Math.log2(q);
  const M = q * n;
  const B = 1 << logB;
  const wM = rootOfUnity(logN + logQ);
  const wInvN = inv(rootOfUnity(logN));
  const xs = new Uint32Array(M);
  let x = COSET_SHIFT;
  for (let j = 0; j < M; j++) {
    xs[j] = x;
    x = mul(x, wM);
  }
  const gn = pow(COSET_SHIFT, n);
  const wq = rootOfUnity(logQ);
  const zh: number[] = [];
  for (let r = 0, z = gn; r < q; r++, z = mul(z, wq)) zh.push(sub(z, 1));
  const zhInv = zh.map(inv);
  const xm1 = xs.map((v) => sub(v, 1));
  const xmw = xs.map((v) => sub(v, wInvN));
  const first = batchInverse(xm1);
  const last = batchInverse(xmw);
  for (let j = 0; j < M; j++) {
    const z = zh[j & (q - 1)]!;
    first[j] = mul(first[j]!, z);
    last[j] = mul(last[j]!, z);
  }
  const out = newExtColumns(M);
  const alphaPows: Ext[] = [];
  let ap: Ext = [1, 0, 0, 0];
  for (let i = 0; i < table.constraints.length; i++) {
    alphaPows.push(ap);
    ap = extMul(ap, alpha);
  }
  const needed = dependencies(table.nodes, table.constraints);
  const inp = {
    length: M,
    pre: preLde,
    main: mainLde,
    aux: auxLde,
    stride: B / q,
    nextOffset: B,
    sourceLength: n * B,
    publics,
    challenges,
    cumsum,
    selectors: { first, last, transition: xmw },
    needed,
  };
  const acc = [new Float64Array(0), new Float64Array(0), new Float64Array(0), new Float64Array(0)];
  evaluateOnDomain(table.nodes, inp, (start, len, values: readonly NodeValue[]) => {
    if (acc[0]!.length !== len) for (let l = 0; l < 4; l++) acc[l] = new Float64Array(len);
    for (let l = 0; l < 4; l++) acc[l]!.fill(0);
    table.constraints.forEach((c, ci) => {
      const v = values[c]!;
      const a = alphaPows[ci]!;
      if (v instanceof Uint32Array) {
        for (let l = 0; l < 4; l++) {
          const al = a[l]!;
          if (al === 0) continue;
          const accl = acc[l]!;
          for (let r = 0; r < len; r++) accl[r] = accl[r]! + mul(al, v[r]!);
        }
      } else {
        const [v0, v1, v2, v3] = v;
        const [c0, c1, c2, c3] = acc;
        for (let r = 0; r < len; r++) {
          extMulScalars(a[0], a[1], a[2], a[3], v0![r]!, v1![r]!, v2![r]!, v3![r]!);
          c0![r] = c0![r]! + extScratch[0]!;
          c1![r] = c1![r]! + extScratch[1]!;
          c2![r] = c2![r]! + extScratch[2]!;
          c3![r] = c3![r]! + extScratch[3]!;
        }
      }
      // Keep the accumulators far below 2^53.
      if ((ci & 1023) === 1023)
        for (let l = 0; l < 4; l++) for (let r = 0; r < len; r++) acc[l]![r] = acc[l]![r]! % P;
    });
    for (let l = 0; l < 4; l++) {
      const accl = acc[l]!;
      const o = out[l];
      for (let r = 0; r < len; r++) o[start + r] = mul(accl[r]! % P, zhInv[(start + r) & (q - 1)]!);
    }
  });
  return out;
}

/**
 * One FRI fold over a whole layer (the column form of protocol.ts's foldValues, which the verifier uses):
 * next[k] = Σ_r (β/y_k)^r · (1/a) Σ_j ω_a^{−jr} cur[k + j·L/a], with y_k = ω_L^k.
 */
function foldLayer(cur: ExtColumns, logSize: number, logArity: number, beta: Ext): ExtColumns {
  const a = 1 << logArity;
  const rows = 1 << (logSize - logArity);
  const next = newExtColumns(rows);
  const wInvA = inv(rootOfUnity(logArity));
  const invA = inv(a);
  // m[j][r] = ω_a^{−jr} / a
  const m: number[][] = [];
  for (let j = 0; j < a; j++) {
    m.push([]);
    for (let r = 0; r < a; r++) m[j]!.push(mul(pow(wInvA, (j * r) % a), invA));
  }
  const wInv = inv(rootOfUnity(logSize));
  const c = new Float64Array(4 * a);
  let yInv = 1;
  for (let k = 0; k < rows; k++) {
    c.fill(0);
    for (let j = 0; j < a; j++) {
      const idx = k + j * rows;
      const v0 = cur[0][idx]!;
      const v1 = cur[1][idx]!;
      const v2 = cur[2][idx]!;
      const v3 = cur[3][idx]!;
      const mj = m[j]!;
      for (let r = 0; r < a; r++) {
        const w = mj[r]!;
        c[4 * r] = c[4 * r]! + mul(v0, w);
        c[4 * r + 1] = c[4 * r + 1]! + mul(v1, w);
        c[4 * r + 2] = c[4 * r + 2]! + mul(v2, w);
        c[4 * r + 3] = c[4 * r + 3]! + mul(v3, w);
      }
    }
    // Horner in t = β/y: acc = c_{a−1}; acc = acc·t + c_r.
    const t0 = mul(beta[0], yInv);
    const t1 = mul(beta[1], yInv);
    const t2 = mul(beta[2], yInv);
    const t3 = mul(beta[3], yInv);
    let a0 = c[4 * (a - 1)]! % P;
    let a1 = c[4 * (a - 1) + 1]! % P;
    let a2 = c[4 * (a - 1) + 2]! % P;
    let a3 = c[4 * (a - 1) + 3]! % P;
    for (let r = a - 2; r >= 0; r--) {
      extMulScalars(a0, a1, a2, a3, t0, t1, t2, t3);
      a0 = (extScratch[0]! + c[4 * r]!) % P;
      a1 = (extScratch[1]! + c[4 * r + 1]!) % P;
      a2 = (extScratch[2]! + c[4 * r + 2]!) % P;
      a3 = (extScratch[3]! + c[4 * r + 3]!) % P;
    }
    next[0][k] = a0;
    next[1][k] = a1;
    next[2][k] = a2;
    next[3][k] = a3;
    yInv = mul(yInv, wInv);
  }
  return next;
}

/** Barycentric weights ω^i/(ζ − ω^i) on the trace domain. */
function barycentricWeights(zeta: Ext, logN: number): ExtColumns {
  const n = 1 << logN;
  const w = rootOfUnity(logN);
  const d = newExtColumns(n);
  let x = 1;
  for (let i = 0; i < n; i++) {
    d[0][i] = sub(zeta[0], x);
    d[1][i] = zeta[1];
    d[2][i] = zeta[2];
    d[3][i] = zeta[3];
    x = mul(x, w);
  }
  const r = extBatchInverse(d);
  x = 1;
  for (let i = 0; i < n; i++) {
    for (let l = 0; l < 4; l++) r[l][i] = mul(r[l][i]!, x);
    x = mul(x, w);
  }
  return r;
}

/** f(ζ) and f(ζω) from f's values on the trace domain. */
function openColumn(col: Uint32Array, wts: ExtColumns, factor: Ext): [Ext, Ext] {
  const n = col.length;
  const a = [0, 0, 0, 0];
  const b = [0, 0, 0, 0];
  for (let l = 0; l < 4; l++) {
    const wl = wts[l];
    let sa = 0;
    let sb = mul(col[0]!, wl[n - 1]!);
    for (let i = 0; i < n; i++) {
      const f = col[i]!;
      sa += mul(f, wl[i]!);
      if (i > 0) sb += mul(f, wl[i - 1]!);
      if ((i & 0x3fffff) === 0x3fffff) {
        sa %= P;
        sb %= P;
      }
    }
    a[l] = sa % P;
    b[l] = sb % P;
  }
  return [extMul(factor, a as Ext), extMul(factor, b as Ext)];
}

const preprocessedCache = new WeakMap<Air, Map<string, { data: MmcsData; lde: Uint32Array[][] }>>();

/** LDE and commitment of the preprocessed columns (tables in order), cached per AIR and configuration. */
function preprocessedCommitment(
  air: Air,
  config: StarkConfig,
  hash: StarkHash,
): { data: MmcsData; lde: Uint32Array[][] } | null {
  const idx = preprocessedTables(air);
  if (idx.length === 0) return null;
  const key = `${hash.id}|${config.logBlowup}`;
  let m = preprocessedCache.get(air);
  if (!m) preprocessedCache.set(air, (m = new Map()));
  const hit = m.get(key);
  if (hit) return hit;
  const lde = idx.map((i) =>
    air.tables[i]!.preprocessed.map((c) => cosetLde(c, config.logBlowup, COSET_SHIFT)),
  );
  const data = mmcsCommit(
    hash,
    lde.map((cols) => ({ height: cols[0]!.length, columns: cols })),
  );
  const r = { data, lde };
  m.set(key, r);
  return r;
}

/**
 * The commitment root of an AIR's preprocessed columns under a configuration: the verifying-key value that
 * `verifyStark` needs for AIRs with preprocessed columns (null for AIRs without).
 */
export function preprocessedRoot(air: Air, config: StarkConfig, hash: StarkHash): Uint32Array | null {
  checkConfig(config);
  const c = preprocessedCommitment(air, config, hash);
  return c ? c.data.root.slice() : null;
}

export function proveStark(
  air: Air,
  config: StarkConfig,
  hash: StarkHash,
  witness: Witness,
  options: ProveOptions = {},
): StarkProof {
  checkConfig(config);
  const check = options.checkConstraints ?? true;
  const timer = new Timer(options.timings);
  const tables = air.tables;
  const T = tables.length;
  const logB = config.logBlowup;
  const B = 1 << logB;
  if (witness.tables.length !== T)
    throw new ProverInputError(`expected ${T} table traces, got ${witness.tables.length}`);
  if (witness.publics.length !== air.publicCount)
    throw new ProverInputError(`expected ${air.publicCount} public values, got ${witness.publics.length}`);
  for (const v of witness.publics)
    if (!(Number.isInteger(v) && v >= 0 && v < P))
      throw new ProverInputError(`public value ${v} is not canonical`);
  const logHeights = tables.map((t, i) => {
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
    if (t.quotientChunks > B)
      throw new ProverInputError(
        `table "${t.name}" has degree ${t.degree}; use logBlowup ≥ ${Math.log2(t.quotientChunks)}`,
      );
    if (t.fixedLogHeight !== null && t.fixedLogHeight !== logN)
      throw new ProverInputError(
        `table "${t.name}" has ${1 << t.fixedLogHeight} preprocessed rows; its trace must have as many, not ${n}`,
      );
    return logN;
  });
  if (!options.skipCapacityCheck && !logupCapacityOk(air, logHeights, witness.publics))
    throw new ProverInputError("tables too tall for sound LogUp over BabyBear");
  const publics = witness.publics;
  const maxLde = Math.max(...logHeights) + logB;
  const workers = options.workers ?? (maxLde >= 16 ? defaultWorkerCount() : 0);
  const exec = workers > 0 ? parallelExecutor(workers) : serialExecutor;
  const sh = (a: Uint32Array) => (workers > 0 ? toShared(a) : a);
  const lde = (cols: readonly Uint32Array[], coefficients: boolean): Uint32Array[] => {
    const outputs = cols.map((c) => shared(c.length << logB));
    exec.run({
      kind: "lde",
      inputs: cols.map(sh),
      outputs,
      logBlowup: logB,
      shift: COSET_SHIFT,
      coefficients,
    });
    return outputs;
  };
  const pre = preprocessedCommitment(air, config, hash);
  const preTables = preprocessedTables(air);
  const preLde: Uint32Array[][] = tables.map(() => []);
  preTables.forEach((i, k) => {
    preLde[i] = pre!.lde[k]!;
  });
  const ch: Challenger = startTranscript(air, config, hash, pre ? pre.data.root : null);
  observeMany(ch, publics);
  observeMany(ch, logHeights);

  // Main trace.
  const mainLde = tables.map((_, i) => lde(witness.tables[i]!, false));
  timer.lap("lde");
  /** Commits the LDE columns of the given tables (by index) in one mixed-height tree. */
  const commitLdes = (tableIndices: readonly number[], columns: (i: number) => Uint32Array[]) =>
    mmcsCommit(
      hash,
      tableIndices.map((i) => ({ height: 1 << (logHeights[i]! + logB), columns: columns(i) })),
      exec,
    );
  const allTables = tables.map((_, i) => i);
  const mainCommit = commitLdes(allTables, (i) => mainLde[i]!);
  timer.lap("hash");
  ch.observeDigest(mainCommit.root);
  const logupAlpha = sampleExt(ch);
  const logupBeta = sampleExt(ch);
  const challenges = [logupAlpha, logupBeta];

  // LogUp aux trace.
  const auxTrace: Uint32Array[][] = tables.map(() => []);
  const cumsums: Ext[] = tables.map(() => [0, 0, 0, 0]);
  tables.forEach((t, i) => {
    if (t.auxWidth === 0) return;
    const tm = options.tamperMultiplicity;
    const r = buildAuxTrace(
      t,
      logHeights[i]!,
      witness.tables[i]!,
      publics,
      logupAlpha,
      logupBeta,
      tm && tm.table === i ? tm : undefined,
    );
    auxTrace[i] = r.columns;
    cumsums[i] = r.cumsum;
  });
  timer.lap("aux");
  if (check) {
    tables.forEach((t, i) =>
      checkTraceConstraints(
        t,
        logHeights[i]!,
        witness.tables[i]!,
        auxTrace[i]!,
        publics,
        challenges,
        cumsums[i]!,
      ),
    );
    if (air.publicInteractions.length > 0 || tables.some((t) => t.auxWidth > 0)) {
      let s: Ext = [0, 0, 0, 0];
      tables.forEach((t, i) => {
        if (t.auxWidth > 0) s = extAdd(s, cumsums[i]!);
      });
      s = extAdd(s, publicBusSum(air, publics, logupAlpha, logupBeta));
      if (s.some((c) => c !== 0)) throw new ProverInputError("the buses do not balance; fix the witness");
    }
    timer.lap("check");
  }
  const auxLde = auxTrace.map((cols) => lde(cols, false));
  timer.lap("lde");
  const auxTables = tables.flatMap((t, i) => (t.auxWidth > 0 ? [i] : []));
  let auxCommit: MmcsData | null = null;
  if (auxTables.length > 0) {
    auxCommit = commitLdes(auxTables, (i) => auxLde[i]!);
    ch.observeDigest(auxCommit.root);
  }
  timer.lap("hash");
  const revealed = auxTables.map((i) => cumsums[i]!);
  for (const c of revealed) observeExt(ch, c);
  const alpha = sampleExt(ch);

  // Quotient.
  const quotientH: Uint32Array[][] = [];
  const quotientLde: Uint32Array[][] = [];
  tables.forEach((t, i) => {
    const logN = logHeights[i]!;
    const n = 1 << logN;
    const qv = quotientOnCoset(
      t,
      logN,
      logB,
      preLde[i]!,
      mainLde[i]!,
      auxLde[i]!,
      publics,
      challenges,
      cumsums[i]!,
      alpha,
    );
    timer.lap("quotient");
    const coeffs = qv.map(sh);
    exec.run({ kind: "transform", op: "cosetIntt", arrays: coeffs, shift: COSET_SHIFT });
    const chunks: Uint32Array[] = [];
    for (let c = 0; c < t.quotientChunks; c++)
      for (let l = 0; l < 4; l++) chunks.push(coeffs[l]!.slice(c * n, (c + 1) * n));
    quotientLde.push(lde(chunks, true));
    const hEvals = chunks.map(sh);
    exec.run({ kind: "transform", op: "ntt", arrays: hEvals, shift: 1 });
    quotientH.push(hEvals);
    timer.lap("lde");
  });
  const quotientCommit = commitLdes(allTables, (i) => quotientLde[i]!);
  timer.lap("hash");
  ch.observeDigest(quotientCommit.root);
  const zeta = sampleExt(ch);

  // Openings at ζ and ζω.
  const openings: TableOpenings[] = tables.map((_, i) => {
    const logN = logHeights[i]!;
    const n = 1 << logN;
    const wts = barycentricWeights(zeta, logN);
    const factor = extMulBase(extAdd(extPow(zeta, n), [P - 1, 0, 0, 0]), inv(n));
    const open = (cols: readonly Uint32Array[]): OpenedValues => {
      const zeta: Ext[] = [];
      const zetaNext: Ext[] = [];
      for (const c of cols) {
        const [a, b] = openColumn(c, wts, factor);
        zeta.push(a);
        zetaNext.push(b);
      }
      return { zeta, zetaNext };
    };
    return {
      pre: open(tables[i]!.preprocessed),
      main: open(witness.tables[i]!),
      aux: open(auxTrace[i]!),
      quotient: open(quotientH[i]!),
    };
  });
  for (const o of openings) {
    for (const r of [o.pre, o.main, o.aux, o.quotient]) {
      for (const v of r.zeta) observeExt(ch, v);
      for (const v of r.zetaNext) observeExt(ch, v);
    }
  }
  timer.lap("open");
  const gamma = sampleExt(ch);

  // DEEP polynomials, one per LDE height.
  const ldeLogs = logHeights.map((h) => h + logB);
  const heights = [...new Set(ldeLogs)].sort((a, b) => b - a);
  let gammaCounter = 0;
  const deepPolys = new Map<number, ExtColumns>();
  for (const lh of heights) {
    const members = tables.map((_, i) => i).filter((i) => ldeLogs[i] === lh);
    const N = 1 << lh;
    const cols: Uint32Array[] = [];
    const opened: { z: Ext; zn: Ext }[] = [];
    for (const i of members) {
      const o = openings[i]!;
      const lists = [preLde[i]!, mainLde[i]!, auxLde[i]!, quotientLde[i]!];
      [o.pre, o.main, o.aux, o.quotient].forEach((r, k) => {
        lists[k]!.forEach((c, j) => {
          cols.push(c);
          opened.push({ z: r.zeta[j]!, zn: r.zetaNext[j]! });
        });
      });
    }
    const width = cols.length;
    let gp = extPow(gamma, gammaCounter);
    gammaCounter += 2 * width;
    let vz: Ext = [0, 0, 0, 0];
    let vzn: Ext = [0, 0, 0, 0];
    const gammaPowers = new Uint32Array(4 * width);
    cols.forEach((_, j) => {
      gammaPowers.set(gp, 4 * j);
      vz = extAdd(vz, extMul(gp, opened[j]!.z));
      vzn = extAdd(vzn, extMul(gp, opened[j]!.zn));
      gp = extMul(gp, gamma);
    });
    const f = newExtColumns(N).map((c) => sh(c)) as ExtColumns;
    exec.run({
      kind: "deep",
      columns: cols,
      gammaPowers,
      vz,
      vzn,
      gammaM: extPow(gamma, width),
      zeta,
      zetaNext: extMulBase(zeta, rootOfUnity(lh - logB)),
      logN: lh,
      shift: COSET_SHIFT,
      out: f,
    });
    deepPolys.set(lh, f);
  }
  timer.lap("deep");

  // FRI commit phase.
  const schedule = friSchedule(config, ldeLogs);
  let cur = deepPolys.get(heights[0]!)!;
  const layerCommits: MmcsData[] = [];
  const friRoots: Uint32Array[] = [];
  for (const layer of schedule.layers) {
    const a = 1 << layer.logArity;
    const rows = 1 << (layer.logSize - layer.logArity);
    const columns: Uint32Array[] = [];
    for (let v = 0; v < a; v++)
      for (let l = 0; l < 4; l++) columns.push(cur[l].subarray(v * rows, (v + 1) * rows));
    const m: Matrix = { height: rows, columns: columns.map(sh) };
    const commit = mmcsCommit(hash, [m], exec);
    layerCommits.push(commit);
    friRoots.push(commit.root);
    ch.observeDigest(commit.root);
    const beta = sampleExt(ch);
    const next = foldLayer(cur, layer.logSize, layer.logArity, beta);
    const roll = deepPolys.get(layer.logSize - layer.logArity);
    if (roll) {
      const ba = extPow(beta, a);
      for (let k = 0; k < rows; k++) {
        extMulScalars(ba[0], ba[1], ba[2], ba[3], roll[0][k]!, roll[1][k]!, roll[2][k]!, roll[3][k]!);
        for (let l = 0; l < 4; l++) next[l][k] = (next[l][k]! + extScratch[l]!) % P;
      }
    }
    cur = next;
  }
  const finalPoly: Ext[] = [];
  {
    const coeffs = cur.map((c) => intt(Uint32Array.from(c)));
    for (let i = 0; i < schedule.finalCoefficients; i++)
      finalPoly.push([coeffs[0]![i]!, coeffs[1]![i]!, coeffs[2]![i]!, coeffs[3]![i]!]);
  }
  for (const c of finalPoly) observeExt(ch, c);
  timer.lap("fri");

  // Proof of work.
  const powNonce = grind(ch, config.powBits);
  ch.observe(powNonce);
  sampleBits(ch, config.powBits);
  timer.lap("pow");

  // Queries.
  const logMax = heights[0]!;
  const logMaxAux = auxTables.length ? Math.max(...auxTables.map((i) => ldeLogs[i]!)) : 0;
  const logMaxPre = preTables.length ? Math.max(...preTables.map((i) => ldeLogs[i]!)) : 0;
  const queries: QueryProof[] = [];
  for (let q = 0; q < config.numQueries; q++) {
    const index = sampleBits(ch, logMax);
    const leaf = reverseBits(index, logMax);
    const fri: FriQueryStep[] = [];
    let idx = index;
    schedule.layers.forEach((layer, li) => {
      const rows = 1 << (layer.logSize - layer.logArity);
      const k = idx & (rows - 1);
      const o = mmcsOpen(layerCommits[li]!, reverseBits(k, layer.logSize - layer.logArity));
      fri.push({ row: o.rows[0]!, path: o.path });
      idx = k;
    });
    queries.push({
      pre: pre ? mmcsOpen(pre.data, leaf >>> (logMax - logMaxPre)) : null,
      main: mmcsOpen(mainCommit, leaf),
      aux: auxCommit ? mmcsOpen(auxCommit, leaf >>> (logMax - logMaxAux)) : null,
      quotient: mmcsOpen(quotientCommit, leaf),
      fri,
    });
  }
  timer.lap("queries");
  return {
    logHeights,
    mainRoot: mainCommit.root,
    auxRoot: auxCommit ? auxCommit.root : null,
    quotientRoot: quotientCommit.root,
    cumsums: revealed,
    openings,
    friRoots,
    finalPoly,
    powNonce,
    queries,
  };
}
