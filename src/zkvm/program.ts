import { decodeInto } from "./decode.ts";
import { type ElfProgram, parseElf, type Segment } from "./elf.ts";
import { ElfError } from "./errors.ts";
import { GUEST_MAX_MEM, hex32 } from "./memory-map.ts";

/**
 * A loaded guest: its segments, entry point and a pre-decoded copy of the words in the range spanned by
 * its executable segments. The machine itself is von Neumann (execution depends only on the initial
 * memory and the entry pc, which is what the ImageID binds): instructions are fetched from memory, so
 * the executors re-decode a word when it is stored to and decode on the fly outside the range.
 */
export interface Program {
  readonly entry: number;
  readonly segments: readonly Segment[];
  /** Lowest address of the pre-decoded range (4-byte aligned). */
  readonly codeBase: number;
  /** Number of words in the pre-decoded range. */
  readonly codeWords: number;
  /** Four int32 per word of the initial image in that range: see decode.ts. Never modified. */
  readonly decoded: Int32Array;
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
  // The initial memory words of the range, from every segment that overlaps it.
  const bytes = new Uint8Array(codeWords * 4);
  for (const s of parsed.segments) {
    const from = Math.max(s.vaddr, lo);
    const to = Math.min(s.vaddr + s.data.length, lo + bytes.length);
    if (to > from) bytes.set(s.data.subarray(from - s.vaddr, to - s.vaddr), from - lo);
  }
  const words = new Uint32Array(bytes.buffer);
  const decoded = new Int32Array(codeWords * 4);
  for (let i = 0; i < codeWords; i++) decodeInto(words[i]!, lo + i * 4, decoded, i * 4);
  return { entry: parsed.entry, segments: parsed.segments, codeBase: lo, codeWords, decoded };
}

/** A fresh guest memory holding the program's initial image. Sparse in practice: the OS zero-fills lazily. */
export function initialMemory(program: Program): ArrayBuffer {
  const buffer = new ArrayBuffer(GUEST_MAX_MEM);
  const bytes = new Uint8Array(buffer);
  for (const s of program.segments) bytes.set(s.data, s.vaddr);
  return buffer;
}

/**
 * Re-decodes the words covering guest bytes [from, to) into `decoded` after they changed. `decoded` must
 * be the execution's own copy, never `program.decoded`.
 */
export function redecode(
  program: Program,
  decoded: Int32Array,
  m32: Int32Array,
  from: number,
  to: number,
): void {
  const base = program.codeBase;
  const first = Math.max(0, (from - base) >> 2);
  const last = Math.min(program.codeWords, (to - base + 3) >> 2);
  for (let i = first; i < last; i++) decodeInto(m32[(base >> 2) + i]!, base + i * 4, decoded, i * 4);
}
