// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ClaimDigest, ExitCode, Output, ReceiptClaim, SystemExitCode, SystemState} from "../ReceiptClaim.sol";
import {DigestSplit} from "../groth16/DigestSplit.sol";

/// @notice Test-only: exposes the digest libraries so that tests compare them with the TypeScript side.
contract ClaimDigestHarness {
    function systemStateDigest(uint32 pc, bytes32 merkleRoot) external pure returns (bytes32) {
        return ClaimDigest.digest(SystemState(pc, merkleRoot));
    }

    function outputDigest(bytes32 journalDigest, bytes32 assumptionsDigest) external pure returns (bytes32) {
        return ClaimDigest.digest(Output(journalDigest, assumptionsDigest));
    }

    function receiptClaimDigest(
        bytes32 preStateDigest,
        bytes32 postStateDigest,
        uint8 system,
        uint32 user,
        bytes32 input,
        bytes32 output
    ) external pure returns (bytes32) {
        return ClaimDigest.digest(
            ReceiptClaim(preStateDigest, postStateDigest, ExitCode(SystemExitCode(system), user), input, output)
        );
    }

    function okDigest(bytes32 imageId, bytes32 journalDigest) external view returns (bytes32) {
        return ClaimDigest.okDigest(imageId, journalDigest);
    }

    function okClaimDigest(bytes32 imageId, bytes32 journalDigest) external pure returns (bytes32) {
        return ClaimDigest.digest(ClaimDigest.ok(imageId, journalDigest));
    }

    function split(bytes32 digest) external pure returns (uint256 low, uint256 high) {
        return DigestSplit.split(digest);
    }
}
