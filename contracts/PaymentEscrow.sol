// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IPaymentEscrow} from "./interfaces/IPaymentEscrow.sol";
import {EscrowState} from "./EscrowState.sol";
import {InvoiceLib} from "./libraries/InvoiceLib.sol";

/// @title PaymentEscrow
/// @notice Holds invoice payments (ERC-20 or native ETH) until the payer releases them, the merchant claims them
/// after the dispute window, the merchant refunds them, or a dispute is resolved. See {IPaymentEscrow}.
/// @dev Design notes:
/// - Storage: see {InvoiceLib}: five packed slots; a payment reads three and writes one, a release or refund reads
///   four and writes one. Arbiters are kept in a registry (an invoice stores a uint24 index) so that creating an
///   invoice with an arbiter already seen costs no extra slot.
/// - Status is stored only for what time cannot change (Disputed, Refunded, Resolved, Cancelled); everything else
///   is derived from amounts and the due date (see {status}).
/// - Disputes need an arbiter: without one, an unresolved dispute could only end with the payer taking everything
///   back after the timeout, which the merchant never agreed to. Invoices without arbiter end by release, claim
///   after the window or refund. A disputed invoice ends by the arbiter, by a settlement both sides sign, or by the
///   payer reclaiming after {DISPUTE_TIMEOUT}.
/// - Protocol fees are credited to the fee recipient (withdrawn with {withdraw}) rather than sent at each release.
/// - Payouts are pushed; a push that fails (ETH refused or out of the forwarded gas, an ERC-20 that reverts or
///   returns false) is credited to the receiver instead, so the other party is never blocked. Credits are updated
///   after a failed push; every function that moves funds is nonReentrant.
contract PaymentEscrow is AccessControl, EscrowState, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using InvoiceLib for InvoiceLib.Stored;

    /// @notice Role that may pause and unpause new invoices and payments.
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @notice Role that may set the protocol fee rate and recipient.
    bytes32 public constant FEE_MANAGER_ROLE = keccak256("FEE_MANAGER_ROLE");
    /// @notice Highest protocol fee rate: 5%.
    uint16 public constant MAX_FEE_BPS = 500;
    /// @notice Longest dispute window: 90 days.
    uint32 public constant MAX_DISPUTE_WINDOW = 90 days;
    /// @notice From this long after a dispute opened, the payer may reclaim if it is still unresolved: 30 days.
    uint64 public constant DISPUTE_TIMEOUT = 30 days;
    /// @notice Gas forwarded with a native ETH payout; a receiver needing more is credited instead.
    uint256 public constant NATIVE_PAYOUT_GAS = 50_000;

    /// @param admin Receives DEFAULT_ADMIN_ROLE, PAUSER_ROLE and FEE_MANAGER_ROLE.
    /// @param feeRecipient_ Address credited with protocol fees.
    /// @param feeBps_ Protocol fee rate for new invoices, at most {MAX_FEE_BPS}.
    constructor(address admin, address feeRecipient_, uint16 feeBps_) {
        if (admin == address(0)) revert EscrowZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(PAUSER_ROLE, admin);
        _grantRole(FEE_MANAGER_ROLE, admin);
        _setFeeRecipient(feeRecipient_);
        _setFeeBps(feeBps_);
    }

    // ------------------------------------------------------------------ invoices

    /// @inheritdoc IPaymentEscrow
    function createInvoice(
        address payer,
        address token,
        uint256 amount,
        uint64 dueDate,
        uint32 disputeWindow,
        address arbiter,
        bytes32 referenceHash
    ) external whenNotPaused returns (uint256 id) {
        if (amount == 0) revert EscrowZeroAmount();
        if (amount > type(uint96).max) revert EscrowAmountTooLarge(amount, type(uint96).max);
        if (dueDate <= block.timestamp) revert EscrowDueDateInPast(dueDate, block.timestamp);
        if (disputeWindow > MAX_DISPUTE_WINDOW) revert EscrowDisputeWindowTooLong(disputeWindow, MAX_DISPUTE_WINDOW);
        if (payer == msg.sender) revert EscrowPayerIsMerchant(payer);
        if (arbiter == msg.sender) revert EscrowArbiterIsMerchant(arbiter);
        if (arbiter != address(0) && arbiter == payer) revert EscrowArbiterIsPayer(arbiter);

        id = ++_invoiceCount;
        InvoiceLib.Stored storage inv = _invoices[id];
        inv.payer = payer;
        inv.dueDate = SafeCast.toUint40(dueDate);
        inv.disputeWindow = disputeWindow;
        if (arbiter != address(0)) inv.arbiterIndex = _registerArbiter(arbiter);
        inv.amount = uint96(amount);
        inv.state = Status.Open;
        uint16 rate = _feeBps;
        inv.feeBps = rate;
        if (token != address(0)) inv.token = token;
        inv.merchant = msg.sender;
        if (referenceHash != bytes32(0)) inv.referenceHash = referenceHash;

        emit InvoiceCreated(
            id, msg.sender, payer, token, amount, dueDate, disputeWindow, arbiter, referenceHash, rate
        );
    }

    /// @inheritdoc IPaymentEscrow
    function pay(uint256 id, uint256 amount) external nonReentrant whenNotPaused {
        address token = _recordPayment(id, amount, false);
        _pullToken(id, token, amount);
    }

    /// @inheritdoc IPaymentEscrow
    function payWithPermit(
        uint256 id,
        uint256 amount,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant whenNotPaused {
        address token = _recordPayment(id, amount, false);
        // A permit front-run by someone else reverts here; the allowance it set still lets the payment through.
        // solhint-disable-next-line no-empty-blocks
        try IERC20Permit(token).permit(msg.sender, address(this), amount, deadline, v, r, s) {} catch {}
        _pullToken(id, token, amount);
    }

    /// @inheritdoc IPaymentEscrow
    function payNative(uint256 id) external payable nonReentrant whenNotPaused {
        _recordPayment(id, msg.value, true);
    }

    /// @inheritdoc IPaymentEscrow
    function release(uint256 id, uint256 amount) external nonReentrant {
        InvoiceLib.Stored storage inv = _invoices[id];
        // Each slot read once, all before the first branch so the optimizer merges the reads (see {InvoiceLib}).
        address payer = inv.payer;
        address token = inv.token;
        uint256 released = inv.released;
        address merchant = inv.merchant;
        uint16 rate = inv.feeBps;
        uint256 held;
        {
            Status state = inv.state;
            uint256 paid = inv.paid;
            bool fullyPaid = paid == inv.amount;
            uint256 dueDate = inv.dueDate;
            unchecked {
                held = paid - released - inv.refunded; // released + refunded never exceed paid
            }
            if (state != Status.Open) _requireState(id, inv, Status.Open);
            if (msg.sender != payer) revert EscrowNotPayer(id, msg.sender, payer);
            if (!fullyPaid && block.timestamp > dueDate) revert EscrowInvalidStatus(id, Status.Expired);
            _checkHeld(id, inv, amount, held);
        }

        uint256 fee = _creditFee(token, amount, rate);
        unchecked {
            inv.released = uint96(released + amount); // amount <= held, so released stays below paid, a uint96
            held -= amount; // amount <= held
        }
        emit InvoiceReleased(id, payer, merchant, token, amount, fee, held);
        unchecked {
            _payout(id, token, merchant, amount - fee); // the fee is at most MAX_FEE_BPS of amount
        }
    }

    /// @inheritdoc IPaymentEscrow
    function claim(uint256 id) external nonReentrant {
        InvoiceLib.Stored storage inv = _invoices[id];
        // Each slot read once, all before the first branch so the optimizer merges the reads (see {InvoiceLib}).
        address payer = inv.payer;
        address token = inv.token;
        uint256 released = inv.released;
        address merchant = inv.merchant;
        uint16 rate = inv.feeBps;
        uint256 held;
        {
            Status state = inv.state;
            uint256 paid = inv.paid;
            bool fullyPaid = paid == inv.amount;
            uint256 endsAt = uint256(inv.paidAt) + inv.disputeWindow;
            unchecked {
                held = paid - released - inv.refunded; // released + refunded never exceed paid
            }
            if (state != Status.Open) _requireState(id, inv, Status.Open);
            if (msg.sender != merchant) revert EscrowNotMerchant(id, msg.sender, merchant);
            if (!fullyPaid || held == 0) revert EscrowInvalidStatus(id, inv.status());
            if (block.timestamp < endsAt) revert EscrowDisputeWindowOpen(id, endsAt);
        }

        uint256 fee = _creditFee(token, held, rate);
        unchecked {
            inv.released = uint96(released + held); // released + held = paid - refunded, a uint96
        }
        emit InvoiceClaimed(id, merchant, payer, token, held, fee);
        unchecked {
            _payout(id, token, merchant, held - fee); // the fee is at most MAX_FEE_BPS of held
        }
    }

    /// @inheritdoc IPaymentEscrow
    function refund(uint256 id, uint256 amount) external nonReentrant {
        InvoiceLib.Stored storage inv = _invoices[id];
        // Each slot read once, all before the first branch so the optimizer merges the reads (see {InvoiceLib}).
        Status state = inv.state;
        uint256 paid = inv.paid;
        bool fullyPaid = paid == inv.amount;
        address payer = inv.payer;
        address token = inv.token;
        address merchant = inv.merchant;
        uint256 refunded = inv.refunded;
        uint256 held;
        unchecked {
            held = paid - inv.released - refunded; // released + refunded never exceed paid
        }
        if (state != Status.Open) _requireState(id, inv, Status.Open);
        if (msg.sender != merchant) revert EscrowNotMerchant(id, msg.sender, merchant);
        _checkHeld(id, inv, amount, held);

        unchecked {
            inv.refunded = uint96(refunded + amount); // amount <= held, so refunded stays below paid, a uint96
            held -= amount; // amount <= held
        }
        if (held == 0 && !fullyPaid) inv.state = Status.Refunded; // closes a part-paid invoice
        emit InvoiceRefunded(id, merchant, payer, token, amount, held);
        _payout(id, token, payer, amount);
    }

    /// @inheritdoc IPaymentEscrow
    function reclaim(uint256 id) external nonReentrant {
        InvoiceLib.Stored storage inv = _invoices[id];
        bool afterDispute = inv.state == Status.Disputed;
        if (afterDispute) {
            uint256 timeoutAt = uint256(_disputes[id].disputedAt) + DISPUTE_TIMEOUT;
            if (block.timestamp < timeoutAt) revert EscrowDisputeNotTimedOut(id, timeoutAt);
        } else {
            _requireState(id, inv, Status.Open);
            if (inv.paid == inv.amount || block.timestamp <= inv.dueDate) revert EscrowInvalidStatus(id, inv.status());
        }
        uint256 held = inv.held();
        if (held == 0) revert EscrowNothingToReclaim(id);
        address payer = inv.payer;
        if (msg.sender != payer) revert EscrowNotPayer(id, msg.sender, payer);

        unchecked {
            inv.refunded += uint96(held); // refunded + held = paid - released, a uint96
        }
        if (afterDispute) inv.state = Status.Refunded;
        address token = inv.token;
        emit InvoiceReclaimed(id, payer, inv.merchant, token, held, afterDispute);
        _payout(id, token, payer, held);
    }

    /// @inheritdoc IPaymentEscrow
    function cancel(uint256 id) external {
        InvoiceLib.Stored storage inv = _invoices[id];
        _requireState(id, inv, Status.Open);
        address merchant = inv.merchant;
        if (msg.sender != merchant) revert EscrowNotMerchant(id, msg.sender, merchant);
        if (inv.paid != 0) revert EscrowInvalidStatus(id, inv.status());
        inv.state = Status.Cancelled;
        emit InvoiceCancelled(id, merchant);
    }

    /// @inheritdoc IPaymentEscrow
    function dispute(uint256 id) external {
        InvoiceLib.Stored storage inv = _invoices[id];
        _requireState(id, inv, Status.Open);
        address payer = inv.payer;
        if (msg.sender != payer) revert EscrowNotPayer(id, msg.sender, payer);
        uint256 held = inv.held();
        if (inv.paid != inv.amount || held == 0) revert EscrowInvalidStatus(id, inv.status());
        uint24 arbiterIndex = inv.arbiterIndex;
        if (arbiterIndex == 0) revert EscrowNoArbiter(id);
        uint256 endsAt = uint256(inv.paidAt) + inv.disputeWindow;
        if (block.timestamp >= endsAt) revert EscrowDisputeWindowClosed(id, endsAt);

        inv.state = Status.Disputed;
        _disputes[id].disputedAt = uint40(block.timestamp);
        emit InvoiceDisputed(
            id, payer, inv.merchant, _arbiters[arbiterIndex], held, uint64(block.timestamp + DISPUTE_TIMEOUT)
        );
    }

    /// @inheritdoc IPaymentEscrow
    function resolve(uint256 id, uint256 toMerchant, uint256 toPayer) external nonReentrant {
        InvoiceLib.Stored storage inv = _invoices[id];
        _requireState(id, inv, Status.Disputed);
        address arbiter = _arbiters[inv.arbiterIndex];
        if (msg.sender != arbiter) revert EscrowNotArbiter(id, msg.sender, arbiter);
        uint256 held = inv.held();
        if (toMerchant > held || toPayer != held - toMerchant) {
            revert EscrowSplitMismatch(id, toMerchant, toPayer, held);
        }
        (address merchant, address payer, address token, uint256 fee) = _split(inv, toMerchant, toPayer);
        emit InvoiceResolved(id, arbiter, merchant, payer, token, toMerchant, fee, toPayer);
        _payout(id, token, merchant, toMerchant - fee);
        _payout(id, token, payer, toPayer);
    }

    /// @inheritdoc IPaymentEscrow
    function proposeSettlement(uint256 id, uint256 toMerchant) external {
        InvoiceLib.Stored storage inv = _invoices[id];
        _requireState(id, inv, Status.Disputed);
        uint8 role = _partyRole(id, inv);
        uint256 held = inv.held();
        if (toMerchant > held) revert EscrowAmountExceedsHeld(id, toMerchant, held);
        InvoiceLib.Dispute storage d = _disputes[id];
        d.proposedBy = role;
        d.toMerchant = uint96(toMerchant); // at most held, fits uint96
        emit SettlementProposed(id, msg.sender, toMerchant, held - toMerchant);
    }

    /// @inheritdoc IPaymentEscrow
    function acceptSettlement(uint256 id, uint256 toMerchant) external nonReentrant {
        InvoiceLib.Stored storage inv = _invoices[id];
        _requireState(id, inv, Status.Disputed);
        uint8 role = _partyRole(id, inv);
        InvoiceLib.Dispute storage d = _disputes[id];
        uint8 proposedBy = d.proposedBy;
        if (proposedBy == 0 || proposedBy == role) revert EscrowNoSettlementProposal(id);
        if (d.toMerchant != toMerchant) revert EscrowSettlementMismatch(id, d.toMerchant, toMerchant);

        _settle(id, inv, role == _PROPOSED_BY_MERCHANT ? inv.payer : inv.merchant, toMerchant);
    }

    /// @inheritdoc IPaymentEscrow
    function withdraw(address token) external nonReentrant {
        _withdraw(token, msg.sender);
    }

    /// @inheritdoc IPaymentEscrow
    function withdrawTo(address token, address to) external nonReentrant {
        if (to == address(0)) revert EscrowZeroAddress();
        _withdraw(token, to);
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
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @inheritdoc IPaymentEscrow
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    // ------------------------------------------------------------------ internal

    /// @dev Checks a payment of `amount` into invoice `id` and records it (effects and event); returns the token.
    function _recordPayment(uint256 id, uint256 amount, bool native) private returns (address token) {
        InvoiceLib.Stored storage inv = _invoices[id];
        Status state = inv.state;
        uint256 paid = inv.paid;
        uint256 due = inv.amount - paid;
        address payer = inv.payer;
        uint256 dueDate = inv.dueDate;
        token = inv.token;
        if (state != Status.Open) _requireState(id, inv, Status.Open);
        if (due == 0 || block.timestamp > dueDate) revert EscrowInvalidStatus(id, inv.status());
        if ((token == address(0)) != native) revert EscrowWrongPaymentKind(id, token);
        if (payer == address(0)) _bindPayer(inv);
        else if (msg.sender != payer) revert EscrowNotPayer(id, msg.sender, payer);
        if (amount == 0) revert EscrowZeroAmount();
        if (amount > due) revert EscrowOverpayment(id, amount, due);

        paid += amount;
        uint40 paidAt = amount == due ? uint40(block.timestamp) : 0; // the dispute window starts at full payment
        // Both fields of slot 1 written with no branch between, so the optimizer makes it one SSTORE.
        inv.paid = uint96(paid); // at most the invoice amount, a uint96
        inv.paidAt = paidAt;
        emit InvoicePaid(id, msg.sender, token, amount, paid);
    }

    /// @dev Binds an open invoice to its first payer, who may be neither the merchant nor the arbiter.
    function _bindPayer(InvoiceLib.Stored storage inv) private {
        if (msg.sender == inv.merchant) revert EscrowPayerIsMerchant(msg.sender);
        uint24 arbiterIndex = inv.arbiterIndex;
        if (arbiterIndex != 0 && _arbiters[arbiterIndex] == msg.sender) revert EscrowArbiterIsPayer(msg.sender);
        inv.payer = msg.sender;
    }

    /// @dev Pulls `amount` of `token` from the caller and refuses tokens that deliver less.
    function _pullToken(uint256 id, address token, uint256 amount) private {
        uint256 balanceBefore = IERC20(token).balanceOf(address(this));
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = IERC20(token).balanceOf(address(this)) - balanceBefore;
        if (received < amount) revert EscrowTokenDeliveredLess(id, amount, received);
    }

    /// @dev Ends the dispute of invoice `id` with the settlement `proposer` proposed and the caller accepted.
    function _settle(uint256 id, InvoiceLib.Stored storage inv, address proposer, uint256 toMerchant) private {
        uint256 toPayer = inv.held() - toMerchant; // the proposal was at most held, and held is frozen
        (address merchant, address payer, address token, uint256 fee) = _split(inv, toMerchant, toPayer);
        emit InvoiceSettled(id, proposer, msg.sender, merchant, payer, token, toMerchant, fee, toPayer);
        _payout(id, token, merchant, toMerchant - fee);
        _payout(id, token, payer, toPayer);
    }

    /// @dev Records a split of the disputed funds and credits the fee; returns what the payouts need.
    function _split(
        InvoiceLib.Stored storage inv,
        uint256 toMerchant,
        uint256 toPayer
    ) private returns (address merchant, address payer, address token, uint256 fee) {
        inv.released += uint96(toMerchant); // both parts add up to held, so the totals stay within paid
        inv.refunded += uint96(toPayer);
        inv.state = Status.Resolved;
        merchant = inv.merchant;
        payer = inv.payer;
        token = inv.token;
        fee = _creditFee(token, toMerchant, inv.feeBps);
    }

    /// @dev Credits the protocol fee on `gross` at `rate` to the fee recipient; returns it.
    function _creditFee(address token, uint256 gross, uint16 rate) private returns (uint256 fee) {
        fee = (gross * rate) / _BPS;
        if (fee != 0) _credits[_feeRecipient][token] += fee;
    }

    /// @dev Pushes `amount` of `token` to `to`; if that fails, credits it to `to` for {withdraw}.
    function _payout(uint256 id, address token, address to, uint256 amount) private {
        if (amount == 0) return;
        bool sent;
        if (token == address(0)) {
            uint256 gasLimit = NATIVE_PAYOUT_GAS;
            // Limited gas and no return data copied: a receiver can neither burn the caller's gas nor bomb memory.
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                sent := call(gasLimit, to, amount, 0, 0, 0, 0)
            }
        } else {
            sent = IERC20(token).trySafeTransfer(to, amount);
        }
        if (!sent) {
            _credits[to][token] += amount;
            emit PayoutCredited(id, to, token, amount);
        }
    }

    /// @dev Sends the caller's whole credit in `token` to `to`.
    function _withdraw(address token, address to) private {
        uint256 amount = _credits[msg.sender][token];
        if (amount == 0) revert EscrowNothingToWithdraw(msg.sender, token);
        _credits[msg.sender][token] = 0;
        emit Withdrawn(msg.sender, token, to, amount);
        if (token == address(0)) {
            (bool sent, ) = to.call{value: amount}("");
            if (!sent) revert EscrowNativeTransferFailed(to, amount);
        } else {
            IERC20(token).safeTransfer(to, amount);
        }
    }

    /// @dev Returns the registry index of `arbiter`, registering it on first use.
    function _registerArbiter(address arbiter) private returns (uint24 index) {
        index = _arbiterIndex[arbiter];
        if (index == 0) {
            index = ++_arbiterCount;
            _arbiterIndex[arbiter] = index;
            _arbiters[index] = arbiter;
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
}
