// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IReceiptVerifier} from "../IReceiptVerifier.sol";

/// @title EvenNumber
/// @notice Stores a number only with a proof that the even-number guest checked it: the guest halts
/// successfully only for an even input and commits it as its journal, `abi.encode(x)`.
/// @dev The minimal journal-gated contract: the proof, not this contract, establishes that x is even.
contract EvenNumber {
    /// @notice The verifier (normally the router) that checks seals.
    IReceiptVerifier public immutable verifier;
    /// @notice ImageID of the even-number guest.
    bytes32 public immutable imageId;

    /// @notice The last number set; always even.
    uint256 public number;

    event NumberSet(uint256 x);

    /// @notice The verifier is not a contract (calls to it would succeed without verifying anything).
    error InvalidVerifier(address verifier);

    constructor(IReceiptVerifier verifier_, bytes32 imageId_) {
        if (address(verifier_).code.length == 0) revert InvalidVerifier(address(verifier_));
        verifier = verifier_;
        imageId = imageId_;
    }

    /// @notice Sets `number` to `x`, given a seal proving that the guest accepted `x`.
    function set(uint256 x, bytes calldata seal) external {
        verifier.verify(seal, imageId, sha256(abi.encode(x)));
        number = x;
        emit NumberSet(x);
    }
}
