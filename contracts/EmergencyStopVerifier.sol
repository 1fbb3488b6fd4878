// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {IReceiptVerifier, Receipt} from "./IReceiptVerifier.sol";

/// @title EmergencyStopVerifier
/// @notice Wraps a verifier so that it can be stopped for good: by its owner, or by anyone who presents a
/// receipt that the wrapped verifier accepts for the all-zero claim digest — a claim no honest execution
/// produces, so such a receipt proves the verifier unsound. Once stopped, every call reverts.
/// @dev Register the wrapper (not the bare verifier) in the router. There is deliberately no way to resume.
contract EmergencyStopVerifier is IReceiptVerifier, Ownable2Step, Pausable {
    /// @notice The wrapped verifier.
    IReceiptVerifier public immutable verifier;

    /// @notice The receipt given as a proof of exploit does not claim the all-zero digest.
    error NotAProofOfExploit(bytes32 claimDigest);

    /// @notice The wrapped verifier is not a contract.
    error InvalidVerifier(address verifier);

    /// @notice Emitted when the verifier is stopped; `byProof` tells whether a proof of exploit stopped it.
    event EmergencyStop(address indexed by, bool byProof);

    constructor(IReceiptVerifier verifier_, address initialOwner) Ownable(initialOwner) {
        // A call to an address without code succeeds, which would make every seal "valid".
        if (address(verifier_).code.length == 0) revert InvalidVerifier(address(verifier_));
        verifier = verifier_;
    }

    /// @notice Stops the verifier permanently (owner only).
    function estop() external onlyOwner {
        _pause();
        emit EmergencyStop(msg.sender, false);
    }

    /// @notice Stops the verifier permanently, for anyone who shows that it accepts a receipt for the
    /// all-zero claim digest.
    function estop(Receipt calldata receipt) external {
        if (receipt.claimDigest != bytes32(0)) revert NotAProofOfExploit(receipt.claimDigest);
        verifier.verifyIntegrity(receipt);
        _pause();
        emit EmergencyStop(msg.sender, true);
    }

    /// @inheritdoc IReceiptVerifier
    function verify(bytes calldata seal, bytes32 imageId, bytes32 journalDigest) external view whenNotPaused {
        verifier.verify(seal, imageId, journalDigest);
    }

    /// @inheritdoc IReceiptVerifier
    function verifyIntegrity(Receipt calldata receipt) external view whenNotPaused {
        verifier.verifyIntegrity(receipt);
    }
}
