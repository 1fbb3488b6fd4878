/**
 * The Groth16 prover over a snarkjs .zkey: snarkjs's algorithm (node_modules/snarkjs/src/groth16_prove.js),
 * with its two costly parts our own: the five multi-scalar multiplications (Pippenger, msm/msm.ts) and the
 * transforms to the odd coset (ntt/coset.ts), on our worker threads. ffjavascript (snarkjs's field and curve
 * library) still evaluates A and B, joins A·B − C, and combines the final points.
 *
 * 1. A·w and B·w over the domain from the key's coefficient section; C = A·B pointwise.
 * 2. Each of A, B, C: inverse FFT, times the powers of ω_2n, FFT: their values at the odd 2n-th roots, where
 *    Z = xⁿ − 1 = −2 is constant; A·B − C there are the coefficients the H section's points expect.
 * 3. π_A = α + Σ wᵢ·Aᵢ + r·δ, π_B = β + Σ wᵢ·Bᵢ + s·δ (G2), π_C = Σ_private wᵢ·Cᵢ + Σ hᵢ·Hᵢ + s·π_A + r·π_B(G1)
 *    − r·s·δ, with r and s fresh random scalars.
 */
import { availableParallelism } from "node:os";
import { type Bn128, buildBn128 } from "ffjavascript";
import { siblingModule, workerPool } from "../parallel/pool.ts";
import { readBinFile, section } from "./binfile.ts";
import { Groth16FileError } from "./errors.ts";
import { multiExp } from "./msm/msm.ts";
import type { CosetJob } from "./ntt/coset.ts";
import type { SnarkjsProof } from "./types.ts";
import { readZkey } from "./zkey.ts";
import { ZKEY_SECTION } from "./zkey-file.ts";

/**
 * The prover's phases, in order: A, B and C over the domain; the six FFTs that give them on the odd coset;
 * joining them into H's scalars; the multi-scalar multiplications of the key's A, B₁ (G1), B₂ (G2), C and H
 * points.
 */
export type Groth16ProvePhase = "abc" | "fft" | "join" | "msm-a" | "msm-b1" | "msm-b2" | "msm-c" | "msm-h";

export interface ProverOptions {
  /** Called as each phase ends, with its duration in seconds. */
  onPhase?: (phase: Groth16ProvePhase, seconds: number) => void;
  /** Threads for the multi-scalar multiplications (default: one per CPU). */
  threads?: number;
}

const COSET_TASK = siblingModule(import.meta.url, "ntt/coset-task");

/** Bytes of a coefficient entry: matrix, constraint, wire (u32 each), value (32 bytes). */
const COEFFICIENT_BYTES = 44;

/**
 * Proves with the key in `zkeyBytes` for `witness` (the .wtns witness section: nVars 32-byte little-endian
 * values). The caller checks the result (prove.ts verifies every proof before returning it).
 */
export async function proveWithKey(
  zkeyBytes: Uint8Array,
  witness: Uint8Array,
  options: ProverOptions = {},
): Promise<{ proof: SnarkjsProof; publicSignals: string[] }> {
  const key = readZkey(zkeyBytes);
  const file = readBinFile(zkeyBytes, "zkey", "the .zkey file");
  if (witness.length !== key.nVars * 32) {
    throw new Groth16FileError(`the witness has ${witness.length / 32} values, the key expects ${key.nVars}`);
  }
  let t = performance.now();
  const phase = (name: Groth16ProvePhase) => {
    const now = performance.now();
    options.onPhase?.(name, (now - t) / 1000);
    t = now;
  };

  const curve: Bn128 = await buildBn128();
  const Fr = curve.Fr;
  const n = key.domainSize;
  const [a, b, c] = buildAbc(curve, n, section(file, ZKEY_SECTION.coeffs, "the .zkey file"), witness);
  phase("abc");

  const log2n = Math.log2(n);
  const omega = Fr.w[log2n]!;
  const coset = {
    omega,
    omegaInverse: Fr.inv(omega),
    shift: log2n === Fr.s ? Fr.shift : Fr.w[log2n + 1]!,
    nInverse: Fr.inv(Fr.e(n)),
  };
  const threads = Math.max(1, options.threads ?? availableParallelism());
  const [aOdd, bOdd, cOdd] = await Promise.all(
    [a, b, c].map((values, k) => {
      const job: CosetJob = { ...coset, values };
      return workerPool().run<Uint8Array>(k % threads, COSET_TASK, "toOddCoset", job, [
        values.buffer as ArrayBuffer,
      ]);
    }),
  );
  phase("fft");
  const h = await joinAbc(curve, aOdd, bOdd, cOdd);
  phase("join");

  const msm = { threads: options.threads };
  const points = (id: number) => section(file, id, "the .zkey file");
  const piA = await multiExp(1, points(ZKEY_SECTION.a), witness, msm);
  phase("msm-a");
  const piB1 = await multiExp(1, points(ZKEY_SECTION.b1), witness, msm);
  phase("msm-b1");
  const piB = await multiExp(2, points(ZKEY_SECTION.b2), witness, msm);
  phase("msm-b2");
  const piC = await multiExp(1, points(ZKEY_SECTION.c), witness.subarray((key.nPublic + 1) * 32), msm);
  phase("msm-c");
  const piH = await multiExp(1, points(ZKEY_SECTION.h), h, msm);
  phase("msm-h");

  // The header's α₁, β₁, β₂, δ₁, δ₂ (after n8q, q, n8r, r, nVars, nPublic, domainSize).
  const header = section(file, ZKEY_SECTION.header, "the .zkey file");
  const at = (offset: number, bytes: number) => header.slice(84 + offset, 84 + offset + bytes);
  const [alpha1, beta1, beta2, delta1, delta2] = [
    at(0, 64),
    at(64, 64),
    at(128, 128),
    at(384, 64),
    at(448, 128),
  ];
  const { G1, G2 } = curve;
  const r = Fr.random();
  const s = Fr.random();
  const proofA = G1.add(G1.add(piA, alpha1), G1.timesFr(delta1, r));
  const proofB = G2.add(G2.add(piB, beta2), G2.timesFr(delta2, s));
  const b1 = G1.add(G1.add(piB1, beta1), G1.timesFr(delta1, s));
  let proofC = G1.add(piC, piH);
  proofC = G1.add(proofC, G1.timesFr(proofA, s));
  proofC = G1.add(proofC, G1.timesFr(b1, r));
  proofC = G1.add(proofC, G1.timesFr(delta1, Fr.neg(Fr.mul(r, s))));

  const str = (v: unknown): unknown => (Array.isArray(v) ? v.map(str) : String(v));
  const publicSignals: string[] = [];
  for (let i = 1; i <= key.nPublic; i++) {
    let v = 0n;
    for (let k = 31; k >= 0; k--) v = (v << 8n) | BigInt(witness[32 * i + k]!);
    publicSignals.push(v.toString());
  }
  const proof = {
    pi_a: str(G1.toObject(G1.toAffine(proofA))),
    pi_b: str(G2.toObject(G2.toAffine(proofB))),
    pi_c: str(G1.toObject(G1.toAffine(proofC))),
    protocol: "groth16",
    curve: "bn128",
  } as SnarkjsProof;
  return { proof, publicSignals };
}

/** Frees the threads' transform instances and their memory (the threads stay in the pool). */
export async function releaseCosetThreads(): Promise<void> {
  const pool = workerPool();
  await Promise.all(Array.from({ length: pool.size }, (_, i) => pool.run(i, COSET_TASK, "release", null)));
}

/**
 * A·w and B·w at the domain's points from the coefficient section (values in Montgomery form), and their
 * pointwise product C (the R1CS's C·w equals A·w ∘ B·w for a satisfying witness).
 */
function buildAbc(curve: Bn128, n: number, coeffs: Uint8Array, witness: Uint8Array): Uint8Array[] {
  const Fr = curve.Fr;
  const out = [new Uint8Array(n * 32), new Uint8Array(n * 32)];
  const view = new DataView(coeffs.buffer, coeffs.byteOffset, coeffs.byteLength);
  const count = view.getUint32(0, true);
  for (let i = 0; i < count; i++) {
    const p = 4 + i * COEFFICIENT_BYTES;
    const m = view.getUint32(p, true);
    const row = view.getUint32(p + 4, true);
    const wire = view.getUint32(p + 8, true);
    const target = out[m];
    if (!target || row >= n || (wire + 1) * 32 > witness.length) {
      throw new Groth16FileError(`coefficient ${i} of the .zkey file is out of range`);
    }
    const term = Fr.mul(coeffs.subarray(p + 12, p + 44), witness.subarray(32 * wire, 32 * wire + 32));
    target.set(Fr.add(target.subarray(32 * row, 32 * row + 32), term), 32 * row);
  }
  const [a, b] = out as [Uint8Array, Uint8Array];
  const c = new Uint8Array(n * 32);
  for (let i = 0; i < n; i++)
    c.set(Fr.mul(a.subarray(32 * i, 32 * i + 32), b.subarray(32 * i, 32 * i + 32)), 32 * i);
  return [a, b, c];
}

/** A·B − C on the odd coset, out of Montgomery form: the H section's scalars (ffjavascript's threads). */
async function joinAbc(curve: Bn128, a: Uint8Array, b: Uint8Array, c: Uint8Array): Promise<Uint8Array> {
  const CHUNK = 1 << 22;
  const n = a.length / 32;
  const out = new Uint8Array(a.length);
  const parts: Promise<Uint8Array[]>[] = [];
  for (let i = 0; i < n; i += CHUNK) {
    const m = Math.min(n - i, CHUNK);
    const slice = (x: Uint8Array) => x.slice(32 * i, 32 * (i + m));
    parts.push(
      curve.tm.queueAction([
        { cmd: "ALLOCSET", var: 0, buff: slice(a) },
        { cmd: "ALLOCSET", var: 1, buff: slice(b) },
        { cmd: "ALLOCSET", var: 2, buff: slice(c) },
        { cmd: "ALLOC", var: 3, len: 32 * m },
        {
          cmd: "CALL",
          fnName: "qap_joinABC",
          params: [{ var: 0 }, { var: 1 }, { var: 2 }, { val: m }, { var: 3 }],
        },
        { cmd: "CALL", fnName: "frm_batchFromMontgomery", params: [{ var: 3 }, { val: m }, { var: 3 }] },
        { cmd: "GET", out: 0, var: 3, len: 32 * m },
      ]),
    );
  }
  let offset = 0;
  for (const [part] of await Promise.all(parts)) {
    out.set(part!, offset);
    offset += part!.length;
  }
  return out;
}
