// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IZkvmRelay} from "../IZkvmRelay.sol";
import {RelayConsumer} from "../RelayConsumer.sol";

/// @title EvenNumberConsumer
/// @notice The even-number example through the relay: anyone asks for `x` to be stored; the relay proves
/// that the even-number guest accepts `x` and calls back; only then is `number` set. The guest reads
/// `x` as 32 big-endian bytes (`abi.encode(x)`) and commits the same bytes as its journal.
contract EvenNumberConsumer is RelayConsumer {
    /// @notice Gas the callback needs (decode, compare, two stores, one event), with a margin.
    uint64 public constant CALLBACK_GAS = 100_000;

    /// @notice The last proven number; always even.
    uint256 public number;
    /// @notice The number each open request asked for.
    mapping(bytes32 requestId => uint256) public requested;

    event NumberRequested(bytes32 indexed requestId, uint256 x);
    event NumberSet(bytes32 indexed requestId, uint256 x);

    /// @notice The journal proves a different number than the request asked for.
    error JournalNumberMismatch(bytes32 requestId, uint256 proven, uint256 requested);

    constructor(IZkvmRelay relay_, bytes32 imageId_) RelayConsumer(relay_, imageId_) {}

    /// @notice Requests that `x` be stored once proven even; `msg.value` is the relay fee.
    function requestNumber(uint256 x, uint64 deadline) external payable returns (bytes32 requestId) {
        requestId = _requestProof(abi.encode(x), CALLBACK_GAS, deadline, msg.value);
        requested[requestId] = x;
        emit NumberRequested(requestId, x);
    }

    function _handleProof(bytes32 requestId, bytes calldata journal) internal override {
        uint256 x = abi.decode(journal, (uint256));
        uint256 want = requested[requestId];
        // The claim does not bind the input, but this guest commits it: check it is what was asked.
        if (x != want) revert JournalNumberMismatch(requestId, x, want);
        delete requested[requestId];
        number = x;
        emit NumberSet(requestId, x);
    }
}
