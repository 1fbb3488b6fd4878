import { mul, P, pow, rootOfUnity } from "../field/babybear.ts";
import {
  type Ext,
  extAdd,
  extEquals,
  extInv,
  extMul,
  extMulBase,
  extPow,
  extSub,
} from "../field/extension.ts";
import type { Air } from "./air.ts";
import { publicBusSum } from "./bus.ts";
import { checkConfig, MAX_LOG_HEIGHT, MIN_LOG_HEIGHT, type StarkConfig } from "./config.ts";
import { InvalidProofError } from "./errors.ts";
import { evaluateAtPoint } from "./eval-point.ts";
import { CHALLENGE_LOGUP_ALPHA, CHALLENGE_LOGUP_BETA, type Node } from "./expr.ts";
import {
  type Challenger,
  observeExt,
  observeMany,
  type StarkHash,
  sampleBits,
  sampleExt,
} from "./hash-config.ts";
import { mmcsVerify } from "./mmcs-verify.ts";
import type { OpenedValues, StarkProof } from "./proof.ts";
import { decodeProof } from "./proof-codec.ts";
import {
  COSET_SHIFT,
  evaluateExtPolyAtBase,
  foldValues,
  friSchedule,
  logupCapacityOk,
  preprocessedTables,
  recombineExt,
  reverseBits,
  selectorsAt,
  startTranscript,
} from "./protocol.ts";

export { InvalidProofError } from "./errors.ts";
export * from "./proof-codec.ts";

/**
 * The STARK verifier (docs/proof-system.md). It imports no prover module and no Node API, so it runs in a
 * browser. `verifyStark` returns normally for a valid proof and throws InvalidProofError otherwise.
 */
function fail(msg: string): never {
  throw new InvalidProofError(msg);
}

function checkShape(air: Air, config: StarkConfig, proof: StarkProof): void {
  const T = air.tables.length;
  if (proof.logHeights.length !== T) fail(`expected ${T} table heights, got ${proof.logHeights.length}`);
  proof.logHeights.forEach((h, i) => {
    if (!Number.isInteger(h) || h < MIN_LOG_HEIGHT || h > MAX_LOG_HEIGHT)
      fail(`table ${i} has log height ${h}, outside [${MIN_LOG_HEIGHT}, ${MAX_LOG_HEIGHT}]`);
  });
  const withAux = air.tables.filter((t) => t.auxWidth > 0).length;
  if (withAux > 0 !== (proof.auxRoot !== null)) fail("aux commitment presence does not match the AIR");
  if (proof.cumsums.length !== withAux) fail("wrong number of cumulative sums");
  if (proof.openings.length !== T) fail("wrong number of table openings");
  const ok = (o: OpenedValues, n: number) => o.zeta.length === n && o.zetaNext.length === n;
  air.tables.forEach((t, i) => {
    const o = proof.openings[i]!;
    if (
      !ok(o.pre, t.preprocessed.length) ||
      !ok(o.main, t.mainWidth) ||
      !ok(o.aux, 4 * t.auxWidth) ||
      !ok(o.quotient, 4 * t.quotientChunks)
    )
      fail(`wrong number of opened values for table "${t.name}"`);
    if (t.fixedLogHeight !== null && proof.logHeights[i] !== t.fixedLogHeight)
      fail(`table "${t.name}" has preprocessed columns of height 2^${t.fixedLogHeight}`);
  });
  if (proof.queries.length !== config.numQueries) fail("wrong number of queries");
}

/** What the verifier needs beyond the AIR and configuration: the preprocessed commitment, if any. */
export interface VerifyingKey {
  /** Root of the AIR's preprocessed columns (prover.ts `preprocessedRoot`); required iff the AIR has some. */
  readonly preprocessedRoot?: Uint32Array | null;
}

export function verifyStark(
  air: Air,
  config: StarkConfig,
  hash: StarkHash,
  publics: readonly number[],
  proof: StarkProof,
  key: VerifyingKey = {},
): void {
  const preTables = preprocessedTables(air);
  const preRoot = key.preprocessedRoot ?? null;
  if (preTables.length > 0 !== (preRoot !== null))
    throw new RangeError(
      preRoot === null
        ? `AIR "${air.name}" has preprocessed columns: pass { preprocessedRoot } in the verifying key`
        : `AIR "${air.name}" has no preprocessed columns, but a preprocessed root was given`,
    );
  try {
    verifyInner(air, config, hash, publics, proof, preRoot, preTables);
  } catch (e) {
    if (e instanceof InvalidProofError) throw e;
    // Arithmetic on adversarial values (a zero denominator, a point in the domain) is a rejection too.
    throw new InvalidProofError(`proof rejected: ${(e as Error).message}`);
  }
}

function verifyInner(
  air: Air,
  config: StarkConfig,
  hash: StarkHash,
  publics: readonly number[],
  proof: StarkProof,
  preRoot: Uint32Array | null,
  preTables: number[],
): void {
  checkConfig(config);
  checkShape(air, config, proof);
  if ((preRoot !== null) !== proof.queries.every((q) => q.pre !== null))
    fail("preprocessed openings do not match the AIR");
  if (publics.length !== air.publicCount)
    fail(`expected ${air.publicCount} public values, got ${publics.length}`);
  for (const v of publics)
    if (!(Number.isInteger(v) && v >= 0 && v < P)) fail(`public value ${v} is not canonical`);
  const tables = air.tables;
  const logB = config.logBlowup;
  const B = 1 << logB;
  tables.forEach((t) => {
    if (t.quotientChunks > B)
      fail(`table "${t.name}" has degree ${t.degree}: it needs a blowup of at least ${t.quotientChunks}`);
  });
  if (!logupCapacityOk(air, proof.logHeights, publics)) fail("tables too tall for sound LogUp over BabyBear");

  const ch: Challenger = startTranscript(air, config, hash, preRoot);
  observeMany(ch, publics);
  observeMany(ch, proof.logHeights);
  ch.observeDigest(proof.mainRoot);
  const logupAlpha = sampleExt(ch);
  const logupBeta = sampleExt(ch);
  if (proof.auxRoot) ch.observeDigest(proof.auxRoot);
  for (const c of proof.cumsums) observeExt(ch, c);
  const alpha = sampleExt(ch);
  ch.observeDigest(proof.quotientRoot);
  const zeta = sampleExt(ch);
  for (const o of proof.openings) {
    for (const r of [o.pre, o.main, o.aux, o.quotient]) {
      for (const v of r.zeta) observeExt(ch, v);
      for (const v of r.zetaNext) observeExt(ch, v);
    }
  }
  const gamma = sampleExt(ch);
  const ldeLogs = proof.logHeights.map((h) => h + logB);
  const schedule = friSchedule(config, ldeLogs);
  if (proof.friRoots.length !== schedule.layers.length) fail("wrong number of FRI layers");
  if (proof.finalPoly.length !== schedule.finalCoefficients) fail("wrong final polynomial length");
  const friBetas: Ext[] = [];
  for (const root of proof.friRoots) {
    ch.observeDigest(root);
    friBetas.push(sampleExt(ch));
  }
  for (const c of proof.finalPoly) observeExt(ch, c);
  if (!(Number.isInteger(proof.powNonce) && proof.powNonce >= 0 && proof.powNonce < P)) fail("bad PoW nonce");
  ch.observe(proof.powNonce);
  if (sampleBits(ch, config.powBits) !== 0) fail("proof of work is invalid");
  const logMax = Math.max(...ldeLogs);
  const indices: number[] = [];
  for (let q = 0; q < config.numQueries; q++) indices.push(sampleBits(ch, logMax));

  // 1. Buses balance.
  const challenges = [logupAlpha, logupBeta];
  if (challenges.length !== 2 || CHALLENGE_LOGUP_ALPHA !== 0 || CHALLENGE_LOGUP_BETA !== 1)
    fail("challenge layout");
  let busSum: Ext = [0, 0, 0, 0];
  for (const c of proof.cumsums) busSum = extAdd(busSum, c);
  busSum = extAdd(busSum, publicBusSum(air, publics, logupAlpha, logupBeta));
  if (!extEquals(busSum, [0, 0, 0, 0])) fail("LogUp buses do not balance");

  // 2. Constraints at ζ against the quotient.
  let auxIdx = 0;
  tables.forEach((t, ti) => {
    const logN = proof.logHeights[ti]!;
    const o = proof.openings[ti]!;
    const sel = selectorsAt(zeta, logN);
    const aux = { cur: [] as Ext[], next: [] as Ext[] };
    for (let c = 0; c < t.auxWidth; c++) {
      const z = o.aux.zeta;
      const zn = o.aux.zetaNext;
      aux.cur.push(recombineExt(z[4 * c]!, z[4 * c + 1]!, z[4 * c + 2]!, z[4 * c + 3]!));
      aux.next.push(recombineExt(zn[4 * c]!, zn[4 * c + 1]!, zn[4 * c + 2]!, zn[4 * c + 3]!));
    }
    const cumsum = t.auxWidth > 0 ? proof.cumsums[auxIdx++]! : undefined;
    const values = evaluateAtPoint(t.nodes as Node[], {
      pre: { cur: o.pre.zeta, next: o.pre.zetaNext },
      main: { cur: o.main.zeta, next: o.main.zetaNext },
      aux,
      publics,
      challenges,
      cumsum,
      selectors: sel,
    });
    let acc: Ext = [0, 0, 0, 0];
    let ap: Ext = [1, 0, 0, 0];
    for (const c of t.constraints) {
      acc = extAdd(acc, extMul(ap, values[c]!));
      ap = extMul(ap, alpha);
    }
    const zetaN = extPow(zeta, 1 << logN);
    let q: Ext = [0, 0, 0, 0];
    let zp: Ext = [1, 0, 0, 0];
    for (let c = 0; c < t.quotientChunks; c++) {
      const z = o.quotient.zeta;
      q = extAdd(q, extMul(zp, recombineExt(z[4 * c]!, z[4 * c + 1]!, z[4 * c + 2]!, z[4 * c + 3]!)));
      zp = extMul(zp, zetaN);
    }
    if (!extEquals(acc, extMul(sel.zh, q)))
      fail(`constraints of table "${t.name}" do not match the quotient at ζ`);
  });

  // 3. DEEP combination constants per LDE height.
  const heights = [...new Set(ldeLogs)].sort((a, b) => b - a);
  const groups = heights.map((lh) => {
    const members = tables.map((_, i) => i).filter((i) => ldeLogs[i] === lh);
    const width = members.reduce(
      (s, i) =>
        s +
        tables[i]!.preprocessed.length +
        tables[i]!.mainWidth +
        4 * tables[i]!.auxWidth +
        4 * tables[i]!.quotientChunks,
      0,
    );
    return { logSize: lh, members, width };
  });
  let gammaCounter = 0;
  const deep = groups.map((g) => {
    const base = extPow(gamma, gammaCounter);
    let vz: Ext = [0, 0, 0, 0];
    let vzn: Ext = [0, 0, 0, 0];
    let gp = base;
    for (const ti of g.members) {
      const o = proof.openings[ti]!;
      for (const r of [o.pre, o.main, o.aux, o.quotient]) {
        for (let c = 0; c < r.zeta.length; c++) {
          vz = extAdd(vz, extMul(gp, r.zeta[c]!));
          vzn = extAdd(vzn, extMul(gp, r.zetaNext[c]!));
          gp = extMul(gp, gamma);
        }
      }
    }
    gammaCounter += 2 * g.width;
    const omega = rootOfUnity(g.logSize - logB);
    return { ...g, base, vz, vzn, gammaM: extPow(gamma, g.width), zetaNext: extMulBase(zeta, omega) };
  });

  const auxHeights = tables.flatMap((t, i) => (t.auxWidth > 0 ? [ldeLogs[i]!] : []));
  const auxWidths = tables.flatMap((t) => (t.auxWidth > 0 ? [4 * t.auxWidth] : []));
  const auxTableIndex = tables.flatMap((t, i) => (t.auxWidth > 0 ? [i] : []));
  const mainHeights = ldeLogs.map((l) => 1 << l);
  const logMaxAux = auxHeights.length ? Math.max(...auxHeights) : 0;
  const logMaxPre = preTables.length ? Math.max(...preTables.map((i) => ldeLogs[i]!)) : 0;

  // 4. Queries.
  indices.forEach((index, qi) => {
    const qp = proof.queries[qi]!;
    const checkRows = (rows: Uint32Array[], widths: number[], what: string) => {
      if (rows.length !== widths.length) fail(`query ${qi}: wrong number of ${what} rows`);
      rows.forEach((r, i) => {
        if (r.length !== widths[i]) fail(`query ${qi}: wrong ${what} row width`);
      });
    };
    checkRows(
      qp.main.rows,
      tables.map((t) => t.mainWidth),
      "main",
    );
    checkRows(
      qp.quotient.rows,
      tables.map((t) => 4 * t.quotientChunks),
      "quotient",
    );
    const leaf = reverseBits(index, logMax);
    if (!mmcsVerify(hash, proof.mainRoot, mainHeights, leaf, qp.main.rows, qp.main.path))
      fail(`query ${qi}: main Merkle path invalid`);
    if (!mmcsVerify(hash, proof.quotientRoot, mainHeights, leaf, qp.quotient.rows, qp.quotient.path))
      fail(`query ${qi}: quotient Merkle path invalid`);
    const preRows: (Uint32Array | null)[] = tables.map(() => null);
    if (preRoot) {
      if (!qp.pre) fail(`query ${qi}: missing preprocessed opening`);
      checkRows(
        qp.pre.rows,
        preTables.map((i) => tables[i]!.preprocessed.length),
        "preprocessed",
      );
      const preIndex = leaf >>> (logMax - logMaxPre);
      if (
        !mmcsVerify(
          hash,
          preRoot,
          preTables.map((i) => 1 << ldeLogs[i]!),
          preIndex,
          qp.pre.rows,
          qp.pre.path,
        )
      )
        fail(`query ${qi}: preprocessed Merkle path invalid`);
      qp.pre.rows.forEach((r, k) => {
        preRows[preTables[k]!] = r;
      });
    } else if (qp.pre) fail(`query ${qi}: unexpected preprocessed opening`);
    const auxRows: (Uint32Array | null)[] = tables.map(() => null);
    if (proof.auxRoot) {
      if (!qp.aux) fail(`query ${qi}: missing aux opening`);
      checkRows(qp.aux.rows, auxWidths, "aux");
      const auxIndex = leaf >>> (logMax - logMaxAux);
      if (
        !mmcsVerify(
          hash,
          proof.auxRoot,
          auxHeights.map((l) => 1 << l),
          auxIndex,
          qp.aux.rows,
          qp.aux.path,
        )
      )
        fail(`query ${qi}: aux Merkle path invalid`);
      qp.aux.rows.forEach((r, k) => {
        auxRows[auxTableIndex[k]!] = r;
      });
    } else if (qp.aux) fail(`query ${qi}: unexpected aux opening`);

    const deepAt = (gi: number): Ext => {
      const g = deep[gi]!;
      const idx = index & ((1 << g.logSize) - 1);
      const x = mul(COSET_SHIFT, pow(rootOfUnity(g.logSize), idx));
      let s: Ext = [0, 0, 0, 0];
      let gp = g.base;
      for (const ti of g.members) {
        const empty = new Uint32Array(0);
        for (const row of [
          preRows[ti] ?? empty,
          qp.main.rows[ti]!,
          auxRows[ti] ?? empty,
          qp.quotient.rows[ti]!,
        ]) {
          for (let c = 0; c < row.length; c++) {
            s = extAdd(s, extMulBase(gp, row[c]!));
            gp = extMul(gp, gamma);
          }
        }
      }
      const xe: Ext = [x, 0, 0, 0];
      const t1 = extMul(extSub(s, g.vz), extInv(extSub(xe, zeta)));
      const t2 = extMul(extMul(g.gammaM, extSub(s, g.vzn)), extInv(extSub(xe, g.zetaNext)));
      return extAdd(t1, t2);
    };

    let idx = index;
    let expected = deepAt(0);
    let logSize = logMax;
    if (qp.fri.length !== schedule.layers.length) fail(`query ${qi}: wrong number of FRI steps`);
    schedule.layers.forEach((layer, li) => {
      const step = qp.fri[li]!;
      const a = 1 << layer.logArity;
      if (step.row.length !== 4 * a) fail(`query ${qi}: wrong FRI row width`);
      const rowsHeight = 1 << (layer.logSize - layer.logArity);
      const k = idx & (rowsHeight - 1);
      const j = idx >>> (layer.logSize - layer.logArity);
      const vals: Ext[] = [];
      for (let v = 0; v < a; v++)
        vals.push([step.row[4 * v]!, step.row[4 * v + 1]!, step.row[4 * v + 2]!, step.row[4 * v + 3]!]);
      if (!extEquals(vals[j]!, expected)) fail(`query ${qi}: FRI layer ${li} is inconsistent`);
      if (
        !mmcsVerify(
          hash,
          proof.friRoots[li]!,
          [rowsHeight],
          reverseBits(k, layer.logSize - layer.logArity),
          [step.row],
          step.path,
        )
      )
        fail(`query ${qi}: FRI layer ${li} Merkle path invalid`);
      const yInv = pow(rootOfUnity(layer.logSize), (1 << layer.logSize) - k);
      const beta = friBetas[li]!;
      expected = foldValues(vals, beta, yInv, layer.logArity);
      idx = k;
      logSize -= layer.logArity;
      const gi = deep.findIndex((g) => g.logSize === logSize);
      if (gi > 0) expected = extAdd(expected, extMul(extPow(beta, a), deepAt(gi)));
    });
    const y = pow(rootOfUnity(logSize), idx);
    if (!extEquals(evaluateExtPolyAtBase(proof.finalPoly, y), expected))
      fail(`query ${qi}: final FRI polynomial does not match`);
  });
}

/**
 * Decodes and verifies a proof in its binary form. Malformed bytes throw a ProofFormatError subclass,
 * a well-formed proof that does not verify throws InvalidProofError.
 */
export function verifyStarkBytes(
  air: Air,
  config: StarkConfig,
  hash: StarkHash,
  publics: readonly number[],
  bytes: Uint8Array,
  key: VerifyingKey = {},
): void {
  checkConfig(config);
  verifyStark(air, config, hash, publics, decodeProof(bytes, air, config, hash), key);
}
