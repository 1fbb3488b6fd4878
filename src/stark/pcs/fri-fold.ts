import { inv, mul, P, rootOfUnity } from "../../field/babybear.ts";
import { type ExtColumns, extMulScalars, extScratch, newExtColumns } from "../../field/ext-columns.ts";
import type { Ext } from "../../field/extension.ts";
import { foldWeights } from "./fri-verify.ts";

/**
 * The prover's side of FRI folding (docs/proof-system.md §6): one fold over a whole layer in column form.
 * The verifier folds single cosets with pcs/fri-verify.ts's foldValues; both compute the same values.
 */

/**
 * One FRI fold over a whole layer (the column form of fri-verify.ts's foldValues):
 * next[k] = Σ_r (β/y_k)^r · (1/a) Σ_j ω_a^{−jr} cur[k + j·L/a], with y_k = ω_L^k.
 */
export function foldLayer(cur: ExtColumns, logSize: number, logArity: number, beta: Ext): ExtColumns {
  const a = 1 << logArity;
  const rows = 1 << (logSize - logArity);
  const next = newExtColumns(rows);
  // m[j][r] = ω_a^{−jr} / a
  const m = foldWeights(logArity);
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
