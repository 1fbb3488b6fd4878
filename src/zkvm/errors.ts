import { ZkvmError } from "../errors.ts";
import { hex32 } from "./memory-map.ts";

/** A malformed or unsupported ELF file. `reason` is a stable machine-readable code. */
export class ElfError extends ZkvmError {
  override name = "ElfError";
  readonly reason: ElfErrorReason;
  constructor(reason: ElfErrorReason, message: string) {
    super(`${message} (${reason})`);
    this.reason = reason;
  }
}

export type ElfErrorReason =
  | "truncated"
  | "bad-magic"
  | "wrong-class"
  | "wrong-endianness"
  | "bad-version"
  | "wrong-type"
  | "wrong-machine"
  | "compressed-instructions"
  | "float-abi"
  | "rve-abi"
  | "bad-header-size"
  | "no-segments"
  | "dynamic"
  | "segment-past-file-end"
  | "segment-filesz-exceeds-memsz"
  | "segment-outside-guest-memory"
  | "segments-overlap"
  | "entry-not-executable"
  | "entry-misaligned"
  | "code-too-large";

/** Why a guest stopped abnormally. */
export type GuestFaultKind =
  | "misaligned-load"
  | "misaligned-store"
  | "load-out-of-range"
  | "store-out-of-range"
  | "misaligned-jump"
  | "fetch-out-of-range"
  | "illegal-instruction"
  | "ebreak"
  | "bad-ecall"
  | "output-too-large"
  | "output-digest-mismatch";

/**
 * The guest did something the machine does not allow. Carries the pc of the faulting instruction and,
 * for memory and jump faults, the offending address.
 */
export class GuestFault extends ZkvmError {
  override name = "GuestFault";
  readonly kind: GuestFaultKind;
  readonly pc: number;
  readonly address: number | undefined;
  readonly cycle: number;
  constructor(kind: GuestFaultKind, pc: number, cycle: number, address?: number, detail?: string) {
    const at = address === undefined ? "" : ` address ${hex32(address)}`;
    super(
      `guest fault ${kind} at pc ${hex32(pc)}${at} after ${cycle} cycles${detail ? `: ${detail}` : ""}. ` +
        "The guest program is faulty; rebuild it with the SDK (npm run build:guest) and check the access.",
    );
    this.kind = kind;
    this.pc = pc >>> 0;
    this.address = address === undefined ? undefined : address >>> 0;
    this.cycle = cycle;
  }
}

/** The guest ran for more cycles than the limit allowed. */
export class CycleLimitExceededError extends ZkvmError {
  override name = "CycleLimitExceededError";
  readonly limit: number;
  readonly pc: number;
  constructor(limit: number, pc: number) {
    super(
      `the guest did not halt within the cycle limit of ${limit} cycles (pc ${hex32(pc)}); ` +
        "raise the limit (cycleLimit / --cycle-limit) if the program is expected to run longer",
    );
    this.limit = limit;
    this.pc = pc >>> 0;
  }
}
