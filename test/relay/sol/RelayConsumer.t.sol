// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {CallbackRequest, IZkvmRelay, RequestStatus} from "../../../contracts/relay/IZkvmRelay.sol";
import {RelayConsumer} from "../../../contracts/relay/RelayConsumer.sol";
import {EvenNumberConsumer} from "../../../contracts/relay/examples/EvenNumberConsumer.sol";
import {RelayFixture} from "./RelayFixture.sol";

/// @dev The consumer base and the example consumer, through the real relay and router (mock verifier).
contract RelayConsumerTest is RelayFixture {
    EvenNumberConsumer internal consumer;

    function setUp() public {
        _deployRelay();
        consumer = new EvenNumberConsumer(relay, IMAGE);
        vm.warp(1_000_000);
    }

    function _requestNumber(uint256 x) internal returns (CallbackRequest memory req) {
        uint64 nonce = relay.nonces(address(consumer));
        consumer.requestNumber(x, 1_000_100);
        req = CallbackRequest({
            requester: address(consumer),
            nonce: nonce,
            imageId: IMAGE,
            inputDigest: sha256(abi.encode(x)),
            callback: address(consumer),
            selector: RelayConsumer.handleProof.selector,
            gasLimit: consumer.CALLBACK_GAS(),
            deadline: 1_000_100
        });
    }

    /// Only the relay may deliver, whoever calls and whatever they pass.
    function testFuzz_onlyTheRelayDelivers(address caller, bytes32 id, bytes calldata journal) public {
        vm.assume(caller != address(relay));
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(RelayConsumer.OnlyRelay.selector, caller));
        consumer.handleProof(id, IMAGE, journal);
    }

    /// A proven even x that was requested is stored, once; the request is then closed.
    function testFuzz_provenRequestedNumberIsStored(uint256 half) public {
        uint256 x = (half % (type(uint256).max / 2)) * 2;
        CallbackRequest memory req = _requestNumber(x);
        bytes32 id = _id(req);
        assertTrue(consumer.pendingRequest(id), "pending");
        relay.fulfil(_fulfilment(req, abi.encode(x)));
        assertEq(consumer.number(), x, "stored");
        assertTrue(!consumer.pendingRequest(id), "closed");
        assertEq(uint8(relay.statusOf(id)), uint8(RequestStatus.Delivered), "delivered");
    }

    /// A valid proof of another number (the claim does not bind the input) fails the callback; nothing is
    /// stored and the request stays open in the consumer.
    function testFuzz_journalMustCommitTheRequestedNumber(uint256 x, uint256 y) public {
        vm.assume(x != y);
        CallbackRequest memory req = _requestNumber(x);
        relay.fulfil(_fulfilment(req, abi.encode(y)));
        bytes32 id = _id(req);
        assertEq(uint8(relay.statusOf(id)), uint8(RequestStatus.CallbackFailed), "callback failed");
        assertEq(consumer.number(), 0, "nothing stored");
        assertTrue(consumer.pendingRequest(id), "still open");
    }

    /// Unsolicited deliveries (a request the consumer did not make, or for another image) are refused.
    function test_unsolicitedAndForeignImageAreRefused() public {
        vm.prank(address(relay));
        vm.expectRevert(abi.encodeWithSelector(RelayConsumer.UnknownRequest.selector, bytes32(uint256(1))));
        consumer.handleProof(bytes32(uint256(1)), IMAGE, abi.encode(uint256(2)));
        vm.prank(address(relay));
        vm.expectRevert(abi.encodeWithSelector(RelayConsumer.ImageIdMismatch.selector, bytes32(0), IMAGE));
        consumer.handleProof(bytes32(uint256(1)), bytes32(0), abi.encode(uint256(2)));
        // A third party requesting a callback to the consumer is delivered but refused by the consumer.
        vm.deal(address(this), 1);
        bytes32 id = relay.requestCallback(IMAGE, abi.encode(uint256(4)), address(consumer), RelayConsumer.handleProof.selector, 100_000, 1_000_100);
        CallbackRequest memory req = CallbackRequest({
            requester: address(this),
            nonce: 0,
            imageId: IMAGE,
            inputDigest: sha256(abi.encode(uint256(4))),
            callback: address(consumer),
            selector: RelayConsumer.handleProof.selector,
            gasLimit: 100_000,
            deadline: 1_000_100
        });
        relay.fulfil(_fulfilment(req, abi.encode(uint256(4))));
        assertEq(uint8(relay.statusOf(id)), uint8(RequestStatus.CallbackFailed), "refused");
        assertEq(consumer.number(), 0, "nothing stored");
    }

    function test_relayMustBeAContract() public {
        vm.expectRevert(abi.encodeWithSelector(RelayConsumer.RelayNotContract.selector, address(0xBEEF)));
        new EvenNumberConsumer(IZkvmRelay(address(0xBEEF)), IMAGE);
    }
}
