/**
 * End to end on a small circuit (two Poseidon links, 480 constraints): compile with circom2, development
 * setup, witness, prove, and verify with snarkjs and with our @noble/curves verifier; tampering and bad
 * input. Expected values come from independent implementations: poseidon-lite for the circuit's output,
 * snarkjs for verification and for the verification key, @noble/curves for fixed-base multiplication.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bn254 } from "@noble/curves/bn254.js";
import { poseidon2 } from "poseidon-lite";
import * as snarkjs from "snarkjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stitchR1cs, stitchWitness } from "../../bench/groth16-stitch.ts";
import { type CompiledCircuit, compileCircuit } from "../../src/groth16/compile.ts";
import { devSetup } from "../../src/groth16/dev-setup.ts";
import { Groth16FileError, KeyMismatchError, WitnessError } from "../../src/groth16/errors.ts";
import { exportSolidityVerifier, verificationKeyJson } from "../../src/groth16/export.ts";
import { FixedBasePool } from "../../src/groth16/fixed-base.ts";
import { type ProveResult, prove } from "../../src/groth16/prove.ts";
import type { Groth16ProvePhase } from "../../src/groth16/prover.ts";
import { readR1cs } from "../../src/groth16/r1cs.ts";
import {
  BN254_P,
  BN254_R,
  Groth16FormatError,
  type Groth16Proof,
  proofFromSnarkjs,
  type SnarkjsProof,
} from "../../src/groth16/types.ts";
import { verifyGroth16 } from "../../src/groth16/verify.ts";
import { checkWitness, computeWitness, readWitnessFile } from "../../src/groth16/witness.ts";
import { readZkeyFile } from "../../src/groth16/zkey.ts";
import { decodeGroth16Seal, encodeGroth16Seal, SealFormatError } from "../../src/receipt/seal.ts";
import { compileAndDeploy } from "../contracts/helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "zkvm-groth16-test-"));
const cacheDir = join(dir, "cache");
const path = (name: string) => join(dir, name);

function chainCircuit(n: number): string {
  const file = path(`chain${n}.circom`);
  writeFileSync(
    file,
    `pragma circom 2.0.0;\ninclude "poseidon_chain.circom";\ncomponent main {public [seed]} = PoseidonChain(${n});\n`,
  );
  return file;
}

const seed = 12345n;
const salt = 987654321n;
let chain2: CompiledCircuit;
let result: ProveResult;

beforeAll(async () => {
  chain2 = await compileCircuit(chainCircuit(2), { cacheDir });
  await devSetup(chain2.r1cs, path("chain2.zkey"));
  await computeWitness(chain2.wasm, { seed, salt }, path("chain2.wtns"));
  result = await prove(path("chain2.zkey"), path("chain2.wtns"), { r1cs: chain2.r1cs });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("Groth16 toolchain on a two-link Poseidon chain", () => {
  it("compiles with circom2 --O2 and serves the second compile from the cache", async () => {
    expect(chain2.cached).toBe(false);
    expect(chain2.log).toMatch(/non-linear constraints: 480/);
    const again = await compileCircuit(chainCircuit(2), { cacheDir });
    expect(again.cached).toBe(true);
    expect(again.r1cs).toBe(chain2.r1cs);
  });

  it("computes the circuit's output as an independent Poseidon implementation does", () => {
    // Public signals: outputs first, then public inputs.
    const expected = poseidon2([poseidon2([seed, salt]), salt]);
    expect(result.publicSignals).toEqual([expected, seed]);
  });

  it("writes a key whose verification key snarkjs reads exactly as we do", async () => {
    const fromSnarkjs = await snarkjs.zKey.exportVerificationKey(path("chain2.zkey"));
    const ours = verificationKeyJson(readZkeyFile(path("chain2.zkey")).vk);
    for (const k of ["vk_alpha_1", "vk_beta_2", "vk_gamma_2", "vk_delta_2", "IC"] as const) {
      expect(ours[k]).toEqual(fromSnarkjs[k]);
    }
    expect(ours.nPublic).toBe(2);
  });

  it("produces proofs that snarkjs and the TypeScript verifier both accept", async () => {
    const vk = await snarkjs.zKey.exportVerificationKey(path("chain2.zkey"));
    expect(await snarkjs.groth16.verify(vk, result.json.publicSignals, result.json.proof)).toBe(true);
    expect(verifyGroth16(result.vk, result.proof, result.publicSignals)).toBe(true);
    // A second, single-threaded proof is different (fresh r, s) and also valid.
    const phases: [Groth16ProvePhase, number][] = [];
    const again = await prove(path("chain2.zkey"), path("chain2.wtns"), {
      singleThread: true,
      onPhase: (phase, seconds) => phases.push([phase, seconds]),
    });
    expect(again.proof.a).not.toEqual(result.proof.a);
    expect(verifyGroth16(result.vk, again.proof, again.publicSignals)).toBe(true);
    // Every phase of the prover was reported, once and in order, with its duration.
    expect(phases.map(([p]) => p)).toEqual([
      "abc",
      "fft",
      "join",
      "msm-a",
      "msm-b1",
      "msm-b2",
      "msm-c",
      "msm-h",
    ]);
    expect(phases.every(([, s]) => s >= 0)).toBe(true);
  });

  it("rejects tampered public inputs and proofs", () => {
    const { vk, proof, publicSignals } = result;
    for (let i = 0; i < publicSignals.length; i++) {
      const changed = publicSignals.slice();
      changed[i] = (changed[i]! + 1n) % BN254_R;
      expect(verifyGroth16(vk, proof, changed)).toBe(false);
    }
    const g1 = (k: bigint) => bn254.G1.Point.BASE.multiply(k).toAffine();
    const g2 = bn254.G2.Point.BASE.multiply(7n).toAffine();
    const tampered: Groth16Proof[] = [
      { ...proof, a: g1(3n) },
      { ...proof, c: g1(5n) },
      { ...proof, b: { x: { c0: g2.x.c0, c1: g2.x.c1 }, y: { c0: g2.y.c0, c1: g2.y.c1 } } },
      { ...proof, a: proof.c, c: proof.a },
      { ...proof, a: { x: proof.a.x, y: BN254_P - proof.a.y } }, // −A
    ];
    for (const p of tampered) expect(verifyGroth16(vk, p, publicSignals)).toBe(false);
  });

  it("draws fresh secrets on every setup: a proof under one key does not verify under another", async () => {
    await devSetup(chain2.r1cs, path("chain2-other.zkey"));
    const other = await prove(path("chain2-other.zkey"), path("chain2.wtns"));
    expect(other.vk.delta).not.toEqual(result.vk.delta);
    expect(verifyGroth16(other.vk, other.proof, other.publicSignals)).toBe(true);
    expect(verifyGroth16(result.vk, other.proof, other.publicSignals)).toBe(false);
  });

  it("seals the proof with the Ethereum layer's codec: Fp2 in Ethereum order, bad seals rejected", () => {
    const selector = Uint8Array.from([0xde, 0xad, 0xbe, 0xef]);
    const seal = encodeGroth16Seal(selector, result.proof);
    expect(seal.length).toBe(260);
    const word = (i: number) =>
      BigInt(`0x${Buffer.from(seal.subarray(4 + 32 * i, 36 + 32 * i)).toString("hex")}`);
    expect(word(2)).toBe(result.proof.b.x.c1);
    expect(word(3)).toBe(result.proof.b.x.c0);
    const decoded = decodeGroth16Seal(seal);
    expect(decoded.selector).toEqual(selector);
    expect(verifyGroth16(result.vk, decoded.proof, result.publicSignals)).toBe(true);
    expect(() => decodeGroth16Seal(seal.subarray(0, 259))).toThrow(SealFormatError);
    // Flipping a byte of A.y moves A off the curve: a typed error, never an accepted proof.
    const bad = seal.slice();
    bad[4 + 63]! ^= 1;
    expect(() => verifyGroth16(result.vk, decodeGroth16Seal(bad).proof, result.publicSignals)).toThrow(
      Groth16FormatError,
    );
  });

  it("rejects a witness for another circuit, an unsatisfying witness, and a key for another circuit", async () => {
    const chain3 = await compileCircuit(chainCircuit(3), { cacheDir });
    await devSetup(chain3.r1cs, path("chain3.zkey"));
    await expect(prove(path("chain3.zkey"), path("chain2.wtns"))).rejects.toThrow(KeyMismatchError);
    await expect(prove(path("chain2.zkey"), path("chain2.wtns"), { r1cs: chain3.r1cs })).rejects.toThrow(
      KeyMismatchError,
    );

    // Change one internal wire of a valid witness.
    const wtns = readFileSync(path("chain2.wtns"));
    const witness = readWitnessFile(path("chain2.wtns"));
    const dataStart = wtns.length - 32 * witness.length;
    const corrupt = Buffer.from(wtns);
    corrupt[dataStart + 32 * 10]! ^= 1;
    writeFileSync(path("corrupt.wtns"), corrupt);
    await expect(prove(path("chain2.zkey"), path("corrupt.wtns"), { r1cs: chain2.r1cs })).rejects.toThrow(
      WitnessError,
    );
    // Without the R1CS, the proof snarkjs makes from it is caught by the verification after proving.
    await expect(prove(path("chain2.zkey"), path("corrupt.wtns"))).rejects.toThrow(KeyMismatchError);

    await expect(computeWitness(chain2.wasm, { seed }, path("missing.wtns"))).rejects.toThrow(WitnessError);
  });

  it("gives typed errors for truncated keys, witnesses and circuits", async () => {
    const zkey = readFileSync(path("chain2.zkey"));
    for (const cut of [0, 11, 100, zkey.length - 1]) {
      writeFileSync(path("cut.zkey"), zkey.subarray(0, cut));
      await expect(prove(path("cut.zkey"), path("chain2.wtns"))).rejects.toThrow(Groth16FileError);
    }
    const wtns = readFileSync(path("chain2.wtns"));
    writeFileSync(path("cut.wtns"), wtns.subarray(0, wtns.length - 5));
    await expect(prove(path("chain2.zkey"), path("cut.wtns"))).rejects.toThrow(Groth16FileError);
    const r1cs = readFileSync(chain2.r1cs);
    writeFileSync(path("cut.r1cs"), r1cs.subarray(0, r1cs.length - 40));
    await expect(devSetup(path("cut.r1cs"), path("never.zkey"))).rejects.toThrow(Groth16FileError);
    // A proof JSON cut short, and one with a coordinate mangled.
    const { pi_a, pi_b, pi_c } = result.json.proof;
    expect(() => proofFromSnarkjs({ pi_a, pi_b: [pi_b[0]!], pi_c } as SnarkjsProof)).toThrow(
      Groth16FormatError,
    );
    expect(() => proofFromSnarkjs({ pi_a: [pi_a[0]!], pi_b, pi_c })).toThrow(Groth16FormatError);
    expect(() => proofFromSnarkjs({ pi_a: [pi_a[0]!, "0x"], pi_b, pi_c })).toThrow(Groth16FormatError);
    const mangled = proofFromSnarkjs({ pi_a: [pi_a[0]!, (BigInt(pi_a[1]!) + 1n).toString()], pi_b, pi_c });
    expect(() => verifyGroth16(result.vk, mangled, result.publicSignals)).toThrow(Groth16FormatError);
    writeFileSync(path("not.zkey"), "not a key at all");
    await expect(prove(path("not.zkey"), path("chain2.wtns"))).rejects.toThrow(/magic/);
  });

  it("exports a Solidity verifier for the key", async () => {
    const sol = await exportSolidityVerifier(path("chain2.zkey"));
    expect(sol).toMatch(/contract Groth16Verifier/);
    const vk = result.vk;
    expect(sol).toContain(vk.delta.x.c1.toString());
    expect(sol).toContain(vk.ic[2]!.y.toString());
  });

  it("passes on chain through the exported Solidity verifier (EDR), which rejects a tampered proof", async () => {
    const source = await exportSolidityVerifier(path("chain2.zkey"));
    const { address, abi, client } = await compileAndDeploy(
      { path: "Verifier.sol", content: source },
      "Groth16Verifier",
    );
    const { proof, publicSignals } = result;
    const call = (signals: bigint[]) =>
      client.readContract({
        address,
        abi,
        functionName: "verifyProof",
        args: [
          [proof.a.x, proof.a.y],
          [
            [proof.b.x.c1, proof.b.x.c0],
            [proof.b.y.c1, proof.b.y.c0],
          ],
          [proof.c.x, proof.c.y],
          signals,
        ],
      });
    expect(await call(publicSignals)).toBe(true);
    expect(await call([publicSignals[0]!, publicSignals[1]! + 1n])).toBe(false);
  });

  it("verifies from the command line without snarkjs, and fails a tampered proof with exit code 3", () => {
    writeFileSync(path("vk.json"), JSON.stringify(verificationKeyJson(result.vk)));
    writeFileSync(path("proof.json"), JSON.stringify(result.json.proof));
    writeFileSync(path("public.json"), JSON.stringify(result.json.publicSignals));
    const cli = (args: string[]) =>
      spawnSync(process.execPath, ["src/cli/main.ts", "groth16", ...args], { encoding: "utf8" });
    const ok = cli(["verify", path("vk.json"), path("proof.json"), path("public.json")]);
    expect(ok.stdout).toMatch(/OK/);
    expect(ok.status).toBe(0);
    writeFileSync(path("public.json"), JSON.stringify([result.json.publicSignals[0], "1"]));
    const bad = cli(["verify", path("vk.json"), path("proof.json"), path("public.json")]);
    expect(bad.status).toBe(3);
  });
});

describe("the benchmark's stitched chain (R1CS assembled from compiled segments)", () => {
  it("is the longer chain: its witness satisfies it, its output is Poseidon's, a changed wire fails", async () => {
    stitchR1cs(chain2.r1cs, 3, path("stitched.r1cs"));
    await stitchWitness(chain2.wasm, 3, seed, salt, path("segment.wtns"), path("stitched.wtns"));
    const r1cs = readR1cs(readFileSync(path("stitched.r1cs")));
    const witness = readWitnessFile(path("stitched.wtns"));
    checkWitness(r1cs, witness);
    let h = seed;
    for (let i = 0; i < 6; i++) h = poseidon2([h, salt]);
    expect(witness.slice(1, 3)).toEqual([h, seed]);
    const changed = witness.slice();
    changed[3] = salt + 1n; // the shared salt no longer equals the segments' salts
    expect(() => checkWitness(r1cs, changed)).toThrow(WitnessError);
  });
});

describe("bulk fixed-base multiplication", () => {
  it("matches @noble/curves in G1 and G2, including 0, 1 and r − 1", async () => {
    const scalars = [0n, 1n, 2n, BN254_R - 1n, 0xffffn, 1n << 200n, 123456789012345678901234567890n];
    const bytes = () => {
      const b = new Uint8Array(32 * scalars.length);
      scalars.forEach((s, i) => {
        for (let k = 0; k < 32; k++) b[32 * i + k] = Number((s >> BigInt(8 * k)) & 0xffn);
      });
      return b;
    };
    const pool = new FixedBasePool({ threads: 2 });
    try {
      const g1 = await pool.multiply(1, bytes());
      const g2 = await pool.multiply(2, bytes());
      const Rinv = bn254.fields.Fp.inv((1n << 256n) % BN254_P);
      const coord = (b: Uint8Array, o: number) => {
        let v = 0n;
        for (let k = 31; k >= 0; k--) v = (v << 8n) | BigInt(b[o + k]!);
        return (v * Rinv) % BN254_P;
      };
      scalars.forEach((s, i) => {
        if (s === 0n) {
          expect(g1.subarray(64 * i, 64 * i + 64).every((b) => b === 0)).toBe(true);
          expect(g2.subarray(128 * i, 128 * i + 128).every((b) => b === 0)).toBe(true);
          return;
        }
        const e1 = bn254.G1.Point.BASE.multiply(s).toAffine();
        expect([coord(g1, 64 * i), coord(g1, 64 * i + 32)]).toEqual([e1.x, e1.y]);
        const e2 = bn254.G2.Point.BASE.multiply(s).toAffine();
        expect([0, 1, 2, 3].map((k) => coord(g2, 128 * i + 32 * k))).toEqual([
          e2.x.c0,
          e2.x.c1,
          e2.y.c0,
          e2.y.c1,
        ]);
      });
    } finally {
      await pool.close();
    }
  });

  it("uses the BN254 moduli of @noble/curves", () => {
    expect(BN254_P).toBe(bn254.fields.Fp.ORDER);
    expect(BN254_R).toBe(bn254.fields.Fr.ORDER);
  });
});
