// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {VerificationFailed} from "../../../contracts/IReceiptVerifier.sol";
import {CallbackRequest, Fulfilment, IZkvmRelay, RequestStatus} from "../../../contracts/relay/IZkvmRelay.sol";
import {FaultyCallback} from "../../../contracts/relay/test/FaultyCallback.sol";
import {RelayFixture} from "./RelayFixture.sol";

/// @dev Fuzz tests of the relay's per-request guarantees.
contract ZkvmRelayFuzzTest is RelayFixture {
    address internal constant ALICE = address(0xA11CE);
    address internal constant FULFILLER = address(0xF00D);

    function setUp() public {
        _deployRelay();
        vm.warp(1_000_000);
    }

    /// Any change to any field of the request makes delivery revert with RequestMismatch.
    function testFuzz_deliveryMustMatchEveryField(uint8 field, bytes32 noise, bytes calldata journal) public {
        vm.assume(noise != bytes32(0));
        CallbackRequest memory req = _request(ALICE, "input", 50_000, 1_000_100, 0);
        bytes32 id = _id(req);
        uint256 f = field % 6;
        if (f == 0) req.imageId ^= noise;
        else if (f == 1) req.inputDigest ^= noise;
        else if (f == 2) req.callback = address(uint160(req.callback) ^ uint160(uint256(noise)));
        else if (f == 3) req.selector ^= bytes4(noise);
        else if (f == 4) req.gasLimit ^= uint64(uint256(noise)) | 1;
        else req.deadline ^= uint64(uint256(noise)) | 1;
        vm.assume(relay.requestDigest(req) != relay.requestDigest(_unchanged(id)));
        Fulfilment memory ful = _fulfilment(req, journal);
        vm.expectRevert(abi.encodeWithSelector(IZkvmRelay.RequestMismatch.selector, id));
        relay.fulfil(ful);
        assertEq(uint8(relay.statusOf(id)), uint8(RequestStatus.Pending), "still pending");
    }

    function _unchanged(bytes32) internal view returns (CallbackRequest memory r) {
        r = CallbackRequest({
            requester: ALICE,
            nonce: 0,
            imageId: IMAGE,
            inputDigest: sha256("input"),
            callback: address(target),
            selector: FaultyCallback.handleProof.selector,
            gasLimit: 50_000,
            deadline: 1_000_100
        });
    }

    /// A seal for any other journal is refused, and a valid one is delivered exactly once.
    function testFuzz_onlyTheProvenJournalIsDelivered(bytes calldata journal, bytes calldata other) public {
        vm.assume(keccak256(journal) != keccak256(other));
        CallbackRequest memory req = _request(ALICE, "x", 80_000, 1_000_100, 1 ether);
        Fulfilment memory bad = Fulfilment({request: req, journal: other, seal: _seal(IMAGE, journal)});
        vm.expectRevert(VerificationFailed.selector);
        relay.fulfil(bad);
        Fulfilment memory good = _fulfilment(req, journal);
        vm.prank(FULFILLER);
        relay.fulfil(good);
        assertEq(target.deliveries(_id(req)), 1, "delivered once");
        assertEq(relay.balanceOf(FULFILLER), 1 ether, "fee credited");
        bytes32 id = _id(req);
        vm.expectRevert(abi.encodeWithSelector(IZkvmRelay.RequestNotPending.selector, id, RequestStatus.Delivered));
        relay.fulfil(good);
        assertEq(target.deliveries(_id(req)), 1, "still once");
    }

    /// Whatever gas the fulfiller sends, the callback either gets its full gas limit or nothing changes.
    function testFuzz_callbackGetsExactlyItsGas(uint64 gasLimit, uint32 txGas) public {
        gasLimit = uint64(bound(gasLimit, 120_000, MAX_GAS)); // enough for the callback's own stores
        uint256 sent = bound(txGas, 50_000, 3_000_000);
        CallbackRequest memory req = _request(ALICE, "g", gasLimit, 1_000_100, 0);
        Fulfilment memory ful = _fulfilment(req, "j");
        (bool ok,) = address(relay).call{gas: sent}(abi.encodeCall(IZkvmRelay.fulfil, (ful)));
        RequestStatus s = relay.statusOf(_id(req));
        if (ok) {
            assertEq(uint8(s), uint8(RequestStatus.Delivered), "delivered");
            // The callback's first gasleft() sees its limit less the few opcodes before it.
            // The callback's first gasleft() sees its limit less the ABI decoding before it (~400 gas).
            assertTrue(target.gasAtEntry() <= gasLimit && gasLimit - target.gasAtEntry() < 1_000, "exact gas");
        } else {
            assertEq(uint8(s), uint8(RequestStatus.Pending), "reverted item left pending");
        }
    }

    /// A callback that burns all its gas is recorded as failed, fee paid, and can be retried once fixed.
    function testFuzz_failedCallbackIsRecordedAndRetryable(uint64 gasLimit, bytes calldata journal) public {
        gasLimit = uint64(bound(gasLimit, 21_000, MAX_GAS));
        target.setMode(FaultyCallback.Mode.BurnGas);
        CallbackRequest memory req = _request(ALICE, "b", gasLimit, 1_000_100, 3);
        Fulfilment memory ful = _fulfilment(req, journal);
        vm.prank(FULFILLER);
        relay.fulfil(ful);
        bytes32 id = _id(req);
        assertEq(uint8(relay.statusOf(id)), uint8(RequestStatus.CallbackFailed), "failed recorded");
        assertEq(relay.balanceOf(FULFILLER), 3, "fee paid for a valid proof");
        vm.expectRevert(abi.encodeWithSelector(IZkvmRelay.JournalMismatch.selector, id));
        relay.retryCallback(req, abi.encodePacked(journal, "x"));
        target.setMode(FaultyCallback.Mode.Ok);
        if (!relay.retryCallback(req, journal)) {
            // Too little gas for the callback's own stores: still failed, still retryable.
            assertTrue(gasLimit < 120_000, "only a tiny gas limit fails when the callback works");
            assertEq(uint8(relay.statusOf(id)), uint8(RequestStatus.CallbackFailed), "still failed");
            return;
        }
        assertEq(uint8(relay.statusOf(id)), uint8(RequestStatus.Delivered), "delivered");
        assertEq(target.deliveries(id), 1, "once");
        vm.expectRevert(
            abi.encodeWithSelector(IZkvmRelay.CallbackNotRetryable.selector, id, RequestStatus.Delivered)
        );
        relay.retryCallback(req, journal);
    }

    /// Fees: refunded only after the deadline and only while pending; increases add up.
    function testFuzz_feeEscrow(uint96 fee, uint96 extra, uint32 wait) public {
        fee = uint96(bound(fee, 0, 1e28));
        extra = uint96(bound(extra, 1, 1e28));
        CallbackRequest memory req = _request(ALICE, "f", 50_000, 1_000_100, fee);
        bytes32 id = _id(req);
        vm.deal(address(this), extra);
        relay.increaseFee{value: extra}(id);
        (, uint96 held,) = relay.requestRecord(id);
        assertEq(held, uint256(fee) + extra, "increased");
        vm.warp(1_000_000 + uint256(wait));
        if (block.timestamp <= req.deadline) {
            vm.expectRevert(abi.encodeWithSelector(IZkvmRelay.RequestNotExpired.selector, id, req.deadline));
            relay.refund(req);
        } else {
            relay.refund(req);
            assertEq(relay.balanceOf(ALICE), uint256(fee) + extra, "refund credited");
            Fulfilment memory late = _fulfilment(req, "j");
            vm.expectRevert(abi.encodeWithSelector(IZkvmRelay.RequestNotPending.selector, id, RequestStatus.Refunded));
            relay.fulfil(late);
        }
        assertEq(address(relay).balance, uint256(fee) + extra, "escrow holds everything");
    }

    /// A callback re-entering the relay cannot fulfil, retry or refund the request being delivered.
    function test_reentryFindsNothingToDoTwice() public {
        CallbackRequest memory req = _request(ALICE, "r", 500_000, 1_000_100, 5);
        Fulfilment memory ful = _fulfilment(req, "j");
        target.setReentry(address(relay), abi.encodeCall(IZkvmRelay.fulfil, (ful)));
        relay.fulfil(ful);
        bytes32 id = _id(req);
        assertTrue(!target.reentrySucceeded(), "re-entry refused");
        assertEq(target.deliveries(id), 1, "once");
        assertEq(relay.balanceOf(address(this)), 5, "fee credited once");
    }

    /// A batch skips bad items (wrong journal, insufficient nothing else) and delivers the rest.
    function test_batchRejectsOnlyTheBadItem() public {
        CallbackRequest memory a = _request(ALICE, "a", 50_000, 1_000_100, 1);
        CallbackRequest memory b = _request(ALICE, "b", 50_000, 1_000_100, 2);
        CallbackRequest memory c = _request(ALICE, "c", 50_000, 1_000_100, 4);
        Fulfilment[] memory fs = new Fulfilment[](3);
        fs[0] = _fulfilment(a, "ja");
        fs[1] = Fulfilment({request: b, journal: "forged", seal: _seal(IMAGE, "jb")});
        fs[2] = _fulfilment(c, "jc");
        bool[] memory accepted = relay.fulfilBatch(fs);
        assertTrue(accepted[0] && !accepted[1] && accepted[2], "only b rejected");
        assertEq(uint8(relay.statusOf(_id(b))), uint8(RequestStatus.Pending), "b pending");
        assertEq(relay.balanceOf(address(this)), 5, "fees of a and c");
        vm.expectRevert(IZkvmRelay.OnlySelf.selector);
        relay.fulfilItem(fs[0], address(this));
    }

    /// A huge revert reason is truncated to MAX_REASON_BYTES and costs the fulfiller little.
    function test_returnBombIsCapped() public {
        target.setMode(FaultyCallback.Mode.RevertHuge);
        CallbackRequest memory req = _request(ALICE, "h", 1_000_000, 1_000_100, 0);
        uint256 before = gasleft();
        relay.fulfil(_fulfilment(req, "j"));
        assertTrue(before - gasleft() < 1_000_000 + 150_000, "bounded cost");
        assertEq(uint8(relay.statusOf(_id(req))), uint8(RequestStatus.CallbackFailed), "failed");
    }

    function bound(uint256 x, uint256 lo, uint256 hi) internal pure returns (uint256) {
        return lo + (x % (hi - lo + 1));
    }
}
