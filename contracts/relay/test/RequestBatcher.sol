// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IZkvmRelay} from "../IZkvmRelay.sol";

/// @title RequestBatcher
/// @notice Test-only: makes many relay requests in one transaction, for the reliability run and benchmarks.
contract RequestBatcher {
    struct Item {
        bytes input;
        address callback;
        uint64 gasLimit;
    }

    function requestMany(IZkvmRelay relay, bytes32 imageId, bytes4 selector, uint64 deadline, Item[] calldata items)
        external
        returns (bytes32[] memory ids)
    {
        ids = new bytes32[](items.length);
        for (uint256 i = 0; i < items.length; i++) {
            ids[i] = relay.requestCallback(imageId, items[i].input, items[i].callback, selector, items[i].gasLimit, deadline);
        }
    }
}
