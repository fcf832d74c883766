// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IPaymentEscrow} from "./interfaces/IPaymentEscrow.sol";

/// @title EscrowPayouts
/// @notice The money side of {PaymentEscrow}: what the escrow owes per token, payouts with bounded gas, credits and
/// their withdrawal, protocol fees, the sweep of surplus, the token allowlist and the admin roles.
/// @dev Books: for every token (address(0) = native ETH) the escrow tracks `owed`, the sum of everything it owes
/// (funds held for invoices + credits + accrued fees), and `fees`, the part of it that is accrued protocol fees,
/// in one slot so a release updates both with one write. A payment adds to `owed` and is refused unless the
/// escrow's balance covers the new `owed` afterwards; every payout, withdrawal and fee collection subtracts what
/// leaves. So `balance - owed` is exactly what nobody is owed, and only that can be swept.
abstract contract EscrowPayouts is IPaymentEscrow, AccessControl, Pausable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @dev What the escrow owes in one token; `fees` is part of `owed`.
    struct Book {
        uint128 owed;
        uint128 fees;
    }

    /// @notice Role that may pause and unpause new invoices and payments.
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @notice Role that may set the protocol fee rate and recipient.
    bytes32 public constant FEE_MANAGER_ROLE = keccak256("FEE_MANAGER_ROLE");
    /// @notice Role that manages the token allowlist.
    bytes32 public constant TOKEN_MANAGER_ROLE = keccak256("TOKEN_MANAGER_ROLE");
    /// @notice Role that may sweep what the escrow holds beyond what it owes.
    bytes32 public constant SWEEPER_ROLE = keccak256("SWEEPER_ROLE");
    /// @notice Highest protocol fee rate: 5%.
    uint16 public constant MAX_FEE_BPS = 500;
    /// @notice Gas forwarded with a native ETH payout; a receiver needing more is credited instead.
    uint256 public constant NATIVE_PAYOUT_GAS = 50_000;
    /// @notice Gas forwarded with an ERC-20 payout (the token's `transfer`); if the transfer fails or needs more,
    /// the receiver is credited instead.
    /// @dev This bounds what a receiver (or its token hooks) can make another party's release, claim, refund,
    /// reclaim, resolve or settlement cost: at most this much per payout plus the escrow's own work. It fits the
    /// tokens we allow with room to spare: a transfer to a holder with no balance yet, the dearest case, takes about
    /// 30,000 gas for DAI and WETH (two balance slots, one of them new: 2,100 + 20,000 + 2,900 + 2,100 + execution)
    /// and about 45,000-60,000 for USDC and USDT behind their proxies (cold implementation load and delegatecall,
    /// pause and blocklist reads for sender and receiver, USDT's fee parameters). Twice the dearest still fits
    /// under 150,000, so a working transfer of these tokens is never cut short; a token or receiver needing more is
    /// credited and withdraws with {withdraw}, which forwards all gas because the caller pays for it.
    uint256 public constant TOKEN_PAYOUT_GAS = 150_000;

    /// @dev Gas that must be left beyond a payout's allowance when it is pushed (40,000): enough to credit the
    /// receiver if the push fails. With less, the call reverts, so a caller cannot starve a push into a credit on
    /// purpose. Not a public getter: one more selector would cost every call in the dispatcher.
    uint256 private constant _PAYOUT_GAS_RESERVE = 40_000;
    /// @dev Gas a native ETH push needs left: its allowance and the reserve.
    uint256 private constant _NATIVE_PUSH_GAS = NATIVE_PAYOUT_GAS + _PAYOUT_GAS_RESERVE;
    /// @dev Gas an ERC-20 push needs left: its allowance and the reserve.
    uint256 private constant _TOKEN_PUSH_GAS = TOKEN_PAYOUT_GAS + _PAYOUT_GAS_RESERVE;

    /// @dev IERC20's transfer(address,uint256).
    bytes4 private constant _TRANSFER_SELECTOR = 0xa9059cbb;

    // These share a slot with Pausable's flag (declared here, before any mapping, so that they pack): creation and
    // payment read the pause flag, the fee rate, the allowlist switch and the invoice count in one cold read.
    uint16 internal _feeBps;
    bool internal _allowlistEnabled;
    address internal _feeRecipient;
    uint40 internal _invoiceCount;
    uint24 internal _arbiterCount;

    mapping(address token => Book) private _books;
    mapping(address account => mapping(address token => uint256)) private _credits;
    mapping(address token => bool) private _allowedTokens;

    /// @param admin Receives DEFAULT_ADMIN_ROLE and every other role.
    /// @param feeRecipient_ Address that collects protocol fees.
    /// @param feeBps_ Protocol fee rate for new invoices, at most {MAX_FEE_BPS}.
    /// @param allowedTokens Tokens put on the allowlist (each must have code).
    /// @param allowlistEnabled_ Whether new invoices are limited to allowed tokens from the start.
    constructor(
        address admin,
        address feeRecipient_,
        uint16 feeBps_,
        address[] memory allowedTokens,
        bool allowlistEnabled_
    ) {
        if (admin == address(0)) revert EscrowZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(PAUSER_ROLE, admin);
        _grantRole(FEE_MANAGER_ROLE, admin);
        _grantRole(TOKEN_MANAGER_ROLE, admin);
        _grantRole(SWEEPER_ROLE, admin);
        _setFeeRecipient(feeRecipient_);
        _setFeeBps(feeBps_);
        for (uint256 i = 0; i < allowedTokens.length; ++i) _setTokenAllowed(allowedTokens[i], true);
        _setAllowlistEnabled(allowlistEnabled_);
    }

    // ------------------------------------------------------------------ withdrawals

    /// @inheritdoc IPaymentEscrow
    function withdraw(address token) external nonReentrant {
        _withdraw(token, msg.sender);
    }

    /// @inheritdoc IPaymentEscrow
    function withdrawTo(address token, address to) external nonReentrant {
        if (to == address(0)) revert EscrowZeroAddress();
        _withdraw(token, to);
    }

    /// @inheritdoc IPaymentEscrow
    function collectFees(address token) external nonReentrant {
        address recipient = _feeRecipient;
        if (msg.sender != recipient) revert EscrowNotFeeRecipient(msg.sender, recipient);
        Book storage book = _books[token];
        uint256 amount = book.fees;
        if (amount == 0) revert EscrowNoFeesAccrued(token);
        book.fees = 0;
        book.owed -= uint128(amount); // fees are part of owed
        emit FeesCollected(recipient, token, amount);
        _send(token, recipient, amount);
    }

    /// @inheritdoc IPaymentEscrow
    function sweep(address token, address to) external nonReentrant onlyRole(SWEEPER_ROLE) {
        if (to == address(0)) revert EscrowZeroAddress();
        uint256 amount = surplus(token);
        if (amount == 0) revert EscrowNothingToSweep(token);
        emit Swept(msg.sender, token, to, amount);
        _send(token, to, amount);
    }

    // ------------------------------------------------------------------ admin

    /// @inheritdoc IPaymentEscrow
    function setFeeBps(uint16 newFeeBps) external onlyRole(FEE_MANAGER_ROLE) {
        _setFeeBps(newFeeBps);
    }

    /// @inheritdoc IPaymentEscrow
    function setFeeRecipient(address newRecipient) external onlyRole(FEE_MANAGER_ROLE) {
        _setFeeRecipient(newRecipient);
    }

    /// @inheritdoc IPaymentEscrow
    function setTokenAllowed(address token, bool allowed) external onlyRole(TOKEN_MANAGER_ROLE) {
        _setTokenAllowed(token, allowed);
    }

    /// @inheritdoc IPaymentEscrow
    function setAllowlistEnabled(bool enabled) external onlyRole(TOKEN_MANAGER_ROLE) {
        _setAllowlistEnabled(enabled);
    }

    /// @inheritdoc IPaymentEscrow
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @inheritdoc IPaymentEscrow
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IPaymentEscrow
    function credits(address account, address token) external view returns (uint256) {
        return _credits[account][token];
    }

    /// @inheritdoc IPaymentEscrow
    function totalOwed(address token) external view returns (uint256) {
        return _books[token].owed;
    }

    /// @inheritdoc IPaymentEscrow
    function feesAccrued(address token) external view returns (uint256) {
        return _books[token].fees;
    }

    /// @inheritdoc IPaymentEscrow
    function isTokenAllowed(address token) external view returns (bool) {
        return token == address(0) || _allowedTokens[token];
    }

    /// @inheritdoc IPaymentEscrow
    function allowlistEnabled() external view returns (bool) {
        return _allowlistEnabled;
    }

    /// @inheritdoc IPaymentEscrow
    function feeBps() external view returns (uint16) {
        return _feeBps;
    }

    /// @inheritdoc IPaymentEscrow
    function feeRecipient() external view returns (address) {
        return _feeRecipient;
    }

    /// @inheritdoc IPaymentEscrow
    function surplus(address token) public view returns (uint256) {
        uint256 balance = token == address(0) ? address(this).balance : IERC20(token).balanceOf(address(this));
        uint256 owed = _books[token].owed;
        return balance > owed ? balance - owed : 0;
    }

    // ------------------------------------------------------------------ internal

    /// @dev Records `amount` of `token` coming in for an invoice; returns what the escrow owes in it afterwards.
    function _addOwed(address token, uint256 amount) internal returns (uint256 owed) {
        Book storage book = _books[token];
        owed = book.owed + amount;
        book.owed = SafeCast.toUint128(owed);
    }

    /// @dev Records `out` of `token` leaving the escrow and `fee` of it staying as accrued fees, in one write.
    function _debit(address token, uint256 out, uint256 fee) internal {
        Book memory book = _books[token];
        // out and fee are parts of funds held for an invoice, which owed counts, so owed - out stays >= 0 and
        // fees + fee <= owed < 2^128.
        _books[token] = Book(uint128(book.owed - out), uint128(book.fees + fee));
    }

    /// @dev Pushes `amount` of `token` to `to` (already debited); if that fails, credits it to `to` for {withdraw}.
    function _push(uint256 id, address token, address to, uint256 amount) internal {
        if (amount == 0) return;
        // A push that fails must be the receiver's doing: the caller leaves the whole allowance (also after the
        // 63/64 rule, which the reserve covers) and enough to credit.
        bool sent;
        if (token == address(0)) {
            uint256 gasLimit = NATIVE_PAYOUT_GAS;
            if (gasleft() < _NATIVE_PUSH_GAS) revert EscrowPayoutGasTooLow(gasleft(), _NATIVE_PUSH_GAS);
            // Limited gas and no return data copied: a receiver can neither burn the caller's gas nor bomb memory.
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                sent := call(gasLimit, to, amount, 0, 0, 0, 0)
            }
        } else {
            uint256 gasLimit = TOKEN_PAYOUT_GAS;
            if (gasleft() < _TOKEN_PUSH_GAS) revert EscrowPayoutGasTooLow(gasleft(), _TOKEN_PUSH_GAS);
            bytes4 selector = _TRANSFER_SELECTOR;
            // transfer(to, amount) with limited gas and at most one word of return data copied, accepted as
            // OpenZeppelin's SafeERC20 accepts it: no return data from a contract, or a returned true.
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                let ptr := mload(0x40)
                mstore(ptr, selector)
                mstore(add(ptr, 0x04), and(to, 0xffffffffffffffffffffffffffffffffffffffff))
                mstore(add(ptr, 0x24), amount)
                let success := call(gasLimit, token, 0, ptr, 0x44, 0, 0x20)
                let size := returndatasize()
                let accepted := or(
                    and(iszero(size), gt(extcodesize(token), 0)),
                    and(gt(size, 31), eq(mload(0), 1))
                )
                sent := and(success, accepted)
            }
        }
        if (!sent) {
            _credits[to][token] += amount;
            _books[token].owed += uint128(amount); // it was debited before the push and stays owed
            emit PayoutCredited(id, to, token, amount);
        }
    }

    /// @dev Refuses `token` for a new invoice unless it is native ETH or, while the allowlist is on, allowed (an
    /// allowed token had code when it was added), or, while it is off, a contract.
    function _checkInvoiceToken(address token, bool allowlistOn) internal view {
        if (token == address(0)) return;
        if (allowlistOn) {
            if (!_allowedTokens[token]) revert EscrowTokenNotAllowed(token);
        } else if (token.code.length == 0) {
            revert EscrowTokenHasNoCode(token);
        }
    }

    /// @dev Sends the caller's whole credit in `token` to `to`.
    function _withdraw(address token, address to) private {
        uint256 amount = _credits[msg.sender][token];
        if (amount == 0) revert EscrowNothingToWithdraw(msg.sender, token);
        _credits[msg.sender][token] = 0;
        _books[token].owed -= uint128(amount); // credits are part of owed
        emit Withdrawn(msg.sender, token, to, amount);
        _send(token, to, amount);
    }

    /// @dev Sends `amount` of `token` to `to` with all gas (the caller asked for it); reverts if that fails.
    function _send(address token, address to, uint256 amount) private {
        if (token == address(0)) {
            (bool sent, ) = to.call{value: amount}("");
            if (!sent) revert EscrowNativeTransferFailed(to, amount);
        } else {
            IERC20(token).safeTransfer(to, amount);
        }
    }

    function _setFeeBps(uint16 newFeeBps) private {
        if (newFeeBps > MAX_FEE_BPS) revert EscrowFeeTooHigh(newFeeBps, MAX_FEE_BPS);
        emit FeeBpsUpdated(_feeBps, newFeeBps);
        _feeBps = newFeeBps;
    }

    function _setFeeRecipient(address newRecipient) private {
        if (newRecipient == address(0)) revert EscrowZeroFeeRecipient();
        emit FeeRecipientUpdated(_feeRecipient, newRecipient);
        _feeRecipient = newRecipient;
    }

    function _setTokenAllowed(address token, bool allowed) private {
        if (allowed && token.code.length == 0) revert EscrowTokenHasNoCode(token);
        _allowedTokens[token] = allowed;
        emit TokenAllowed(token, allowed);
    }

    function _setAllowlistEnabled(bool enabled) private {
        _allowlistEnabled = enabled;
        emit AllowlistEnabled(enabled);
    }
}
