// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IReceiptVerifier} from "../IReceiptVerifier.sol";
import {CallbackRequest, Fulfilment, InputKind, IZkvmRelay, RequestStatus} from "./IZkvmRelay.sol";

/// @title ZkvmRelay
/// @notice Contracts request a proof of a program (ImageID) on an input; anyone holding a valid proof
/// fulfils the request; the relay verifies the proof through the verifier (normally the router) and calls
/// the requested callback with exactly the requested gas.
/// @dev Guarantees, each tested:
/// - A request is a commitment: `keccak256(abi.encode(request))` is stored and every delivery presents
///   the same fields, so the image, callback, selector, gas and deadline cannot differ from the request.
/// - A request leaves `Pending` once: state (status, fee credit) is written before the callback runs, so a
///   re-entering callback finds nothing to fulfil twice.
/// - Only an invalid proof, a mismatched request or too little gas reverts a delivery. A callback that
///   reverts or runs out of its gas is recorded (`CallbackFailed`) and can be retried with the same journal.
/// - The callback gets exactly `gasLimit` (the 63/64 rule is checked before the call), only a contract is
///   called, and at most `MAX_REASON_BYTES` of its return data are copied.
/// - Fees are held in escrow and paid by crediting balances (pull payments): to the fulfiller when the
///   proof verifies, back to the requester after the deadline.
contract ZkvmRelay is IZkvmRelay {
    /// @notice Gas kept back for the CALL itself and the bookkeeping around it when checking that the
    /// callback can receive its full gas limit.
    uint256 public constant CALL_GAS_RESERVE = 5_000;
    /// @notice At most this many bytes of a failed callback's return data are copied and emitted.
    uint256 public constant MAX_REASON_BYTES = 256;

    /// @notice The verifier every seal is checked against (normally a `ReceiptVerifierRouter`).
    IReceiptVerifier public immutable verifier;
    /// @notice The largest callback gas limit a request may ask for.
    uint64 public immutable maxCallbackGas;
    /// @notice The largest input accepted inline; larger inputs go by URL and digest.
    uint256 public immutable maxInlineInputBytes;

    struct RequestRecord {
        bytes32 digest;
        uint96 fee;
        RequestStatus status;
    }

    mapping(bytes32 requestId => RequestRecord) internal _requests;
    /// @notice sha256 of the journal whose callback failed, so a retry delivers exactly the proven journal.
    mapping(bytes32 requestId => bytes32) public failedJournalDigest;
    /// @notice The next nonce of each requester.
    mapping(address requester => uint64) public nonces;
    /// @notice Fees earned and refunds owed, withdrawable with {withdraw}.
    mapping(address account => uint256) public balanceOf;

    /// @notice The verifier is not a contract (calls to it would succeed without verifying anything).
    error InvalidVerifier(address verifier);

    constructor(IReceiptVerifier verifier_, uint64 maxCallbackGas_, uint256 maxInlineInputBytes_) {
        if (address(verifier_).code.length == 0) revert InvalidVerifier(address(verifier_));
        verifier = verifier_;
        maxCallbackGas = maxCallbackGas_;
        maxInlineInputBytes = maxInlineInputBytes_;
    }

    // ------------------------------------------------------------------ requests

    /// @notice Requests a proof of `imageId` on `input`, delivered to `callback.selector(requestId, imageId,
    /// journal)` with `gasLimit` gas, no later than `deadline`. `msg.value` is the fee held in escrow.
    function requestCallback(
        bytes32 imageId,
        bytes calldata input,
        address callback,
        bytes4 selector,
        uint64 gasLimit,
        uint64 deadline
    ) external payable returns (bytes32) {
        if (input.length > maxInlineInputBytes) revert InputTooLarge(input.length, maxInlineInputBytes);
        return _submit(imageId, sha256(input), callback, selector, gasLimit, deadline, InputKind.Inline, input);
    }

    /// @notice Like {requestCallback}, for an input fetched from `url` whose sha256 must be `inputDigest`.
    function requestCallbackWithUrl(
        bytes32 imageId,
        string calldata url,
        bytes32 inputDigest,
        address callback,
        bytes4 selector,
        uint64 gasLimit,
        uint64 deadline
    ) external payable returns (bytes32) {
        if (bytes(url).length == 0) revert InputUrlEmpty();
        if (bytes(url).length > maxInlineInputBytes) revert InputTooLarge(bytes(url).length, maxInlineInputBytes);
        return _submit(imageId, inputDigest, callback, selector, gasLimit, deadline, InputKind.Url, bytes(url));
    }

    function _submit(
        bytes32 imageId,
        bytes32 inputDigest,
        address callback,
        bytes4 selector,
        uint64 gasLimit,
        uint64 deadline,
        InputKind kind,
        bytes calldata input
    ) internal returns (bytes32 id) {
        if (callback.code.length == 0) revert CallbackNotContract(callback);
        if (gasLimit == 0 || gasLimit > maxCallbackGas) revert CallbackGasLimitInvalid(gasLimit, maxCallbackGas);
        if (deadline <= block.timestamp) revert DeadlineInvalid(deadline);
        CallbackRequest memory request = CallbackRequest({
            requester: msg.sender,
            nonce: nonces[msg.sender]++,
            imageId: imageId,
            inputDigest: inputDigest,
            callback: callback,
            selector: selector,
            gasLimit: gasLimit,
            deadline: deadline
        });
        id = requestId(msg.sender, request.nonce);
        _requests[id] = RequestRecord({
            digest: keccak256(abi.encode(request)),
            fee: SafeCast.toUint96(msg.value),
            status: RequestStatus.Pending
        });
        emit RequestSubmitted(id, msg.sender, request, kind, input);
    }

    /// @notice Adds `msg.value` to the fee of a pending, unexpired request. Anyone may pay.
    function increaseFee(bytes32 id) external payable {
        if (msg.value == 0) revert FeeIncreaseZero();
        RequestRecord storage r = _requests[id];
        if (r.status != RequestStatus.Pending) revert RequestNotPending(id, r.status);
        uint96 fee = SafeCast.toUint96(uint256(r.fee) + msg.value);
        r.fee = fee;
        emit FeeIncreased(id, fee);
    }

    /// @notice After the deadline of an unfulfilled request, credits its fee back to the requester.
    /// Anyone may call it (the money only goes to the requester).
    function refund(CallbackRequest calldata request) external {
        bytes32 id = _pendingRecord(request);
        if (block.timestamp <= request.deadline) revert RequestNotExpired(id, request.deadline);
        RequestRecord storage r = _requests[id];
        uint96 fee = r.fee;
        r.status = RequestStatus.Refunded;
        r.fee = 0;
        balanceOf[request.requester] += fee;
        emit RequestRefunded(id, fee);
    }

    // ------------------------------------------------------------------ fulfilment

    /// @notice Verifies the proof and delivers the journal. Reverts if the proof is invalid, the request
    /// does not match, the deadline passed, or the transaction cannot give the callback its full gas.
    function fulfil(Fulfilment calldata f) external {
        _fulfil(f, msg.sender);
    }

    /// @notice Fulfils several requests; an item that would revert is skipped (`FulfilmentRejected`)
    /// without affecting the others. Returns which items were accepted.
    function fulfilBatch(Fulfilment[] calldata fs) external returns (bool[] memory accepted) {
        accepted = new bool[](fs.length);
        for (uint256 i = 0; i < fs.length; i++) {
            try this.fulfilItem(fs[i], msg.sender) {
                accepted[i] = true;
            } catch (bytes memory reason) {
                emit FulfilmentRejected(requestId(fs[i].request.requester, fs[i].request.nonce), reason);
            }
        }
    }

    /// @notice One item of {fulfilBatch}, run as its own call frame so that its revert undoes only it.
    /// @dev Callable only by the relay itself.
    function fulfilItem(Fulfilment calldata f, address fulfiller) external {
        if (msg.sender != address(this)) revert OnlySelf();
        _fulfil(f, fulfiller);
    }

    function _fulfil(Fulfilment calldata f, address fulfiller) internal {
        CallbackRequest calldata request = f.request;
        bytes32 id = _pendingRecord(request);
        if (block.timestamp > request.deadline) revert RequestExpired(id, request.deadline);
        bytes32 journalDigest = sha256(f.journal);
        verifier.verify(f.seal, request.imageId, journalDigest);

        // Effects before the callback: a re-entering call finds the request no longer pending.
        RequestRecord storage r = _requests[id];
        uint96 fee = r.fee;
        r.status = RequestStatus.Delivered;
        r.fee = 0;
        balanceOf[fulfiller] += fee;
        emit RequestFulfilled(id, fulfiller, journalDigest);
        _deliver(id, request, f.journal, journalDigest);
    }

    /// @notice Calls the callback of a request whose callback failed, again with exactly its gas limit and the
    /// journal that was proven. Anyone may call it. Returns whether the callback succeeded this time.
    function retryCallback(CallbackRequest calldata request, bytes calldata journal) external returns (bool) {
        bytes32 id = requestId(request.requester, request.nonce);
        RequestRecord storage r = _requests[id];
        if (r.status != RequestStatus.CallbackFailed) revert CallbackNotRetryable(id, r.status);
        if (r.digest != keccak256(abi.encode(request))) revert RequestMismatch(id);
        bytes32 journalDigest = sha256(journal);
        if (failedJournalDigest[id] != journalDigest) revert JournalMismatch(id);
        r.status = RequestStatus.Delivered;
        return _deliver(id, request, journal, journalDigest);
    }

    /// @dev Calls the callback with exactly `gasLimit` gas and records the outcome.
    function _deliver(bytes32 id, CallbackRequest calldata request, bytes calldata journal, bytes32 journalDigest)
        internal
        returns (bool ok)
    {
        bytes memory data = abi.encodeWithSelector(request.selector, id, request.imageId, journal);
        bytes memory reason;
        (ok, reason) = _callWithExactGas(request.callback, request.gasLimit, data);
        if (ok) {
            if (failedJournalDigest[id] != bytes32(0)) delete failedJournalDigest[id];
            emit CallbackDelivered(id);
        } else {
            _requests[id].status = RequestStatus.CallbackFailed;
            failedJournalDigest[id] = journalDigest;
            emit CallbackFailed(id, reason);
        }
    }

    /// @dev Gives `target` exactly `gasLimit` gas or reverts with {InsufficientGas}: under EIP-150 a CALL
    /// forwards at most 63/64 of the remaining gas, so without this check a fulfiller could starve the
    /// callback and have its failure recorded. Copies at most `MAX_REASON_BYTES` of return data, so a
    /// callback cannot make the relay pay for a huge copy.
    function _callWithExactGas(address target, uint64 gasLimit, bytes memory data)
        internal
        returns (bool success, bytes memory reason)
    {
        if (target.code.length == 0) return (false, abi.encodeWithSelector(CallbackNotContract.selector, target));
        bool enough;
        uint256 available;
        assembly ("memory-safe") {
            available := gas()
            if gt(available, CALL_GAS_RESERVE) {
                let usable := sub(available, CALL_GAS_RESERVE)
                enough := gt(sub(usable, div(usable, 64)), gasLimit)
            }
            if enough { success := call(gasLimit, target, 0, add(data, 0x20), mload(data), 0, 0) }
        }
        if (!enough) revert InsufficientGas(available, gasLimit);
        if (success) return (true, "");
        assembly ("memory-safe") {
            let size := returndatasize()
            if gt(size, MAX_REASON_BYTES) { size := MAX_REASON_BYTES }
            reason := mload(0x40)
            mstore(reason, size)
            returndatacopy(add(reason, 0x20), 0, size)
            mstore(0x40, add(add(reason, 0x20), and(add(size, 31), not(31))))
        }
    }

    // ------------------------------------------------------------------ balances

    /// @notice Sends the caller's credited fees and refunds to `to`.
    function withdraw(address payable to) external {
        uint256 amount = balanceOf[msg.sender];
        if (amount == 0) revert NothingToWithdraw(msg.sender);
        balanceOf[msg.sender] = 0;
        (bool ok,) = to.call{value: amount}("");
        if (!ok) revert TransferFailed(to, amount);
        emit Withdrawn(msg.sender, to, amount);
    }

    // ------------------------------------------------------------------ views

    /// @notice The id of the `nonce`-th request of `requester` at this relay on this chain.
    function requestId(address requester, uint64 nonce) public view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this), requester, nonce));
    }

    /// @notice The commitment stored for a request: `keccak256(abi.encode(request))`.
    function requestDigest(CallbackRequest calldata request) external pure returns (bytes32) {
        return keccak256(abi.encode(request));
    }

    function statusOf(bytes32 id) external view returns (RequestStatus) {
        return _requests[id].status;
    }

    /// @notice The stored commitment, fee in escrow and status of a request.
    function requestRecord(bytes32 id) external view returns (bytes32 digest, uint96 fee, RequestStatus status) {
        RequestRecord storage r = _requests[id];
        return (r.digest, r.fee, r.status);
    }

    /// @dev The id of a pending request whose stored commitment matches `request`; reverts otherwise.
    function _pendingRecord(CallbackRequest calldata request) internal view returns (bytes32 id) {
        id = requestId(request.requester, request.nonce);
        RequestRecord storage r = _requests[id];
        if (r.status != RequestStatus.Pending) revert RequestNotPending(id, r.status);
        if (r.digest != keccak256(abi.encode(request))) revert RequestMismatch(id);
    }
}
