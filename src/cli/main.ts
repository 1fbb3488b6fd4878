#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { register as registerDeploy } from "./commands/deploy.ts";
import { register as execute } from "./commands/execute.ts";
import { register as groth16 } from "./commands/groth16.ts";
import { register as imageId } from "./commands/image-id.ts";
import { register as proveCommand } from "./commands/prove.ts";
import { register as relay } from "./commands/relay.ts";
import { register as registerVerify } from "./commands/verify.ts";
import { CliError } from "./errors.ts";

/**
 * The `zkvm` command. Each subcommand lives in `./commands/<name>.ts` and exports a `register(program)`;
 * add yours to the list below.
 */
const program = new Command()
  .name("zkvm")
  .description("zkvm-kit: prove RV32IM programs, compress to Groth16, verify on Ethereum")
  .version("0.1.0")
  .exitOverride();

const commands: Array<(program: Command) => void> = [
  execute,
  imageId,
  proveCommand,
  registerVerify,
  registerDeploy,
  groth16,
  relay,
];
for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  if (err instanceof CliError) {
    console.error(`error: ${err.message}`);
    process.exit(err.exitCode);
  }
  if (err instanceof Error) {
    // Library errors are typed and say what to do; print them without a stack unless asked.
    console.error(`error: ${err.name}: ${err.message}`);
    if (process.env.ZKVM_DEBUG) console.error(err.stack);
    process.exit(1);
  }
  throw err;
}
