import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import { RelayStoreError } from "./errors.ts";
import { assertTransition, type Outcome, REQUEST_STATES, type RequestState } from "./states.ts";
import type { CallbackRequest, InputKind } from "./types.ts";

/**
 * The relay's durable state in one SQLite file (`node:sqlite`, WAL journal, `BEGIN IMMEDIATE` writes):
 * requests and their transitions, ingested events (unique on transaction hash and log index), recent block
 * hashes for reorg detection, and every transaction with every signed attempt (nonce, fees, raw bytes).
 * Nothing is sent or acted on before it is written here.
 */

const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS requests (
  id TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  request TEXT NOT NULL,
  input_kind INTEGER NOT NULL,
  input BLOB NOT NULL,
  anchored INTEGER NOT NULL DEFAULT 1,
  event_tx TEXT, event_log_index INTEGER, event_block INTEGER, event_block_hash TEXT,
  journal BLOB, seal BLOB, cycles INTEGER,
  tx_nonce INTEGER,
  outcome TEXT, outcome_reason TEXT, fulfil_tx TEXT, fulfil_block INTEGER, fulfil_block_hash TEXT,
  reason TEXT, reason_code TEXT,
  proof_attempts INTEGER NOT NULL DEFAULT 0,
  submit_attempts INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL, state_since INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS requests_state ON requests(state);
CREATE TABLE IF NOT EXISTS transitions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  request_id TEXT NOT NULL, from_state TEXT, to_state TEXT NOT NULL, reason TEXT, at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS transitions_request ON transitions(request_id);
CREATE TABLE IF NOT EXISTS events (
  tx_hash TEXT NOT NULL, log_index INTEGER NOT NULL,
  block_number INTEGER NOT NULL, block_hash TEXT NOT NULL, request_id TEXT NOT NULL,
  PRIMARY KEY (tx_hash, log_index)
);
CREATE INDEX IF NOT EXISTS events_block ON events(block_number);
CREATE TABLE IF NOT EXISTS blocks (number INTEGER PRIMARY KEY, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS txs (
  nonce INTEGER PRIMARY KEY,
  request_ids TEXT NOT NULL,
  data TEXT NOT NULL,
  gas TEXT NOT NULL,
  state TEXT NOT NULL,
  mined_hash TEXT, mined_block INTEGER, mined_block_hash TEXT, mined_status TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS txs_state ON txs(state);
CREATE TABLE IF NOT EXISTS attempts (
  hash TEXT PRIMARY KEY, nonce INTEGER NOT NULL,
  max_fee TEXT NOT NULL, priority_fee TEXT NOT NULL, raw TEXT NOT NULL,
  created_at INTEGER NOT NULL, sent_at INTEGER
);
CREATE INDEX IF NOT EXISTS attempts_nonce ON attempts(nonce);
CREATE TABLE IF NOT EXISTS images (image_id TEXT PRIMARY KEY, path TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS blobs (id TEXT PRIMARY KEY, kind TEXT NOT NULL, path TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, image_id TEXT, input_id TEXT, parent TEXT,
  status TEXT NOT NULL, state TEXT, error TEXT, cycles INTEGER, receipt TEXT,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
);
`;

export interface RequestRow {
  id: string;
  state: RequestState;
  request: CallbackRequest;
  inputKind: InputKind;
  input: Uint8Array;
  anchored: boolean;
  eventTx: string | null;
  eventBlock: number | null;
  journal: Uint8Array | null;
  seal: Uint8Array | null;
  cycles: number | null;
  txNonce: number | null;
  outcome: Outcome | null;
  outcomeReason: string | null;
  fulfilTx: string | null;
  fulfilBlock: number | null;
  fulfilBlockHash: string | null;
  reason: string | null;
  reasonCode: string | null;
  proofAttempts: number;
  submitAttempts: number;
  createdAt: number;
  stateSince: number;
}

export interface TxRow {
  nonce: number;
  requestIds: string[];
  data: `0x${string}`;
  gas: bigint;
  state: "pending" | "mined" | "dropped";
  minedHash: string | null;
  minedBlock: number | null;
  minedBlockHash: string | null;
  minedStatus: string | null;
  createdAt: number;
}

export interface AttemptRow {
  hash: `0x${string}`;
  nonce: number;
  maxFee: bigint;
  priorityFee: bigint;
  raw: `0x${string}`;
  createdAt: number;
  sentAt: number | null;
}

export interface NewRequest {
  id: string;
  request: CallbackRequest;
  inputKind: InputKind;
  input: Uint8Array;
  eventTx: string;
  eventLogIndex: number;
  eventBlock: number;
  eventBlockHash: string;
}

type Row = Record<string, SQLInputValue>;

const jsonRequest = (r: CallbackRequest) =>
  JSON.stringify(r, (_, v) => (typeof v === "bigint" ? v.toString() : v));

function parseRequest(text: string): CallbackRequest {
  const o = JSON.parse(text);
  return { ...o, nonce: BigInt(o.nonce), gasLimit: BigInt(o.gasLimit), deadline: BigInt(o.deadline) };
}

const bytes = (v: SQLInputValue): Uint8Array | null => (v == null ? null : new Uint8Array(v as Uint8Array));

function toRequestRow(r: Row): RequestRow {
  return {
    id: r.id as string,
    state: r.state as RequestState,
    request: parseRequest(r.request as string),
    inputKind: Number(r.input_kind) as InputKind,
    input: bytes(r.input)!,
    anchored: Number(r.anchored) === 1,
    eventTx: (r.event_tx as string) ?? null,
    eventBlock: r.event_block == null ? null : Number(r.event_block),
    journal: bytes(r.journal),
    seal: bytes(r.seal),
    cycles: r.cycles == null ? null : Number(r.cycles),
    txNonce: r.tx_nonce == null ? null : Number(r.tx_nonce),
    outcome: (r.outcome as Outcome) ?? null,
    outcomeReason: (r.outcome_reason as string) ?? null,
    fulfilTx: (r.fulfil_tx as string) ?? null,
    fulfilBlock: r.fulfil_block == null ? null : Number(r.fulfil_block),
    fulfilBlockHash: (r.fulfil_block_hash as string) ?? null,
    reason: (r.reason as string) ?? null,
    reasonCode: (r.reason_code as string) ?? null,
    proofAttempts: Number(r.proof_attempts),
    submitAttempts: Number(r.submit_attempts),
    createdAt: Number(r.created_at),
    stateSince: Number(r.state_since),
  };
}

function toTxRow(r: Row): TxRow {
  return {
    nonce: Number(r.nonce),
    requestIds: JSON.parse(r.request_ids as string),
    data: r.data as `0x${string}`,
    gas: BigInt(r.gas as string),
    state: r.state as TxRow["state"],
    minedHash: (r.mined_hash as string) ?? null,
    minedBlock: r.mined_block == null ? null : Number(r.mined_block),
    minedBlockHash: (r.mined_block_hash as string) ?? null,
    minedStatus: (r.mined_status as string) ?? null,
    createdAt: Number(r.created_at),
  };
}

function toAttemptRow(r: Row): AttemptRow {
  return {
    hash: r.hash as `0x${string}`,
    nonce: Number(r.nonce),
    maxFee: BigInt(r.max_fee as string),
    priorityFee: BigInt(r.priority_fee as string),
    raw: r.raw as `0x${string}`,
    createdAt: Number(r.created_at),
    sentAt: r.sent_at == null ? null : Number(r.sent_at),
  };
}

/** Observes every state change (metrics: time in state, counts). */
export type TransitionListener = (t: {
  id: string;
  from: RequestState | null;
  to: RequestState;
  reason: string | null;
  secondsInPrevious: number;
}) => void;

export class RelayStore {
  readonly db: DatabaseSync;
  private listeners: TransitionListener[] = [];
  private now: () => number;

  constructor(path: string, options: { now?: () => number } = {}) {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    this.db = new DatabaseSync(path);
    this.now = options.now ?? Date.now;
    this.db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;");
    this.db.exec(SCHEMA);
    const version = this.getMeta("schema_version");
    if (version === undefined) this.setMeta("schema_version", String(SCHEMA_VERSION));
    else if (Number(version) > SCHEMA_VERSION) {
      throw new RelayStoreError(
        `${path} has schema version ${version}, newer than this build (${SCHEMA_VERSION}); upgrade zkvm-kit`,
      );
    }
  }

  close(): void {
    this.db.close();
  }

  onTransition(listener: TransitionListener): void {
    this.listeners.push(listener);
  }

  /** Runs `fn` in one `BEGIN IMMEDIATE` transaction (the write lock is taken up front, so no upgrade deadlock). */
  tx<T>(fn: () => T): T {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      const result = fn();
      this.db.exec("COMMIT");
      return result;
    } catch (err) {
      this.db.exec("ROLLBACK");
      throw err;
    }
  }

  getMeta(key: string): string | undefined {
    const r = this.db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as Row | undefined;
    return r ? (r.value as string) : undefined;
  }

  setMeta(key: string, value: string): void {
    this.db
      .prepare(
        "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      )
      .run(key, value);
  }

  /**
   * Binds the database to one deployment: a database made for another chain, relay contract or signer is
   * refused rather than mixed up with this one.
   */
  bind(identity: Record<string, string>): void {
    this.tx(() => {
      for (const [key, value] of Object.entries(identity)) {
        const stored = this.getMeta(`identity.${key}`);
        if (stored === undefined) this.setMeta(`identity.${key}`, value);
        else if (stored.toLowerCase() !== value.toLowerCase()) {
          throw new RelayStoreError(
            `the database was made for ${key} ${stored}, but the configuration says ${value}; ` +
              "use another database file for another deployment",
          );
        }
      }
    });
  }

  // ---------------------------------------------------------------- events and requests

  /**
   * Records a `RequestSubmitted` event. Idempotent on (transaction hash, log index): a duplicate delivery of
   * the same log changes nothing. A request that a reorg had unanchored is anchored again. Returns whether
   * a new request was created.
   */
  ingestEvent(e: NewRequest): "new" | "duplicate" | "reanchored" {
    const inserted = this.db
      .prepare(
        "INSERT OR IGNORE INTO events(tx_hash, log_index, block_number, block_hash, request_id) VALUES (?, ?, ?, ?, ?)",
      )
      .run(e.eventTx, e.eventLogIndex, e.eventBlock, e.eventBlockHash, e.id);
    if (inserted.changes === 0) return "duplicate";
    const existing = this.getRequest(e.id);
    const now = this.now();
    const eventColumns = [
      jsonRequest(e.request),
      e.inputKind,
      e.input,
      e.eventTx,
      e.eventLogIndex,
      e.eventBlock,
      e.eventBlockHash,
    ] as const;
    if (!existing) {
      this.db
        .prepare(
          `INSERT INTO requests(id, state, request, input_kind, input, anchored, event_tx, event_log_index,
             event_block, event_block_hash, created_at, state_since) VALUES (?, 'received', ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)`,
        )
        .run(e.id, ...eventColumns, now, now);
      this.recordTransition(e.id, null, "received", "RequestSubmitted event", 0);
      return "new";
    }
    // The same request id seen again after a reorg: the fields may differ (another request took the nonce).
    this.db
      .prepare(
        `UPDATE requests SET anchored = 1, request = ?, input_kind = ?, input = ?, event_tx = ?, event_log_index = ?,
           event_block = ?, event_block_hash = ? WHERE id = ?`,
      )
      .run(...eventColumns, e.id);
    if (jsonRequest(existing.request) !== jsonRequest(e.request) && existing.state !== "received") {
      this.transition(e.id, "received", "request fields changed after a reorg; starting over", {
        clearProof: true,
      });
    }
    return "reanchored";
  }

  getRequest(id: string): RequestRow | undefined {
    const r = this.db.prepare("SELECT * FROM requests WHERE id = ?").get(id) as Row | undefined;
    return r ? toRequestRow(r) : undefined;
  }

  requestsIn(state: RequestState, limit = 1_000_000): RequestRow[] {
    return (
      this.db
        .prepare("SELECT * FROM requests WHERE state = ? ORDER BY created_at, id LIMIT ?")
        .all(state, limit) as Row[]
    ).map(toRequestRow);
  }

  countByState(): Record<RequestState, number> {
    const counts = Object.fromEntries(REQUEST_STATES.map((s) => [s, 0])) as Record<RequestState, number>;
    for (const r of this.db
      .prepare("SELECT state, COUNT(*) AS n FROM requests GROUP BY state")
      .all() as Row[]) {
      counts[r.state as RequestState] = Number(r.n);
    }
    return counts;
  }

  transitions(id: string): Array<{ from: string | null; to: string; reason: string | null; at: number }> {
    return (
      this.db
        .prepare("SELECT from_state, to_state, reason, at FROM transitions WHERE request_id = ? ORDER BY seq")
        .all(id) as Row[]
    ).map((r) => ({
      from: (r.from_state as string) ?? null,
      to: r.to_state as string,
      reason: (r.reason as string) ?? null,
      at: Number(r.at),
    }));
  }

  /**
   * Moves a request to `to`, checking the state machine, and records why. Optional column updates are
   * written in the same statement.
   */
  transition(
    id: string,
    to: RequestState,
    reason: string | null,
    set: {
      journal?: Uint8Array;
      seal?: Uint8Array;
      cycles?: number;
      txNonce?: number | null;
      outcome?: Outcome | null;
      outcomeReason?: string | null;
      fulfil?: { tx: string; block: number; blockHash: string } | null;
      reasonCode?: string | null;
      clearProof?: boolean;
      proofAttempt?: boolean;
      submitAttempt?: boolean;
    } = {},
  ): void {
    const current = this.getRequest(id);
    if (!current) throw new RelayStoreError(`no request ${id}`);
    if (current.state !== to) assertTransition(id, current.state, to);
    const cols: string[] = ["state = ?", "state_since = ?", "reason = ?"];
    const now = this.now();
    const args: SQLInputValue[] = [to, now, reason];
    const add = (col: string, v: SQLInputValue) => {
      cols.push(`${col} = ?`);
      args.push(v);
    };
    if (set.journal) add("journal", set.journal);
    if (set.seal) add("seal", set.seal);
    if (set.cycles !== undefined) add("cycles", set.cycles);
    if (set.txNonce !== undefined) add("tx_nonce", set.txNonce);
    if (set.outcome !== undefined) add("outcome", set.outcome);
    if (set.outcomeReason !== undefined) add("outcome_reason", set.outcomeReason);
    if (set.reasonCode !== undefined) add("reason_code", set.reasonCode);
    if (set.fulfil !== undefined) {
      add("fulfil_tx", set.fulfil?.tx ?? null);
      add("fulfil_block", set.fulfil?.block ?? null);
      add("fulfil_block_hash", set.fulfil?.blockHash ?? null);
    }
    if (set.clearProof) cols.push("journal = NULL", "seal = NULL", "cycles = NULL");
    if (set.proofAttempt) cols.push("proof_attempts = proof_attempts + 1");
    if (set.submitAttempt) cols.push("submit_attempts = submit_attempts + 1");
    args.push(id);
    this.db.prepare(`UPDATE requests SET ${cols.join(", ")} WHERE id = ?`).run(...args);
    this.recordTransition(id, current.state, to, reason, (now - current.stateSince) / 1000);
  }

  private recordTransition(
    id: string,
    from: RequestState | null,
    to: RequestState,
    reason: string | null,
    secondsInPrevious: number,
  ): void {
    this.db
      .prepare("INSERT INTO transitions(request_id, from_state, to_state, reason, at) VALUES (?, ?, ?, ?, ?)")
      .run(id, from, to, reason, this.now());
    for (const l of this.listeners) l({ id, from, to, reason, secondsInPrevious });
  }

  // ---------------------------------------------------------------- blocks and reorgs

  cursor(): number | undefined {
    const v = this.getMeta("cursor");
    return v === undefined ? undefined : Number(v);
  }

  setCursor(block: number): void {
    this.setMeta("cursor", String(block));
  }

  rememberBlock(number: number, hash: string, keep: number): void {
    this.db
      .prepare(
        "INSERT INTO blocks(number, hash) VALUES (?, ?) ON CONFLICT(number) DO UPDATE SET hash = excluded.hash",
      )
      .run(number, hash);
    this.db.prepare("DELETE FROM blocks WHERE number <= ?").run(number - keep);
  }

  /** Remembered block hashes, newest first. */
  recentBlocks(): Array<{ number: number; hash: string }> {
    return (this.db.prepare("SELECT number, hash FROM blocks ORDER BY number DESC").all() as Row[]).map(
      (r) => ({
        number: Number(r.number),
        hash: r.hash as string,
      }),
    );
  }

  /**
   * Forgets everything above `ancestor` after a reorg: block hashes and events. Requests whose event is
   * gone are unanchored (and go back to `received` unless nothing was done for them yet); confirmed
   * requests whose fulfilment was in a removed block go back to `submitted`, so the attempt is reconciled
   * again. Returns the ids affected.
   */
  rollbackTo(ancestor: number): { unanchored: string[]; unconfirmed: string[] } {
    const unanchored: string[] = [];
    const unconfirmed: string[] = [];
    for (const r of this.db
      .prepare("SELECT request_id FROM events WHERE block_number > ?")
      .all(ancestor) as Row[]) {
      const id = r.request_id as string;
      unanchored.push(id);
      const req = this.getRequest(id);
      this.db.prepare("UPDATE requests SET anchored = 0 WHERE id = ?").run(id);
      if (req && req.state !== "received" && req.state !== "confirmed" && req.state !== "submitted") {
        this.transition(id, "received", "the block with its RequestSubmitted event was reorganised away", {
          clearProof: true,
        });
      }
    }
    this.db.prepare("DELETE FROM events WHERE block_number > ?").run(ancestor);
    for (const r of this.db
      .prepare("SELECT id FROM requests WHERE state = 'confirmed' AND fulfil_block > ?")
      .all(ancestor) as Row[]) {
      unconfirmed.push(r.id as string);
      this.transition(r.id as string, "submitted", "the block with its fulfilment was reorganised away", {
        outcome: null,
        outcomeReason: null,
        fulfil: null,
      });
    }
    this.db
      .prepare(
        "UPDATE txs SET state = 'pending', mined_hash = NULL, mined_block = NULL, mined_block_hash = NULL, mined_status = NULL WHERE state = 'mined' AND mined_block > ?",
      )
      .run(ancestor);
    this.db.prepare("DELETE FROM blocks WHERE number > ?").run(ancestor);
    this.setCursor(ancestor);
    return { unanchored, unconfirmed };
  }

  // ---------------------------------------------------------------- transactions and attempts

  /** The next nonce to use: the larger of the stored counter and the chain's count of mined transactions. */
  allocateNonce(chainNonce: number): number {
    const stored = Number(this.getMeta("next_nonce") ?? "0");
    const nonce = Math.max(stored, chainNonce);
    this.setMeta("next_nonce", String(nonce + 1));
    return nonce;
  }

  /** Puts the nonce counter back to the chain's count (only when no transaction of ours is pending at or above it). */
  resetNonce(chainNonce: number): void {
    this.setMeta("next_nonce", String(chainNonce));
  }

  insertTx(nonce: number, requestIds: string[], data: `0x${string}`, gas: bigint): void {
    this.db
      .prepare(
        "INSERT INTO txs(nonce, request_ids, data, gas, state, created_at) VALUES (?, ?, ?, ?, 'pending', ?)",
      )
      .run(nonce, JSON.stringify(requestIds), data, gas.toString(), this.now());
  }

  getTx(nonce: number): TxRow | undefined {
    const r = this.db.prepare("SELECT * FROM txs WHERE nonce = ?").get(nonce) as Row | undefined;
    return r ? toTxRow(r) : undefined;
  }

  txsIn(state: TxRow["state"]): TxRow[] {
    return (this.db.prepare("SELECT * FROM txs WHERE state = ? ORDER BY nonce").all(state) as Row[]).map(
      toTxRow,
    );
  }

  minedTxsSince(block: number): TxRow[] {
    return (
      this.db
        .prepare("SELECT * FROM txs WHERE state = 'mined' AND mined_block >= ? ORDER BY nonce")
        .all(block) as Row[]
    ).map(toTxRow);
  }

  markTxMined(nonce: number, hash: string, block: number, blockHash: string, status: string): void {
    this.db
      .prepare(
        "UPDATE txs SET state = 'mined', mined_hash = ?, mined_block = ?, mined_block_hash = ?, mined_status = ? WHERE nonce = ?",
      )
      .run(hash, block, blockHash, status, nonce);
  }

  markTxDropped(nonce: number): void {
    this.db.prepare("UPDATE txs SET state = 'dropped' WHERE nonce = ?").run(nonce);
  }

  markTxPending(nonce: number): void {
    this.db
      .prepare(
        "UPDATE txs SET state = 'pending', mined_hash = NULL, mined_block = NULL, mined_block_hash = NULL, mined_status = NULL WHERE nonce = ?",
      )
      .run(nonce);
  }

  insertAttempt(a: Omit<AttemptRow, "createdAt" | "sentAt">): void {
    this.db
      .prepare(
        "INSERT OR IGNORE INTO attempts(hash, nonce, max_fee, priority_fee, raw, created_at) VALUES (?, ?, ?, ?, ?, ?)",
      )
      .run(a.hash, a.nonce, a.maxFee.toString(), a.priorityFee.toString(), a.raw, this.now());
  }

  markAttemptSent(hash: string): void {
    this.db.prepare("UPDATE attempts SET sent_at = ? WHERE hash = ?").run(this.now(), hash);
  }

  /** Every attempt for a nonce, oldest first: any of them may be the one that gets mined. */
  attempts(nonce: number): AttemptRow[] {
    return (
      this.db.prepare("SELECT * FROM attempts WHERE nonce = ? ORDER BY created_at, rowid").all(nonce) as Row[]
    ).map(toAttemptRow);
  }

  // ---------------------------------------------------------------- images, uploads, proving sessions

  putImage(imageId: string, path: string): void {
    this.db
      .prepare(
        "INSERT INTO images(image_id, path, created_at) VALUES (?, ?, ?) ON CONFLICT(image_id) DO UPDATE SET path = excluded.path",
      )
      .run(imageId.toLowerCase(), path, this.now());
  }

  imagePath(imageId: string): string | undefined {
    const r = this.db.prepare("SELECT path FROM images WHERE image_id = ?").get(imageId.toLowerCase()) as
      | Row
      | undefined;
    return r ? (r.path as string) : undefined;
  }

  putBlob(id: string, kind: string, path: string): void {
    this.db
      .prepare("INSERT OR REPLACE INTO blobs(id, kind, path, created_at) VALUES (?, ?, ?, ?)")
      .run(id, kind, path, this.now());
  }

  blob(id: string, kind: string): string | undefined {
    const r = this.db.prepare("SELECT path FROM blobs WHERE id = ? AND kind = ?").get(id, kind) as
      | Row
      | undefined;
    return r ? (r.path as string) : undefined;
  }

  putSession(s: {
    id: string;
    kind: "stark" | "snark";
    imageId?: string;
    inputId?: string;
    parent?: string;
  }): void {
    const now = this.now();
    this.db
      .prepare(
        "INSERT INTO sessions(id, kind, image_id, input_id, parent, status, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'RUNNING', 'Setup', ?, ?)",
      )
      .run(s.id, s.kind, s.imageId ?? null, s.inputId ?? null, s.parent ?? null, now, now);
  }

  updateSession(
    id: string,
    set: { status?: string; state?: string; error?: string; cycles?: number; receipt?: string },
  ): void {
    const cols: string[] = ["updated_at = ?"];
    const args: SQLInputValue[] = [this.now()];
    for (const [k, v] of Object.entries(set)) {
      if (v === undefined) continue;
      cols.push(`${k} = ?`);
      args.push(v);
    }
    args.push(id);
    this.db.prepare(`UPDATE sessions SET ${cols.join(", ")} WHERE id = ?`).run(...args);
  }

  session(id: string): Record<string, SQLInputValue> | undefined {
    return this.db.prepare("SELECT * FROM sessions WHERE id = ?").get(id) as Row | undefined;
  }

  sessionsIn(status: string): Array<Record<string, SQLInputValue>> {
    return this.db
      .prepare("SELECT * FROM sessions WHERE status = ? ORDER BY created_at")
      .all(status) as Row[];
  }
}
