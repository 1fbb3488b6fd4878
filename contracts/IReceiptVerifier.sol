// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @notice A receipt: a seal that attests to the claim with digest `claimDigest`.
/// @dev ABI-compatible with RISC Zero's `Receipt`, so contracts written against either interface interoperate.
struct Receipt {
    bytes seal;
    bytes32 claimDigest;
}

/// @notice Thrown by a verifier when a receipt does not verify.
error VerificationFailed();

/// @title IReceiptVerifier
/// @notice Verifies receipts of zkVM executions. Both functions are `view` and revert on failure, so a
/// consumer contract only needs to call them: a returning call means a valid receipt.
/// @dev Function selectors and the revert data of `VerificationFailed()` are identical to RISC Zero's
/// `IRiscZeroVerifier`, so contracts and tooling written for one work with the other.
interface IReceiptVerifier {
    /// @notice Verifies that `seal` proves that the program with `imageId` halted with exit code 0 and
    /// committed a journal with SHA-256 digest `journalDigest`.
    /// @dev Reverts with `VerificationFailed()` (or a more specific error for a malformed seal) otherwise.
    function verify(bytes calldata seal, bytes32 imageId, bytes32 journalDigest) external view;

    /// @notice Verifies that `receipt.seal` proves the claim with digest `receipt.claimDigest`.
    /// @dev Use this for claims other than "halted with exit code 0", e.g. the all-zero claim of an exploit proof.
    function verifyIntegrity(Receipt calldata receipt) external view;
}
