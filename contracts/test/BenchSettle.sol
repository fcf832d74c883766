// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IStakingRewards} from "../interfaces/IStakingRewards.sol";

/// @title BenchSettle
/// @notice Benchmark-only helper: makes many real Settle events in one transaction (SettleToken
/// transfers, StakingRewards stakes and withdrawals) so that the indexer benchmark can put tens of
/// thousands of events on a local chain in a few blocks.
/// @dev Never deployed outside tests and benchmarks. Holds the SETL it moves; stakes as itself.
contract BenchSettle {
    IERC20 private immutable _token;
    IStakingRewards private immutable _staking;

    /// @param token SettleToken, funded into this contract before use.
    /// @param staking StakingRewards staking `token`.
    constructor(IERC20 token, IStakingRewards staking) {
        _token = token;
        _staking = staking;
        token.approve(address(staking), type(uint256).max);
    }

    /// @notice Sends `amount` to each of `recipients` in turn, `rounds` times: one Transfer event each.
    function transfers(address[] calldata recipients, uint256 rounds, uint256 amount) external {
        for (uint256 round = 0; round < rounds; ++round) {
            for (uint256 i = 0; i < recipients.length; ++i) {
                // The token reverts on failure; the return value is always true.
                // slither-disable-next-line unchecked-transfer
                _token.transfer(recipients[i], amount);
            }
        }
    }

    /// @notice Stakes `amount` then withdraws it, `rounds` times: Staked, Withdrawn and two Transfer events each.
    function stakeCycles(uint256 rounds, uint256 amount) external {
        for (uint256 round = 0; round < rounds; ++round) {
            _staking.stake(amount);
            _staking.withdraw(amount);
        }
    }
}
