import { P } from "../../field/babybear.ts";
import type { Col } from "../../machine/chip.ts";
import { asBlock, PUBLIC_BUS, type RecursionChip, readBlock, writeBlock, zeroWhenPadding } from "./chip.ts";

/** The chips that move values: constants, hints, pack/unpack, equality assertions, public values. */

const MINUS_ONE = P - 1;
const set4 = (
  tr: { set(c: Col, r: number, v: number): void },
  row: number,
  cols: readonly Col[],
  v: readonly number[],
) => cols.forEach((c, l) => tr.set(c, row, v[l]!));

/** out ← a constant block; the block is preprocessed, so a constant is part of the program. */
export const constChip: RecursionChip<"const", Col> = {
  name: "const",
  kinds: ["const"],
  // addr, v0..v3, mult
  fixedWidth: 6,
  fixedRow: (ins, reads) => [ins.out, ...ins.value, reads[ins.out]!],
  define(c, fixed) {
    // The engine needs a main column; nothing reads this one.
    const unused = c.col("unused");
    c.zero(unused.e);
    writeBlock(c.t, fixed(0), [1, 2, 3, 4].map(fixed), fixed(5));
    return unused;
  },
  fill() {},
};

/** out ← the next hint (free main values); a base hint's upper slots are constrained to 0. */
export const hintChip: RecursionChip<"hint", Col[]> = {
  name: "hint",
  kinds: ["hint"],
  // addr, isExt, mult, real
  fixedWidth: 4,
  define(c, fixed) {
    const v = c.cols("v", 4);
    const isBase = c.k(1).sub(fixed(1));
    for (let l = 1; l < 4; l++) c.zero(isBase.mul(v[l]!.e));
    zeroWhenPadding(c, fixed(3), v);
    writeBlock(
      c.t,
      fixed(0),
      v.map((x) => x.e),
      fixed(2),
    );
    return v;
  },
  fixedRow: (ins, reads) => [ins.out, ins.ext ? 1 : 0, reads[ins.out]!, 1],
  fill(tr, row, v, ins, value) {
    if (ins) set4(tr, row, v, value(ins.out));
  },
};

/**
 * The hint chip with two instructions a row, each in its own copy of the columns: the same cells on half the
 * rows. The recursion release's programs read more hints than any other table has rows, so on one lane the
 * hint table alone set the AIR's tallest height, and with it every commitment's Merkle tree
 * (docs/recursion.md §7).
 */
export const hintTwoLaneChip: RecursionChip<"hint", Col[]> = { ...hintChip, name: "hint-2-lanes", lanes: 2 };

/**
 * pack (4 base values → 1 block) and unpack (1 block → 4 base values) in one table: the block and the four
 * base values are sends whose preprocessed multiplicities carry the direction (−1 is a read).
 */
export const repackChip: RecursionChip<"pack" | "unpack", Col[]> = {
  name: "repack",
  kinds: ["pack", "unpack"],
  // block addr, e0..e3 addrs, block mult, m0..m3, real
  fixedWidth: 11,
  fixedRow(ins, reads) {
    if (ins.kind === "pack")
      return [ins.out, ...ins.inputs, reads[ins.out]!, MINUS_ONE, MINUS_ONE, MINUS_ONE, MINUS_ONE, 1];
    return [ins.input, ...ins.outs, MINUS_ONE, ...ins.outs.map((o) => reads[o]!), 1];
  },
  define(c, fixed) {
    const v = c.cols("v", 4);
    zeroWhenPadding(c, fixed(10), v);
    writeBlock(
      c.t,
      fixed(0),
      v.map((x) => x.e),
      fixed(5),
    );
    v.forEach((x, l) => writeBlock(c.t, fixed(1 + l), asBlock(x.e), fixed(6 + l)));
    return v;
  },
  fill(tr, row, v, ins, value) {
    if (!ins) return;
    set4(tr, row, v, ins.kind === "pack" ? ins.inputs.map((a) => value(a)[0]!) : value(ins.input));
  },
};

/** Requires two blocks equal: both are read with the same value columns. */
export const assertEqChip: RecursionChip<"assertEq", Col[]> = {
  name: "assert-eq",
  kinds: ["assertEq"],
  // a, b, real
  fixedWidth: 3,
  fixedRow: (ins) => [ins.a, ins.b, 1],
  define(c, fixed) {
    const v = c.cols("v", 4);
    zeroWhenPadding(c, fixed(2), v);
    readBlock(
      c.t,
      fixed(0),
      v.map((x) => x.e),
      fixed(2),
    );
    readBlock(
      c.t,
      fixed(1),
      v.map((x) => x.e),
      fixed(2),
    );
    return v;
  },
  fill(tr, row, v, ins, value) {
    if (ins) set4(tr, row, v, value(ins.a));
  },
};

/** Exposes a base value as public value `index`; the public side of the bus receives (i, public(i)). */
export const publicChip: RecursionChip<"public", Col> = {
  name: "public",
  kinds: ["public"],
  // addr, index, real
  fixedWidth: 3,
  fixedRow: (ins) => [ins.input, ins.index, 1],
  define(c, fixed) {
    const v = c.col("v");
    zeroWhenPadding(c, fixed(2), [v]);
    readBlock(c.t, fixed(0), asBlock(v.e), fixed(2));
    c.t.send(PUBLIC_BUS, [fixed(1), v.e], fixed(2));
    return v;
  },
  fill(tr, row, v, ins, value) {
    if (ins) tr.set(v, row, value(ins.input)[0]!);
  },
};
