import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { RequestRejectedError } from "./errors.ts";
import { InputKind } from "./types.ts";

export interface InputLimits {
  maxBytes: number;
  fetchTimeoutMs: number;
  allowFileUrls: boolean;
}

/**
 * The input bytes of a request: inline bytes from the event, or the body at its URL. Either way the
 * bytes must hash to the request's `inputDigest`. Throws {@link RequestRejectedError} with the reason:
 * `input-too-large`, `input-url-invalid`, `input-unreachable` (the service retries these a few times) or
 * `input-digest-mismatch`.
 */
export async function resolveInput(
  kind: InputKind,
  input: Uint8Array,
  inputDigest: `0x${string}`,
  limits: InputLimits,
): Promise<Uint8Array> {
  const bytes = kind === InputKind.Inline ? input : await fetchInput(new TextDecoder().decode(input), limits);
  if (bytes.length > limits.maxBytes) {
    throw new RequestRejectedError(
      "input-too-large",
      `the input is ${bytes.length} bytes; this relay accepts at most ${limits.maxBytes}`,
    );
  }
  const digest = `0x${bytesToHex(sha256(bytes))}`;
  if (digest !== inputDigest.toLowerCase()) {
    throw new RequestRejectedError(
      "input-digest-mismatch",
      `sha256 of the input is ${digest}, but the request commits to ${inputDigest}`,
    );
  }
  return bytes;
}

async function fetchInput(url: string, limits: InputLimits): Promise<Uint8Array> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new RequestRejectedError(
      "input-url-invalid",
      `the input URL ${JSON.stringify(url.slice(0, 200))} is not a URL`,
    );
  }
  if (u.protocol === "file:") {
    if (!limits.allowFileUrls) {
      throw new RequestRejectedError(
        "input-url-invalid",
        "file: input URLs are disabled (inputs.allowFileUrls)",
      );
    }
    try {
      return new Uint8Array(await readFile(fileURLToPath(u)));
    } catch (err) {
      throw new RequestRejectedError("input-unreachable", `cannot read ${u.href}: ${(err as Error).message}`);
    }
  }
  if (u.protocol === "data:") {
    const m = /^data:application\/octet-stream;base64,(.*)$/.exec(u.href);
    if (!m)
      throw new RequestRejectedError(
        "input-url-invalid",
        "only base64 application/octet-stream data: URLs are accepted",
      );
    return new Uint8Array(Buffer.from(m[1]!, "base64"));
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new RequestRejectedError(
      "input-url-invalid",
      `input URL scheme ${u.protocol} is not supported (use https:)`,
    );
  }
  let res: Response;
  try {
    res = await fetch(u, { signal: AbortSignal.timeout(limits.fetchTimeoutMs), redirect: "follow" });
  } catch (err) {
    throw new RequestRejectedError("input-unreachable", `cannot fetch ${u.href}: ${(err as Error).message}`);
  }
  if (!res.ok || !res.body) {
    throw new RequestRejectedError("input-unreachable", `fetching ${u.href} answered HTTP ${res.status}`);
  }
  const declared = Number(res.headers.get("content-length") ?? "0");
  if (declared > limits.maxBytes) {
    await res.body.cancel();
    throw new RequestRejectedError(
      "input-too-large",
      `the input at ${u.href} is ${declared} bytes; at most ${limits.maxBytes}`,
    );
  }
  // Read at most maxBytes + 1: a server that lies about (or omits) its length cannot make us buffer more.
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value: chunk } = await reader.read();
      if (done) break;
      total += chunk.length;
      if (total > limits.maxBytes) {
        await reader.cancel();
        throw new RequestRejectedError(
          "input-too-large",
          `the input at ${u.href} exceeds ${limits.maxBytes} bytes`,
        );
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof RequestRejectedError) throw err;
    throw new RequestRejectedError(
      "input-unreachable",
      `reading ${u.href} failed: ${(err as Error).message}`,
    );
  }
  return Buffer.concat(chunks);
}

export const inputFromHex = (hex: `0x${string}`): Uint8Array => hexToBytes(hex.slice(2));
