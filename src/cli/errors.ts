import { ZkvmError } from "../errors.ts";
/** An error that the CLI reports as a one-line message with a specific exit code. */
export class CliError extends ZkvmError {
  override name = "CliError";
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}
