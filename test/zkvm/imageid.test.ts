/**
 * ImageID construction against the Poseidon2 vectors (zero page and zero-subtree digests from RISC Zero)
 * and against a straightforward dense recomputation.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { digestToBytes, poseidon2Compress, poseidon2PageDigest } from "../../src/hash/poseidon2.ts";
import { imageIdFromRoot, imagePages, memoryRoot, zeroDigests } from "../../src/zkvm/image-id.ts";

const vectors = JSON.parse(
  readFileSync(resolve(import.meta.dirname, "../fixtures/poseidon2-babybear-w24.json"), "utf8"),
).vectors;
const hex = (d: Uint32Array) => Buffer.from(digestToBytes(d)).toString("hex");

describe("ImageID", () => {
  it("zero-subtree digests match RISC Zero's", () => {
    const z = zeroDigests();
    expect(hex(z[0]!)).toBe(vectors.zeroPageDigest);
    expect(hex(z[1]!)).toBe(vectors.zeroLevel1);
    expect(hex(z[2]!)).toBe(vectors.zeroLevel2);
    expect(hex(z[22]!)).toBe(vectors.zeroLevel22Root);
    expect(hex(memoryRoot(new Map()))).toBe(vectors.zeroLevel22Root);
  });
  it("the sparse tree equals a dense recomputation of the affected path", () => {
    // 0x200800 lies in page 0x802; the second segment straddles pages 0xc03 and 0xc04.
    const segments = [
      {
        vaddr: 0x200800,
        memsz: 8,
        data: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]),
        readable: true,
        writable: false,
        executable: true,
      },
      {
        vaddr: 0x300ffe,
        memsz: 4,
        data: new Uint8Array([9, 9]),
        readable: true,
        writable: true,
        executable: false,
      },
    ];
    const pages = imagePages({ segments });
    expect([...pages.keys()].sort((a, b) => a - b)).toEqual([0x802, 0xc03]); // page 0xc04 holds only zero fill
    expect(pages.get(0x802)![0x800 / 4 - 0x200]).toBe(0x04030201);
    expect(pages.get(0xc03)![255]).toBe(0x0909 << 16);
    // Dense: walk up from each leaf with the zero digests everywhere else.
    const z = zeroDigests();
    let nodes = new Map<number, Uint32Array>();
    for (const p of [0x802, 0xc03, 0xc04])
      nodes.set(p, poseidon2PageDigest(pages.get(p) ?? new Uint32Array(256)));
    for (let k = 0; k < 22; k++) {
      const up = new Map<number, Uint32Array>();
      const parents = new Set([...nodes.keys()].map((i) => Math.floor(i / 2)));
      for (const q of parents)
        up.set(q, poseidon2Compress(nodes.get(2 * q) ?? z[k]!, nodes.get(2 * q + 1) ?? z[k]!));
      nodes = up;
    }
    expect(hex(memoryRoot(pages))).toBe(hex(nodes.get(0)!));
  });
  it("binds the entry pc as two 16-bit lanes", () => {
    const root = zeroDigests()[22]!;
    const id = imageIdFromRoot(root, 0x00200800);
    const lanes = new Uint32Array(8);
    lanes[0] = 0x0800;
    lanes[1] = 0x0020;
    expect(id).toEqual(digestToBytes(poseidon2Compress(root, lanes)));
    expect(imageIdFromRoot(root, 0x00200804)).not.toEqual(id);
    // pc values that agree modulo the field prime give different IDs.
    expect(imageIdFromRoot(root, 0x78000001 + 4)).not.toEqual(imageIdFromRoot(root, 4));
  });
});
