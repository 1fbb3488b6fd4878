/**
 * The base of every error zkvm-kit throws on purpose (as viem's `BaseError`): `shortMessage` is the one-line
 * summary, `details` the underlying reason, `cause` the error that led to it. Catching `ZkvmError` separates
 * what the kit reports (bad input, an invalid proof, a failed setup) from bugs (TypeError, RangeError …),
 * which are never wrapped into one.
 */
export interface ZkvmErrorOptions {
  /** The error that led to this one. */
  readonly cause?: unknown;
  /** Underlying reason; defaults to the cause's message. */
  readonly details?: string;
  /** Extra lines of context, printed between the short message and the details. */
  readonly metaMessages?: readonly string[];
}

export class ZkvmError extends Error {
  override name = "ZkvmError";
  readonly shortMessage: string;
  readonly details: string | undefined;
  readonly metaMessages: readonly string[];

  constructor(shortMessage: string, options: ZkvmErrorOptions = {}) {
    const cause = options.cause;
    const details =
      options.details ??
      (cause instanceof ZkvmError ? cause.shortMessage : cause instanceof Error ? cause.message : undefined);
    const meta = options.metaMessages ?? [];
    const lines = [shortMessage, ...meta];
    if (details !== undefined && details !== shortMessage) lines.push(`Details: ${details}`);
    super(lines.join("\n"), cause === undefined ? undefined : { cause });
    this.shortMessage = shortMessage;
    this.details = details;
    this.metaMessages = meta;
  }

  /**
   * The innermost error of the cause chain, or the first one (this error included) for which `predicate`
   * holds; null when the predicate matches none.
   */
  walk(predicate?: (e: unknown) => boolean): unknown {
    let e: unknown = this;
    for (;;) {
      if (predicate?.(e)) return e;
      const next = e instanceof Error ? e.cause : undefined;
      if (next === undefined) return predicate ? null : e;
      e = next;
    }
  }
}
