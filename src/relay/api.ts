import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bytesToHex } from "@noble/hashes/utils.js";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from "fastify";
import type { Logger } from "pino";
import { RequestRejectedError } from "./errors.ts";
import { imageIdOf } from "./images.ts";
import type { RelayService } from "./service.ts";

/** Largest upload accepted by the proving API (ELF or input). */
const MAX_UPLOAD_BYTES = 64 << 20;

/**
 * The relay's HTTP API on fastify:
 *
 * - `GET /health` — real state (chain poll age, requests by state, pending transactions, prover), 503 when
 *   degraded; `GET /metrics` — Prometheus; `GET /relay/requests/:id` — a request with its transitions.
 * - A proving API with Bonsai's REST surface, so Bonsai clients can point at it (`x-api-key` header, keys
 *   from the environment variable `api.apiKeysEnv`): `GET /images/upload/:imageId`, `GET /inputs/upload`,
 *   `PUT` to the returned URLs, `POST /sessions/create`, `GET /sessions/status/:id` (RUNNING, SUCCEEDED,
 *   FAILED, TIMED_OUT, ABORTED with progress states), `GET /receipts/:sessionId`, `POST /snark/create`,
 *   `GET /snark/status/:id`, `GET /version`. Receipts are zkvm-kit receipts (JSON: journal, seal, claim).
 */
export async function startApi(
  service: RelayService,
  options: { host: string; port: number; apiKeys: string[]; logger: Logger },
): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify({
    loggerInstance: options.logger.child({ component: "api" }) as unknown as FastifyBaseLogger,
    bodyLimit: MAX_UPLOAD_BYTES,
  });
  app.addContentTypeParser(["application/octet-stream", "*"], { parseAs: "buffer" }, (_req, body, done) =>
    done(null, body),
  );
  const store = service.store;
  const dataDir = service.config.dataDir;
  for (const d of ["images", "inputs", "receipts"]) mkdirSync(join(dataDir, d), { recursive: true });
  const base = (req: FastifyRequest) => `${req.protocol}://${req.host}`;

  app.get("/health", async (_req, reply) => {
    const h = await service.health();
    return reply.code(h.status === "ok" ? 200 : 503).send(h);
  });
  app.get("/metrics", async (_req, reply) =>
    reply.type(service.metrics.registry.contentType).send(await service.metrics.registry.metrics()),
  );
  app.get<{ Params: { id: string } }>("/relay/requests/:id", async (req, reply) => {
    const r = store.getRequest(req.params.id.toLowerCase());
    if (!r) return reply.code(404).send({ error: "NotFound", message: `no request ${req.params.id}` });
    return {
      id: r.id,
      state: r.state,
      reason: r.reason,
      reasonCode: r.reasonCode,
      outcome: r.outcome,
      outcomeReason: r.outcomeReason,
      fulfilTx: r.fulfilTx,
      cycles: r.cycles,
      request: JSON.parse(JSON.stringify(r.request, (_, v) => (typeof v === "bigint" ? v.toString() : v))),
      journal: r.journal ? `0x${bytesToHex(r.journal)}` : null,
      transitions: store.transitions(r.id),
    };
  });

  // ---------------------------------------------------------------- Bonsai-compatible proving API
  const keys = new Set(options.apiKeys);
  const auth = async (req: FastifyRequest, reply: FastifyReply) => {
    if (keys.size === 0) {
      return reply.code(403).send({
        error: "Disabled",
        message: "the proving API is disabled: no API keys configured (api.apiKeysEnv)",
      });
    }
    const key = req.headers["x-api-key"];
    if (typeof key !== "string" || !keys.has(key)) {
      return reply.code(401).send({ error: "Unauthorized", message: "missing or unknown x-api-key" });
    }
  };
  app.register(async (bonsai) => {
    bonsai.addHook("onRequest", auth);
    bonsai.get("/version", async () => ({ risc0_zkvm: ["1.2.0"], zkvm_kit: "0.1.0" }));
    bonsai.get<{ Params: { imageId: string } }>("/images/upload/:imageId", async (req, reply) => {
      const id = normalizeImageId(req.params.imageId);
      if (!id)
        return reply.code(400).send({ error: "BadRequest", message: "image id must be 32 bytes of hex" });
      if (service.images.has(id)) return reply.code(204).send();
      return { url: `${base(req)}/uploads/images/${id.slice(2)}` };
    });
    bonsai.put<{ Params: { imageId: string }; Body: Buffer }>(
      "/uploads/images/:imageId",
      async (req, reply) => {
        const id = normalizeImageId(req.params.imageId);
        if (!id || !Buffer.isBuffer(req.body))
          return reply.code(400).send({ error: "BadRequest", message: "PUT the ELF bytes" });
        let actual: string;
        try {
          actual = imageIdOf(new Uint8Array(req.body));
        } catch (err) {
          return reply.code(400).send({ error: "InvalidElf", message: (err as Error).message });
        }
        if (actual !== id) {
          return reply
            .code(400)
            .send({ error: "ImageIdMismatch", message: `the uploaded ELF has ImageID ${actual}, not ${id}` });
        }
        const path = join(dataDir, "images", `${id.slice(2)}.elf`);
        writeFileSync(path, req.body);
        service.images.addFile(path);
        return reply.code(200).send();
      },
    );
    bonsai.get("/inputs/upload", async (req) => {
      const uuid = randomUUID();
      return { uuid, url: `${base(req)}/uploads/inputs/${uuid}` };
    });
    bonsai.put<{ Params: { id: string }; Body: Buffer }>("/uploads/inputs/:id", async (req, reply) => {
      if (!isUuid(req.params.id) || !Buffer.isBuffer(req.body)) {
        return reply
          .code(400)
          .send({ error: "BadRequest", message: "PUT the input bytes to the URL from /inputs/upload" });
      }
      if (req.body.length > service.config.inputs.maxBytes) {
        return reply.code(413).send({
          error: "InputTooLarge",
          message: `inputs are limited to ${service.config.inputs.maxBytes} bytes`,
        });
      }
      const path = join(dataDir, "inputs", req.params.id);
      writeFileSync(path, req.body);
      store.putBlob(req.params.id, "input", path);
      return reply.code(200).send();
    });
    bonsai.post<{
      Body: { img?: string; input?: string; execute_only?: boolean; exec_cycle_limit?: number };
    }>("/sessions/create", async (req, reply) => {
      const img = normalizeImageId(String(req.body?.img ?? ""));
      const input = String(req.body?.input ?? "");
      if (!img || !service.images.has(img)) {
        return reply.code(400).send({
          error: "UnknownImage",
          message: `upload the image first (GET /images/upload/${req.body?.img})`,
        });
      }
      if (!store.blob(input, "input")) {
        return reply
          .code(400)
          .send({ error: "UnknownInput", message: "upload the input first (GET /inputs/upload)" });
      }
      const uuid = randomUUID();
      store.putSession({ id: uuid, kind: "stark", imageId: img, inputId: input });
      runSession(service, uuid, req.body?.exec_cycle_limit);
      return { uuid };
    });
    bonsai.get<{ Params: { id: string } }>("/sessions/status/:id", async (req, reply) => {
      const s = store.session(req.params.id);
      if (s?.kind !== "stark")
        return reply.code(404).send({ error: "NotFound", message: `no session ${req.params.id}` });
      return {
        status: s.status,
        state: s.state,
        error_msg: s.error ?? null,
        receipt_url: s.status === "SUCCEEDED" ? `${base(req)}/downloads/receipts/${s.id}` : null,
        elapsed_time: (Number(s.updated_at) - Number(s.created_at)) / 1000,
        stats:
          s.cycles == null ? null : { segments: 1, total_cycles: Number(s.cycles), cycles: Number(s.cycles) },
      };
    });
    bonsai.get<{ Params: { id: string } }>("/sessions/logs/:id", async (req, reply) => {
      const s = store.session(req.params.id);
      if (!s) return reply.code(404).send({ error: "NotFound", message: `no session ${req.params.id}` });
      return reply.type("text/plain").send(`${s.status} ${s.state ?? ""} ${s.error ?? ""}\n`);
    });
    bonsai.get<{ Params: { id: string } }>("/receipts/:id", async (req, reply) => {
      const s = store.session(req.params.id);
      if (s?.status !== "SUCCEEDED")
        return reply.code(404).send({ error: "NotFound", message: "no receipt for this session" });
      return { url: `${base(req)}/downloads/receipts/${s.id}` };
    });
    bonsai.get<{ Params: { id: string } }>("/downloads/receipts/:id", async (req, reply) => {
      const s = store.session(req.params.id);
      if (!s?.receipt)
        return reply.code(404).send({ error: "NotFound", message: "no receipt for this session" });
      return reply.type("application/json").send(readFileSync(String(s.receipt)));
    });
    bonsai.post<{ Body: { session_id?: string } }>("/snark/create", async (req, reply) => {
      const parent = store.session(String(req.body?.session_id ?? ""));
      if (parent?.kind !== "stark")
        return reply.code(400).send({ error: "UnknownSession", message: "no such session" });
      const uuid = randomUUID();
      store.putSession({ id: uuid, kind: "snark", parent: String(parent.id) });
      return { uuid };
    });
    bonsai.get<{ Params: { id: string } }>("/snark/status/:id", async (req, reply) => {
      const s = store.session(req.params.id);
      if (s?.kind !== "snark")
        return reply.code(404).send({ error: "NotFound", message: `no snark session ${req.params.id}` });
      // The proof of the parent session is already the final (Groth16, or dev-mode mock) seal: the snark
      // session follows its parent.
      const parent = store.session(String(s.parent))!;
      const status = String(parent.status);
      return {
        status,
        error_msg: parent.error ?? null,
        output: status === "SUCCEEDED" ? `${base(req)}/downloads/receipts/${parent.id}` : null,
      };
    });
  });

  // Sessions that were running when the process stopped are proven again (their inputs are on disk).
  for (const s of store.sessionsIn("RUNNING")) if (s.kind === "stark") runSession(service, String(s.id));

  const url = await app.listen({ host: options.host, port: options.port });
  return { app, url };
}

/** Runs a proving session through the relay's prover and records its progress and receipt. */
export function runSession(service: RelayService, id: string, cycleLimit?: number): void {
  const store = service.store;
  const s = store.session(id)!;
  const inputPath = store.blob(String(s.input_id), "input");
  store.updateSession(id, { state: "Executor" });
  void (async () => {
    try {
      const elf = service.images.elf(String(s.image_id));
      const input = new Uint8Array(readFileSync(inputPath!));
      const result = await service.prover.prove({
        jobId: `session-${id}`,
        imageId: String(s.image_id) as `0x${string}`,
        elf,
        input,
        mode: service.prover.mode,
        cycleLimit,
      });
      const path = join(service.config.dataDir, "receipts", `${id}.json`);
      writeFileSync(
        path,
        JSON.stringify({
          version: 1,
          kind: service.prover.mode === "dev" ? "dev-mock-seal" : "groth16",
          imageId: s.image_id,
          journal: `0x${bytesToHex(result.journal)}`,
          seal: `0x${bytesToHex(result.seal)}`,
          cycles: result.cycles,
        }),
      );
      store.updateSession(id, {
        status: "SUCCEEDED",
        state: "Finalize",
        cycles: result.cycles,
        receipt: path,
      });
    } catch (err) {
      const message =
        err instanceof RequestRejectedError ? `${err.code}: ${err.message}` : (err as Error).message;
      store.updateSession(id, { status: "FAILED", state: "Finalize", error: message });
    }
  })();
}

function normalizeImageId(v: string): `0x${string}` | undefined {
  const body = v.startsWith("0x") ? v.slice(2) : v;
  return /^[0-9a-fA-F]{64}$/.test(body) ? `0x${body.toLowerCase()}` : undefined;
}

const isUuid = (v: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(v);
