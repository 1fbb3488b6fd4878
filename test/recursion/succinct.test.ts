import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { machine } from "../../src/machine/air.ts";
import { type ProvenSession, proveSession } from "../../src/machine/prove.ts";
import { statementPublics } from "../../src/machine/statement.ts";
import { machinePreprocessedRoot } from "../../src/machine/verify.ts";
import { receiptClaimDigest } from "../../src/receipt/claim.ts";
import { compositeClaim } from "../../src/receipt/composite-receipt.ts";
import { decodeReceipt, encodeReceipt, receiptSeal, verifyReceipt } from "../../src/receipt/receipt.ts";
import { type SuccinctReceipt, verifySuccinct } from "../../src/receipt/succinct-receipt.ts";
import { controlRootOf } from "../../src/recursion/control.ts";
import {
  executeProgram,
  RecursionAssertionError,
  RecursionProgramError,
} from "../../src/recursion/executor.ts";
import {
  controlInclusionOf,
  innerHints,
  proveJoin,
  proveLift,
  type RecursionProof,
  type RecursionSystem,
  recursionSystem,
} from "../../src/recursion/system.ts";
import { verifierHints } from "../../src/recursion/verifier-program.ts";
import { VerificationError } from "../../src/stark/errors.ts";
import { poseidon2Hash } from "../../src/stark/poseidon2-hash.ts";
import { decodeProof, ProofFormatError } from "../../src/stark/proof-codec.ts";
import { prng } from "../../src/stark/testing/perturb.ts";
import { verifyStarkBytes } from "../../src/stark/verifier.ts";
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

const P = 2013265921;

/** The lift program's verdict on a segment proof and public values: it accepts iff it runs to the end. */
function liftAccepts(publics: readonly number[], bytes: Uint8Array): boolean {
  const m = machine();
  let proof: ReturnType<typeof decodeProof>;
  try {
    proof = decodeProof(bytes, m.air, CONFIG, poseidon2Hash);
  } catch {
    return false; // nothing to hint
  }
  const lift = sys.lifts.get(proof.logHeights.join(","));
  if (!lift) return false; // no program of the release verifies these heights
  const hints = [
    ...Array.from(sys.tree.root, (x): [number, number, number, number] => [x, 0, 0, 0]),
    ...verifierHints(m.air, proof, publics, {
      preprocessedRoot: "constant",
      root: machinePreprocessedRoot(CONFIG),
    }),
  ];
  try {
    executeProgram(lift.program, hints, lift.info);
    return true;
  } catch (e) {
    if (e instanceof RecursionAssertionError) return false;
    if (e instanceof RecursionProgramError && /^hint \d+ /.test(e.message)) return false;
    throw e;
  }
}

function nativeAccepts(publics: readonly number[], bytes: Uint8Array): boolean {
  try {
    verifyStarkBytes(machine().air, CONFIG, poseidon2Hash, publics, bytes, {
      preprocessedRoot: machinePreprocessedRoot(CONFIG),
    });
    return true;
  } catch (e) {
    if (e instanceof VerificationError || e instanceof ProofFormatError) return false;
    throw e;
  }
}

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
    // The receipt file: JSON of every kind, verified through verifyReceipt against the release.
    const decoded = decodeReceipt(encodeReceipt(r));
    expect(
      receiptClaimDigest(verifyReceipt(decoded, IMAGE_ID, undefined, { recursionRelease: release })),
    ).toEqual(receiptClaimDigest(claim));
    // Without a release option, the published one applies: this test release has another control root.
    expect(() => verifyReceipt(decoded, IMAGE_ID)).toThrow(/control root/);
    expect(() => receiptSeal(decoded)).toThrow(/compression/);
    const edited = JSON.parse(encodeReceipt(r));
    edited.publics[30] = (edited.publics[30] + 1) % 2013265921;
    expect(() => decodeReceipt(JSON.stringify(edited))).toThrow(
      /differs from the one the public values state/,
    );
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

  it("lift accepts exactly the RV32IM segment proofs the native verifier accepts (publics and proof bytes perturbed)", () => {
    const segment = session.segments[0]!;
    const publics = statementPublics(segment.statement);
    expect(liftAccepts(publics, segment.seal)).toBe(true);
    const disagreements: string[] = [];
    let rejected = 0;
    const check = (what: string, p: readonly number[], bytes: Uint8Array) => {
      const native = nativeAccepts(p, bytes);
      const program = liftAccepts(p, bytes);
      if (native !== program) disagreements.push(`${what}: native ${native}, lift ${program}`);
      if (!program) rejected++;
    };
    for (let i = 0; i < publics.length; i++) {
      const p = [...publics];
      p[i] = (p[i]! + 1) % P;
      check(`public ${i}`, p, segment.seal);
    }
    const next = prng(11);
    const mutations = 40;
    for (let k = 0; k < mutations; k++) {
      const bytes = segment.seal.slice();
      const at = next() % bytes.length;
      bytes[at] ^= 1 + (next() % 255);
      check(`byte ${at}`, publics, bytes);
    }
    expect(disagreements).toEqual([]);
    expect(rejected).toBe(publics.length + mutations);
  });

  it("join refuses an inner proof whose control ID is not shown in the allowed set", () => {
    // The honest left lift, hinted with the inclusion path of another leaf: its control ID does not hash to
    // the root along that path, as for any program outside the release.
    const other = controlInclusionOf(sys, sys.join.controlId);
    const hints = [...innerHints(sys, lifts[0]!, other), ...innerHints(sys, lifts[1]!)];
    expect(() => executeProgram(sys.join.program, hints, sys.join.info)).toThrow(/allowed set/);
  });
});
