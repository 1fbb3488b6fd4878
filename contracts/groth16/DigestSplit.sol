// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title DigestSplit
/// @notice How a 32-byte digest becomes two public inputs of the Groth16 receipt circuit.
/// @dev The circuit reads a digest as a little-endian 256-bit integer and takes it in two 128-bit halves;
/// this is RISC Zero's `splitDigest`, reproduced so that its receipts verify.
library DigestSplit {
    /// @notice Returns (low 128 bits, high 128 bits) of the byte-reversed digest.
    function split(bytes32 digest) internal pure returns (uint256 low, uint256 high) {
        uint256 reversed = reverseBytes(uint256(digest));
        return (uint128(reversed), reversed >> 128);
    }

    /// @notice Reverses the byte order of a 256-bit word.
    function reverseBytes(uint256 v) internal pure returns (uint256) {
        v = ((v >> 8) & 0x00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff)
            | ((v & 0x00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff) << 8);
        v = ((v >> 16) & 0x0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff)
            | ((v & 0x0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff) << 16);
        v = ((v >> 32) & 0x00000000ffffffff00000000ffffffff00000000ffffffff00000000ffffffff)
            | ((v & 0x00000000ffffffff00000000ffffffff00000000ffffffff00000000ffffffff) << 32);
        v = ((v >> 64) & 0x0000000000000000ffffffffffffffff0000000000000000ffffffffffffffff)
            | ((v & 0x0000000000000000ffffffffffffffff0000000000000000ffffffffffffffff) << 64);
        return (v >> 128) | (v << 128);
    }
}
