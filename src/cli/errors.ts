import { ZkvmError } from "../errors.ts";
import { EXIT } from "./exit-codes.ts";

/** An error that the CLI reports as a one-line message with a specific exit code. */
export class CliError extends ZkvmError {
  override name = "CliError";
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT.FAILED) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** Bad usage or input (exit code 2). */
export const usageError = (message: string) => new CliError(message, EXIT.USAGE);
