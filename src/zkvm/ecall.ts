import { ZERO_DIGEST } from "../hash/digest.ts";
import { journalDigest, outputDigest } from "../receipt/claim.ts";
import { GuestFault } from "./errors.ts";
import { bytesInput, type InputSource } from "./input.ts";
import { GUEST_MAX_MEM, GUEST_MIN_MEM } from "./memory-map.ts";

/**
 * The ecall ABI (docs/abi.md). The syscall number is in t0 (x5); arguments in a0..a2 (x10..x12);
 * results are returned in a0 (and a1).
 */
export const Syscall = {
  /** a0 = user exit code, a1 = pointer to the 32-byte Output digest. Does not return. */
  HALT: 0,
  /** a0 = buffer, a1 = max length; returns a0 = bytes of host input copied (0 at end of input). */
  READ: 1,
  /** a0 = fd (1 stdout, 2 stderr, 3 journal), a1 = buffer, a2 = length; returns a0 = length. */
  WRITE: 2,
  /** returns a0 = low 32 bits, a1 = high 32 bits of the cycles executed before this ecall. */
  CYCLE_COUNT: 3,
} as const;

export const Fd = { STDOUT: 1, STDERR: 2, JOURNAL: 3 } as const;

const T0 = 5;
const A0 = 10;
const A1 = 11;
const A2 = 12;

/** Host-side accesses to guest memory made while serving ecalls, recorded for the prover. */
export interface HostAccessSink {
  /** `before`/`after` are the whole aligned word at `wordAddress`. */
  access(cycle: number, wordAddress: number, before: number, after: number, write: boolean): void;
}

/**
 * The most bytes one READ copies (RISC Zero's MAX_BUF_BYTES, for the same reason): the host words a READ
 * writes are rows of the segment that executes it, so an uncapped READ of a large buffer would need a segment
 * taller than any published shape. 4 KiB — 1,024 host rows (1,025 unaligned), at most five pages — fits
 * every segment of po2 16 and up; a guest reading more loops, as the ABI lets a READ return fewer bytes
 * than asked.
 */
export const READ_MAX_BYTES = 4 * 1024;

/** Default cap on the journal, and separately on stdout + stderr: 64 MiB each. */
export const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

export interface HostIo {
  /** Fault (output-too-large) when the journal, or stdout + stderr together, would exceed this. */
  maxOutputBytes?: number;
  onStdout?: (bytes: Uint8Array) => void;
  onStderr?: (bytes: Uint8Array) => void;
}

/** What the host keeps for one execution: input cursor, journal, stdout and stderr. */
export class Host {
  readonly input: InputSource;
  inputPos = 0;
  readonly journal = new ByteSink();
  readonly stdout = new ByteSink();
  readonly stderr = new ByteSink();
  exitCode = 0;
  outputDigest: Uint8Array = ZERO_DIGEST;
  halted = false;
  /** Guest bytes [writtenFrom, writtenTo) written by the last ecall (the executors re-decode code there). */
  writtenFrom = 0;
  writtenTo = 0;
  private readonly io: HostIo;
  constructor(input: Uint8Array | InputSource, io: HostIo = {}) {
    this.input = input instanceof Uint8Array ? bytesInput(input) : input;
    this.io = io;
  }

  /**
   * Serves the ecall at `pc`. `regs` is the register file (index 32 is the x0 sink), `mem` views guest
   * memory. Returns true when the guest halted.
   */
  ecall(regs: Int32Array, mem: Uint8Array, pc: number, cycle: number, sink?: HostAccessSink): boolean {
    const fault = (detail: string, address?: number) =>
      new GuestFault("bad-ecall", pc, cycle, address, detail);
    const checkRange = (ptr: number, len: number, what: string) => {
      if (len === 0) return;
      if (ptr < GUEST_MIN_MEM || ptr >= GUEST_MAX_MEM || len > GUEST_MAX_MEM - ptr) {
        throw fault(`${what} buffer of ${len} bytes lies outside guest memory`, ptr);
      }
    };
    const readGuest = (ptr: number, len: number): Uint8Array => {
      const out = mem.slice(ptr, ptr + len);
      if (sink)
        for (let w = ptr & ~3; w < ptr + len; w += 4)
          sink.access(cycle, w, word(mem, w), word(mem, w), false);
      return out;
    };
    this.writtenFrom = this.writtenTo = 0;
    const n = regs[T0]! >>> 0;
    switch (n) {
      case Syscall.HALT: {
        const code = regs[A0]! >>> 0;
        const ptr = regs[A1]! >>> 0;
        checkRange(ptr, 32, "output digest");
        // The RV32IM AIR reads the digest as 8 words (as RISC Zero's sys_halt takes a *const [u32; 8]).
        if (ptr & 3) throw fault("the Output digest pointer in a1 must be 4-byte aligned", ptr);
        const given = readGuest(ptr, 32);
        const journal = this.journal.bytes();
        const expected = outputDigest({
          journalDigest: journalDigest(journal),
          assumptionsDigest: ZERO_DIGEST,
        });
        if (!equal(given, expected)) {
          throw new GuestFault(
            "output-digest-mismatch",
            pc,
            cycle,
            ptr,
            "the Output digest the guest passed at halt does not match sha256 of the journal it wrote; " +
              "commit only through zkvm_commit and halt through zkvm_exit",
          );
        }
        this.exitCode = code;
        this.outputDigest = given;
        this.halted = true;
        return true;
      }
      case Syscall.READ: {
        const ptr = regs[A0]! >>> 0;
        const max = regs[A1]! >>> 0;
        const count = Math.min(max, READ_MAX_BYTES, this.input.length - this.inputPos);
        checkRange(ptr, count, "read");
        const into = mem.subarray(ptr, ptr + count);
        if (sink) {
          const before = new Map<number, number>();
          for (let w = ptr & ~3; w < ptr + count; w += 4) before.set(w, word(mem, w));
          this.input.readAt(this.inputPos, into);
          for (const [w, b] of before) sink.access(cycle, w, b, word(mem, w), true);
        } else {
          this.input.readAt(this.inputPos, into);
        }
        this.writtenFrom = ptr;
        this.writtenTo = ptr + count;
        this.inputPos += count;
        regs[A0] = count;
        return false;
      }
      case Syscall.WRITE: {
        const fd = regs[A0]! >>> 0;
        const ptr = regs[A1]! >>> 0;
        const len = regs[A2]! >>> 0;
        if (fd !== Fd.STDOUT && fd !== Fd.STDERR && fd !== Fd.JOURNAL) {
          throw fault(`write to unknown file descriptor ${fd} (1 stdout, 2 stderr, 3 journal)`);
        }
        checkRange(ptr, len, "write");
        const max = this.io.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
        const used = fd === Fd.JOURNAL ? this.journal.length : this.stdout.length + this.stderr.length;
        if (len > max - used) {
          throw new GuestFault(
            "output-too-large",
            pc,
            cycle,
            ptr,
            `writing ${len} more bytes to fd ${fd} would exceed the ${max}-byte output limit (maxOutputBytes)`,
          );
        }
        const bytes = readGuest(ptr, len);
        if (fd === Fd.JOURNAL) this.journal.push(bytes);
        else if (fd === Fd.STDOUT) {
          this.stdout.push(bytes);
          this.io.onStdout?.(bytes);
        } else {
          this.stderr.push(bytes);
          this.io.onStderr?.(bytes);
        }
        regs[A0] = len;
        return false;
      }
      case Syscall.CYCLE_COUNT:
        regs[A0] = cycle % 0x1_0000_0000;
        regs[A1] = Math.floor(cycle / 0x1_0000_0000);
        return false;
      default:
        throw fault(`unknown syscall number ${n} in t0`);
    }
  }
}

function word(mem: Uint8Array, w: number): number {
  return (mem[w]! | (mem[w + 1]! << 8) | (mem[w + 2]! << 16) | (mem[w + 3]! << 24)) >>> 0;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** An append-only byte buffer. */
export class ByteSink {
  private chunks: Uint8Array[] = [];
  private total = 0;
  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.chunks.push(bytes);
    this.total += bytes.length;
  }
  get length(): number {
    return this.total;
  }
  bytes(): Uint8Array {
    if (this.chunks.length !== 1) {
      const out = new Uint8Array(this.total);
      let o = 0;
      for (const c of this.chunks) {
        out.set(c, o);
        o += c.length;
      }
      this.chunks = [out];
    }
    return this.chunks[0] ?? new Uint8Array(0);
  }
}
