import { describe, expect, it } from "vitest";
import { importGraph, ROOT as root } from "../import-graph.ts";

/** The verifier must run in a browser: no Node built-ins and no prover code in its import graph. */
describe("verifier entry point", () => {
  it("imports no Node built-in and no prover module", () => {
    const graph = importGraph("src/stark/verifier.ts");
    const files = [...graph.keys()].map((f) => f.slice(root.length + 1));
    expect(files).toContain("src/stark/pcs/mmcs-verify.ts");
    expect(files).toContain("src/stark/verifier/algorithm.ts");
    for (const [file, specs] of graph) {
      for (const s of specs) {
        expect(s.startsWith("."), `${file} imports ${s} (only relative project modules are allowed)`).toBe(
          true,
        );
      }
    }
    for (const f of files) {
      expect(f, "prover code in the verifier's import graph").not.toMatch(
        /prover|pcs\/mmcs\.ts$|eval-domain|ntt|testing|parallel|kernels/,
      );
    }
  });
});
