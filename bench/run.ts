/**
 * `npm run bench -- <name> [args…]` runs `bench/<name>.bench.ts`. Every benchmark prints its figures as
 * one JSON object on its last line. `npm run bench` alone lists the benchmarks.
 */
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts"))
  .map((f) => f.slice(0, -".bench.ts".length))
  .sort();

const name = process.argv[2];
if (!name || !available.includes(name)) {
  if (name) console.error(`unknown benchmark "${name}"`);
  console.error(`usage: npm run bench -- <name>\navailable: ${available.join(", ")}`);
  process.exit(name ? 2 : 0);
}
process.argv.splice(2, 1);
await import(pathToFileURL(join(here, `${name}.bench.ts`)).href);
