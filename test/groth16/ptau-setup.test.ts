/**
 * The production path on a tiny ceremony: a 2^4 powers-of-tau made here with snarkjs (new, one
 * contribution, prepare phase 2), then zkey new + a phase-2 contribution + a beacon through ptauSetup,
 * checked with snarkjs's own `zkey verify` against the R1CS and ptau, and by proving and verifying.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as snarkjs from "snarkjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CompiledCircuit, compileCircuit } from "../../src/groth16/compile.ts";
import { CircuitTooLargeError, Groth16FileError, Groth16SetupError } from "../../src/groth16/errors.ts";
import { prove } from "../../src/groth16/prove.ts";
import { ptauSetup, readPtauInfo } from "../../src/groth16/ptau-setup.ts";
import { computeWitness } from "../../src/groth16/witness.ts";
import { readZkeyFile } from "../../src/groth16/zkey.ts";

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

describe("production setup from a powers-of-tau ceremony", () => {
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
      ptauSetup(multiplier.r1cs, path("final.ptau"), path("x.zkey"), { contributions: [], beacon }),
    ).rejects.toThrow(/iteration exponent must be 10…63/);
    await expect(ptauSetup(multiplier.r1cs, multiplier.r1cs, path("x.zkey"), opts)).rejects.toThrow(
      Groth16FileError,
    );
  });
});
