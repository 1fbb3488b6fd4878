// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @notice Where the prover finds a request's input.
enum InputKind {
    /// The input bytes are in the `RequestSubmitted` event.
    Inline,
    /// The event carries a URL; the prover fetches it and checks the bytes against `inputDigest`.
    Url
}

/// @notice Lifecycle of a request on chain. A request leaves `Pending` exactly once.
enum RequestStatus {
    None,
    /// Waiting for a proof (until `deadline`).
    Pending,
    /// Proof verified and the callback returned successfully.
    Delivered,
    /// Proof verified, fee paid, but the callback reverted or ran out of its gas; see `retryCallback`.
    CallbackFailed,
    /// Not fulfilled before the deadline; the fee went back to the requester.
    Refunded
}

/// @notice Every field a request names. The relay stores `keccak256(abi.encode(request))` and delivery
/// must present the same fields, so nothing about a delivery can differ from what was asked.
struct CallbackRequest {
    /// Who asked (and who gets a refund). Part of the request id.
    address requester;
    /// The requester's sequence number at the relay. Part of the request id.
    uint64 nonce;
    /// The program that must be proven.
    bytes32 imageId;
    /// sha256 of the input bytes the program must be run on.
    bytes32 inputDigest;
    /// The contract called with `(requestId, imageId, journal)` once the proof verifies.
    address callback;
    /// The function of `callback` that is called.
    bytes4 selector;
    /// Gas given to the callback: exactly this much, never less.
    uint64 gasLimit;
    /// Last timestamp (inclusive) at which the request may be fulfilled.
    uint64 deadline;
}

/// @notice One delivery: the request as submitted, the journal, and the seal proving it.
struct Fulfilment {
    CallbackRequest request;
    bytes journal;
    bytes seal;
}

/// @title IZkvmRelay
/// @notice Proof requests from contracts, fulfilled by anyone who holds a valid proof, delivered to a
/// callback with the gas the requester chose.
interface IZkvmRelay {
    /// @notice A request was made. `input` holds the input bytes (`InputKind.Inline`) or a URL (`InputKind.Url`).
    event RequestSubmitted(
        bytes32 indexed requestId, address indexed requester, CallbackRequest request, InputKind inputKind, bytes input
    );
    /// @notice The proof verified and the fee was credited to `fulfiller`.
    event RequestFulfilled(bytes32 indexed requestId, address indexed fulfiller, bytes32 journalDigest);
    /// @notice The callback ran and returned successfully.
    event CallbackDelivered(bytes32 indexed requestId);
    /// @notice The callback reverted (its revert data, truncated) or ran out of gas (empty reason).
    event CallbackFailed(bytes32 indexed requestId, bytes reason);
    /// @notice An item of a batch was rejected (invalid proof, mismatch, insufficient gas); nothing changed for it.
    event FulfilmentRejected(bytes32 indexed requestId, bytes reason);
    /// @notice The fee in escrow was raised.
    event FeeIncreased(bytes32 indexed requestId, uint256 fee);
    /// @notice The deadline passed without fulfilment; the fee was credited back to the requester.
    event RequestRefunded(bytes32 indexed requestId, uint256 fee);
    /// @notice Credited fees or refunds were withdrawn.
    event Withdrawn(address indexed account, address to, uint256 amount);

    /// @notice No request with this id is pending.
    error RequestNotPending(bytes32 requestId, RequestStatus status);
    /// @notice The fields presented do not hash to the commitment stored for this request.
    error RequestMismatch(bytes32 requestId);
    /// @notice The deadline has passed.
    error RequestExpired(bytes32 requestId, uint64 deadline);
    /// @notice The deadline has not passed yet (a refund must wait for it).
    error RequestNotExpired(bytes32 requestId, uint64 deadline);
    /// @notice The deadline is in the past or too far in the future.
    error DeadlineInvalid(uint64 deadline);
    /// @notice The callback address has no code.
    error CallbackNotContract(address callback);
    /// @notice The callback gas limit is zero or above the relay's maximum.
    error CallbackGasLimitInvalid(uint64 gasLimit, uint64 maximum);
    /// @notice The inline input exceeds the relay's maximum; pass a URL and digest instead.
    error InputTooLarge(uint256 length, uint256 maximum);
    /// @notice A URL request needs a non-empty URL.
    error InputUrlEmpty();
    /// @notice The transaction does not carry enough gas to give the callback its full gas limit.
    error InsufficientGas(uint256 available, uint64 required);
    /// @notice Only a request whose callback failed can be retried, with the journal that was proven.
    error CallbackNotRetryable(bytes32 requestId, RequestStatus status);
    /// @notice The journal is not the one that was proven for this request.
    error JournalMismatch(bytes32 requestId);
    /// @notice Only the relay itself may call this function.
    error OnlySelf();
    /// @notice Nothing to withdraw.
    error NothingToWithdraw(address account);
    /// @notice Sending Ether failed.
    error TransferFailed(address to, uint256 amount);
    /// @notice A fee increase must add some value.
    error FeeIncreaseZero();

    function requestCallback(
        bytes32 imageId,
        bytes calldata input,
        address callback,
        bytes4 selector,
        uint64 gasLimit,
        uint64 deadline
    ) external payable returns (bytes32 requestId);

    function requestCallbackWithUrl(
        bytes32 imageId,
        string calldata url,
        bytes32 inputDigest,
        address callback,
        bytes4 selector,
        uint64 gasLimit,
        uint64 deadline
    ) external payable returns (bytes32 requestId);

    function fulfil(Fulfilment calldata fulfilment) external;

    function fulfilBatch(Fulfilment[] calldata fulfilments) external returns (bool[] memory accepted);

    function retryCallback(CallbackRequest calldata request, bytes calldata journal) external returns (bool delivered);

    function increaseFee(bytes32 requestId) external payable;

    function refund(CallbackRequest calldata request) external;

    function withdraw(address payable to) external;

    function requestId(address requester, uint64 nonce) external view returns (bytes32);

    function requestDigest(CallbackRequest calldata request) external pure returns (bytes32);

    function statusOf(bytes32 requestId) external view returns (RequestStatus);
}
