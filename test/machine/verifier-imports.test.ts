import { describe, expect, it } from "vitest";
import { importGraph, ROOT as root } from "../import-graph.ts";

/** Receipt verification must run in a browser: no Node built-in and no prover code in its import graph. */
describe("receipt verification entry point", () => {
  it("imports no Node built-in and no prover or trace-generation module", () => {
    const graph = importGraph("src/receipt/verify.ts");
    const files = [...graph.keys()].map((f) => f.slice(root.length + 1));
    expect(files).toContain("src/machine/verify.ts");
    expect(files).toContain("src/stark/verifier.ts");
    for (const [file, specs] of graph)
      for (const s of specs)
        expect(s.startsWith(".") || s.startsWith("@noble/"), `${file} imports ${s}`).toBe(true);
    for (const f of files)
      expect(f, "prover code in the verifier's import graph").not.toMatch(
        /stark\/prover|parallel|machine\/(prove|witness|tally|check)|receipt\/prove|zkvm\/(executor|recorder)/,
      );
  });
});
