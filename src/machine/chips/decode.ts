import { inv } from "../../field/babybear.ts";
import type { Expr } from "../../stark/expr.ts";
import { Bus } from "../buses.ts";
import { type ChipContext, defineChip, type PadRow, Trace } from "../chip.ts";
import { decodeWord, type ImmFormat, OPS } from "../ops.ts";

/**
 * The decode table: one row per distinct instruction word executed in the segment. Its 32 bit columns
 * and one flag per RV32IM instruction constrain word ↔ (op, rd, rs1, rs2, immediates): a flag may be set
 * only if the word matches that instruction's opcode/funct3/funct7 pattern, so an encoding outside RV32IM
 * has no row to look up. Execution chips look up (w_lo, w_hi, op, rd, rs1, rs2, imm_a, imm_b); fields an
 * instruction does not use are 0, and a destination x0 reads as the sink register 32.
 */
export function decodeChip() {
  return defineChip("decode", (c: ChipContext) => {
    const bits = c.cols("b", 32);
    const flags = OPS.map((s) => c.col(`is_${s.name}`));
    const rdz = c.col("rd_zero");
    const rdInv = c.col("rd_inv");
    const mult = c.col("mult");
    const b = bits.map((x) => x.e);
    const field = (from: number, n: number, shift = 0) =>
      c.sum(Array.from({ length: n }, (_, k) => b[from + k]!.mul(2 ** (k + shift))));
    for (const x of b) c.bool(x);
    for (const f of flags) c.bool(f.e);
    const real = c.sum(flags.map((f) => f.e));
    c.bool(real);
    const opcode = field(0, 7);
    const funct3 = field(12, 3);
    const funct7 = field(25, 7);
    const wLo = field(0, 16);
    const wHi = field(16, 16);
    OPS.forEach((s, k) => {
      const f = flags[k]!.e;
      if (s.word !== undefined) {
        c.zero(f.mul(wLo.sub(s.word & 0xffff)));
        c.zero(f.mul(wHi.sub(s.word >>> 16)));
        return;
      }
      c.zero(f.mul(opcode.sub(s.opcode)));
      if (s.funct3 === "fence") {
        c.zero(f.mul(b[13]!));
        c.zero(f.mul(b[14]!));
      } else if (s.funct3 !== undefined) c.zero(f.mul(funct3.sub(s.funct3)));
      if (s.funct7 !== undefined) c.zero(f.mul(funct7.sub(s.funct7)));
    });
    // rd_zero = [rd = 0], through an inverse witness.
    const rd5 = field(7, 5);
    c.bool(rdz.e);
    c.zero(rdz.e.mul(rd5));
    c.zero(c.k(1).sub(rdz.e).mul(rd5.mul(rdInv.e).sub(1)));
    c.zero(rdz.e.mul(rdInv.e));
    c.pin(bits, real);
    const rdEff = rd5.add(rdz.e.mul(32));
    const sign = b[31]!;
    const imm: Record<ImmFormat, [Expr, Expr]> = {
      none: [c.k(0), c.k(0)],
      I: [field(20, 11).add(sign.mul(0xf800)), sign.mul(0xffff)],
      shamt: [field(20, 5), c.k(0)],
      S: [
        field(7, 5)
          .add(field(25, 6, 5))
          .add(sign.mul(0xf800)),
        sign.mul(0xffff),
      ],
      B: [
        field(8, 4, 1)
          .add(field(25, 6, 5))
          .add(b[7]!.mul(2048))
          .sub(sign.mul(4096)),
        c.k(0),
      ],
      U: [field(12, 4, 12), wHi],
      J: [
        field(21, 10, 1)
          .add(b[20]!.mul(2048))
          .add(field(12, 8, 12))
          .sub(sign.mul(1 << 20)),
        c.k(0),
      ],
    };
    const pick = (sel: (k: number) => boolean, e: (k: number) => Expr | number) =>
      c.sum(OPS.flatMap((_, k) => (sel(k) ? [flags[k]!.e.mul(e(k))] : [])));
    const op = pick(
      () => true,
      (k) => OPS[k]!.op,
    );
    const rd = pick(
      (k) => OPS[k]!.rd,
      () => rdEff,
    );
    const rs1 = pick(
      (k) => OPS[k]!.rs1,
      () => field(15, 5),
    );
    const rs2 = pick(
      (k) => OPS[k]!.rs2,
      () => field(20, 5),
    );
    const immA = pick(
      (k) => OPS[k]!.imm !== "none",
      (k) => imm[OPS[k]!.imm][0],
    );
    const immB = pick(
      (k) => OPS[k]!.imm !== "none",
      (k) => imm[OPS[k]!.imm][1],
    );
    c.zero(mult.e.mul(c.k(1).sub(real)));
    c.t.receive(Bus.DECODE, [wLo, wHi, op, rd, rs1, rs2, immA, immB], mult.e, { bound: "lookup" });
    return { bits, flags, rdz, rdInv, mult };
  });
}

export type DecodeChip = ReturnType<typeof decodeChip>;

/** Decode rows for these words (distinct, each a valid RV32IM encoding); multiplicities are tallied later. */
export function decodeTrace(chip: DecodeChip, words: readonly number[]): Trace {
  const { cols } = chip;
  const tr = new Trace(chip.width, words.length);
  const pad = decodePadding(chip);
  for (let r = 0; r < tr.height; r++) {
    if (r >= words.length) {
      pad(tr, r);
      continue;
    }
    const w = words[r]! >>> 0;
    const d = decodeWord(w);
    if (!d) throw new Error(`decode: 0x${w.toString(16)} is not an RV32IM instruction`);
    for (let k = 0; k < 32; k++) tr.set(cols.bits[k]!, r, (w >>> k) & 1);
    tr.set(cols.flags[OPS.indexOf(d.spec)]!, r, 1);
    const rd5 = (w >>> 7) & 31;
    tr.set(cols.rdz, r, rd5 === 0 ? 1 : 0);
    tr.set(cols.rdInv, r, rd5 === 0 ? 0 : inv(rd5));
  }
  return tr;
}

/** A decode padding row: no instruction, the rd field 0. */
export function decodePadding(chip: DecodeChip): PadRow {
  return (tr, r) => tr.set(chip.cols.rdz, r, 1);
}

/** The decode tuple of a word as the execution chips look it up. */
export function decodeKey(word: number): number {
  return word >>> 0;
}
