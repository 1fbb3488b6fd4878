// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IReceiptVerifier, Receipt} from "./IReceiptVerifier.sol";

/// @title ReceiptVerifierRouter
/// @notice One address for consumers: routes each seal to the verifier registered for its 4-byte selector.
/// New proof systems or control roots are added under new selectors; a removed selector is tombstoned
/// and can never be registered again, so a seal can never silently change meaning.
/// @dev Owner actions use OpenZeppelin's two-step ownership transfer.
contract ReceiptVerifierRouter is IReceiptVerifier, Ownable2Step {
    /// @dev Marks a removed selector.
    IReceiptVerifier internal constant TOMBSTONE = IReceiptVerifier(address(1));

    mapping(bytes4 selector => IReceiptVerifier verifier) internal _verifiers;

    /// @notice A verifier is already registered under this selector.
    error SelectorInUse(bytes4 selector);
    /// @notice This selector was removed; it can never be used again.
    error SelectorRemoved(bytes4 selector);
    /// @notice No verifier is registered under this selector.
    error SelectorUnknown(bytes4 selector);
    /// @notice The seal is shorter than its 4-byte selector.
    error SealTooShort(uint256 length);
    /// @notice The verifier is not a contract (a call to it would succeed without verifying anything).
    error InvalidVerifier(address verifier);

    event VerifierAdded(bytes4 indexed selector, IReceiptVerifier indexed verifier);
    event VerifierRemoved(bytes4 indexed selector);

    constructor(address initialOwner) Ownable(initialOwner) {}

    /// @notice Registers `verifier` for seals starting with `selector`. Each selector can be added once.
    function addVerifier(bytes4 selector, IReceiptVerifier verifier) external onlyOwner {
        // A call to an address without code succeeds, so such an entry would accept every seal.
        if (address(verifier).code.length == 0) revert InvalidVerifier(address(verifier));
        IReceiptVerifier current = _verifiers[selector];
        if (current == TOMBSTONE) revert SelectorRemoved(selector);
        if (address(current) != address(0)) revert SelectorInUse(selector);
        _verifiers[selector] = verifier;
        emit VerifierAdded(selector, verifier);
    }

    /// @notice Removes the verifier for `selector` permanently (the selector is tombstoned).
    function removeVerifier(bytes4 selector) external onlyOwner {
        getVerifier(selector);
        _verifiers[selector] = TOMBSTONE;
        emit VerifierRemoved(selector);
    }

    /// @notice The verifier registered for `selector`; reverts if there is none or it was removed.
    function getVerifier(bytes4 selector) public view returns (IReceiptVerifier verifier) {
        verifier = _verifiers[selector];
        if (verifier == TOMBSTONE) revert SelectorRemoved(selector);
        if (address(verifier) == address(0)) revert SelectorUnknown(selector);
    }

    /// @dev The verifier for a seal, chosen by its first four bytes.
    function _verifierForSeal(bytes calldata seal) internal view returns (IReceiptVerifier) {
        if (seal.length < 4) revert SealTooShort(seal.length);
        return getVerifier(bytes4(seal[:4]));
    }

    /// @inheritdoc IReceiptVerifier
    function verify(bytes calldata seal, bytes32 imageId, bytes32 journalDigest) external view {
        _verifierForSeal(seal).verify(seal, imageId, journalDigest);
    }

    /// @inheritdoc IReceiptVerifier
    function verifyIntegrity(Receipt calldata receipt) external view {
        _verifierForSeal(receipt.seal).verifyIntegrity(receipt);
    }
}
