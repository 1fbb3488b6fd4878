import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

interface Eip1193 {
  request(args: { method: string; params?: unknown }): Promise<unknown>;
}

/**
 * Serves an EIP-1193 provider (the in-process EDR chain) as JSON-RPC over HTTP on 127.0.0.1, so that
 * the CLI, which takes an RPC URL, can be tested against it without starting a separate node.
 */
export async function serveProvider(provider: Eip1193): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    const handle = async (msg: { id: unknown; method: string; params?: unknown }) => {
      try {
        return {
          jsonrpc: "2.0",
          id: msg.id,
          result: await provider.request({ method: msg.method, params: msg.params }),
        };
      } catch (err) {
        const e = err as { code?: number; message?: string; data?: unknown };
        return {
          jsonrpc: "2.0",
          id: msg.id,
          error: {
            code: typeof e.code === "number" ? e.code : -32603,
            message: e.message ?? String(err),
            data: e.data,
          },
        };
      }
    };
    const parsed = JSON.parse(body);
    const reply = Array.isArray(parsed) ? await Promise.all(parsed.map(handle)) : await handle(parsed);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(reply, (_, v) => (typeof v === "bigint" ? `0x${v.toString(16)}` : v)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
