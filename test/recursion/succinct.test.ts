import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { machine } from "../../src/machine/air.ts";
import { type ProvenSession, proveSession } from "../../src/machine/prove.ts";
import { receiptClaimDigest } from "../../src/receipt/claim.ts";
import { compositeClaim } from "../../src/receipt/composite-receipt.ts";
import { type SuccinctReceipt, verifySuccinct } from "../../src/receipt/succinct-receipt.ts";
import { controlRootOf } from "../../src/recursion/control.ts";
import { RecursionAssertionError } from "../../src/recursion/executor.ts";
import {
  controlInclusionOf,
  proveJoin,
  proveLift,
  type RecursionProof,
  type RecursionSystem,
  recursionSystem,
} from "../../src/recursion/system.ts";
import { poseidon2Hash } from "../../src/stark/poseidon2-hash.ts";
import { decodeProof } from "../../src/stark/proof-codec.ts";
import { computeImageId } from "../../src/zkvm/image-id.ts";
import { loadProgram } from "../../src/zkvm/program.ts";
import { CONFIG } from "../machine/helpers.ts";

/**
 * A real two-segment session of the hello guest, made succinct: two lifts and a join, all under the test
 * configuration (the same code path as the 100-bit ones, fewer queries).
 */
const ELF = new Uint8Array(readFileSync(new URL("../../guests/examples/hello.elf", import.meta.url)));
const INPUT = Uint8Array.of(7, 0, 0, 0, 9, 0, 0, 0);
const IMAGE_ID = computeImageId(loadProgram(ELF));
let session: ProvenSession;
let sys: RecursionSystem;
let lifts: RecursionProof[];

const receiptOf = (p: RecursionProof, journal: Uint8Array): SuccinctReceipt => ({
  kind: "succinct",
  journal,
  seal: p.proof,
  publics: p.publics,
  preprocessedRoot: p.program.preprocessedRoot,
  inclusion: controlInclusionOf(sys, p.program.controlId),
});

describe("succinct receipts", () => {
  beforeAll(() => {
    session = proveSession(ELF, { input: INPUT, config: CONFIG, segmentCycles: 1 << 14 });
    const heights = session.segments.map(
      (s) => decodeProof(s.seal, machine().air, CONFIG, poseidon2Hash).logHeights,
    );
    sys = recursionSystem(CONFIG, CONFIG, heights);
    lifts = session.segments.map((s) => proveLift(sys, s));
  }, 1_800_000);

  it("joins the lifts of a two-segment session into one receipt with the composite claim", () => {
    expect(session.segments.length).toBe(2);
    console.log(`recursion shape ${JSON.stringify(sys.shape)}; programs: ${sys.tree.ids.length}`);
    const joined = proveJoin(sys, lifts[0]!, lifts[1]!);
    const r = receiptOf(joined, session.result.journal);
    const release = { shape: sys.shape, config: sys.config, controlRoot: sys.tree.root };
    const claim = verifySuccinct(r, IMAGE_ID, session.result.journal, release);
    const composite = compositeClaim({
      kind: "composite",
      config: CONFIG,
      journal: session.result.journal,
      segments: session.segments.map((s) => ({ kind: "segment", ...s })),
    });
    expect(receiptClaimDigest(claim)).toEqual(receiptClaimDigest(composite));
    expect(controlRootOf(sys.join.controlId, r.inclusion)).toEqual(sys.tree.root);
    // Tampering: another journal, another ImageID, a flipped seal byte, a claim value, another release root.
    expect(() => verifySuccinct(r, IMAGE_ID, Uint8Array.of(1), release)).toThrow(/journal/);
    expect(() => verifySuccinct(r, new Uint8Array(32), session.result.journal, release)).toThrow(/ImageID/);
    const seal = r.seal.slice();
    seal[seal.length >> 1] ^= 1;
    expect(() => verifySuccinct({ ...r, seal }, IMAGE_ID, session.result.journal, release)).toThrow(
      /does not verify/,
    );
    const publics = [...r.publics];
    publics[20] = (publics[20]! + 1) % 2013265921;
    expect(() => verifySuccinct({ ...r, publics }, IMAGE_ID, session.result.journal, release)).toThrow(
      /does not verify/,
    );
    expect(() =>
      verifySuccinct(r, IMAGE_ID, session.result.journal, { ...release, controlRoot: new Uint32Array(8) }),
    ).toThrow(/control root/);
  });

  it("refuses to join claims that do not chain", () => {
    // The second segment's lift joined before the first: its post-state is not the first's pre-state.
    expect(() => proveJoin(sys, lifts[1]!, lifts[0]!)).toThrow(RecursionAssertionError);
  });
});
