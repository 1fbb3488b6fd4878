/** `npm run demo`: runs the pipeline as far as it goes today and says what each step produced. */
import { bytesToHex } from "@noble/hashes/utils.js";
import { journalDigest, okClaim, receiptClaimDigest } from "../src/receipt/claim.ts";

const journal = new TextEncoder().encode("hello from zkvm-kit");
const imageId = new Uint8Array(32);
const claim = okClaim(imageId, journalDigest(journal));
console.log(
  `claim digest of ok(0x00…00, sha256("hello from zkvm-kit")): ${bytesToHex(receiptClaimDigest(claim))}`,
);
