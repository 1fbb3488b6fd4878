import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { encodeMockSeal } from "../../src/receipt/seal.ts";
import { RequestRejectedError } from "../../src/relay/errors.ts";
import { ThreadProver } from "../../src/relay/proving/thread-prover.ts";
import { executeSession } from "../../src/zkvm/session.ts";
import { EVEN_ELF_PATH, EVEN_IMAGE_ID } from "./harness.ts";

const elf = new Uint8Array(readFileSync(EVEN_ELF_PATH));
const number = (x: number) => Uint8Array.from({ length: 32 }, (_, i) => (i === 31 ? x : 0));

describe("the in-process prover's workers", () => {
  // Child processes are what groth16 mode uses (snarkjs cannot load in a worker thread); dev mode drives them
  // here, where a job takes milliseconds.
  const provers = [
    new ThreadProver({ workers: 1, mode: "dev" }),
    new ThreadProver({ workers: 1, mode: "dev", processes: true }),
  ];
  afterAll(async () => {
    for (const p of provers) await p.close();
  });

  it("threads and child processes prove the same job alike; a failing guest is rejected in both", async () => {
    const expected = encodeMockSeal(executeSession(elf, { input: number(8) }).claimDigest);
    for (const prover of provers) {
      const job = { jobId: "j", imageId: EVEN_IMAGE_ID, elf, input: number(8), mode: "dev" as const };
      const r = await prover.prove(job);
      expect(r.journal).toEqual(number(8));
      expect(r.seal).toEqual(expected);
      const odd = prover.prove({ ...job, jobId: "k", input: number(7) });
      await expect(odd).rejects.toBeInstanceOf(RequestRejectedError);
      await expect(odd).rejects.toMatchObject({ code: "guest-failed" });
    }
    expect((await provers[1]!.healthy()).detail).toMatch(/process/);
  });

  it("groth16 mode runs in child processes, which load the Groth16 prover: a job without its key is refused there", async () => {
    const prover = new ThreadProver({ workers: 1, mode: "groth16" });
    try {
      expect((await prover.healthy()).detail).toMatch(/process/);
      const job = {
        jobId: "g",
        imageId: EVEN_IMAGE_ID,
        elf,
        input: number(8),
        mode: "groth16" as const,
        groth16Key: "/nonexistent/wrap.zkey",
      };
      await expect(prover.prove(job)).rejects.toMatchObject({ code: "prover-unavailable" });
    } finally {
      await prover.close();
    }
  });
});
