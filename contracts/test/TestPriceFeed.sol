// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "../interfaces/AggregatorV3Interface.sol";

/// @title TestPriceFeed
/// @notice A Chainlink-shaped price feed whose round the test sets.
contract TestPriceFeed is AggregatorV3Interface {
    uint8 private _decimals;
    uint80 private _roundId;
    int256 private _answer;
    uint256 private _updatedAt;
    uint80 private _answeredInRound;

    constructor(uint8 decimals_, int256 answer_) {
        _decimals = decimals_;
        _set(1, answer_, block.timestamp);
    }

    /// @notice Sets the latest round.
    function setRound(uint80 roundId, int256 answer, uint256 updatedAt) external {
        _set(roundId, answer, updatedAt);
    }

    /// @notice Sets the answer as a new round updated now.
    function setAnswer(int256 answer) external {
        _set(_roundId + 1, answer, block.timestamp);
    }

    /// @notice Makes the latest round report it was answered in round `answeredInRound` (an incomplete round when
    /// that is below the round id).
    function setAnsweredInRound(uint80 answeredInRound) external {
        _answeredInRound = answeredInRound;
    }

    /// @notice Sets the decimals of the answer.
    function setDecimals(uint8 decimals_) external {
        _decimals = decimals_;
    }

    /// @inheritdoc AggregatorV3Interface
    function decimals() external view returns (uint8) {
        return _decimals;
    }

    /// @inheritdoc AggregatorV3Interface
    function description() external pure returns (string memory) {
        return "TEST / USD";
    }

    /// @inheritdoc AggregatorV3Interface
    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        return (_roundId, _answer, _updatedAt, _updatedAt, _answeredInRound);
    }

    function _set(uint80 roundId, int256 answer, uint256 updatedAt) private {
        _roundId = roundId;
        _answer = answer;
        _updatedAt = updatedAt;
        _answeredInRound = roundId;
    }
}
