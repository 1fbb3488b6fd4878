import { type Command, Option } from "commander";
import { DEFAULT_RPC_TIMEOUT_MS } from "../eth/rpc-defaults.ts";
import { CliError } from "./errors.ts";
import { EXIT } from "./exit-codes.ts";
import { seconds } from "./options.ts";

/** `--timeout <seconds>`, shared by every command that talks to a chain. */
export function addTimeoutOption(command: Command): Command {
  return command.addOption(
    new Option("--timeout <seconds>", "give up on an RPC request that gets no answer within this time")
      .argParser(seconds("--timeout"))
      .default(DEFAULT_RPC_TIMEOUT_MS, String(DEFAULT_RPC_TIMEOUT_MS / 1000)),
  );
}

/** Connects to the endpoint, saying so on stderr; an unreachable endpoint is bad input (exit code 2). */
export async function connect(url: string, timeoutMs: number) {
  const { connectRpc } = await import("../eth/rpc.ts");
  try {
    return await connectRpc({ url, timeoutMs, log: (m) => console.error(m) });
  } catch (err) {
    throw await asCliError(err, url);
  }
}

/**
 * Turns a failure to talk to the endpoint (timeout, refused connection, HTTP error) into a one-line CLI
 * error naming the URL (exit code 2); anything else is returned unchanged.
 */
export async function asCliError(err: unknown, url: string): Promise<unknown> {
  const { BaseError, HttpRequestError, TimeoutError } = await import("viem");
  const { RpcError, rpcErrorReason } = await import("../eth/rpc.ts");
  if (err instanceof RpcError) return new CliError(`${err.shortMessage}: ${err.details}`, EXIT.USAGE);
  if (
    err instanceof BaseError &&
    err.walk((e) => e instanceof TimeoutError || e instanceof HttpRequestError)
  ) {
    return new CliError(`the JSON-RPC endpoint ${url} failed: ${rpcErrorReason(err)}`, EXIT.USAGE);
  }
  return err;
}
