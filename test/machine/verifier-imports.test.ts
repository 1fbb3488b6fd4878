import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/** Receipt verification must run in a browser: no Node built-in and no prover code in its import graph. */
const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

function importGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const visit = (file: string) => {
    if (graph.has(file)) return;
    const src = readFileSync(file, "utf8");
    const specs = [...src.matchAll(/(?:import|export)\s[^;]*?from\s+"([^"]+)"/g)].map((m) => m[1]!);
    graph.set(file, specs);
    for (const s of specs) if (s.startsWith(".")) visit(resolve(dirname(file), s));
  };
  visit(resolve(root, entry));
  return graph;
}

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
