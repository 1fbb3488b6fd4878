// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IReceiptVerifier, Receipt, VerificationFailed} from "./IReceiptVerifier.sol";
import {ClaimDigest} from "./ReceiptClaim.sol";

/// @title MockReceiptVerifier
/// @notice Development-mode verifier: accepts the seal `0xFFFFFFFF ‖ claimDigest` for any claim, without a
/// proof. It exists so that applications can be developed against dev-mode (fake) receipts; it is
/// insecure by design, so it refuses to be deployed on any chain but a local development chain unless
/// the deployer forces it.
contract MockReceiptVerifier is IReceiptVerifier {
    /// @notice The selector of mock seals.
    bytes4 public constant SELECTOR = 0xFFFFFFFF;

    /// @notice Deployment on a chain other than a local development chain (31337, 1337) was not forced.
    error NotADevelopmentChain(uint256 chainId);
    /// @notice The seal is not `SELECTOR ‖ claimDigest` (36 bytes) with the mock selector.
    error SelectorMismatch(bytes4 received, bytes4 expected);
    error SealLengthInvalid(uint256 length);

    /// @param forceOnAnyChain Deploy even though this is not a local development chain. Never on a chain
    /// that holds value: anyone can forge a mock seal.
    constructor(bool forceOnAnyChain) {
        if (!forceOnAnyChain && block.chainid != 31337 && block.chainid != 1337) {
            revert NotADevelopmentChain(block.chainid);
        }
    }

    /// @notice The mock seal for the claim with digest `claimDigest`.
    function mockSeal(bytes32 claimDigest) external pure returns (bytes memory) {
        return abi.encodePacked(SELECTOR, claimDigest);
    }

    /// @inheritdoc IReceiptVerifier
    function verify(bytes calldata seal, bytes32 imageId, bytes32 journalDigest) external view {
        _verifyIntegrity(seal, ClaimDigest.okDigest(imageId, journalDigest));
    }

    /// @inheritdoc IReceiptVerifier
    function verifyIntegrity(Receipt calldata receipt) external pure {
        _verifyIntegrity(receipt.seal, receipt.claimDigest);
    }

    function _verifyIntegrity(bytes calldata seal, bytes32 claimDigest) internal pure {
        if (seal.length != 36) revert SealLengthInvalid(seal.length);
        if (bytes4(seal[:4]) != SELECTOR) revert SelectorMismatch(bytes4(seal[:4]), SELECTOR);
        if (bytes32(seal[4:]) != claimDigest) revert VerificationFailed();
    }
}
