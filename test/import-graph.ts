import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The project root, and the static import graph of a module (relative imports followed). `import type` and
 * `export type` are left out: they are erased before the code runs.
 */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export function importGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const visit = (file: string) => {
    if (graph.has(file)) return;
    const src = readFileSync(file, "utf8");
    const specs = [...src.matchAll(/(?:import|export)\s(?!type\s)[^;]*?from\s+"([^"]+)"/g)].map((m) => m[1]!);
    graph.set(file, specs);
    for (const s of specs) if (s.startsWith(".")) visit(resolve(dirname(file), s));
  };
  visit(resolve(ROOT, entry));
  return graph;
}
