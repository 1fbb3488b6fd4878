/**
 * The guest memory map (see docs/abi.md). It follows RISC Zero v1: guest memory is the range
 * [GUEST_MIN_MEM, GUEST_MAX_MEM); the stack grows down from STACK_TOP; program text starts at TEXT_START.
 * Addresses below GUEST_MIN_MEM are unmapped so that null-pointer accesses fault.
 */

/** Lowest guest address a program may load or access. */
export const GUEST_MIN_MEM = 0x0000_4000;
/** One past the highest guest address (192 MiB). Above it lies the system region, never guest-accessible. */
export const GUEST_MAX_MEM = 0x0c00_0000;
/** Initial stack pointer set by the SDK's start code; the stack grows down from here. */
export const STACK_TOP = 0x0020_0400;
/** Where the SDK's linker script places program text. */
export const TEXT_START = 0x0020_0800;

/** Bytes per page of the ImageID Merkle tree. */
export const PAGE_BYTES = 1024;
/** 32-bit words per page. */
export const PAGE_WORDS = PAGE_BYTES / 4;
/** log2 of the number of pages in the 32-bit address space: the depth of the ImageID Merkle tree. */
export const MERKLE_DEPTH = 22;

export function hex32(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, "0")}`;
}
