import { ZkvmError } from "../errors.ts";

/** The cross toolchain for guests is missing or incomplete; the message names the Debian packages. */
export class ToolchainMissingError extends ZkvmError {
  override name = "ToolchainMissingError";
}

/** A guest failed to compile or link; the message holds the compiler's output. */
export class GuestBuildError extends ZkvmError {
  override name = "GuestBuildError";
}

/** A project manifest (zkvm.json) that cannot be used; the message names the file and the field. */
export class ProjectConfigError extends ZkvmError {
  override name = "ProjectConfigError";
}
