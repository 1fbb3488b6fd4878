// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title FaultyCallback
/// @notice Test-only callback target that misbehaves on demand, for the relay's fault suite: it succeeds,
/// reverts, burns all its gas, returns a huge revert reason, or re-enters the relay with a stored call.
contract FaultyCallback {
    enum Mode {
        Ok,
        Revert,
        BurnGas,
        RevertHuge,
        Reenter
    }

    Mode public mode;
    /// @notice Calldata sent back to the relay in `Reenter` mode.
    bytes public reentryCall;
    address public relay;
    bool public reentrySucceeded;
    bytes public reentryResult;
    /// @notice Deliveries per request id (must never exceed one).
    mapping(bytes32 requestId => uint256) public deliveries;
    /// @notice keccak256 of the last journal delivered.
    bytes32 public lastJournalHash;
    /// @notice gasleft() at the start of the last callback.
    uint256 public gasAtEntry;

    error Refused(bytes32 requestId);

    function setMode(Mode mode_) external {
        mode = mode_;
    }

    function setReentry(address relay_, bytes calldata call_) external {
        relay = relay_;
        reentryCall = call_;
        mode = Mode.Reenter;
    }

    function handleProof(bytes32 requestId, bytes32, bytes calldata journal) external {
        uint256 g = gasleft();
        Mode m = mode;
        if (m == Mode.Revert) revert Refused(requestId);
        if (m == Mode.BurnGas) {
            while (true) {}
        }
        if (m == Mode.RevertHuge) {
            assembly {
                revert(0, 100000)
            }
        }
        if (m == Mode.Reenter) {
            (reentrySucceeded, reentryResult) = relay.call(reentryCall);
        }
        gasAtEntry = g;
        deliveries[requestId] += 1;
        lastJournalHash = keccak256(journal);
    }
}
