import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadRelayConfig, parseRelayConfig } from "../../src/relay/config.ts";
import { InvalidTransitionError, RelayConfigError, RelayStoreError } from "../../src/relay/errors.ts";
import { RelayStore } from "../../src/relay/store.ts";
import type { CallbackRequest } from "../../src/relay/types.ts";

const request: CallbackRequest = {
  requester: "0x0000000000000000000000000000000000000001",
  nonce: 7n,
  imageId: `0x${"11".repeat(32)}`,
  inputDigest: `0x${"22".repeat(32)}`,
  callback: "0x0000000000000000000000000000000000000002",
  selector: "0x12345678",
  gasLimit: 100_000n,
  deadline: 2n ** 40n,
};
const event = (id: string, tx = "0xaa", logIndex = 0, block = 5) => ({
  id,
  request,
  inputKind: 0 as const,
  input: new Uint8Array([1, 2]),
  eventTx: tx,
  eventLogIndex: logIndex,
  eventBlock: block,
  eventBlockHash: `0x${block.toString(16).padStart(64, "0")}`,
});

describe("RelayStore", () => {
  it("events are unique on (tx hash, log index) and requests survive reopening the file", () => {
    const path = join(mkdtempSync(join(tmpdir(), "zkvm-store-")), "r.db");
    const store = new RelayStore(path);
    expect(store.tx(() => store.ingestEvent(event("0x01")))).toBe("new");
    expect(store.tx(() => store.ingestEvent(event("0x01")))).toBe("duplicate");
    store.tx(() => store.transition("0x01", "proving", null, { proofAttempt: true }));
    store.close();
    const again = new RelayStore(path);
    const r = again.getRequest("0x01")!;
    expect([r.state, r.proofAttempts, r.request.nonce, r.request.deadline]).toEqual([
      "proving",
      1,
      7n,
      2n ** 40n,
    ]);
    expect(again.transitions("0x01").map((t) => t.to)).toEqual(["received", "proving"]);
    again.close();
  });

  it("refuses transitions outside the state machine, and rolls back the transaction that tried", () => {
    const store = new RelayStore(":memory:");
    store.tx(() => store.ingestEvent(event("0x02")));
    expect(() =>
      store.tx(() => store.transition("0x02", "confirmed", null, { outcome: "delivered" })),
    ).not.toThrow();
    expect(() => store.tx(() => store.transition("0x02", "proving", null))).toThrow(InvalidTransitionError);
    expect(store.getRequest("0x02")!.state).toBe("confirmed");
  });

  it("a reorg unanchors requests above the ancestor and puts confirmed fulfilments back to submitted", () => {
    const store = new RelayStore(":memory:");
    store.tx(() => {
      store.ingestEvent(event("0x03", "0xbb", 0, 10));
      store.ingestEvent(event("0x04", "0xcc", 0, 3));
      store.transition("0x04", "proving", null);
      store.transition("0x04", "proved", null);
      store.transition("0x04", "submitted", null);
      store.transition("0x04", "confirmed", null, {
        outcome: "delivered",
        fulfil: { tx: "0xdd", block: 12, blockHash: "0xee" },
      });
      store.transition("0x03", "proving", null);
    });
    const { unanchored, unconfirmed } = store.tx(() => store.rollbackTo(8));
    expect(unanchored).toEqual(["0x03"]);
    expect(unconfirmed).toEqual(["0x04"]);
    expect(store.getRequest("0x03")).toMatchObject({ state: "received", anchored: false });
    expect(store.getRequest("0x04")).toMatchObject({ state: "submitted", anchored: true, outcome: null });
    expect(store.cursor()).toBe(8);
  });

  it("nonces: never below the chain, and a database bound to one deployment refuses another", () => {
    const store = new RelayStore(":memory:");
    expect(store.tx(() => store.allocateNonce(5))).toBe(5);
    expect(store.tx(() => store.allocateNonce(0))).toBe(6);
    expect(store.tx(() => store.allocateNonce(10))).toBe(10);
    store.bind({ chainId: "1", relay: "0xabc" });
    expect(() => store.bind({ chainId: "2", relay: "0xabc" })).toThrow(RelayStoreError);
  });
});

describe("relay configuration", () => {
  const base = {
    chain: { rpcUrl: "http://x" },
    relay: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
    prover: { proofs: "groth16", groth16Key: "keys/wrap.zkey" },
  };
  it("fills defaults and resolves paths against the file", () => {
    const c = parseRelayConfig(base, "/srv/relay");
    expect(c.database).toBe("/srv/relay/relay-data/relay.db");
    expect(c.prover).toMatchObject({
      kind: "threads",
      proofs: "groth16",
      groth16Key: "/srv/relay/keys/wrap.zkey",
      workers: 1,
    });
    // Dev mode needs no key.
    expect(parseRelayConfig({ ...base, prover: { proofs: "dev" } }).prover.groth16Key).toBeUndefined();
    expect(c.submission.bumpPercent).toBeGreaterThanOrEqual(10);
  });

  it("says what is wrong", () => {
    const bad: Array<[unknown, RegExp]> = [
      [{ ...base, relay: "0x12" }, /relay must be/],
      [{ ...base, chain: {} }, /chain.rpcUrl/],
      [{ ...base, prover: { kind: "gpu", proofs: "dev" } }, /prover.kind/],
      [{ ...base, prover: { proofs: "fake" } }, /prover.proofs/],
      [{ ...base, prover: {} }, /prover.proofs is required/],
      [{ ...base, prover: { proofs: "groth16" } }, /prover.groth16Key is required/],
      [{ ...base, prover: { proofs: "groth16", groth16Key: "" } }, /prover.groth16Key is required/],
      [{ ...base, prover: { kind: "bullmq", proofs: "dev", redisUrl: "http://x" } }, /redis:\/\//],
      [{ ...base, submission: { bumpPercent: 5 } }, /bumpPercent/],
      [{ ...base, images: [3] }, /images/],
    ];
    for (const [raw, message] of bad) expect(() => parseRelayConfig(raw)).toThrow(message);
    const dir = mkdtempSync(join(tmpdir(), "zkvm-cfg-"));
    writeFileSync(join(dir, "c.json"), "{oops");
    expect(() => loadRelayConfig(join(dir, "c.json"))).toThrow(RelayConfigError);
    expect(() => loadRelayConfig(join(dir, "missing.json"))).toThrow(/cannot read/);
  });
});
