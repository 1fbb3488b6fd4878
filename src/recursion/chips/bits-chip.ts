import { asBlock, type RecursionChip, readBlock, writeBlock } from "./chip.ts";

/**
 * The 31-bit decomposition of a base value, proving it canonical: bits b_i ∈ {0, 1}, v = Σ b_i·2^i, and
 * v < p = 15·2^27 + 1, i.e. when bits 27–30 are all 1 the low 27 are all 0 (t = b27·b28, all4 = t·b29·b30,
 * all4·Σ_(i<27) b_i = 0; the sum of 27 bits vanishes only if each does). The low bits the program asked for
 * are written to memory.
 */
const BITS = 31;

export const bitsChip: RecursionChip<"bits"> = {
  kind: "bits",
  name: "bits",
  // in, out_0..out_30, m_0..m_30, real
  fixedWidth: 2 + 2 * BITS,
  // v, b_0..b_30, t, all4
  mainWidth: BITS + 3,
  fixedRow(ins, reads) {
    const outs = Array.from({ length: BITS }, (_, i) => ins.outs[i] ?? 0);
    const mults = Array.from({ length: BITS }, (_, i) => (i < ins.outs.length ? reads[ins.outs[i]!]! : 0));
    return [ins.input, ...outs, ...mults, 1];
  },
  define(t, c) {
    const v = c.main(0);
    const b = Array.from({ length: BITS }, (_, i) => c.main(1 + i));
    const [tt, all4] = [c.main(BITS + 1), c.main(BITS + 2)];
    let sum = t.constant(0);
    let low = t.constant(0);
    b.forEach((bi, i) => {
      t.assertZero(bi.mul(bi.sub(1)));
      sum = sum.add(bi.mul(2 ** i));
      if (i < 27) low = low.add(bi);
    });
    t.assertZero(v.sub(sum));
    t.assertZero(tt.sub(b[27]!.mul(b[28]!)));
    t.assertZero(all4.sub(tt.mul(b[29]!).mul(b[30]!)));
    t.assertZero(all4.mul(low));
    readBlock(t, c.fixed(0), asBlock(v), c.fixed(1 + 2 * BITS));
    b.forEach((bi, i) => writeBlock(t, c.fixed(1 + i), asBlock(bi), c.fixed(1 + BITS + i)));
  },
  mainRow(ins, value) {
    const v = value(ins.input)[0]!;
    const b = Array.from({ length: BITS }, (_, i) => Math.floor(v / 2 ** i) % 2);
    const tt = b[27]! * b[28]!;
    return [v, ...b, tt, tt * b[29]! * b[30]!];
  },
};
