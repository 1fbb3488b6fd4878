// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {CallbackRequest, Fulfilment, RequestStatus} from "../../../contracts/relay/IZkvmRelay.sol";
import {FaultyCallback} from "../../../contracts/relay/test/FaultyCallback.sol";
import {RelayFixture} from "./RelayFixture.sol";

/// @dev Drives the relay with random sequences of requests, valid and forged fulfilments, failing
/// callbacks, retries, fee increases, refunds, withdrawals and time jumps, keeping ghost totals.
contract RelayHandler is RelayFixture {
    CallbackRequest[] internal requests;
    bytes32[] public ids;
    mapping(bytes32 id => bytes) internal journals;
    /// Ghosts: Ether paid in, Ether withdrawn, and whether each id ever left Pending.
    uint256 public paidIn;
    uint256 public withdrawn;
    mapping(bytes32 id => bool) public settled;
    address[3] internal actors = [address(0xA1), address(0xB2), address(0xC3)];

    constructor() {
        _deployRelay();
        vm.warp(1_000_000);
    }

    function relayAddress() external view returns (address) {
        return address(relay);
    }

    function targetAddress() external view returns (address) {
        return address(target);
    }

    function request(uint8 actor, uint96 fee, uint16 ttl, bytes calldata input) external {
        fee = uint96(fee % 1e21);
        CallbackRequest memory r =
            _request(actors[actor % 3], input[:input.length % 200], 150_000, uint64(block.timestamp + 1 + ttl), fee);
        paidIn += fee;
        requests.push(r);
        bytes32 id = _id(r);
        ids.push(id);
        journals[id] = abi.encodePacked(id, input.length);
    }

    function fulfil(uint256 i, bool forge, uint8 fulfiller) external {
        if (requests.length == 0) return;
        CallbackRequest memory r = requests[i % requests.length];
        bytes32 id = _id(r);
        bytes memory journal = journals[id];
        Fulfilment memory f = _fulfilment(r, journal);
        if (forge) f.journal = abi.encodePacked(journal, "forged");
        vm.prank(actors[fulfiller % 3]);
        try relay.fulfil(f) {
            if (forge) revert("forged journal accepted");
            if (settled[id]) revert("settled twice");
            settled[id] = true;
        } catch {}
    }

    function setCallbackMode(uint8 mode) external {
        target.setMode(FaultyCallback.Mode(mode % 4));
    }

    function retry(uint256 i) external {
        if (requests.length == 0) return;
        CallbackRequest memory r = requests[i % requests.length];
        try relay.retryCallback(r, journals[_id(r)]) {} catch {}
    }

    function increaseFee(uint256 i, uint96 amount) external {
        if (ids.length == 0) return;
        amount = uint96(amount % 1e21) + 1;
        vm.deal(address(this), address(this).balance + amount);
        try relay.increaseFee{value: amount}(ids[i % ids.length]) {
            paidIn += amount;
        } catch {}
    }

    function refund(uint256 i) external {
        if (requests.length == 0) return;
        CallbackRequest memory r = requests[i % requests.length];
        bytes32 id = _id(r);
        try relay.refund(r) {
            if (settled[id]) revert("settled twice");
            settled[id] = true;
        } catch {}
    }

    function withdraw(uint8 actor) external {
        address a = actors[actor % 3];
        uint256 amount = relay.balanceOf(a);
        vm.prank(a);
        try relay.withdraw(payable(a)) {
            withdrawn += amount;
        } catch {}
    }

    function warp(uint16 by) external {
        vm.warp(block.timestamp + by);
    }

    function count() external view returns (uint256) {
        return ids.length;
    }

    function heldFor(bytes32 id) external view returns (uint256 fee) {
        (, fee,) = relay.requestRecord(id);
    }

    function actorsCredit() external view returns (uint256 total) {
        for (uint256 i = 0; i < 3; i++) total += relay.balanceOf(actors[i]);
    }

    receive() external payable {}
}

contract ZkvmRelayInvariantTest is RelayFixture {
    RelayHandler internal handler;

    function setUp() public {
        handler = new RelayHandler();
    }

    function targetContracts() public view returns (address[] memory t) {
        t = new address[](1);
        t[0] = address(handler);
    }

    /// forge-config: default.invariant.runs = 48
    /// forge-config: default.invariant.depth = 40
    /// Escrow is exact: the relay holds every fee paid in, less what was withdrawn, split between fees of
    /// pending requests and credited balances.
    function invariant_escrowIsExact() public view {
        address r = handler.relayAddress();
        uint256 pending;
        for (uint256 i = 0; i < handler.count(); i++) pending += handler.heldFor(handler.ids(i));
        assertEq(r.balance, handler.paidIn() - handler.withdrawn(), "relay balance");
        assertEq(r.balance, pending + handler.actorsCredit(), "pending fees + credits");
    }

    /// forge-config: default.invariant.runs = 48
    /// forge-config: default.invariant.depth = 40
    /// No request is ever delivered to its callback more than once, and a delivered one is settled on chain.
    function invariant_deliveredAtMostOnce() public view {
        FaultyCallback t = FaultyCallback(handler.targetAddress());
        ZkvmRelayView relay = ZkvmRelayView(handler.relayAddress());
        for (uint256 i = 0; i < handler.count(); i++) {
            bytes32 id = handler.ids(i);
            uint256 d = t.deliveries(id);
            assertTrue(d <= 1, "delivered at most once");
            RequestStatus s = relay.statusOf(id);
            if (d == 1) assertEq(uint8(s), uint8(RequestStatus.Delivered), "delivered status");
            if (s == RequestStatus.Pending) assertTrue(!handler.settled(id), "pending means never settled");
            else assertTrue(handler.settled(id), "left pending only through fulfil or refund");
        }
    }
}

interface ZkvmRelayView {
    function statusOf(bytes32 id) external view returns (RequestStatus);
}
