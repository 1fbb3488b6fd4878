import {
  BaseError,
  type Chain,
  createPublicClient,
  defineChain,
  type Hash,
  HttpRequestError,
  http,
  type PublicClient,
  TimeoutError,
  type TransactionReceipt,
  type Transport,
  WaitForTransactionReceiptTimeoutError,
} from "viem";
import { ZkvmError } from "../errors.ts";
import { DEFAULT_CONFIRMATION_TIMEOUT_MS, DEFAULT_RPC_TIMEOUT_MS } from "./rpc-defaults.ts";

/**
 * JSON-RPC connections with bounded waits. Every request has a timeout (no retries: a server that does not
 * answer fails after one timeout, not after several), every error names the endpoint, and waiting for a
 * transaction reports progress, so that a command is never silent for long.
 */

export { DEFAULT_CONFIRMATION_TIMEOUT_MS, DEFAULT_RPC_TIMEOUT_MS };

/** How often waiting for a transaction says so. */
const PROGRESS_EVERY_MS = 10_000;

/** The endpoint could not be reached, did not answer in time, or failed a request. */
export class RpcError extends ZkvmError {
  override name = "RpcError";
  readonly url: string;
  constructor(url: string, what: string, options: { cause?: unknown } = {}) {
    super(`${what} (${url})`, { cause: options.cause, details: rpcErrorReason(options.cause) });
    this.url = url;
  }
}

/** A short reason for an RPC failure: a timeout, the HTTP status, or the network error. */
export function rpcErrorReason(err: unknown): string {
  if (err instanceof BaseError) {
    const timeout = err.walk(
      (e) => e instanceof TimeoutError || e instanceof WaitForTransactionReceiptTimeoutError,
    );
    if (timeout) return "no answer in time (raise --timeout if the endpoint is slow)";
    const http = err.walk((e) => e instanceof HttpRequestError);
    if (http instanceof HttpRequestError) {
      if (http.status) return `HTTP ${http.status}`;
      // The network error under fetch's "fetch failed": ECONNREFUSED, ENOTFOUND, a blocked port …
      let inner: unknown = http;
      while (inner instanceof Error && inner.cause !== undefined) inner = inner.cause;
      const code = (inner as { code?: unknown }).code;
      if (code === "ECONNREFUSED") return "connection refused (is a node listening there?)";
      if (typeof code === "string") return code;
      return inner instanceof Error ? inner.message : http.shortMessage;
    }
    return err.shortMessage;
  }
  return err instanceof Error ? err.message : String(err);
}

/** The HTTP transport of every kit client: one attempt per request, bounded by `timeoutMs`. */
export function rpcTransport(url: string, timeoutMs = DEFAULT_RPC_TIMEOUT_MS): Transport {
  return http(url, { timeout: timeoutMs, retryCount: 0 });
}

export interface ConnectOptions {
  url: string;
  timeoutMs?: number;
  log?: (message: string) => void;
}

/** Connects to `url`: asks for the chain id (failing with {@link RpcError} that names the URL). */
export async function connectRpc(
  options: ConnectOptions,
): Promise<{ publicClient: PublicClient; chain: Chain; transport: Transport }> {
  const transport = rpcTransport(options.url, options.timeoutMs);
  options.log?.(`connecting to ${options.url} …`);
  let chainId: number;
  try {
    chainId = await createPublicClient({ transport }).getChainId();
  } catch (err) {
    throw new RpcError(options.url, "cannot reach the JSON-RPC endpoint", { cause: err });
  }
  const chain = defineChain({
    id: chainId,
    name: `chain ${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [options.url] } },
  });
  return { publicClient: createPublicClient({ chain, transport }) as PublicClient, chain, transport };
}

/**
 * Waits for a transaction to be mined, saying every 10 s that it is still waiting; fails after `timeoutMs`
 * with an {@link RpcError} that gives the hash (the transaction may still be mined later).
 */
export async function waitForTransaction(
  client: PublicClient,
  hash: Hash,
  options: { what: string; url?: string; timeoutMs?: number; log?: (message: string) => void },
): Promise<TransactionReceipt> {
  const started = Date.now();
  const timer = options.log
    ? setInterval(() => {
        const s = Math.round((Date.now() - started) / 1000);
        options.log?.(`waiting for ${options.what} (transaction ${hash}) to be mined: ${s} s`);
      }, PROGRESS_EVERY_MS)
    : undefined;
  try {
    return await client.waitForTransactionReceipt({
      hash,
      timeout: options.timeoutMs ?? DEFAULT_CONFIRMATION_TIMEOUT_MS,
    });
  } catch (err) {
    throw new RpcError(
      options.url ?? client.transport.url ?? "the endpoint",
      `${options.what}: transaction ${hash} was sent, but its receipt could not be obtained; check it before resending`,
      { cause: err },
    );
  } finally {
    if (timer) clearInterval(timer);
  }
}
