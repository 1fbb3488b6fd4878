// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IReceiptVerifier} from "../IReceiptVerifier.sol";

/// @title ProvenBalances
/// @notice A consumer that acts on structured data from the journal: a guest computes an account's
/// balance off chain (e.g. by replaying its history) and commits `abi.encode(BalanceReport)`; this
/// contract verifies the receipt, decodes the report and records the balance, refusing stale reports.
/// @dev Pattern: verify against sha256(journal) first, then decode the very bytes that were hashed.
contract ProvenBalances {
    /// @notice What the guest commits.
    struct BalanceReport {
        address account;
        uint256 balance;
        /// Strictly increasing per account, so an old report cannot be replayed over a newer one.
        uint64 sequence;
    }

    IReceiptVerifier public immutable verifier;
    bytes32 public immutable imageId;

    mapping(address account => uint256) public balanceOf;
    mapping(address account => uint64) public sequenceOf;

    /// @notice The report is not newer than the one already recorded for this account.
    error StaleReport(address account, uint64 sequence, uint64 current);

    event BalanceRecorded(address indexed account, uint256 balance, uint64 sequence);

    /// @notice The verifier is not a contract (calls to it would succeed without verifying anything).
    error InvalidVerifier(address verifier);

    constructor(IReceiptVerifier verifier_, bytes32 imageId_) {
        if (address(verifier_).code.length == 0) revert InvalidVerifier(address(verifier_));
        verifier = verifier_;
        imageId = imageId_;
    }

    /// @notice Records the balance in `journal` (an ABI-encoded {BalanceReport}), given its seal.
    function submit(bytes calldata journal, bytes calldata seal) external {
        verifier.verify(seal, imageId, sha256(journal));
        BalanceReport memory report = abi.decode(journal, (BalanceReport));
        uint64 current = sequenceOf[report.account];
        if (report.sequence <= current) revert StaleReport(report.account, report.sequence, current);
        sequenceOf[report.account] = report.sequence;
        balanceOf[report.account] = report.balance;
        emit BalanceRecorded(report.account, report.balance, report.sequence);
    }
}
