/** Exit codes of the `zkvm` command (docs/cli.md). */
export const EXIT = {
  /** Done; for `verify`, the receipt is valid. */
  OK: 0,
  /** The operation failed: an invalid receipt, a failed build, a reverted transaction, a guest fault. */
  FAILED: 1,
  /** Bad usage or input: a missing or malformed option, an unreadable file, an unreachable endpoint. */
  USAGE: 2,
  /** The guest ran to completion but exited with a non-zero exit code (execute, prove). */
  GUEST_EXIT: 3,
} as const;
