import { inv } from "../../field/babybear.ts";
import { Syscall } from "../../zkvm/ecall.ts";
import { GUEST_MAX_MEM, GUEST_MIN_MEM } from "../../zkvm/memory-map.ts";
import { type CycleWitness, defineAdapter, fillAdapter, fillReg, setHalves } from "../adapter.ts";
import { Bus, Slot } from "../buses.ts";
import { type ChipContext, defineChip, INV_2_16, type Trace } from "../chip.ts";
import { type Decoded, opsOf } from "../ops.ts";
import { Pub } from "../publics.ts";

/**
 * System chip: FENCE (no effect) and ECALL with the syscall number in t0 (docs/abi.md §5). Every ecall
 * reads t0 and a2 and read-modify-writes a0 and a1.
 *
 * - HALT: exit code a0 goes to the output bus (k = 8); the 32-byte Output digest at a1 (word-aligned, in
 *   guest memory) is read by 8 host rows; the execution token it issues is (0, clk + 1, halted = 1).
 * - READ: a0 = buffer, a1 = max; the new a0 = count ≤ max is the prover's (host's) choice, and when it is
 *   non-zero the buffer [a0, a0 + count) must lie in guest memory. Host rows may write only there.
 * - WRITE: a0 = fd ∈ {1, 2, 3}; [a1, a1 + a2) in guest memory when a2 > 0; returns a0 = a2. What it
 *   writes leaves the machine (the journal is bound through the Output digest at HALT).
 * - CYCLE_COUNT: a0, a1 = the 64-bit global cycle index (the segment's start count, a public value, plus
 *   clk − 1).
 */
const OPS = opsOf("system");

export function systemChip() {
  return defineChip("system", (c: ChipContext) => {
    const A = defineAdapter(c, OPS);
    const isEcall = A.is("ecall");
    const hHalt = c.col("sys_halt");
    const hRead = c.col("sys_read");
    const hWrite = c.col("sys_write");
    const hCyc = c.col("sys_cycle_count");
    const [tLo, tHi] = [c.col("t0_lo"), c.col("t0_hi")];
    const [x0Lo, x0Hi, n0Lo, n0Hi] = [c.col("a0_lo"), c.col("a0_hi"), c.col("a0_new_lo"), c.col("a0_new_hi")];
    const [x1Lo, x1Hi, n1Lo, n1Hi] = [c.col("a1_lo"), c.col("a1_hi"), c.col("a1_new_lo"), c.col("a1_new_hi")];
    const [x2Lo, x2Hi] = [c.col("a2_lo"), c.col("a2_hi")];
    const [u0, u1] = [c.col("fd_bit0"), c.col("fd_bit1")];
    const [nz, nzInv] = [c.col("len_nonzero"), c.col("len_inv")];
    const [g1Lo, g2Lo] = [c.col("gap_lo_lo"), c.col("gap_hi_lo")];
    const [eLo, eHi, ke] = [c.col("slack_lo"), c.col("slack_hi"), c.col("slack_borrow")];
    const [kc0, kc1, kc2] = [c.col("cyc_carry0"), c.col("cyc_carry1"), c.col("cyc_carry2")];
    const hostMult = c.col("m_host_req");
    const one = c.k(1);

    const h = [hHalt, hRead, hWrite, hCyc];
    for (const x of [...h, u0, u1, nz, ke, kc1, kc2]) c.bool(x.e);
    c.zero(c.sum(h.map((x) => x.e)).sub(isEcall));
    // The syscall number: t0 ∈ {0, 1, 2, 3}.
    c.zero(isEcall.mul(tHi.e));
    c.zero(
      isEcall.mul(tLo.e.sub(hRead.e.add(hWrite.e.mul(Syscall.WRITE)).add(hCyc.e.mul(Syscall.CYCLE_COUNT)))),
    );
    // Registers: t0 and a2 read, a0 and a1 read-modify-write.
    const rT0 = A.reg("t0", Slot.RS1, c.k(5), [tLo.e, tHi.e], [tLo.e, tHi.e], isEcall);
    const rA0 = A.reg("a0", Slot.RS2, c.k(10), [x0Lo.e, x0Hi.e], [n0Lo.e, n0Hi.e], isEcall);
    const rA1 = A.reg("a1", Slot.MEM, c.k(11), [x1Lo.e, x1Hi.e], [n1Lo.e, n1Hi.e], isEcall);
    const rA2 = A.reg("a2", Slot.RD, c.k(12), [x2Lo.e, x2Hi.e], [x2Lo.e, x2Hi.e], isEcall);
    const keep = (flag: ReturnType<typeof c.k>, a: typeof x0Lo, b: typeof n0Lo) =>
      c.zero(flag.mul(b.e.sub(a.e)));
    keep(hHalt.e, x0Lo, n0Lo);
    keep(hHalt.e, x0Hi, n0Hi);
    const keepA1 = hHalt.e.add(hRead.e).add(hWrite.e);
    keep(keepA1, x1Lo, n1Lo);
    keep(keepA1, x1Hi, n1Hi);
    // WRITE: fd ∈ {1, 2, 3}, returns a0 = a2.
    c.zero(hWrite.e.mul(x0Hi.e));
    c.zero(hWrite.e.mul(x0Lo.e.sub(1).sub(u0.e).sub(u1.e.mul(2))));
    c.zero(u0.e.mul(u1.e));
    keep(hWrite.e, x2Lo, n0Lo);
    keep(hWrite.e, x2Hi, n0Hi);
    // Buffers of READ (a0, count = new a0) and WRITE (a1, a2): when non-empty, inside guest memory.
    const rw = hRead.e.add(hWrite.e);
    const pLo = hRead.e.mul(x0Lo.e).add(hWrite.e.add(hHalt.e).mul(x1Lo.e));
    const pHi = hRead.e.mul(x0Hi.e).add(hWrite.e.add(hHalt.e).mul(x1Hi.e));
    const lLo = hRead.e.mul(n0Lo.e).add(hWrite.e.mul(x2Lo.e));
    const lHi = hRead.e.mul(n0Hi.e).add(hWrite.e.mul(x2Hi.e));
    const lSum = lLo.add(lHi);
    c.zero(lSum.mul(nzInv.e).sub(nz.e));
    c.zero(one.sub(nz.e).mul(lSum));
    c.zero(one.sub(nz.e).mul(nzInv.e));
    const rwnz = rw.mul(nz.e);
    c.guestHi(pHi, rwnz.add(hHalt.e));
    c.guestHi(lHi, rwnz);
    const ptr = pLo.add(pHi.mul(65536));
    const len = lLo.add(lHi.mul(65536));
    const g1 = ptr.sub(GUEST_MIN_MEM);
    const g2 = c.k(GUEST_MAX_MEM).sub(ptr).sub(len);
    // READ: the count written to a0 is a valid word (checked halves) and count ≤ max (32-bit subtraction
    // max − count without borrow).
    c.range16(n0Lo.e, hRead.e);
    c.range16(n0Hi.e, hRead.e);
    c.zero(hRead.e.mul(eLo.e.sub(x1Lo.e).add(n0Lo.e).sub(ke.e.mul(65536))));
    c.zero(hRead.e.mul(eHi.e.sub(x1Hi.e).add(n0Hi.e).add(ke.e)));
    // CYCLE_COUNT: (a1, a0) = start + clk − 1 as four 16-bit limbs.
    const start = [0, 1, 2, 3].map((k) => c.public(Pub.START_CYCLES + k));
    c.zero(hCyc.e.mul(n0Lo.e.add(kc0.e.mul(65536)).sub(start[0]!).sub(A.clk.e).add(1)));
    c.zero(hCyc.e.mul(n0Hi.e.add(kc1.e.mul(65536)).sub(start[1]!).sub(kc0.e)));
    c.zero(hCyc.e.mul(n1Lo.e.add(kc2.e.mul(65536)).sub(start[2]!).sub(kc1.e)));
    c.zero(hCyc.e.mul(n1Hi.e.sub(start[3]!).sub(kc2.e)));
    // Shared range-check lookups (each syscall uses some of them).
    const both = hRead.e.add(hCyc.e);
    c.range16(hRead.e.mul(eLo.e).add(hCyc.e.mul(n0Lo.e)), both);
    c.range16(hRead.e.mul(eHi.e).add(hCyc.e.mul(n0Hi.e)), both);
    const gapMult = rwnz.add(hCyc.e);
    c.range16(rw.mul(g1Lo.e).add(hCyc.e.mul(n1Lo.e)), gapMult);
    c.range16(rw.mul(g2Lo.e).add(hCyc.e.mul(n1Hi.e)), gapMult);
    c.u12(g1.sub(g1Lo.e).mul(INV_2_16), rwnz);
    c.u12(g2.sub(g2Lo.e).mul(INV_2_16), rwnz);
    c.u12(kc0.e, hCyc.e);
    // Host requests (facts looked up by the host rows): HALT's digest read, READ's writes.
    c.zero(hostMult.e.mul(one.sub(hRead.e).sub(hHalt.e)));
    c.t.receive(
      Bus.HOST_REQ,
      [A.clk.e, hRead.e, ptr, hRead.e.mul(n0Lo.e.add(n0Hi.e.mul(65536))).add(hHalt.e.mul(32))],
      hostMult.e,
      { bound: "lookup" },
    );
    c.t.send(Bus.OUTPUT, [8, x0Lo.e, x0Hi.e], hHalt.e, { bound: 1 });
    A.decode({});
    A.next(A.pc.e.add(4).mul(one.sub(hHalt.e)), hHalt.e);
    c.pin([tLo, tHi, x0Lo, x0Hi, n0Lo, n0Hi, x1Lo, x1Hi, n1Lo, n1Hi, x2Lo, x2Hi], isEcall);
    c.pin([u0, u1], hWrite.e);
    c.pin([g1Lo, g2Lo], rwnz);
    c.pin([eLo, eHi, ke], hRead.e);
    c.pin([kc0, kc1, kc2], hCyc.e);
    // Public values a split segment does not use are 0 (a halted segment's are bound by the output bus).
    const halted = c.public(Pub.HALTED);
    c.t.assertZeroFirstRow(halted.mul(halted.sub(1)));
    for (const k of [Pub.EXIT_LO, Pub.EXIT_HI, ...Array.from({ length: 16 }, (_, j) => Pub.OUTPUT + j)])
      c.t.assertZeroFirstRow(one.sub(halted).mul(c.public(k)));
    return {
      A,
      hHalt,
      hRead,
      hWrite,
      hCyc,
      tLo,
      tHi,
      x0Lo,
      x0Hi,
      n0Lo,
      n0Hi,
      x1Lo,
      x1Hi,
      n1Lo,
      n1Hi,
      x2Lo,
      x2Hi,
      u0,
      u1,
      nz,
      nzInv,
      g1Lo,
      g2Lo,
      eLo,
      eHi,
      ke,
      kc0,
      kc1,
      kc2,
      hostMult,
      rT0,
      rA0,
      rA1,
      rA2,
    };
  });
}

export type SystemChip = ReturnType<typeof systemChip>;

/** What an ecall did, for the host rows and the segment's outcome. */
export interface EcallEffect {
  readonly syscall: number;
  /** READ: buffer and count; HALT: digest pointer and 32. */
  readonly ptr: number;
  readonly count: number;
  /** HALT: the exit code. */
  readonly exitCode: number;
}

/**
 * Fills one system row. `globalCycle` is the cycle's index in the session; `readCount` is the count a
 * READ returns (the host's choice, from the execution record).
 */
export function systemRow(
  chip: SystemChip,
  tr: Trace,
  row: number,
  cy: CycleWitness,
  d: Decoded,
  globalCycle: number,
  readCount: number,
  /** Dishonest witnesses only: the halves READ writes to a0, as field elements. */
  lieCountHalves?: readonly [number, number],
): EcallEffect | undefined {
  const L = chip.cols;
  fillAdapter(tr, row, L.A, OPS.indexOf(d.spec), cy);
  if (d.spec.name === "fence") return undefined;
  const t0 = fillReg(tr, row, L.rT0, cy, Slot.RS1, 5);
  setHalves(tr, row, L.tLo, L.tHi, t0);
  const a0 = cy.mem.peek(1, 10);
  const a1 = cy.mem.peek(1, 11);
  const a2 = cy.mem.peek(1, 12);
  let n0 = a0;
  let n1 = a1;
  let effect: EcallEffect;
  switch (t0) {
    case Syscall.HALT:
      tr.set(L.hHalt, row, 1);
      effect = { syscall: t0, ptr: a1, count: 32, exitCode: a0 };
      break;
    case Syscall.READ: {
      tr.set(L.hRead, row, 1);
      n0 = readCount >>> 0;
      effect = { syscall: t0, ptr: a0, count: n0, exitCode: 0 };
      const slack = (a1 - n0) >>> 0;
      setHalves(tr, row, L.eLo, L.eHi, slack);
      tr.set(L.ke, row, (a1 & 0xffff) < (n0 & 0xffff) ? 1 : 0);
      break;
    }
    case Syscall.WRITE:
      tr.set(L.hWrite, row, 1);
      n0 = a2;
      tr.set(L.u0, row, a0 === 2 ? 1 : 0);
      tr.set(L.u1, row, a0 === 3 ? 1 : 0);
      effect = { syscall: t0, ptr: a1, count: a2, exitCode: 0 };
      break;
    case Syscall.CYCLE_COUNT: {
      tr.set(L.hCyc, row, 1);
      n0 = globalCycle % 2 ** 32;
      n1 = Math.floor(globalCycle / 2 ** 32);
      const start = globalCycle - (cy.clk - 1);
      const s = [start % 65536, Math.floor(start / 65536) % 65536, Math.floor(start / 2 ** 32) % 65536];
      const c0 = Math.floor((s[0]! + cy.clk - 1) / 65536);
      const c1 = Math.floor((s[1]! + c0) / 65536);
      const c2 = Math.floor((s[2]! + c1) / 65536);
      tr.set(L.kc0, row, c0);
      tr.set(L.kc1, row, c1);
      tr.set(L.kc2, row, c2);
      effect = { syscall: t0, ptr: 0, count: 0, exitCode: 0 };
      break;
    }
    default:
      throw new Error(`system: unknown syscall ${t0} (the executor faults on it)`);
  }
  const old0 = fillReg(tr, row, L.rA0, cy, Slot.RS2, 10, n0);
  const old1 = fillReg(tr, row, L.rA1, cy, Slot.MEM, 11, n1);
  const old2 = fillReg(tr, row, L.rA2, cy, Slot.RD, 12);
  setHalves(tr, row, L.x0Lo, L.x0Hi, old0);
  setHalves(tr, row, L.x1Lo, L.x1Hi, old1);
  setHalves(tr, row, L.x2Lo, L.x2Hi, old2);
  setHalves(tr, row, L.n0Lo, L.n0Hi, n0);
  if (lieCountHalves && t0 === Syscall.READ) {
    tr.set(L.n0Lo, row, lieCountHalves[0]);
    tr.set(L.n0Hi, row, lieCountHalves[1]);
  }
  setHalves(tr, row, L.n1Lo, L.n1Hi, n1);
  if (t0 === Syscall.READ || t0 === Syscall.WRITE) {
    const len = effect.count;
    tr.set(L.nz, row, len !== 0 ? 1 : 0);
    tr.set(L.nzInv, row, len !== 0 ? inv((len & 0xffff) + (len >>> 16)) : 0);
    if (len !== 0) {
      tr.set(L.g1Lo, row, (effect.ptr - GUEST_MIN_MEM) & 0xffff);
      tr.set(L.g2Lo, row, (GUEST_MAX_MEM - effect.ptr - len) & 0xffff);
    }
  }
  return effect;
}
