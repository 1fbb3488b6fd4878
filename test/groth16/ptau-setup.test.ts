/**
 * The production path on a tiny ceremony: a 2^4 powers-of-tau made here with snarkjs (new, one
 * contribution, prepare phase 2), then zkey new + a phase-2 contribution + a beacon through ptauSetup,
 * checked with snarkjs's own `zkey verify` against the R1CS and ptau, and by proving and verifying.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { invert, mod } from "@noble/curves/abstract/modular.js";
import { bn254 } from "@noble/curves/bn254.js";
import { ChaCha } from "ffjavascript";
import * as snarkjs from "snarkjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CompiledCircuit, compileCircuit } from "../../src/groth16/compile.ts";
import { CircuitTooLargeError, Groth16FileError, Groth16SetupError } from "../../src/groth16/errors.ts";
import { prove } from "../../src/groth16/prove.ts";
import { ptauSetup, readPtauInfo } from "../../src/groth16/ptau-setup.ts";
import { BN254_R as R } from "../../src/groth16/types.ts";
import { verifyGroth16 } from "../../src/groth16/verify.ts";
import { computeWitness } from "../../src/groth16/witness.ts";
import { readZkeyFile } from "../../src/groth16/zkey.ts";

const cli = join(dirname(fileURLToPath(import.meta.url)), "../../src/cli/main.ts");

const dir = mkdtempSync(join(tmpdir(), "zkvm-ptau-test-"));
const path = (name: string) => join(dir, name);
let multiplier: CompiledCircuit;
let chain: CompiledCircuit;

beforeAll(async () => {
  writeFileSync(
    path("multiplier.circom"),
    "pragma circom 2.0.0;\ntemplate M() { signal input a; signal input b; signal output c; c <== a * b; }\n" +
      "component main = M();\n",
  );
  writeFileSync(
    path("chain.circom"),
    'pragma circom 2.0.0;\ninclude "poseidon_chain.circom";\ncomponent main {public [seed]} = PoseidonChain(1);\n',
  );
  multiplier = await compileCircuit(path("multiplier.circom"), { cacheDir: path("cache") });
  chain = await compileCircuit(path("chain.circom"), { cacheDir: path("cache") });
  const curve = await snarkjs.curves.getCurveFromName("bn128");
  await snarkjs.powersOfTau.newAccumulator(curve, 4, path("pot0.ptau"));
  await snarkjs.powersOfTau.contribute(path("pot0.ptau"), path("pot1.ptau"), "test", "some entropy");
  await snarkjs.powersOfTau.preparePhase2(path("pot1.ptau"), path("final.ptau"));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** δ of a key whose only phase-2 step was this beacon: snarkjs's beacon RNG, recomputed from public data. */
function beaconDelta(hashHex: string, iterationsExp: number): bigint {
  let h: Buffer = Buffer.from(hashHex, "hex");
  for (let i = 0; i < 2 ** iterationsExp; i++) h = createHash("sha256").update(h).digest();
  const rng = new ChaCha(Array.from({ length: 8 }, (_, i) => h.readUInt32BE(4 * i)));
  const mask = (1n << 254n) - 1n;
  let v: bigint;
  do {
    v = 0n;
    for (let i = 0; i < 4; i++) v += BigInt(rng.nextU64()) << BigInt(64 * i);
    v &= mask;
  } while (v >= R);
  // The value is taken as a Montgomery representation: the scalar is v·2^-256.
  return (v * invert(mod(1n << 256n, R), R)) % R;
}

describe("production setup from a powers-of-tau ceremony", () => {
  it("refuses a beacon-only key, which anyone can forge proofs for", async () => {
    const beacon = { name: "beacon", hashHex: "0102030405060708090a0b0c0d0e0f10", iterationsExp: 10 };
    // The finding: a key from zkey new + beacon alone, made here directly with snarkjs.
    await snarkjs.zKey.newZKey(multiplier.r1cs, path("final.ptau"), path("b0.zkey"));
    await snarkjs.zKey.beacon(
      path("b0.zkey"),
      path("b1.zkey"),
      beacon.name,
      beacon.hashHex,
      beacon.iterationsExp,
    );
    const vk = readZkeyFile(path("b1.zkey")).vk;
    const G = bn254.G1.Point;
    const delta = beaconDelta(beacon.hashHex, beacon.iterationsExp);
    // γ is the G2 generator and δ the public function of the beacon computed above.
    expect(bn254.G2.Point.BASE.toAffine()).toEqual(vk.gamma);
    expect(bn254.G2.Point.BASE.multiply(delta).toAffine()).toEqual(vk.delta);
    // A = [α]₁, B = [β]₂, C = −vk_x·δ⁻¹ verifies for any public output, here c = 1234 (a·b can be anything).
    const claimed = 1234n;
    const vkX = G.fromAffine(vk.ic[0]!).add(G.fromAffine(vk.ic[1]!).multiply(claimed));
    const forged = { a: vk.alpha, b: vk.beta, c: vkX.multiply(invert(delta, R)).negate().toAffine() };
    expect(verifyGroth16(vk, forged, [claimed])).toBe(true);
    // The setup now refuses to make such a key.
    await expect(
      ptauSetup(multiplier.r1cs, path("final.ptau"), path("x.zkey"), { contributions: [], beacon }),
    ).rejects.toThrow(/at least one phase-2 contribution/);
  });

  it("zkvm groth16 setup --ptau exits after writing the key", () => {
    const r = spawnSync(
      process.execPath,
      [
        cli,
        "groth16",
        "setup",
        multiplier.r1cs,
        "--ptau",
        path("final.ptau"),
        "--contribute",
        "alice",
        "-o",
        path("cli.zkey"),
      ],
      { timeout: 90_000, encoding: "utf8" },
    );
    expect(r.signal, "the process had to be killed").toBeNull();
    expect(r.status, r.stderr).toBe(0);
    expect(readZkeyFile(path("cli.zkey")).contributions).toBe(1);
    const refused = spawnSync(
      process.execPath,
      [cli, "groth16", "setup", multiplier.r1cs, "--ptau", path("final.ptau"), "-o", path("cli2.zkey")],
      { timeout: 90_000, encoding: "utf8" },
    );
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/at least one --contribute/);
  });

  it("reads the ceremony's size and phase-2 preparation", () => {
    expect(readPtauInfo(path("final.ptau"))).toEqual({ power: 4, ceremonyPower: 4, preparedForPhase2: true });
    expect(readPtauInfo(path("pot1.ptau")).preparedForPhase2).toBe(false);
  });

  it("runs zkey new, a contribution and a beacon; snarkjs verifies the key and proofs verify", async () => {
    await ptauSetup(multiplier.r1cs, path("final.ptau"), path("m.zkey"), {
      contributions: [{ name: "alice", entropy: "alice's entropy" }],
      beacon: { name: "beacon", hashHex: "0102030405060708090a0b0c0d0e0f10", iterationsExp: 10 },
    });
    expect(readZkeyFile(path("m.zkey")).contributions).toBe(2);
    expect(await snarkjs.zKey.verifyFromR1cs(multiplier.r1cs, path("final.ptau"), path("m.zkey"))).toBe(true);
    await computeWitness(multiplier.wasm, { a: 6, b: 7 }, path("m.wtns"));
    const r = await prove(path("m.zkey"), path("m.wtns"), { r1cs: multiplier.r1cs });
    expect(r.publicSignals).toEqual([42n]);
  });

  it("refuses a circuit too large for the ceremony, naming the size it needs", async () => {
    const run = ptauSetup(chain.r1cs, path("final.ptau"), path("c.zkey"), {
      contributions: [{ name: "x", entropy: "y" }],
    });
    await expect(run).rejects.toThrow(CircuitTooLargeError);
    await expect(run).rejects.toThrow(/needs powers of tau up to 2\^8, but .* stops at 2\^4/);
  });

  it("refuses an unprepared ceremony, a setup with no contribution, and a file that is not a ptau", async () => {
    const opts = { contributions: [{ name: "x", entropy: "y" }] };
    await expect(ptauSetup(multiplier.r1cs, path("pot1.ptau"), path("x.zkey"), opts)).rejects.toThrow(
      /not prepared for phase 2/,
    );
    await expect(
      ptauSetup(multiplier.r1cs, path("final.ptau"), path("x.zkey"), { contributions: [] }),
    ).rejects.toThrow(Groth16SetupError);
    const beacon = { name: "b", hashHex: "00ff", iterationsExp: 4 };
    await expect(
      ptauSetup(multiplier.r1cs, path("final.ptau"), path("x.zkey"), {
        contributions: opts.contributions,
        beacon,
      }),
    ).rejects.toThrow(/iteration exponent must be 10…63/);
    await expect(ptauSetup(multiplier.r1cs, multiplier.r1cs, path("x.zkey"), opts)).rejects.toThrow(
      Groth16FileError,
    );
  });
});
