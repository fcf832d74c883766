// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IStakingRewards} from "./interfaces/IStakingRewards.sol";

/// @title StakingRewards
/// @notice Stake a token, earn a reward token (possibly the same) paid at a constant rate over
/// periods that the REWARDS_DISTRIBUTOR_ROLE funds up front.
/// @dev The reward-per-token accumulator pattern, with each account's state in one storage slot
/// (stake plus a signed reward debt, as in MasterChef) so that stake and claim stay cheap.
/// Rewards of time when the pool holds less than `minimumPool()` (nobody staked) and rounding
/// dust of the rate are carried into the next period instead of being lost, and so are reward
/// tokens sent to the contract directly (counted as funded by the next {notifyRewardAmount}).
/// Pausing blocks staking only: withdraw, claim and exit always work.
///
/// Limits, from both tokens' scales (S = 10^stakingDecimals, R = 10^rewardsDecimals):
/// - the accumulator grows by at most totalFunded * ACC_SCALE / S (rewards only accrue while at least
///   S is staked), and a reward debt is at most balance * accumulator / ACC_SCALE, so the debt stays
///   within int152 when maxTotalStaked * maxTotalFunded / S <= 2^150, and the accumulator within
///   uint208 when maxTotalFunded / S <= 2^88;
/// - so maxTotalStaked = min(2^104 - 1, S * 2^52) and maxTotalFunded = min(2^150 * S / maxTotalStaked,
///   S * 2^88). For 18-decimal tokens that is 2e13 staked and 7e13 funded whole tokens; for a 6-decimal
///   staking token (USDC) and an 18-decimal reward, 4.5e15 staked and 3.2e11 funded whole tokens.
/// - The constructor refuses a pair whose limits are below a realistic programme:
///   {MIN_PROGRAMME_STAKE} whole staking tokens staked at once and {MIN_PROGRAMME_REWARDS} whole
///   reward tokens funded over the contract's life.
contract StakingRewards is IStakingRewards, AccessControl, Pausable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice Account state, packed in one slot: stake and reward debt (reward-token units).
    struct Account {
        uint104 balance;
        int152 rewardDebt;
    }

    /// @notice Role that funds reward periods with {notifyRewardAmount}.
    bytes32 public constant REWARDS_DISTRIBUTOR_ROLE = keccak256("REWARDS_DISTRIBUTOR_ROLE");
    /// @notice Role that pauses and unpauses staking.
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @notice Scale of {rewardRate}: reward base units per second times RATE_SCALE.
    uint256 public constant RATE_SCALE = 1e9;
    /// @notice Scale of {rewardPerToken}.
    uint256 public constant ACC_SCALE = 1e36;
    /// @notice Longest allowed reward period.
    uint256 public constant MAX_REWARDS_DURATION = 4 * 365 days;
    /// @notice Whole staking tokens the pool must be able to hold for the pair to be accepted.
    uint256 public constant MIN_PROGRAMME_STAKE = 1e12;
    /// @notice Whole reward tokens the contract must be able to fund over its life for the pair to be accepted.
    uint256 public constant MIN_PROGRAMME_REWARDS = 1e10;
    /// @dev ACC_SCALE / RATE_SCALE: turns rate x seconds into accumulator units.
    uint256 private constant _RATE_TO_ACC = 1e27;

    IERC20 private immutable _stakingToken;
    IERC20 private immutable _rewardsToken;
    /// @dev Below this much staked, time accrues to the carry instead of the accumulator; this bounds
    /// the accumulator (no dust-stake inflation) and so every account's reward debt.
    uint256 private immutable _minimumPool;
    /// @dev Cap on the pool that keeps reward debts within int152 (see the contract's limits).
    uint256 private immutable _maxTotalStaked;
    /// @dev Cumulative funding cap that keeps reward debts within int152 and the accumulator within uint208.
    uint256 private immutable _maxTotalFunded;

    // Packed after Pausable's `_paused` flag: one cold read serves the pause check and the pool.
    uint40 private _lastUpdateTime;
    uint208 private _rewardPerTokenStored;
    // Packed: the period and the pool size.
    uint40 private _periodFinish;
    uint112 private _rewardRate;
    uint104 private _totalStaked;

    uint256 private _rewardsDuration;
    /// @dev Scaled by RATE_SCALE: rewards of idle time and rate rounding, carried into the next period.
    uint256 private _carried;
    // Packed: funded and paid, read together to tell tokens sent directly from rewards still owed.
    uint128 private _totalFunded;
    uint128 private _totalPaid;
    mapping(address account => Account) private _accounts;

    /// @param admin Receives DEFAULT_ADMIN_ROLE, PAUSER_ROLE and REWARDS_DISTRIBUTOR_ROLE.
    /// @param stakingToken_ The token that is staked.
    /// @param rewardsToken_ The token rewards are paid in (may equal `stakingToken_`).
    /// @param rewardsDuration_ Length of a reward period in seconds.
    constructor(address admin, address stakingToken_, address rewardsToken_, uint256 rewardsDuration_) {
        if (admin == address(0) || stakingToken_ == address(0) || rewardsToken_ == address(0)) {
            revert StakingZeroAddress();
        }
        _checkDuration(rewardsDuration_);
        _stakingToken = IERC20(stakingToken_);
        _rewardsToken = IERC20(rewardsToken_);
        uint8 stakingDecimals = _decimalsOf(stakingToken_);
        uint8 rewardsDecimals = _decimalsOf(rewardsToken_);
        uint256 stakingScale = 10 ** stakingDecimals;
        // See the contract's limits: debt <= maxTotalStaked * maxTotalFunded / stakingScale <= 2^150, and
        // accumulator <= maxTotalFunded / stakingScale * ACC_SCALE < 2^88 * 2^120 = 2^208.
        uint256 maxStaked = Math.min(type(uint104).max, stakingScale << 52);
        uint256 maxFunded = Math.min(Math.mulDiv(1 << 150, stakingScale, maxStaked), stakingScale << 88);
        maxFunded = Math.min(maxFunded, type(uint128).max); // only binds for decimals near the cap of 36
        if (maxStaked < MIN_PROGRAMME_STAKE * stakingScale || maxFunded < MIN_PROGRAMME_REWARDS * 10 ** rewardsDecimals) {
            revert StakingTokenScalesUnsupported(stakingDecimals, rewardsDecimals, maxStaked, maxFunded);
        }
        _minimumPool = stakingScale;
        _maxTotalStaked = maxStaked;
        _maxTotalFunded = maxFunded;
        _rewardsDuration = rewardsDuration_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(PAUSER_ROLE, admin);
        _grantRole(REWARDS_DISTRIBUTOR_ROLE, admin);
    }

    /// @inheritdoc IStakingRewards
    /// @dev Requirements: not paused, `amount` > 0 and approved. Emits {Staked}.
    function stake(uint256 amount) external nonReentrant whenNotPaused {
        _stake(amount);
    }

    /// @inheritdoc IStakingRewards
    /// @dev The permit is tried and its failure ignored (it may have been front-run); the stake then
    /// needs the allowance to be there. Requirements as {stake}. Emits {Staked}.
    function stakeWithPermit(
        uint256 amount,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant whenNotPaused {
        // solhint-disable-next-line no-empty-blocks
        try IERC20Permit(address(_stakingToken)).permit(msg.sender, address(this), amount, deadline, v, r, s) {} catch {}
        _stake(amount);
    }

    /// @inheritdoc IStakingRewards
    /// @dev Requirements: 0 < `amount` <= the caller's stake. Works while paused. Emits {Withdrawn}.
    function withdraw(uint256 amount) external nonReentrant {
        _withdraw(amount);
    }

    /// @inheritdoc IStakingRewards
    /// @dev Pays nothing (and emits nothing) when nothing is owed. Emits {RewardPaid}.
    function claim() external nonReentrant {
        _claim();
    }

    /// @inheritdoc IStakingRewards
    /// @dev Requirements: the caller has a stake. Emits {Withdrawn} and {RewardPaid}.
    function exit() external nonReentrant {
        _withdraw(_accounts[msg.sender].balance);
        _claim();
    }

    /// @inheritdoc IStakingRewards
    /// @dev What is left of a running period and what was carried roll into the new rate. The tokens
    /// are transferred in by this call (what arrives is what counts), so no promise is unfunded; reward
    /// tokens sent to the contract directly since (beyond principal and every reward funded and not yet
    /// paid) are added too, and counted in the event's `reward`.
    /// `reward` may be zero to re-spread carried rewards. Requirements: REWARDS_DISTRIBUTOR_ROLE;
    /// the rate is positive and backed by the balance beyond staked principal. Emits {RewardAdded}.
    function notifyRewardAmount(uint256 reward) external nonReentrant onlyRole(REWARDS_DISTRIBUTOR_ROLE) {
        (, uint256 totalStaked_) = _updatePool();
        uint256 principal = _rewardsToken == _stakingToken ? totalStaked_ : 0;
        uint256 balanceBefore = _rewardsToken.balanceOf(address(this));
        // Everything funded and not yet paid is owed (claimable, running, carried, dust); the rest beyond
        // principal arrived without notification and is added now.
        uint256 owed = principal + _totalFunded - _totalPaid;
        uint256 received = balanceBefore > owed ? balanceBefore - owed : 0;
        if (reward > 0) {
            _rewardsToken.safeTransferFrom(msg.sender, address(this), reward);
            received += _rewardsToken.balanceOf(address(this)) - balanceBefore;
        }
        uint256 funded = _totalFunded + received;
        if (funded > _maxTotalFunded) revert StakingRewardTooLarge(funded, _maxTotalFunded);

        uint256 finish = _periodFinish;
        uint256 leftover = block.timestamp < finish ? (finish - block.timestamp) * _rewardRate : 0;
        uint256 carried = _carried + leftover;
        uint256 totalScaled = received * RATE_SCALE + carried;
        uint256 duration = _rewardsDuration;
        uint256 rate = totalScaled / duration;
        if (rate == 0) revert StakingNothingToDistribute(totalScaled, duration);
        if (rate > type(uint112).max) revert StakingRewardTooLarge(funded, _maxTotalFunded);

        uint256 held = _rewardsToken.balanceOf(address(this));
        uint256 available = held - principal;
        uint256 required = (rate * duration) / RATE_SCALE;
        if (required > available) revert StakingRewardNotFunded(required, available);

        _totalFunded = uint128(funded); // at most maxTotalFunded < 2^128
        _carried = totalScaled - rate * duration;
        _rewardRate = uint112(rate);
        _lastUpdateTime = uint40(block.timestamp);
        _periodFinish = uint40(block.timestamp + duration);
        emit RewardAdded(received, carried, rate, block.timestamp, block.timestamp + duration);
    }

    /// @notice Sets the length of the following reward periods to `duration` seconds.
    /// @dev Requirements: DEFAULT_ADMIN_ROLE; no period running; 0 < `duration` <= MAX_REWARDS_DURATION.
    /// Emits {RewardsDurationUpdated}.
    function setRewardsDuration(uint256 duration) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (block.timestamp < _periodFinish) revert StakingPeriodRunning(_periodFinish);
        _checkDuration(duration);
        _rewardsDuration = duration;
        emit RewardsDurationUpdated(duration);
    }

    /// @notice Pauses staking (withdraw, claim and exit keep working). Requirements: PAUSER_ROLE.
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @notice Resumes staking. Requirements: PAUSER_ROLE.
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    /// @notice Sends `amount` of `token`, sent here by mistake, to `to`.
    /// @dev Requirements: DEFAULT_ADMIN_ROLE; `token` is neither the staking nor the reward token.
    /// Emits {Recovered}.
    function recoverERC20(address token, uint256 amount, address to) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (token == address(_stakingToken) || token == address(_rewardsToken)) revert StakingTokenNotRecoverable(token);
        if (to == address(0)) revert StakingZeroAddress();
        emit Recovered(token, amount, to);
        IERC20(token).safeTransfer(to, amount);
    }

    /// @notice The token that is staked.
    function stakingToken() external view returns (address) {
        return address(_stakingToken);
    }

    /// @notice The token rewards are paid in.
    function rewardsToken() external view returns (address) {
        return address(_rewardsToken);
    }

    /// @inheritdoc IStakingRewards
    function balanceOf(address account) external view returns (uint256) {
        return _accounts[account].balance;
    }

    /// @inheritdoc IStakingRewards
    function totalStaked() external view returns (uint256) {
        return _totalStaked;
    }

    /// @inheritdoc IStakingRewards
    function earned(address account) external view returns (uint256) {
        (uint256 acc, , ) = _accrued();
        return _pending(_accounts[account], acc);
    }

    /// @notice Rewards per staked base unit so far, scaled by ACC_SCALE.
    function rewardPerToken() external view returns (uint256 acc) {
        (acc, , ) = _accrued();
    }

    /// @notice Reward base units paid per second in the current period, scaled by RATE_SCALE.
    function rewardRate() external view returns (uint256) {
        return _rewardRate;
    }

    /// @notice When the current (or last) reward period ends.
    function periodFinish() external view returns (uint256) {
        return _periodFinish;
    }

    /// @notice The length of reward periods in seconds.
    function rewardsDuration() external view returns (uint256) {
        return _rewardsDuration;
    }

    /// @notice Rewards paid over a whole period at the current rate (base units).
    function getRewardForDuration() external view returns (uint256) {
        return (uint256(_rewardRate) * _rewardsDuration) / RATE_SCALE;
    }

    /// @notice Rewards (scaled by RATE_SCALE) that will roll into the next period, as of now.
    function carriedRewards() external view returns (uint256) {
        (, , uint256 newlyCarried) = _accrued();
        return _carried + newlyCarried;
    }

    /// @notice Smallest pool that earns: below it, time's rewards are carried to the next period.
    function minimumPool() external view returns (uint256) {
        return _minimumPool;
    }

    /// @notice Reward tokens transferred in by all periods so far (tokens sent directly included).
    function totalFunded() external view returns (uint256) {
        return _totalFunded;
    }

    /// @notice Reward tokens paid to stakers so far.
    function totalPaid() external view returns (uint256) {
        return _totalPaid;
    }

    /// @notice Most staking-token base units the pool may hold (see the contract's limits).
    function maxTotalStaked() external view returns (uint256) {
        return _maxTotalStaked;
    }

    /// @notice Most reward-token base units that may be funded over the contract's life.
    function maxTotalFunded() external view returns (uint256) {
        return _maxTotalFunded;
    }

    function _stake(uint256 amount) private {
        if (amount == 0) revert StakingZeroAmount();
        (uint256 acc, uint256 totalStaked_) = _updatePool();
        Account memory account = _accounts[msg.sender];
        uint256 balance = account.balance + amount;
        uint256 newTotal = totalStaked_ + amount;
        // balance <= newTotal, so one check bounds both.
        if (newTotal > _maxTotalStaked) revert StakingAmountTooLarge(amount, _maxTotalStaked);
        // Rounded up: the debt never undercounts, so no account is paid more than it earned.
        int256 debt = account.rewardDebt + int256(Math.mulDiv(amount, acc, ACC_SCALE, Math.Rounding.Ceil));
        _accounts[msg.sender] = Account(uint104(balance), int152(debt));
        _totalStaked = uint104(newTotal);
        emit Staked(msg.sender, amount, balance, newTotal);
        _stakingToken.safeTransferFrom(msg.sender, address(this), amount);
    }

    function _withdraw(uint256 amount) private {
        if (amount == 0) revert StakingZeroAmount();
        (uint256 acc, uint256 totalStaked_) = _updatePool();
        Account memory account = _accounts[msg.sender];
        if (amount > account.balance) revert StakingInsufficientBalance(msg.sender, account.balance, amount);
        // Rounded down, for the same reason as in _stake.
        int256 debt = account.rewardDebt - int256(Math.mulDiv(amount, acc, ACC_SCALE));
        unchecked {
            // amount <= balance <= totalStaked, checked above.
            account.balance -= uint104(amount);
            totalStaked_ -= amount;
        }
        _accounts[msg.sender] = Account(account.balance, int152(debt));
        _totalStaked = uint104(totalStaked_);
        emit Withdrawn(msg.sender, amount, account.balance, totalStaked_);
        _stakingToken.safeTransfer(msg.sender, amount);
    }

    function _claim() private {
        (uint256 acc, ) = _updatePool();
        Account storage account = _accounts[msg.sender];
        uint256 reward = _pending(account, acc);
        if (reward == 0) return;
        // reward < 2^150 (see constructor), so the cast and the sum fit.
        account.rewardDebt += int152(int256(reward));
        _totalPaid += uint128(reward); // paid <= funded < 2^128
        emit RewardPaid(msg.sender, reward);
        _rewardsToken.safeTransfer(msg.sender, reward);
    }

    /// @dev Brings the accumulator (or the carry, when the pool is too small) up to now.
    function _updatePool() private returns (uint256 acc, uint256 totalStaked_) {
        uint256 until;
        uint256 newlyCarried;
        (acc, until, newlyCarried) = _accrued();
        totalStaked_ = _totalStaked;
        if (until != _lastUpdateTime) {
            _lastUpdateTime = uint40(until);
            // acc <= totalFunded * ACC_SCALE / minimumPool < 2^208 (see constructor).
            _rewardPerTokenStored = uint208(acc);
            if (newlyCarried != 0) _carried += newlyCarried;
        }
    }

    /// @dev The accumulator and the time it is valid until, as they would be updated now, and the
    /// rewards (scaled) that accrued while the pool was below the minimum.
    function _accrued() private view returns (uint256 acc, uint256 until, uint256 newlyCarried) {
        acc = _rewardPerTokenStored;
        uint256 last = _lastUpdateTime;
        uint256 finish = _periodFinish;
        until = block.timestamp < finish ? block.timestamp : finish;
        if (until <= last) return (acc, last, 0);
        uint256 scaled = uint256(_rewardRate) * (until - last);
        uint256 totalStaked_ = _totalStaked;
        if (totalStaked_ >= _minimumPool) acc += (scaled * _RATE_TO_ACC) / totalStaked_;
        else newlyCarried = scaled;
    }

    function _pending(Account memory account, uint256 acc) private pure returns (uint256) {
        int256 owed = int256(Math.mulDiv(account.balance, acc, ACC_SCALE)) - account.rewardDebt;
        return owed > 0 ? uint256(owed) : 0;
    }

    function _checkDuration(uint256 duration) private pure {
        if (duration == 0 || duration > MAX_REWARDS_DURATION) {
            revert StakingInvalidDuration(duration, MAX_REWARDS_DURATION);
        }
    }

    function _decimalsOf(address token) private view returns (uint8) {
        try IERC20Metadata(token).decimals() returns (uint8 decimals_) {
            return decimals_ > 36 ? 36 : decimals_;
        } catch {
            return 18;
        }
    }
}
