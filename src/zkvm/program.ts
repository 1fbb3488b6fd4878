import { decodeInto, Op } from "./decode.ts";
import { type ElfProgram, parseElf, type Segment } from "./elf.ts";
import { ElfError } from "./errors.ts";
import { GUEST_MAX_MEM, hex32 } from "./memory-map.ts";

/**
 * A loaded guest: its segments, entry point and the pre-decoded code. Code is immutable: the executable
 * segments are decoded once here, stores into them fault, and the pc may only point into them.
 */
export interface Program {
  readonly entry: number;
  readonly segments: readonly Segment[];
  /** Lowest address of the code range (the hull of the executable segments). */
  readonly codeBase: number;
  /** Number of words in the code range. */
  readonly codeWords: number;
  /** Four int32 per code word: see decode.ts. */
  readonly decoded: Int32Array;
  /** The raw instruction words of the code range (0 where no executable segment is). */
  readonly raw: Uint32Array;
  /** Executable byte ranges [start, end), sorted. */
  readonly codeRanges: ReadonlyArray<readonly [number, number]>;
}

/** Upper bound on the span of the executable segments (the pre-decoded form takes 16 bytes per word). */
export const MAX_CODE_BYTES = 16 * 1024 * 1024;

/** Parses an ELF (see {@link parseElf}) and pre-decodes its code. */
export function loadProgram(elf: Uint8Array | ElfProgram): Program {
  const parsed = elf instanceof Uint8Array ? parseElf(elf) : elf;
  const code = parsed.segments.filter((s) => s.executable);
  const lo = code[0]!.vaddr & ~3;
  const hi = code.reduce((m, s) => Math.max(m, s.vaddr + s.memsz), 0);
  if (hi - lo > MAX_CODE_BYTES) {
    throw new ElfError(
      "code-too-large",
      `the executable segments span ${hi - lo} bytes (${hex32(lo)}..${hex32(hi)}); at most ${MAX_CODE_BYTES} bytes of code are supported`,
    );
  }
  const codeWords = (hi - lo + 3) >>> 2;
  const raw = new Uint32Array(codeWords);
  const decoded = new Int32Array(codeWords * 4);
  const isCode = new Uint8Array(codeWords);
  for (const s of code) {
    const bytes = new Uint8Array(s.memsz + 8);
    const pad = s.vaddr & 3;
    bytes.set(s.data, pad);
    const view = new DataView(bytes.buffer);
    const first = (s.vaddr - lo) >>> 2;
    const count = (s.memsz + pad + 3) >>> 2;
    for (let i = 0; i < count; i++) {
      raw[first + i] = view.getUint32(i * 4, true);
      // Only whole words inside the segment are executable.
      const start = lo + (first + i) * 4;
      if (start >= s.vaddr && start + 4 <= s.vaddr + s.memsz) isCode[first + i] = 1;
    }
  }
  for (let i = 0; i < codeWords; i++) {
    if (isCode[i]) decodeInto(raw[i]!, lo + i * 4, decoded, i * 4);
    else decoded[i * 4] = Op.NOT_CODE;
  }
  return {
    entry: parsed.entry,
    segments: parsed.segments,
    codeBase: lo,
    codeWords,
    decoded,
    raw,
    codeRanges: code.map((s) => [s.vaddr, s.vaddr + s.memsz] as const),
  };
}

/** A fresh guest memory holding the program's initial image. Sparse in practice: the OS zero-fills lazily. */
export function initialMemory(program: Program): ArrayBuffer {
  const buffer = new ArrayBuffer(GUEST_MAX_MEM);
  const bytes = new Uint8Array(buffer);
  for (const s of program.segments) bytes.set(s.data, s.vaddr);
  return buffer;
}

export function isCodeAddress(program: Program, address: number): boolean {
  for (const [s, e] of program.codeRanges) if (address >= s && address < e) return true;
  return false;
}
