import { ZkvmError } from "../errors.ts";
import { Syscall } from "../zkvm/ecall.ts";
import { MERKLE_DEPTH } from "../zkvm/memory-map.ts";
import { type ExecutionTrace, TraceFlag } from "../zkvm/recorder.ts";
import { REGISTER_PAGE } from "./memory.ts";
import { type ChipName, decodeWord } from "./ops.ts";
import { fitsPo2, MAX_SEGMENT_PO2, type SegmentRows, segmentCycleCapacity, smallestPo2 } from "./shapes.ts";

/**
 * The segment splitter (docs/machine.md §8): cuts a recorded run into segments that each fit a published
 * segment shape (shapes.ts). Walking the cycles, it keeps an upper bound of every table's rows for the
 * segment so far and ends the segment before the cycle that would overflow the budget of po2 `maxPo2` (or
 * exceed `maxCycles`), as RISC Zero's executor splits on its own capacity. Each segment is then proven at
 * the smallest po2 it fits. A single cycle that fits no budget of `maxPo2` (a READ of up to 4 KiB, whose
 * host rows fit po2 16) gets a segment of its own at the smallest po2 that holds it.
 */
export interface SegmentPlan {
  readonly start: number;
  readonly end: number;
  readonly po2: number;
}

/** A single cycle needs more rows than the largest segment shape holds. */
export class SegmentCapacityError extends ZkvmError {
  override name = "SegmentCapacityError";
}

/** Counts each table's rows of a growing segment (upper bounds where the witness deduplicates). */
class SegmentTally {
  private readonly chips: Record<ChipName, number> = {
    alu: 0,
    control: 0,
    mem: 0,
    mul: 0,
    div: 0,
    system: 0,
  };
  private readonly words = new Set<number>();
  private readonly pages = new Set<number>();
  /** Merkle nodes on the touched pages' paths, per level ("level/index"). */
  private readonly nodes = new Set<string>();
  private host = 0;
  private compute = 0;
  private siblings = 0;
  cycles = 0;

  constructor() {
    this.touch(REGISTER_PAGE);
  }

  rows(): SegmentRows {
    return {
      ...this.chips,
      cycles: this.cycles,
      decode: this.words.size,
      host: this.host,
      page: 32 * this.pages.size,
      merkle: this.compute + this.siblings,
      // each page absorbs 32 blocks in and 32 out; each path node is compressed in both trees; two rows
      // per permutation
      poseidon2: 2 * (64 * this.pages.size + this.compute),
    };
  }

  /** Adds a page: its path's new nodes (two compressions each) and the siblings they expose. */
  private touch(page: number): void {
    if (this.pages.has(page)) return;
    this.pages.add(page);
    this.nodes.add(`0/${page}`);
    for (let level = 1; level <= MERKLE_DEPTH; level++) {
      const parent = `${level}/${page >>> level}`;
      if (this.nodes.has(parent)) {
        this.siblings--; // this child was the parent's untouched sibling
        return;
      }
      this.nodes.add(parent);
      this.compute += 2;
      this.siblings++;
    }
  }

  add(chip: ChipName, word: number, hostRows: number, pages: readonly number[]): void {
    this.cycles++;
    this.chips[chip]++;
    this.words.add(word);
    this.host += hostRows;
    for (const p of pages) this.touch(p);
  }
}

/** Host rows and pages of each ecall cycle that the witness will touch (READ writes, HALT's digest). */
function hostEffects(trace: ExecutionTrace): Map<number, { rows: number; pages: number[] }> {
  const out = new Map<number, { rows: number; pages: number[] }>();
  const h = trace.host;
  for (let i = 0; i < h.count; i++) {
    const c = h.cycle[i]!;
    const halt = trace.rs1Value[c] === Syscall.HALT;
    if (h.write[i] !== 1 && !halt) continue; // WRITE's buffer leaves the machine without host rows
    const e = out.get(c) ?? { rows: halt ? 8 : 0, pages: [] };
    if (!halt) e.rows++;
    e.pages.push(h.address[i]! >>> 10);
    out.set(c, e);
  }
  return out;
}

/**
 * Plans the segments of a run: each at most `maxCycles` cycles and within the budgets of po2 `maxPo2`
 * (except a lone cycle that needs more), each with the smallest po2 it fits.
 */
export function planSegments(
  trace: ExecutionTrace,
  maxPo2: number,
  maxCycles = segmentCycleCapacity(maxPo2),
): SegmentPlan[] {
  const limit = Math.min(maxCycles, segmentCycleCapacity(maxPo2));
  const host = hostEffects(trace);
  const chipOf = new Map<number, ChipName>();
  const plans: SegmentPlan[] = [];
  let start = 0;
  let tally = new SegmentTally();
  let before = tally.rows();
  const close = (end: number, rows: SegmentRows) => {
    const po2 = smallestPo2(rows);
    if (po2 === undefined)
      throw new SegmentCapacityError(
        `cycle ${start} needs more rows than a segment of po2 ${MAX_SEGMENT_PO2} holds (${JSON.stringify(rows)})`,
      );
    plans.push({ start, end, po2 });
    start = end;
    tally = new SegmentTally();
  };
  for (let k = 0; k < trace.cycles; k++) {
    const word = trace.instruction[k]! >>> 0;
    let chip = chipOf.get(word);
    if (chip === undefined) {
      // An undecodable word faults in the executor before it is recorded; the witness rejects it.
      chip = decodeWord(word)?.spec.chip ?? "alu";
      chipOf.set(word, chip);
    }
    const e = host.get(k);
    const pages = [trace.pc[k]! >>> 10];
    if (trace.flags[k]! & (TraceFlag.LOAD | TraceFlag.STORE)) pages.push(trace.memAddress[k]! >>> 10);
    if (e) pages.push(...e.pages);
    tally.add(chip, word, e?.rows ?? 0, pages);
    const rows = tally.rows();
    if (tally.cycles > 1 && !(tally.cycles <= limit && fitsPo2(rows, maxPo2))) {
      close(k, before);
      tally.add(chip, word, e?.rows ?? 0, pages);
      before = tally.rows();
    } else before = rows;
  }
  if (tally.cycles > 0) close(trace.cycles, before);
  return plans;
}
