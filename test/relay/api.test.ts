import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi } from "../../src/relay/api.ts";
import { imageIdOf } from "../../src/relay/images.ts";
import { deployStack, EVEN_IMAGE_ID, relayConfig, startService, until } from "./harness.ts";

let s: ReturnType<typeof startService>;
let api: Awaited<ReturnType<typeof startApi>>;
const KEY = "test-key-1";
const SHA_ELF = new Uint8Array(readFileSync(join(import.meta.dirname, "../../guests/examples/sha.elf")));

beforeAll(async () => {
  const stack = await deployStack();
  s = startService(stack, relayConfig(stack, { inputs: { maxBytes: 1024 } }));
  await s.service.start();
  api = await startApi(s.service, {
    host: "127.0.0.1",
    port: 0,
    apiKeys: [KEY],
    logger: pino({ level: "silent" }),
  });
});

afterAll(async () => {
  await api?.app.close();
  await s?.service.stop();
});

const call = async (path: string, init: RequestInit & { key?: string | null } = {}) => {
  const headers: Record<string, string> = { ...(init.headers as Record<string, string>) };
  if (init.key !== null) headers["x-api-key"] = init.key ?? KEY;
  const res = await fetch(`${api.url}${path}`, { ...init, headers });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: res.status, body: body as Record<string, unknown> };
};
const put = (url: string, bytes: Uint8Array) =>
  fetch(url, {
    method: "PUT",
    body: new Uint8Array(bytes),
    headers: { "x-api-key": KEY, "content-type": "application/octet-stream" },
  });
const post = (path: string, json: unknown) =>
  call(path, { method: "POST", body: JSON.stringify(json), headers: { "content-type": "application/json" } });

describe("operations endpoints", () => {
  it("/health reports real state; /metrics serves Prometheus text", async () => {
    await until("a poll", () => (s.service.watcher.lastPollAt ? true : undefined));
    const h = await call("/health", { key: null });
    expect(h.status).toBe(200);
    expect(h.body).toMatchObject({ status: "ok", devMode: true, chainId: 31337, pendingTransactions: 0 });
    expect((h.body.problems as string[]).join()).toMatch(/dev mode/);
    const m = await call("/metrics", { key: null });
    expect(m.body).toContain('zkvm_relay_requests{state="received"}');
    expect(m.body).toContain("zkvm_relay_dev_mode 1");
    expect((await call(`/relay/requests/0x${"00".repeat(32)}`, { key: null })).status).toBe(404);
  });

  it("/health degrades when the signer cannot pay for deliveries", async () => {
    const submission = s.service.config.submission;
    const saved = submission.minBalance;
    submission.minBalance = 10n ** 30n;
    try {
      await s.service.tick();
      const h = await call("/health", { key: null });
      expect(h.status).toBe(503);
      expect((h.body.problems as string[]).join()).toMatch(/fund it/);
      expect(await call("/metrics", { key: null }).then((m) => String(m.body))).toMatch(
        /zkvm_relay_signer_balance_ether \d+/,
      );
    } finally {
      submission.minBalance = saved;
    }
  });
});

describe("Bonsai-compatible proving API", () => {
  it("refuses missing or unknown API keys", async () => {
    expect((await call("/version", { key: null })).status).toBe(401);
    expect((await call("/version", { key: "nope" })).status).toBe(401);
    expect((await call("/version")).body).toMatchObject({ risc0_zkvm: expect.any(Array) });
  });

  it("image upload, input upload, session, receipt and snark, with Bonsai's status values", async () => {
    expect((await call(`/images/upload/${EVEN_IMAGE_ID.slice(2)}`)).status).toBe(204);
    const shaId = imageIdOf(SHA_ELF);
    const up = await call(`/images/upload/${shaId}`);
    expect(up.status).toBe(200);
    const url = String(up.body.url);
    expect((await put(url, new Uint8Array([1, 2, 3]))).status).toBe(400); // not an ELF
    expect(
      (await put(url, readFileSync(join(import.meta.dirname, "../../guests/examples/hello.elf")))).status,
    ).toBe(400);
    expect((await put(url, SHA_ELF)).status).toBe(200);
    expect((await call(`/images/upload/${shaId}`)).status).toBe(204);

    const input = await call("/inputs/upload");
    const data = new TextEncoder().encode("abc");
    expect((await put(String(input.body.url), data)).status).toBe(200);
    expect((await put(String(input.body.url), new Uint8Array(2048))).status).toBe(413);
    expect((await put(String(input.body.url), data)).status).toBe(200);

    const session = await post("/sessions/create", {
      img: shaId,
      input: input.body.uuid,
      assumptions: [],
      execute_only: false,
    });
    const id = String(session.body.uuid);
    const status = await until("the session", async () => {
      const st = await call(`/sessions/status/${id}`);
      expect(["RUNNING", "SUCCEEDED"]).toContain(st.body.status);
      return st.body.status === "SUCCEEDED" ? st.body : undefined;
    });
    expect(status.stats).toMatchObject({ total_cycles: expect.any(Number) });
    const receipt = await fetch(String(status.receipt_url), { headers: { "x-api-key": KEY } }).then((r) =>
      r.json(),
    );
    expect(receipt.journal).toBe(`0x${bytesToHex(sha256(data))}`);
    expect(receipt.seal).toMatch(/^0xffffffff/);

    const snark = await post("/snark/create", { session_id: id });
    const snarkStatus = await call(`/snark/status/${snark.body.uuid}`);
    expect(snarkStatus.body).toMatchObject({ status: "SUCCEEDED", output: expect.stringContaining(id) });
  });

  it("a session left RUNNING by a stopped process is proven when the API starts again", async () => {
    const input = await call("/inputs/upload");
    await put(String(input.body.url), new Uint8Array(32));
    s.service.store.putSession({
      id: "7f6c0e0e-0000-4000-8000-000000000001",
      kind: "stark",
      imageId: EVEN_IMAGE_ID,
      inputId: String(input.body.uuid),
    });
    const second = await startApi(s.service, {
      host: "127.0.0.1",
      port: 0,
      apiKeys: [KEY],
      logger: pino({ level: "silent" }),
    });
    try {
      await until("the resumed session", () =>
        s.service.store.session("7f6c0e0e-0000-4000-8000-000000000001")?.status === "SUCCEEDED"
          ? true
          : undefined,
      );
    } finally {
      await second.app.close();
    }
  });

  it("a guest that fails gives a FAILED session with the reason; bad requests get 4xx, never a crash", async () => {
    const input = await call("/inputs/upload");
    const odd = new Uint8Array(32);
    odd[31] = 3;
    await put(String(input.body.url), odd);
    const session = await post("/sessions/create", { img: EVEN_IMAGE_ID, input: input.body.uuid });
    const st = await until("the session", async () => {
      const r = await call(`/sessions/status/${session.body.uuid}`);
      return r.body.status === "FAILED" ? r.body : undefined;
    });
    expect(String(st.error_msg)).toMatch(/guest-failed/);
    expect((await post("/sessions/create", { img: "zz", input: "nope" })).status).toBe(400);
    expect((await post("/sessions/create", { img: EVEN_IMAGE_ID, input: "nope" })).status).toBe(400);
    expect(
      (
        await call("/sessions/create", {
          method: "POST",
          body: "{not json",
          headers: { "content-type": "application/json" },
        })
      ).status,
    ).toBe(400);
    expect((await call("/sessions/status/unknown")).status).toBe(404);
    expect((await post("/snark/create", {})).status).toBe(400);
    expect((await call("/images/upload/xyz")).status).toBe(400);
    expect((await call("/health", { key: null })).status).toBe(200);
  });
});
