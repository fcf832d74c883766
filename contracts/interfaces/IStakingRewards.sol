// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title IStakingRewards
/// @notice Stake one ERC-20, earn another (or the same) over reward periods funded up front.
/// @dev Errors and events of {StakingRewards}. Amounts are in base units of their token.
interface IStakingRewards {
    /// @notice An amount of zero was given where a positive amount is required.
    error StakingZeroAmount();
    /// @notice `account` tried to withdraw `requested` but has only `balance` staked.
    error StakingInsufficientBalance(address account, uint256 balance, uint256 requested);
    /// @notice Staking `requested` would take the pool past `maxTotal` base units.
    error StakingAmountTooLarge(uint256 requested, uint256 maxTotal);
    /// @notice The period cannot be changed while one is running (it ends at `periodFinish`).
    error StakingPeriodRunning(uint256 periodFinish);
    /// @notice A reward period must last between one second and `maxDuration`.
    error StakingInvalidDuration(uint256 duration, uint256 maxDuration);
    /// @notice Spread over the period, `totalScaled` / RATE_SCALE rounds to a rate of zero.
    error StakingNothingToDistribute(uint256 totalScaled, uint256 duration);
    /// @notice The new period would pay `required` but only `available` is held beyond staked principal.
    error StakingRewardNotFunded(uint256 required, uint256 available);
    /// @notice Funding beyond `maxTotalFunded` (cumulative) or a rate beyond the packed maximum.
    error StakingRewardTooLarge(uint256 totalFunded, uint256 maxTotalFunded);
    /// @notice The staking and reward tokens can never be recovered.
    error StakingTokenNotRecoverable(address token);
    /// @notice Tokens of these scales leave room for only `maxTotalStaked` staking base units staked and
    /// `maxTotalFunded` reward base units funded, less than a realistic programme (MIN_PROGRAMME_STAKE whole
    /// staking tokens staked, MIN_PROGRAMME_REWARDS whole reward tokens funded): the accumulator arithmetic would
    /// overflow for such a pair. Pick tokens closer in decimals.
    error StakingTokenScalesUnsupported(
        uint8 stakingDecimals,
        uint8 rewardsDecimals,
        uint256 maxTotalStaked,
        uint256 maxTotalFunded
    );
    /// @notice A zero address was given for a token or an account.
    error StakingZeroAddress();

    /// @notice `account` staked `amount`; its stake is now `balance`, the pool's `totalStaked`.
    event Staked(address indexed account, uint256 amount, uint256 balance, uint256 totalStaked);
    /// @notice `account` withdrew `amount`; its stake is now `balance`, the pool's `totalStaked`.
    event Withdrawn(address indexed account, uint256 amount, uint256 balance, uint256 totalStaked);
    /// @notice `account` was paid `reward` reward tokens.
    event RewardPaid(address indexed account, uint256 reward);
    /// @notice A period started: `reward` tokens arrived (with this call or sent directly since the last period),
    /// `carried` (scaled) rolled over from before,
    /// paid at `rewardRate` (scaled by RATE_SCALE, per second) until `periodFinish`.
    event RewardAdded(uint256 reward, uint256 carried, uint256 rewardRate, uint256 periodStart, uint256 periodFinish);
    /// @notice The length of the next reward periods is now `duration` seconds.
    event RewardsDurationUpdated(uint256 duration);
    /// @notice `amount` of `token`, sent here by mistake, was sent to `to`.
    event Recovered(address indexed token, uint256 amount, address indexed to);

    /// @notice Stakes `amount` of the staking token (approved beforehand).
    function stake(uint256 amount) external;

    /// @notice Stakes `amount` with an EIP-2612 permit signature instead of a prior approval.
    function stakeWithPermit(uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s) external;

    /// @notice Withdraws `amount` of the caller's stake.
    function withdraw(uint256 amount) external;

    /// @notice Pays the caller every reward earned so far.
    function claim() external;

    /// @notice Withdraws the caller's whole stake and pays its rewards.
    function exit() external;

    /// @notice Pulls `reward` reward tokens from the caller and starts a new period with them.
    function notifyRewardAmount(uint256 reward) external;

    /// @notice Rewards earned by `account` and not yet paid.
    function earned(address account) external view returns (uint256);

    /// @notice Tokens staked by `account`.
    function balanceOf(address account) external view returns (uint256);

    /// @notice Tokens staked by everyone.
    function totalStaked() external view returns (uint256);
}
