// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {MockReceiptVerifier} from "../../../contracts/MockReceiptVerifier.sol";
import {ClaimDigest} from "../../../contracts/ReceiptClaim.sol";
import {ReceiptVerifierRouter} from "../../../contracts/ReceiptVerifierRouter.sol";
import {CallbackRequest, Fulfilment} from "../../../contracts/relay/IZkvmRelay.sol";
import {ZkvmRelay} from "../../../contracts/relay/ZkvmRelay.sol";
import {FaultyCallback} from "../../../contracts/relay/test/FaultyCallback.sol";
import {Cheats} from "./Cheats.sol";

/// @dev Relay behind a router with the dev-mode mock verifier, and helpers that make requests and seals.
abstract contract RelayFixture is Cheats {
    ZkvmRelay internal relay;
    ReceiptVerifierRouter internal router;
    FaultyCallback internal target;
    bytes32 internal constant IMAGE = keccak256("image");
    uint64 internal constant MAX_GAS = 2_000_000;

    function _deployRelay() internal {
        router = new ReceiptVerifierRouter(address(this));
        router.addVerifier(0xFFFFFFFF, new MockReceiptVerifier(true));
        relay = new ZkvmRelay(router, MAX_GAS, 4096);
        target = new FaultyCallback();
    }

    function _request(address requester, bytes memory input, uint64 gasLimit, uint64 deadline, uint256 fee)
        internal
        returns (CallbackRequest memory req)
    {
        vm.deal(requester, requester.balance + fee);
        uint64 nonce = relay.nonces(requester);
        vm.prank(requester);
        relay.requestCallback{value: fee}(
            IMAGE, input, address(target), FaultyCallback.handleProof.selector, gasLimit, deadline
        );
        req = CallbackRequest({
            requester: requester,
            nonce: nonce,
            imageId: IMAGE,
            inputDigest: sha256(input),
            callback: address(target),
            selector: FaultyCallback.handleProof.selector,
            gasLimit: gasLimit,
            deadline: deadline
        });
    }

    function _seal(bytes32 imageId, bytes memory journal) internal view returns (bytes memory) {
        return abi.encodePacked(bytes4(0xFFFFFFFF), ClaimDigest.okDigest(imageId, sha256(journal)));
    }

    function _fulfilment(CallbackRequest memory req, bytes memory journal) internal view returns (Fulfilment memory) {
        return Fulfilment({request: req, journal: journal, seal: _seal(req.imageId, journal)});
    }

    function _id(CallbackRequest memory req) internal view returns (bytes32) {
        return relay.requestId(req.requester, req.nonce);
    }
}
