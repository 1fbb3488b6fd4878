import { existsSync, readFileSync } from "node:fs";
import { hexToBytes } from "@noble/hashes/utils.js";
import type { Command } from "commander";
import { createPublicClient, getAddress, http, isAddress } from "viem";
import { verifyOnChain } from "../../eth/verify.ts";
import { Groth16FormatError } from "../../groth16/types.ts";
import { digestFromHex, digestToHex, InvalidDigestError } from "../../hash/digest.ts";
import { journalDigest } from "../../receipt/claim.ts";
import {
  risc0Groth16Parameters,
  SelectorMismatchError,
  verifyGroth16ReceiptForJournal,
} from "../../receipt/groth16-receipt.ts";
import {
  RISC0_BN254_CONTROL_ID,
  RISC0_CONTROL_ROOTS,
  RISC0_DEFAULT_CONTROL_ROOT,
} from "../../receipt/risc0.ts";
import { MOCK_SELECTOR, SealFormatError, sealSelector, selectorToHex } from "../../receipt/seal.ts";
import { CliError } from "../errors.ts";
import { verifyReceiptFile } from "./verify-receipt.ts";

/** Exit codes: 0 valid receipt, 1 invalid receipt, 2 bad input or unreachable chain. */
const INVALID = 1;
const BAD_INPUT = 2;

function hexBytes(value: string, what: string): Uint8Array {
  const body = value.startsWith("0x") || value.startsWith("0X") ? value.slice(2) : value;
  if (body.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(body)) {
    throw new CliError(`${what} must be 0x-prefixed hex with an even number of digits`, BAD_INPUT);
  }
  return hexToBytes(body);
}

function digestOption(value: string, what: string): Uint8Array {
  try {
    return digestFromHex(value);
  } catch (err) {
    if (err instanceof InvalidDigestError) throw new CliError(`${what}: ${err.message}`, BAD_INPUT);
    throw err;
  }
}

/** `--journal` is hex if it starts with 0x, otherwise a file whose bytes are the journal. */
function readJournal(value: string): Uint8Array {
  if (value.startsWith("0x")) return hexBytes(value, "--journal");
  if (!existsSync(value)) {
    throw new CliError(
      `--journal: no file ${JSON.stringify(value)}; pass 0x-prefixed hex or a file path`,
      BAD_INPUT,
    );
  }
  return new Uint8Array(readFileSync(value));
}

interface VerifyOptions {
  seal?: string;
  receipt?: string;
  imageId: string;
  journal?: string;
  controlRoot?: string;
  bn254ControlId?: string;
  rpc?: string;
  router?: string;
}

export function register(program: Command): void {
  program
    .command("verify")
    .description(
      "verify a receipt file (--receipt) or a Groth16 seal (--seal with --journal) for an image id: off chain, or a seal through a deployed router",
    )
    .option("--receipt <file>", "a receipt written by `zkvm prove` (binary or JSON; real, or dev-mode fake)")
    .option("--seal <hex>", "the seal: 4-byte selector followed by the proof")
    .requiredOption("--image-id <hex>", "ImageID of the guest program (32 bytes)")
    .option(
      "--journal <hex|file>",
      "the journal: 0x-prefixed hex, or a file holding its bytes (default for --receipt: the receipt's own)",
    )
    .option(
      "--control-root <hex>",
      `control root the receipt was made under (default: RISC Zero ${RISC0_CONTROL_ROOTS.at(-1)!.release}, 0x${digestToHex(RISC0_DEFAULT_CONTROL_ROOT)})`,
    )
    .option("--bn254-control-id <hex>", "BN254 control id as ControlID.sol writes it (default: RISC Zero's)")
    .option("--rpc <url>", "verify on chain through this JSON-RPC endpoint (needs --router)")
    .option("--router <address>", "address of the ReceiptVerifierRouter (or any verifier) to call")
    .addHelpText(
      "after",
      "\nExit code: 0 for a valid receipt, 1 for an invalid one, 2 for bad input or an unreachable chain.",
    )
    .action(async (opts: VerifyOptions) => {
      const imageId = digestOption(opts.imageId, "--image-id");
      if (opts.receipt !== undefined) {
        if (opts.seal !== undefined || opts.rpc || opts.router)
          throw new CliError(
            "--receipt is verified off chain on its own; drop --seal/--rpc/--router",
            BAD_INPUT,
          );
        verifyReceiptFile(
          opts.receipt,
          imageId,
          opts.journal === undefined ? undefined : readJournal(opts.journal),
        );
        return;
      }
      if (opts.seal === undefined || opts.journal === undefined)
        throw new CliError("pass --receipt <file>, or --seal <hex> with --journal <hex|file>", BAD_INPUT);
      const seal = hexBytes(opts.seal, "--seal");
      const journal = readJournal(opts.journal);
      const jd = journalDigest(journal);

      if (opts.rpc || opts.router) {
        if (!opts.rpc || !opts.router)
          throw new CliError("on-chain verification needs both --rpc and --router", BAD_INPUT);
        if (!isAddress(opts.router))
          throw new CliError(`--router ${opts.router} is not an address`, BAD_INPUT);
        if (opts.controlRoot || opts.bn254ControlId) {
          throw new CliError(
            "--control-root/--bn254-control-id apply off chain only; the router picks the verifier by selector",
            BAD_INPUT,
          );
        }
        const client = createPublicClient({ transport: http(opts.rpc, { retryCount: 1, timeout: 20_000 }) });
        let result: Awaited<ReturnType<typeof verifyOnChain>>;
        try {
          result = await verifyOnChain({
            client,
            verifier: getAddress(opts.router),
            seal,
            imageId,
            journalDigest: jd,
          });
        } catch (err) {
          throw new CliError(
            `on-chain verification could not run: ${(err as Error).message.split("\n")[0]}`,
            BAD_INPUT,
          );
        }
        if (!result.valid) {
          const args = result.args?.length ? `(${result.args.map(String).join(", ")})` : "";
          throw new CliError(`receipt rejected on chain by ${opts.router}: ${result.error}${args}`, INVALID);
        }
        console.log(`valid: the router at ${opts.router} accepted the receipt`);
        return;
      }

      if (seal.length >= 4 && selectorToHex(sealSelector(seal)) === selectorToHex(MOCK_SELECTOR)) {
        throw new CliError(
          "this is a dev-mode (mock) seal, not a proof; only a MockReceiptVerifier accepts it",
          INVALID,
        );
      }
      const params = risc0Groth16Parameters(
        opts.controlRoot ? digestOption(opts.controlRoot, "--control-root") : RISC0_DEFAULT_CONTROL_ROOT,
        opts.bn254ControlId
          ? digestOption(opts.bn254ControlId, "--bn254-control-id")
          : RISC0_BN254_CONTROL_ID,
      );
      let valid: boolean;
      try {
        valid = verifyGroth16ReceiptForJournal(seal, imageId, { digest: jd }, params);
      } catch (err) {
        if (err instanceof SelectorMismatchError) {
          const known = RISC0_CONTROL_ROOTS.map((r) => `${r.release}: 0x${digestToHex(r.controlRoot)}`).join(
            ", ",
          );
          throw new CliError(`${err.message}. Known RISC Zero control roots: ${known}`, INVALID);
        }
        if (err instanceof SealFormatError || err instanceof Groth16FormatError) {
          throw new CliError(`malformed seal: ${err.message}`, INVALID);
        }
        throw err;
      }
      if (!valid)
        throw new CliError(
          "invalid receipt: the proof does not verify for this image id and journal",
          INVALID,
        );
      console.log(`valid: receipt for image 0x${digestToHex(imageId)}, journal digest 0x${digestToHex(jd)}`);
    });
}
