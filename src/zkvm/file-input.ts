import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { ZkvmError } from "../errors.ts";
import type { InputSource } from "./input.ts";

/** The input file could not be opened or read. */
export class InputFileError extends ZkvmError {
  override name = "InputFileError";
}

/**
 * Input read from a file as the guest consumes it. The file stays open until {@link FileInput.close}
 * (the CLI closes it when the run ends); its length is taken when it is opened.
 */
export class FileInput implements InputSource {
  readonly length: number;
  readonly path: string;
  private fd: number | undefined;

  constructor(path: string) {
    this.path = path;
    try {
      this.fd = openSync(path, "r");
      const stat = fstatSync(this.fd);
      if (!stat.isFile()) throw new InputFileError(`input ${path} is not a regular file`);
      this.length = stat.size;
    } catch (err) {
      this.close();
      if (err instanceof InputFileError) throw err;
      throw new InputFileError(`cannot read input file ${path}: ${(err as Error).message}`, { cause: err });
    }
  }

  readAt(position: number, into: Uint8Array): void {
    if (this.fd === undefined) throw new InputFileError(`input file ${this.path} was already closed`);
    let done = 0;
    while (done < into.length) {
      const n = readSync(this.fd, into, done, into.length - done, position + done);
      if (n === 0) {
        throw new InputFileError(`input file ${this.path} shrank while the guest was reading it`);
      }
      done += n;
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
