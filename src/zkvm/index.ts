/** The zkVM: ELF loading, memory image and ImageID, RV32IM execution (fast and recording), sessions, dev-mode proving. */
export * from "./elf.ts";
export * from "./errors.ts";
export * from "./executor.ts";
export * from "./file-input.ts";
export * from "./image-id.ts";
export * from "./input.ts";
export * from "./memory-map.ts";
export * from "./program.ts";
export * from "./prove.ts";
export * from "./recorder.ts";
/** The word format of guest inputs and journals (`serde.encode(serde.struct({…}), value)`). */
export * as serde from "./serde.ts";
export * from "./session.ts";
