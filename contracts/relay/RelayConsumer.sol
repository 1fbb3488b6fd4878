// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IZkvmRelay} from "./IZkvmRelay.sol";

/// @title RelayConsumer
/// @notice Base for contracts whose function runs only for a proven journal of one program: request a proof
/// with {_requestProof}, then implement {_handleProof}, which runs once per request, only when called by
/// the relay after it verified a proof of `imageId`.
/// @dev The relay verifies the seal before calling back; this base checks that the call comes from the
/// relay, names the pinned ImageID, and answers a request this contract made and that is still open. The
/// input is not part of the proven claim, so a program whose result depends on its input should commit
/// what it needs of the input to its journal (the example consumer checks it).
abstract contract RelayConsumer {
    /// @notice The relay trusted to deliver verified journals.
    IZkvmRelay public immutable relay;
    /// @notice The only program whose journals this contract accepts.
    bytes32 public immutable imageId;

    /// @notice Requests made by this contract and not yet answered.
    mapping(bytes32 requestId => bool) public pendingRequest;

    /// @notice The caller is not the relay.
    error OnlyRelay(address caller);
    /// @notice The delivered journal is for another program.
    error ImageIdMismatch(bytes32 received, bytes32 expected);
    /// @notice This contract made no such request, or it was answered already.
    error UnknownRequest(bytes32 requestId);
    /// @notice The relay address has no code.
    error RelayNotContract(address relay);

    constructor(IZkvmRelay relay_, bytes32 imageId_) {
        if (address(relay_).code.length == 0) revert RelayNotContract(address(relay_));
        relay = relay_;
        imageId = imageId_;
    }

    /// @notice Called by the relay with a journal that a verified proof of `imageId_` committed.
    function handleProof(bytes32 requestId, bytes32 imageId_, bytes calldata journal) external {
        if (msg.sender != address(relay)) revert OnlyRelay(msg.sender);
        if (imageId_ != imageId) revert ImageIdMismatch(imageId_, imageId);
        if (!pendingRequest[requestId]) revert UnknownRequest(requestId);
        delete pendingRequest[requestId];
        _handleProof(requestId, journal);
    }

    /// @notice Asks the relay for a proof of `imageId` on `input`; `fee` (from this contract's balance) goes
    /// to whoever fulfils it. Returns the request id that {_handleProof} will be called with.
    function _requestProof(bytes memory input, uint64 gasLimit, uint64 deadline, uint256 fee)
        internal
        returns (bytes32 requestId)
    {
        requestId = relay.requestCallback{value: fee}(
            imageId, input, address(this), this.handleProof.selector, gasLimit, deadline
        );
        pendingRequest[requestId] = true;
    }

    /// @notice Like {_requestProof}, for an input the prover fetches from `url` and checks against `inputDigest`.
    function _requestProofFromUrl(string memory url, bytes32 inputDigest, uint64 gasLimit, uint64 deadline, uint256 fee)
        internal
        returns (bytes32 requestId)
    {
        requestId = relay.requestCallbackWithUrl{value: fee}(
            imageId, url, inputDigest, address(this), this.handleProof.selector, gasLimit, deadline
        );
        pendingRequest[requestId] = true;
    }

    /// @notice The journal-gated logic: runs once for each answered request. Reverting here makes the
    /// relay record a failed callback, which can be retried; the request stays open in this contract.
    function _handleProof(bytes32 requestId, bytes calldata journal) internal virtual;
}
