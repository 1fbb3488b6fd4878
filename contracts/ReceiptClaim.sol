// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @dev Digest of `SystemState { pc: 0, merkleRoot: 0 }`: the post-state of every halted program.
bytes32 constant SYSTEM_STATE_ZERO_DIGEST = 0xa3acc27117418996340b84e5a90f3ef4c49d22c79e44aad822ec9c313e1eb8e2;

/// @notice How execution ended, as the zkVM reports it.
enum SystemExitCode {
    Halted,
    Paused,
    SystemSplit
}

/// @notice An exit code: the system part and the guest's own (user) code.
struct ExitCode {
    SystemExitCode system;
    uint32 user;
}

/// @notice Machine state at the start or end of a segment.
struct SystemState {
    uint32 pc;
    bytes32 merkleRoot;
}

/// @notice What the guest committed: the journal digest and the digest of its assumptions.
struct Output {
    bytes32 journalDigest;
    bytes32 assumptionsDigest;
}

/// @notice The statement that a receipt proves.
/// @dev `preStateDigest` is the ImageID; `output` is the digest of an {Output}, or zero when there is none.
struct ReceiptClaim {
    bytes32 preStateDigest;
    bytes32 postStateDigest;
    ExitCode exitCode;
    bytes32 input;
    bytes32 output;
}

/// @title Claim digests
/// @notice RISC Zero's tagged-struct SHA-256 digests of {SystemState}, {Output} and {ReceiptClaim}:
/// `sha256(sha256(tag) ‖ digests… ‖ u32 words, little-endian… ‖ number of digests as u16 little-endian)`.
/// The TypeScript side (`src/receipt/claim.ts`) computes the same digests; both are tested on shared vectors.
/// @dev The tag digests are constants (sha256 is not evaluated at compile time); the tests check them
/// against digests from the shared vectors.
library ClaimDigest {
    /// @dev sha256("risc0.SystemState")
    bytes32 internal constant SYSTEM_STATE_TAG = 0x206115a847207c0892e0c0547225df31d02a96eeb395670c31112dff90b421d6;
    /// @dev sha256("risc0.Output")
    bytes32 internal constant OUTPUT_TAG = 0x77eafeb366a78b47747de0d7bb176284085ff5564887009a5be63da32d3559d4;
    /// @dev sha256("risc0.ReceiptClaim")
    bytes32 internal constant RECEIPT_CLAIM_TAG = 0xcb1fefcd1f2d9a64975cbbbf6e161e2914434b0cbb9960b84df5d717e86b48af;

    /// @notice The claim of a program with `imageId` that halted with exit code 0 and committed a journal
    /// with digest `journalDigest` (no input, no assumptions).
    function ok(bytes32 imageId, bytes32 journalDigest) internal pure returns (ReceiptClaim memory) {
        return ReceiptClaim({
            preStateDigest: imageId,
            postStateDigest: SYSTEM_STATE_ZERO_DIGEST,
            exitCode: ExitCode({system: SystemExitCode.Halted, user: 0}),
            input: bytes32(0),
            output: digest(Output({journalDigest: journalDigest, assumptionsDigest: bytes32(0)}))
        });
    }

    /// @notice `digest(ok(imageId, journalDigest))`, without building the structs (the verifiers' hot path).
    /// @dev Same bytes as {digest}: Output = tag ‖ journalDigest ‖ 0 ‖ u16 2; ReceiptClaim = tag ‖ input 0 ‖
    /// imageId ‖ SYSTEM_STATE_ZERO_DIGEST ‖ output ‖ exit codes (0, 0) ‖ u16 4. Hashed in scratch memory.
    function okDigest(bytes32 imageId, bytes32 journalDigest) internal view returns (bytes32 result) {
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, OUTPUT_TAG)
            mstore(add(m, 0x20), journalDigest)
            mstore(add(m, 0x40), 0)
            mstore(add(m, 0x60), shl(240, 0x0200))
            let success := staticcall(gas(), 0x02, m, 0x62, add(m, 0x80), 0x20)
            mstore(m, RECEIPT_CLAIM_TAG)
            mstore(add(m, 0x20), 0)
            mstore(add(m, 0x40), imageId)
            mstore(add(m, 0x60), SYSTEM_STATE_ZERO_DIGEST)
            // output digest is already at m + 0x80; then 8 zero bytes of exit codes and the u16 count 4.
            mstore(add(m, 0xa0), shl(176, 0x0400))
            success := and(success, staticcall(gas(), 0x02, m, 0xaa, m, 0x20))
            if iszero(success) { revert(0, 0) }
            result := mload(m)
        }
    }

    function digest(SystemState memory state) internal pure returns (bytes32) {
        return sha256(abi.encodePacked(SYSTEM_STATE_TAG, state.merkleRoot, le32(state.pc), uint16(0x0100)));
    }

    function digest(Output memory output) internal pure returns (bytes32) {
        return sha256(abi.encodePacked(OUTPUT_TAG, output.journalDigest, output.assumptionsDigest, uint16(0x0200)));
    }

    function digest(ReceiptClaim memory claim) internal pure returns (bytes32) {
        return sha256(
            abi.encodePacked(
                RECEIPT_CLAIM_TAG,
                claim.input,
                claim.preStateDigest,
                claim.postStateDigest,
                claim.output,
                le32(uint32(claim.exitCode.system)),
                le32(claim.exitCode.user),
                uint16(0x0400)
            )
        );
    }

    /// @dev A u32 as 4 little-endian bytes.
    function le32(uint32 v) internal pure returns (bytes4) {
        v = ((v & 0xff00ff00) >> 8) | ((v & 0x00ff00ff) << 8);
        return bytes4((v >> 16) | (v << 16));
    }
}
