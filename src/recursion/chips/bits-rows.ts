import { inv, P } from "../../field/babybear.ts";
import type { Col } from "../../machine/chip.ts";
import { asBlock, type RecursionChip, readBlock, writeBlock } from "./chip.ts";

/**
 * The `bits` instruction (the 31-bit decomposition of a base value, which proves it canonical, and the low
 * bits the program asked for written to memory) on several narrow rows per instruction, for the BN254 step's
 * AIR (docs/wrap-circuit.md §8): the wrap circuit pays ~1,000 constraints for every opened column, and the
 * one-row bitsChip opens 174 for a few dozen instructions. The recursion release keeps bitsChip.
 *
 * Layout. 32 bit slots per instruction, `perRow` (1, 2 or 4) on each of 32/perRow rows, most significant
 * first; the 31 bits of v are slots 31…1 and slot 0, the last row's lowest, is a phantom constrained to 0
 * (so the top four bits 30–27, which the canonicity check needs, fill whole rows). A running accumulator,
 * acc = 2^perRow·acc_prev + chunk (Horner's rule), ends on the last row at 2v; the last row reads v as
 * acc/2 (2 is invertible) from the input address, which sits in the phantom slot's address column.
 *
 * Canonicity: v < p = 15·2^27 + 1 ⇔ not (bits 30–27 all 1 and a lower bit 1). `u` is the product of a row's
 * bits; `t` is the product of the top rows' u (on the top rows, built row to row) carried over the rest of
 * the instruction, and every lower row's bits sum to 0 where t = 1 (a sum of at most four bits vanishes only
 * if each does). Then Σ b_i·2^i < p, and its equality with v modulo p is an equality of integers.
 *
 * Preprocessed per row: slot addresses and write multiplicities (the read counts of the bits' addresses; the
 * phantom slot's address is the input's, multiplicity 0), `cont` (1 on every row of an instruction but its
 * last), `last`, and with more than one top row `top` (1 on the top rows but the last of them). Nothing
 * crosses instructions: next-row constraints are gated by `cont` or `top`, and a row after a non-continuing
 * row (the last of an instruction, a padding row, or cyclically the table's last row) restarts acc and t
 * from its own bits. Padding rows (no flag) have their bits pinned to 0, and every other cell follows
 * from the bits. Constraint degree 3 (the BN254 layer proves at the tests' blowup 2).
 */
const SLOTS = 32;
const TOP_BITS = 4;
const INV_2 = inv(2);

export interface BitsRowsCols {
  /** The row's bits, slot j of weight 2^j within the row. */
  readonly b: readonly Col[];
  readonly acc: Col;
  /** Partial products of the row's bits (the last is u, the product of them all); none for one bit a row. */
  readonly products: readonly Col[];
  readonly t: Col;
}

export type BitsPerRow = 1 | 2 | 4;

/**
 * The multi-row bits chip with `perRow` bits a row (the BN254 step uses {@link bitsRowsChip}; other widths
 * are measured by bench/wrap-p254.ts).
 */
export function makeBitsRowsChip(perRow: BitsPerRow): RecursionChip<"bits", BitsRowsCols> {
  const rows = SLOTS / perRow;
  const topRows = TOP_BITS / perRow;
  const hasTop = topRows > 1;
  // Preprocessed: addr_0..addr_(k−1), m_0..m_(k−1), cont, last[, top].
  const MULT = perRow;
  const CONT = 2 * perRow;
  const LAST = CONT + 1;
  const TOP = LAST + 1;
  /** The bit of v in slot j of row r (−1: the phantom). */
  const bitIndex = (r: number, j: number) => perRow * (rows - 1 - r) + j - 1;
  return {
    name: `bits-${rows}-rows`,
    kinds: ["bits"],
    rowsPerInstruction: rows,
    fixedWidth: 2 * perRow + 2 + (hasTop ? 1 : 0),
    fixedRow(ins, reads, r) {
      const addrs: number[] = [];
      const mults: number[] = [];
      for (let j = 0; j < perRow; j++) {
        const i = bitIndex(r, j);
        const out = i >= 0 && i < ins.outs.length ? ins.outs[i]! : undefined;
        addrs.push(i < 0 ? ins.input : (out ?? 0));
        mults.push(out === undefined ? 0 : reads[out]!);
      }
      const flags = [r < rows - 1 ? 1 : 0, r === rows - 1 ? 1 : 0];
      if (hasTop) flags.push(r < topRows - 1 ? 1 : 0);
      return [...addrs, ...mults, ...flags];
    },
    define(c, fixed) {
      const b = c.cols("b", perRow);
      const acc = c.col("acc");
      const products = perRow === 1 ? [] : c.cols("u", perRow === 2 ? 1 : 2);
      const t = c.col("t");
      const cont = fixed(CONT);
      const last = fixed(LAST);
      const top = hasTop ? fixed(TOP) : c.k(0);

      for (const x of b) c.bool(x.e);
      // Padding rows: no flag, bits 0 (then acc, u and t are 0 as well).
      c.pin(b, cont.add(last));
      c.zero(last.mul(b[0]!.e));
      // u: the product of the row's bits, at degree ≤ 3.
      let u: Col | undefined;
      if (perRow === 1) u = b[0];
      else if (perRow === 2) {
        c.zero(products[0]!.e.sub(b[0]!.e.mul(b[1]!.e)));
        u = products[0];
      } else {
        c.zero(products[0]!.e.sub(b[0]!.e.mul(b[1]!.e)));
        c.zero(products[1]!.e.sub(products[0]!.e.mul(b[2]!.e).mul(b[3]!.e)));
        u = products[1];
      }
      const chunkNext = c.sum(b.map((x, j) => x.n.mul(2 ** j)));
      // Horner's rule within an instruction; a row after a non-continuing row starts from its own chunk.
      c.zero(acc.n.sub(chunkNext).sub(cont.mul(acc.e).mul(2 ** perRow)));
      // t: the row's u on a first row, times the next row's u on the top rows, then carried.
      const restart = c.k(1).sub(cont);
      c.zero(restart.mul(t.n.sub(u!.n)));
      if (hasTop) c.zero(top.mul(t.n.sub(t.e.mul(u!.n))));
      const below = cont.sub(top);
      c.zero(below.mul(t.n.sub(t.e)));
      // Where the top bits are all 1, every lower bit is 0.
      c.zero(below.mul(t.e).mul(c.sum(b.map((x) => x.n))));

      readBlock(c.t, fixed(0), asBlock(acc.e.mul(INV_2)), last);
      b.forEach((x, j) => writeBlock(c.t, fixed(j), asBlock(x.e), fixed(MULT + j)));
      return { b, acc, products, t };
    },
    fill(tr, row, cols, ins, value) {
      if (!ins) return;
      const v = value(ins.input)[0]!;
      let acc = 0;
      let t = 0;
      for (let r = 0; r < rows; r++) {
        const bits = Array.from({ length: perRow }, (_, j) => {
          const i = bitIndex(r, j);
          return i < 0 ? 0 : Math.floor(v / 2 ** i) % 2;
        });
        bits.forEach((x, j) => tr.set(cols.b[j]!, row + r, x));
        acc = (acc * 2 ** perRow + bits.reduce((s, x, j) => s + x * 2 ** j, 0)) % P;
        tr.set(cols.acc, row + r, acc);
        let u = 1;
        bits.forEach((x, j) => {
          u *= x;
          // products[0] is b0·b1; products[1] (four bits a row) the product of all four.
          if (j === 1) tr.set(cols.products[0]!, row + r, u);
          if (j === 3) tr.set(cols.products[1]!, row + r, u);
        });
        if (r === 0) t = u;
        else if (r < topRows) t *= u;
        tr.set(cols.t, row + r, t);
      }
    },
  };
}

/** The BN254 step's bits chip: two bits a row, 16 rows an instruction (chosen by measurement, §8). */
export const bitsRowsChip = makeBitsRowsChip(2);
