import { readFileSync } from "node:fs";
import { bytesToHex } from "@noble/hashes/utils.js";
import { computeImageId } from "../zkvm/image-id.ts";
import { loadProgram } from "../zkvm/program.ts";
import { RelayConfigError, RequestRejectedError } from "./errors.ts";
import type { RelayStore } from "./store.ts";

/**
 * The programs this relay can prove, by ImageID: ELFs named in the configuration (checked at start) and
 * ELFs uploaded through the proving API (kept in the store). A request for any other ImageID fails with
 * `unknown-image`.
 */
export class ImageRegistry {
  private cache = new Map<string, Uint8Array>();
  private store: RelayStore;
  constructor(store: RelayStore) {
    this.store = store;
  }

  /** Loads an ELF, computes its ImageID and registers it. Returns the ImageID (0x-prefixed). */
  addFile(path: string): `0x${string}` {
    let elf: Uint8Array;
    try {
      elf = new Uint8Array(readFileSync(path));
    } catch (err) {
      throw new RelayConfigError(`cannot read the image ${path}: ${(err as Error).message}`);
    }
    const imageId = imageIdOf(elf);
    this.store.putImage(imageId, path);
    this.cache.set(imageId, elf);
    return imageId;
  }

  has(imageId: string): boolean {
    return this.store.imagePath(imageId) !== undefined;
  }

  elf(imageId: string): Uint8Array {
    const id = imageId.toLowerCase();
    const cached = this.cache.get(id);
    if (cached) return cached;
    const path = this.store.imagePath(id);
    if (!path) {
      throw new RequestRejectedError(
        "unknown-image",
        `this relay has no program with ImageID ${imageId}; add its ELF to "images" in the configuration or upload it`,
      );
    }
    const elf = new Uint8Array(readFileSync(path));
    this.cache.set(id, elf);
    return elf;
  }
}

/** The ImageID of an ELF, 0x-prefixed lower-case hex. Throws the loader's typed error for a malformed ELF. */
export function imageIdOf(elf: Uint8Array): `0x${string}` {
  return `0x${bytesToHex(computeImageId(loadProgram(elf)))}`;
}
