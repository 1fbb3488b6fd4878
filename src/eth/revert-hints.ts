import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { knownGroth16Verifier } from "../receipt/groth16-receipt.ts";
import { MOCK_SELECTOR } from "../receipt/seal.ts";

/**
 * What to do about a revert of our contracts: a sentence per custom error, naming the command that fixes
 * it where there is one. Used by `zkvm verify --rpc` and `zkvm submit` after decoding a revert with
 * {@link allContractErrorsAbi}.
 */
export interface HintContext {
  /** The endpoint, for the commands suggested. */
  rpcUrl?: string;
}

export function revertHint(
  errorName: string,
  args: readonly unknown[] = [],
  context: HintContext = {},
): string | undefined {
  const rpc = context.rpcUrl ?? "<url>";
  switch (errorName) {
    case "SelectorUnknown": {
      const selector = String(args[0] ?? "");
      const bytes = /^0x[0-9a-fA-F]{8}$/.test(selector) ? hexToBytes(selector.slice(2)) : undefined;
      if (bytes && bytesToHex(bytes) === bytesToHex(MOCK_SELECTOR)) {
        return (
          `the router has no dev-mode mock verifier (selector ${selector}); on a local development chain deploy it ` +
          `with: zkvm deploy --rpc ${rpc} --mock`
        );
      }
      const known = bytes && knownGroth16Verifier(bytes);
      if (known) {
        return (
          `the router has no verifier for RISC Zero ${known.release} Groth16 receipts (selector ${selector}); ` +
          `deploy one with: zkvm deploy --rpc ${rpc} --control-root ${known.release}`
        );
      }
      return `the router has no verifier for selector ${selector}: the seal was made for a verifier this router does not know`;
    }
    case "SelectorRemoved":
      return (
        `the router's owner removed the verifier for selector ${String(args[0])} (an emergency): seals with this ` +
        "selector can never verify again; prove again for a current verifier"
      );
    case "VerificationFailed":
      return (
        "the seal does not prove the claim the contract checked, ok(imageId, sha256(journal)): check that the " +
        "contract's ImageID is the guest's (rebuild it and ImageID.sol), that the call's arguments encode the " +
        "receipt's journal exactly, and that the receipt is for this guest"
      );
    case "EnforcedPause":
      return "this verifier was stopped through its emergency stop; use a verifier registered under another selector";
    case "SealTooShort":
    case "SealLengthInvalid":
    case "SealPointInvalid":
    case "SelectorMismatch":
      return "the seal is malformed or was cut short: pass the receipt's seal unchanged";
    case "InvalidVerifier":
      return "the verifier address has no contract code; pass the router's address (deployments/<chainId>.json)";
    case "NotADevelopmentChain":
      return "the mock verifier only deploys on a local development chain (31337 or 1337)";
    case "OwnableUnauthorizedAccount":
      return `only the owner (not ${String(args[0])}) may do this; use the owner's key`;
    default:
      return undefined;
  }
}
