import { existsSync, readFileSync, statSync } from "node:fs";
import { bytesToHex } from "@noble/hashes/utils.js";
import { getAddress, isAddress } from "viem";
import { revertHint } from "../../eth/revert-hints.ts";
import { NoContractError, verifyOnChain } from "../../eth/verify.ts";
import { Groth16FormatError } from "../../groth16/types.ts";
import { type Digest, digestToHex } from "../../hash/digest.ts";
import { journalDigest } from "../../receipt/claim.ts";
import { ReceiptVerificationError } from "../../receipt/errors.ts";
import { DevModeRequiredError, devModeEnabled } from "../../receipt/fake-receipt.ts";
import {
  groth16Selector,
  type KnownGroth16Verifier,
  RISC0_GROTH16_VERIFIERS,
  risc0Groth16Parameters,
  SelectorMismatchError,
  verifyGroth16ReceiptForJournal,
} from "../../receipt/groth16-receipt.ts";
import { type Receipt, receiptSeal, verifyReceipt } from "../../receipt/receipt.ts";
import { RISC0_BN254_CONTROL_ID, RISC0_DEFAULT_CONTROL_ROOT } from "../../receipt/risc0.ts";
import { MOCK_SELECTOR, SealFormatError, sealSelector, selectorToHex } from "../../receipt/seal.ts";
import { computeImageId } from "../../zkvm/image-id.ts";
import { loadProgram } from "../../zkvm/program.ts";
import { CliError, usageError } from "../errors.ts";
import { EXIT } from "../exit-codes.ts";
import { readElfArg, readReceiptArg, readVerifyingKeyArg } from "../io.ts";
import { CONTROL_ROOT_NAMES, controlRootOption, digestOption, hexBytes } from "../options.ts";
import { asCliError, connect } from "../rpc.ts";
import type { VerifyOptions } from "./verify.ts";

const invalid = (message: string) => new CliError(message, EXIT.FAILED);

/** `--journal` is hex if it starts with 0x, otherwise a file whose bytes are the journal. */
function readJournal(value: string): Uint8Array {
  if (/^0x/i.test(value)) return hexBytes(value, "--journal");
  if (!existsSync(value) || statSync(value).isDirectory()) {
    throw usageError(`--journal: no file ${JSON.stringify(value)}; pass 0x-prefixed hex or a file path`);
  }
  return new Uint8Array(readFileSync(value));
}

/** The ImageID the receipt must be for: `--image-id`, or computed from `--elf`. */
function expectedImageId(opts: VerifyOptions): Digest {
  if (opts.imageId && opts.elf)
    throw usageError("give the expected ImageID once: --image-id or --elf, not both");
  if (opts.imageId) return digestOption(opts.imageId, "--image-id");
  if (opts.elf) return computeImageId(loadProgram(readElfArg(opts.elf)));
  throw usageError(
    "verify needs the ImageID the receipt must be for: --image-id 0x… or --elf <guest.elf> " +
      "(a receipt on its own only says that some program ran)",
  );
}

/** The action of `zkvm verify` (loaded when the command runs). */
export async function runVerify(opts: VerifyOptions): Promise<void> {
  if (opts.receipt && opts.seal) throw usageError("--receipt and --seal are alternatives; give one");
  if (!opts.receipt && !opts.seal) {
    throw usageError("verify needs --receipt <file>, or --seal <hex> with --image-id and --journal");
  }
  if ((opts.rpc || opts.router) && (opts.controlRoot || opts.bn254ControlId)) {
    throw usageError(
      "--control-root/--bn254-control-id apply off chain only; the router picks the verifier by selector",
    );
  }
  if (opts.receipt && (opts.controlRoot || opts.bn254ControlId)) {
    throw usageError("a receipt's seal names its verifier; --control-root/--bn254-control-id go with --seal");
  }
  if (opts.rpc || opts.router) {
    if (!opts.rpc || !opts.router) throw usageError("on-chain verification needs both --rpc and --router");
    if (!isAddress(opts.router)) throw usageError(`--router ${opts.router} is not an address`);
  }
  const imageId = expectedImageId(opts);
  let seal: Uint8Array | undefined;
  let journal: Uint8Array;
  let receipt: Receipt | undefined;
  if (opts.receipt) {
    receipt = readReceiptArg(opts.receipt);
    journal = receipt.journal;
    if (opts.journal) {
      const expected = readJournal(opts.journal);
      if (bytesToHex(expected) !== bytesToHex(journal)) {
        throw invalid(
          `the receipt's journal is 0x${bytesToHex(journal)}, not the expected 0x${bytesToHex(expected)}`,
        );
      }
    }
    // Only a contract needs the seal (and a composite receipt has none a contract could check).
    if (opts.rpc) {
      try {
        seal = receiptSeal(receipt);
      } catch (err) {
        if (err instanceof ReceiptVerificationError) throw usageError(err.shortMessage);
        throw err;
      }
    }
  } else {
    if (!opts.journal) throw usageError("--seal needs --journal (and --image-id)");
    seal = hexBytes(opts.seal!, "--seal");
    journal = readJournal(opts.journal);
  }
  const dev = opts.dev || devModeEnabled();
  if (receipt?.kind === "fake" && opts.rpc) {
    if (!dev) {
      throw invalid(
        "this is a fake (dev-mode) receipt: it proves nothing, and its mock seal is only accepted by a " +
          "MockReceiptVerifier; set ZKVM_DEV_MODE=1 or pass --dev to use it on a development chain",
      );
    }
    console.error(
      "WARNING: dev mode is on: sending a FAKE receipt's mock seal, which only a MockReceiptVerifier accepts",
    );
  }
  if (opts.rpc) {
    await verifyThroughRouter(opts.rpc, getAddress(opts.router!), seal!, imageId, journal, opts.timeout);
    return;
  }
  const ours = opts.groth16Key ? await ourGroth16Verifier(opts.groth16Key) : undefined;
  if (receipt) verifyReceiptOffChain(receipt, imageId, dev, ours);
  else verifySealOffChain(seal!, imageId, journal, opts, ours);
  console.log(
    `valid: receipt for image 0x${digestToHex(imageId)}, journal digest 0x${digestToHex(journalDigest(journal))}`,
  );
}

/** The verifier of seals made by this version's wrap (published release) with the given key. */
async function ourGroth16Verifier(path: string): Promise<KnownGroth16Verifier> {
  const vk = await readVerifyingKeyArg(path);
  const { wrapReleaseParameters } = await import("../../groth16/wrap/release.ts");
  const parameters = wrapReleaseParameters(vk);
  return { release: "zkvm-kit", parameters, selector: groth16Selector(parameters) };
}

function verifyReceiptOffChain(
  receipt: Receipt,
  imageId: Digest,
  dev: boolean,
  ours: KnownGroth16Verifier | undefined,
): void {
  try {
    verifyReceipt(receipt, imageId, undefined, {
      devMode: dev,
      warn: (m) => console.error(m),
      ...(ours ? { groth16Verifiers: [...RISC0_GROTH16_VERIFIERS, ours] } : {}),
    });
  } catch (err) {
    if (err instanceof DevModeRequiredError || err instanceof ReceiptVerificationError) {
      throw invalid(`invalid receipt: ${err.shortMessage}`);
    }
    throw err;
  }
}

function verifySealOffChain(
  seal: Uint8Array,
  imageId: Digest,
  journal: Uint8Array,
  opts: VerifyOptions,
  ours: KnownGroth16Verifier | undefined,
): void {
  if (seal.length >= 4 && selectorToHex(sealSelector(seal)) === selectorToHex(MOCK_SELECTOR)) {
    throw invalid(
      "this is a dev-mode (mock) seal, not a proof; only a MockReceiptVerifier accepts it " +
        "(verify the receipt file instead: zkvm verify --receipt <file> --dev)",
    );
  }
  if (ours && (opts.controlRoot || opts.bn254ControlId))
    throw usageError(
      "--groth16-key verifies seals of the published release: drop --control-root/--bn254-control-id",
    );
  const params =
    ours?.parameters ??
    risc0Groth16Parameters(
      opts.controlRoot ? controlRootOption(opts.controlRoot) : RISC0_DEFAULT_CONTROL_ROOT,
      opts.bn254ControlId ? digestOption(opts.bn254ControlId, "--bn254-control-id") : RISC0_BN254_CONTROL_ID,
    );
  let valid: boolean;
  try {
    valid = verifyGroth16ReceiptForJournal(seal, imageId, journal, params);
  } catch (err) {
    if (err instanceof SelectorMismatchError) {
      throw invalid(`${err.shortMessage}. Known RISC Zero control roots: ${CONTROL_ROOT_NAMES}`);
    }
    if (err instanceof SealFormatError || err instanceof Groth16FormatError) {
      throw invalid(`malformed seal: ${err.shortMessage}`);
    }
    throw err;
  }
  if (!valid) throw invalid("invalid receipt: the proof does not verify for this image id and journal");
}

async function verifyThroughRouter(
  url: string,
  router: `0x${string}`,
  seal: Uint8Array,
  imageId: Digest,
  journal: Uint8Array,
  timeoutMs: number,
): Promise<void> {
  const { publicClient } = await connect(url, timeoutMs);
  let result: Awaited<ReturnType<typeof verifyOnChain>>;
  try {
    result = await verifyOnChain({
      client: publicClient,
      verifier: router,
      seal,
      imageId,
      journalDigest: journalDigest(journal),
    });
  } catch (err) {
    if (err instanceof NoContractError) throw usageError(err.shortMessage);
    throw await asCliError(err, url);
  }
  if (!result.valid) {
    const args = result.args?.length ? `(${result.args.map(String).join(", ")})` : "";
    const hint = revertHint(result.error, result.args, { rpcUrl: url });
    throw invalid(
      `receipt rejected on chain by ${router}: ${result.error}${args}${hint ? `\nhint: ${hint}` : ""}`,
    );
  }
  console.log(`valid: the router at ${router} accepted the receipt`);
}
