import type { ExtColumns } from "../field/ext-columns.ts";
import type { Ext } from "../field/extension.ts";
import { type MontgomeryArrays, toMontgomery } from "../field/montgomery-wasm.ts";
import type { DomainInputs } from "./eval-domain.ts";
import { BASE_BYTES, EXT_BYTES, evaluateOnKernel, kernelPlan } from "./eval-kernel.ts";
import type { Node } from "./expr.ts";

/**
 * Σ_k α^k·C_k(x)·zhInv(x) at the points of `inp` (its offset and length), written into `out` at those
 * indices: quotient.ts's JavaScript loop on the vector kernel (eval-kernel.ts), value for value the same.
 * Each constraint is added into the sum as soon as it is computed, so that its memory serves later nodes.
 * The sum leaves Montgomery form in the product by 1/Z_H (canonical): mont(ã, z) = a·z.
 * `alphaPowers[k]` is α^k; `zhInv[r]` is 1/Z_H at the points whose index is r mod its length (a power of two).
 */
export function quotientOnKernel(
  kernel: MontgomeryArrays,
  nodes: readonly Node[],
  constraints: readonly number[],
  needed: readonly boolean[],
  inp: DomainInputs,
  alphaPowers: readonly Ext[],
  zhInv: readonly number[],
  out: ExtColumns,
): void {
  const plan = kernelPlan(nodes, needed);
  const acc = plan.bytes;
  const zh = acc + EXT_BYTES;
  const alphaMont = alphaPowers.map((a) => a.map(toMontgomery) as Ext);
  const powersOf = new Map<number, number[]>();
  constraints.forEach((c, k) => {
    const list = powersOf.get(c);
    if (list) list.push(k);
    else powersOf.set(c, [k]);
  });
  const zhMask = zhInv.length - 1;
  const extraBytes = EXT_BYTES + BASE_BYTES;
  // The sum starts at zero and is cleared again once each chunk is written out.
  kernel.words(acc + extraBytes).fill(0, acc >> 2, (acc + EXT_BYTES) >> 2);
  evaluateOnKernel(
    kernel,
    nodes,
    plan,
    inp,
    extraBytes,
    (i, { n4 }) => {
      const powers = powersOf.get(i);
      if (!powers) return;
      const o = plan.at[i]!;
      for (const k of powers) {
        const a = alphaMont[k]!;
        if (plan.isExt[i]) kernel.maddExtConst(acc, o, a[0], a[1], a[2], a[3], n4);
        else for (let l = 0; l < 4; l++) if (a[l] !== 0) kernel.maddConst(acc + l * BASE_BYTES, o, a[l]!, n4);
      }
    },
    ({ start, len, n4, words }) => {
      const z = zh >> 2;
      for (let k = 0; k < len; k++) words[z + k] = zhInv[(start + k) & zhMask]!;
      for (let l = 0; l < 4; l++) {
        const c = acc + l * BASE_BYTES;
        kernel.mul(c, c, zh, n4);
        out[l].set(words.subarray(c >> 2, (c >> 2) + len), start);
      }
      words.fill(0, acc >> 2, (acc + EXT_BYTES) >> 2);
    },
  );
}
