import { ElfError } from "./errors.ts";
import { GUEST_MAX_MEM, GUEST_MIN_MEM, hex32 } from "./memory-map.ts";

/**
 * A parser for the ELF files a guest is: ELF32, little-endian, RISC-V, statically linked executable.
 * Only what loading needs is read (the ELF header and program headers); section headers are ignored.
 * Every field that could make loading wrong is validated and reported with a typed {@link ElfError}.
 */

/** A loadable segment: `data` (filesz bytes) placed at `vaddr`, zero-filled up to `memsz`. */
export interface Segment {
  vaddr: number;
  memsz: number;
  data: Uint8Array;
  readable: boolean;
  writable: boolean;
  executable: boolean;
}

export interface ElfProgram {
  entry: number;
  /** Loadable segments sorted by address. */
  segments: Segment[];
}

const ELF_HEADER_BYTES = 52;
const PROGRAM_HEADER_BYTES = 32;
const EM_RISCV = 243;
const ET_EXEC = 2;
const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const PT_TLS = 7;
const PF_X = 1;
const PF_W = 2;
const PF_R = 4;
const EF_RISCV_RVC = 0x1;
const EF_RISCV_FLOAT_ABI = 0x6;
const EF_RISCV_RVE = 0x8;

/** Parses and validates a guest ELF. Throws {@link ElfError} for anything that cannot be loaded as is. */
export function parseElf(bytes: Uint8Array): ElfProgram {
  if (!(bytes instanceof Uint8Array)) throw new ElfError("truncated", "ELF input must be a Uint8Array");
  if (bytes.length < 16) {
    throw new ElfError("truncated", `file is ${bytes.length} bytes, too short for an ELF identification`);
  }
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new ElfError("bad-magic", "not an ELF file (the first four bytes are not 7f 45 4c 46)");
  }
  if (bytes[4] !== 1) {
    const cls = bytes[4] === 2 ? "ELF64" : `class ${bytes[4]}`;
    throw new ElfError("wrong-class", `${cls} file; guests must be ELF32 (build with --target=riscv32)`);
  }
  if (bytes[5] !== 1) {
    throw new ElfError(
      "wrong-endianness",
      "big-endian or unknown data encoding; RISC-V guests are little-endian",
    );
  }
  if (bytes[6] !== 1) throw new ElfError("bad-version", `unsupported ELF identification version ${bytes[6]}`);
  if (bytes.length < ELF_HEADER_BYTES) {
    throw new ElfError("truncated", `file is ${bytes.length} bytes, shorter than the 52-byte ELF32 header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (o: number) => view.getUint16(o, true);
  const u32 = (o: number) => view.getUint32(o, true);

  const type = u16(16);
  const machine = u16(18);
  const version = u32(20);
  const entry = u32(24);
  const phoff = u32(28);
  const flags = u32(36);
  const ehsize = u16(40);
  const phentsize = u16(42);
  const phnum = u16(44);

  if (machine !== EM_RISCV) {
    throw new ElfError("wrong-machine", `e_machine is ${machine}, not RISC-V (243)`);
  }
  if (type !== ET_EXEC) {
    const what = type === 1 ? "a relocatable object" : type === 3 ? "a shared object or PIE" : `type ${type}`;
    throw new ElfError(
      "wrong-type",
      `file is ${what}; guests must be statically linked executables (ET_EXEC)`,
    );
  }
  if (version !== 1) throw new ElfError("bad-version", `unsupported ELF version ${version}`);
  if (flags & EF_RISCV_RVC) {
    throw new ElfError(
      "compressed-instructions",
      "the ELF uses compressed (RVC) instructions; the zkVM runs RV32IM only (build with -march=rv32im)",
    );
  }
  if (flags & EF_RISCV_FLOAT_ABI) {
    throw new ElfError(
      "float-abi",
      "the ELF uses a hardware floating-point ABI; build with -mabi=ilp32 (soft float)",
    );
  }
  if (flags & EF_RISCV_RVE) throw new ElfError("rve-abi", "the ELF uses the RV32E ABI; build for RV32IM");
  if (ehsize < ELF_HEADER_BYTES) throw new ElfError("bad-header-size", `e_ehsize ${ehsize} is below 52`);
  if (phnum === 0) throw new ElfError("no-segments", "the ELF has no program headers");
  if (phentsize !== PROGRAM_HEADER_BYTES) {
    throw new ElfError("bad-header-size", `e_phentsize is ${phentsize}, expected 32 for ELF32`);
  }
  if (phoff + phnum * PROGRAM_HEADER_BYTES > bytes.length) {
    throw new ElfError(
      "truncated",
      `the ${phnum} program headers at offset ${phoff} run past the end of the ${bytes.length}-byte file`,
    );
  }

  const segments: Segment[] = [];
  for (let i = 0; i < phnum; i++) {
    const h = phoff + i * PROGRAM_HEADER_BYTES;
    const ptype = u32(h);
    if (ptype === PT_DYNAMIC || ptype === PT_INTERP) {
      throw new ElfError("dynamic", "the ELF is dynamically linked; guests must be static executables");
    }
    if (ptype === PT_TLS) {
      throw new ElfError("dynamic", "the ELF has a thread-local storage segment, which guests cannot use");
    }
    if (ptype !== PT_LOAD) continue;
    const offset = u32(h + 4);
    const vaddr = u32(h + 8);
    const filesz = u32(h + 16);
    const memsz = u32(h + 20);
    const pflags = u32(h + 24);
    if (memsz === 0) continue;
    if (filesz > memsz) {
      throw new ElfError(
        "segment-filesz-exceeds-memsz",
        `segment ${i} has p_filesz ${filesz} larger than p_memsz ${memsz}`,
      );
    }
    if (offset + filesz > bytes.length) {
      throw new ElfError(
        "segment-past-file-end",
        `segment ${i} (offset ${offset}, ${filesz} bytes) runs past the end of the ${bytes.length}-byte file`,
      );
    }
    if (vaddr < GUEST_MIN_MEM || vaddr + memsz > GUEST_MAX_MEM) {
      throw new ElfError(
        "segment-outside-guest-memory",
        `segment ${i} at ${hex32(vaddr)}..${hex32(vaddr + memsz)} lies outside guest memory ` +
          `${hex32(GUEST_MIN_MEM)}..${hex32(GUEST_MAX_MEM)}; link with the SDK's linker script`,
      );
    }
    segments.push({
      vaddr,
      memsz,
      // A copy: later changes to the caller's buffer must not change a loaded program.
      data: new Uint8Array(bytes.subarray(offset, offset + filesz)),
      readable: (pflags & PF_R) !== 0,
      writable: (pflags & PF_W) !== 0,
      executable: (pflags & PF_X) !== 0,
    });
  }
  if (segments.length === 0) throw new ElfError("no-segments", "the ELF has no non-empty PT_LOAD segment");
  segments.sort((a, b) => a.vaddr - b.vaddr);
  for (let i = 1; i < segments.length; i++) {
    const prev = segments[i - 1]!;
    const cur = segments[i]!;
    if (prev.vaddr + prev.memsz > cur.vaddr) {
      throw new ElfError(
        "segments-overlap",
        `segments at ${hex32(prev.vaddr)} (+${prev.memsz}) and ${hex32(cur.vaddr)} overlap in memory`,
      );
    }
  }
  if (entry % 4 !== 0) {
    throw new ElfError("entry-misaligned", `entry point ${hex32(entry)} is not 4-byte aligned`);
  }
  const inCode = segments.some((s) => s.executable && entry >= s.vaddr && entry + 4 <= s.vaddr + s.memsz);
  if (!inCode) {
    throw new ElfError(
      "entry-not-executable",
      `entry point ${hex32(entry)} is not inside an executable segment`,
    );
  }
  return { entry, segments };
}
