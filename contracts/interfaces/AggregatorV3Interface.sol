// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title AggregatorV3Interface
/// @notice The part of Chainlink's public AggregatorV3Interface the escrow reads: a price and when it was set.
interface AggregatorV3Interface {
    /// @notice Decimals of `answer`.
    function decimals() external view returns (uint8);

    /// @notice Human-readable description of the feed, e.g. "USDC / USD".
    function description() external view returns (string memory);

    /// @notice The latest round: its id, the answer, when it started and was updated, and the round it was answered in.
    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
}
