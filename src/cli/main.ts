#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { register as build } from "./commands/build.ts";
import { register as deploy } from "./commands/deploy.ts";
import { register as execute } from "./commands/execute.ts";
import { register as groth16 } from "./commands/groth16.ts";
import { register as imageId } from "./commands/image-id.ts";
import { register as newProject } from "./commands/new.ts";
import { register as prove } from "./commands/prove.ts";
import { register as relay } from "./commands/relay.ts";
import { register as submit } from "./commands/submit.ts";
import { register as verify } from "./commands/verify.ts";
import { CliError } from "./errors.ts";
import { EXIT } from "./exit-codes.ts";

/**
 * The `zkvm` command. Each subcommand lives in `./commands/<name>.ts` and exports a `register(program)`;
 * add yours to the list below. Exit codes: ./exit-codes.ts (docs/cli.md).
 */
const program = new Command()
  .name("zkvm")
  .description(
    "zkvm-kit: build and run RV32IM guests (C or Rust), make dev-mode receipts, verify Groth16 receipts, " +
      "deploy verifier contracts and submit receipts to them",
  )
  .version("0.1.0")
  .exitOverride()
  .showSuggestionAfterError();

const commands: Array<(program: Command) => void> = [
  newProject,
  build,
  execute,
  imageId,
  prove,
  verify,
  deploy,
  submit,
  groth16,
  relay,
];
for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  // Help and --version exit 0; every other commander error is a usage error.
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? EXIT.OK : EXIT.USAGE);
  if (err instanceof CliError) {
    console.error(`error: ${err.message}`);
    process.exit(err.exitCode);
  }
  if (err instanceof Error) {
    // Library errors are typed and say what to do; print them without a stack unless asked.
    console.error(`error: ${err.name}: ${err.message}`);
    if (process.env.ZKVM_DEBUG) console.error(err.stack);
    process.exit(EXIT.FAILED);
  }
  throw err;
}
