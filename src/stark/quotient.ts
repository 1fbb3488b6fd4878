import { batchInverse, inv, mul, P, pow, rootOfUnity, sub } from "../field/babybear.ts";
import { type ExtColumns, extMulScalars, extScratch, newExtColumns } from "../field/ext-columns.ts";
import { type Ext, extMul } from "../field/extension.ts";
import type { Table } from "./air.ts";
import { dependencies, evaluateOnDomain, type NodeValue } from "./eval-domain.ts";
import { COSET_SHIFT } from "./protocol.ts";

/**
 * The prover's quotient (docs/proof-system.md §5): the constraints combined with powers of α and divided by
 * Z_H, evaluated on the quotient coset from the LDEs.
 */

/** Σ_k α^k C_k / Z_H on the quotient coset g·⟨ω_{q·n}⟩, as four coordinate columns. */
export function quotientOnCoset(
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
