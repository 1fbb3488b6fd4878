/**
 * Production Groth16 setup: snarkjs's standard path from a ceremony's powers-of-tau file (prepared for
 * phase 2) — `zkey new`, then phase-2 contributions, then optionally a random beacon — with the circuit's
 * size checked against the ceremony first, so an undersized .ptau is a clear error rather than snarkjs's
 * log line.
 *
 * At least one contribution with secret entropy is required. A beacon alone is not a setup: snarkjs keys
 * have γ = [1]₂, and after `zkey new` δ = 1, so a beacon-only key's δ is a public function of the beacon.
 * Anyone can then forge A = [α]₁, B = [β]₂, C = −vk_x·δ⁻¹ for any public input. The beacon may only be a
 * final step after secret contributions (docs/groth16.md).
 */
import { randomBytes } from "node:crypto";
import { closeSync, openSync, readFileSync, readSync, renameSync, rmSync } from "node:fs";
import * as snarkjs from "snarkjs";
import { domainPower } from "./dev-setup.ts";
import { CircuitTooLargeError, Groth16FileError, Groth16SetupError } from "./errors.ts";
import { readR1cs } from "./r1cs.ts";

export interface PtauInfo {
  /** The file holds powers up to 2^power. */
  power: number;
  ceremonyPower: number;
  /** Prepared for phase 2 (has the Lagrange-basis sections 12–15)? */
  preparedForPhase2: boolean;
}

/** Reads the header and section table of a .ptau without loading its (gigabyte-sized) body. */
export function readPtauInfo(path: string): PtauInfo {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (err) {
    throw new Groth16FileError(`cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    const read = (pos: number, n: number) => {
      const b = Buffer.alloc(n);
      if (readSync(fd, b, 0, n, pos) !== n) throw new Groth16FileError(`${path} is truncated`);
      return b;
    };
    const head = read(0, 12);
    if (head.toString("latin1", 0, 4) !== "ptau") throw new Groth16FileError(`${path} is not a .ptau file`);
    const count = head.readUInt32LE(8);
    let pos = 12;
    const sections = new Map<number, { pos: number; size: number }>();
    for (let i = 0; i < count; i++) {
      const sh = read(pos, 12);
      const size = Number(sh.readBigUInt64LE(4));
      sections.set(sh.readUInt32LE(0), { pos: pos + 12, size });
      pos += 12 + size;
    }
    const header = sections.get(1);
    if (!header) throw new Groth16FileError(`${path} has no header section`);
    const h = read(header.pos, header.size);
    const n8 = h.readUInt32LE(0);
    return {
      power: h.readUInt32LE(4 + n8),
      ceremonyPower: h.readUInt32LE(8 + n8),
      preparedForPhase2: [12, 13, 14, 15].every((s) => sections.has(s)),
    };
  } finally {
    closeSync(fd);
  }
}

export interface Contribution {
  name: string;
  /**
   * Extra entropy for the contribution. snarkjs hashes it together with 64 bytes of the system CSPRNG, so
   * the contribution stays secret even if this string is not; omitted, fresh random bytes are used.
   */
  entropy?: string;
}

export interface PtauSetupOptions {
  /** Phase-2 contributions to apply, in order: at least one (a deployment needs one honest party). */
  contributions: Contribution[];
  /**
   * Final random beacon after the contributions (e.g. a future block hash, published in advance): hex hash
   * and 2^iterations. It adds public randomness; it never replaces a secret contribution.
   */
  beacon?: { name: string; hashHex: string; iterationsExp: number };
}

/** Checks that a circuit fits the ceremony; throws {@link CircuitTooLargeError} naming the size needed. */
export function checkCircuitFitsPtau(r1csPath: string, ptauPath: string): { needed: number; ptau: PtauInfo } {
  const { header } = readR1cs(readFileSync(r1csPath), r1csPath);
  const ptau = readPtauInfo(ptauPath);
  const needed = domainPower(header.nConstraints, header.nPublic);
  if (needed > ptau.power) {
    throw new CircuitTooLargeError(
      `the circuit has ${header.nConstraints} constraints and ${header.nPublic} public signals, which needs ` +
        `powers of tau up to 2^${needed}, but ${ptauPath} stops at 2^${ptau.power}. Use a larger ceremony ` +
        `file (e.g. the Hermez/Polygon powersOfTau28_hez_final_${String(needed).padStart(2, "0")}.ptau).`,
    );
  }
  if (!ptau.preparedForPhase2) {
    throw new Groth16SetupError(
      `${ptauPath} is not prepared for phase 2; run \`snarkjs powersoftau prepare phase2\` on it or download ` +
        `a "final" ceremony file`,
    );
  }
  return { needed, ptau };
}

/** Runs zkey new → contributions → beacon and writes the final key to `zkeyPath`. */
export async function ptauSetup(
  r1csPath: string,
  ptauPath: string,
  zkeyPath: string,
  options: PtauSetupOptions,
): Promise<void> {
  checkCircuitFitsPtau(r1csPath, ptauPath);
  if (options.contributions.length === 0) {
    throw new Groth16SetupError(
      "a production setup needs at least one phase-2 contribution with secret entropy: without one the key's δ " +
        "is 1, or a public function of the beacon, and anyone can forge proofs for it",
    );
  }
  if (options.beacon) {
    const { hashHex, iterationsExp } = options.beacon;
    if (!/^([0-9a-fA-F]{2})+$/.test(hashHex))
      throw new Groth16SetupError("the beacon hash must be hex bytes");
    if (!Number.isInteger(iterationsExp) || iterationsExp < 10 || iterationsExp > 63) {
      throw new Groth16SetupError(`the beacon's iteration exponent must be 10…63, got ${iterationsExp}`);
    }
  }
  const errors: string[] = [];
  const check = (step: string) => {
    if (errors.length) throw new Groth16SetupError(`snarkjs ${step} failed: ${errors.join("; ")}`);
  };
  const logger = {
    debug() {},
    info() {},
    warn() {},
    error: (m: string) => errors.push(m),
  };
  const steps: string[] = [];
  const tmp = (i: number) => `${zkeyPath}.${process.pid}.${i}.tmp`;
  try {
    steps.push(tmp(0));
    const r = await snarkjs.zKey.newZKey(r1csPath, ptauPath, tmp(0), logger);
    if (r === -1 || errors.length)
      throw new Groth16SetupError(`snarkjs zkey new failed: ${errors.join("; ")}`);
    for (const c of options.contributions) {
      const next = tmp(steps.length);
      // An empty entropy string would make snarkjs prompt on stdin for some.
      const entropy = c.entropy || randomBytes(32).toString("hex");
      await snarkjs.zKey.contribute(steps.at(-1)!, next, c.name, entropy, logger);
      steps.push(next);
      check(`contribution "${c.name}"`);
    }
    if (options.beacon) {
      const { name, hashHex, iterationsExp } = options.beacon;
      const next = tmp(steps.length);
      await snarkjs.zKey.beacon(steps.at(-1)!, next, name, hashHex, iterationsExp, logger);
      steps.push(next);
      check("beacon");
    }
    renameSync(steps.pop()!, zkeyPath);
  } finally {
    for (const s of steps) rmSync(s, { force: true });
  }
}
