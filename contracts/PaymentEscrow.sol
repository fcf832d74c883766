// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {EscrowPayouts} from "./EscrowPayouts.sol";
import {EscrowRelay} from "./EscrowRelay.sol";
import {EscrowDisputes} from "./EscrowDisputes.sol";
import {IPaymentEscrow} from "./interfaces/IPaymentEscrow.sol";
import {InvoiceLib} from "./libraries/InvoiceLib.sol";

/// @title PaymentEscrow
/// @notice Holds invoice payments (ERC-20 or native ETH) until the payer releases them, the merchant claims them
/// after the dispute window, the merchant refunds them, or a dispute is resolved. See {IPaymentEscrow}.
/// @dev Design notes:
/// - Storage: see {InvoiceLib}: five packed slots; a payment reads three and writes one, a release or refund reads
///   four and writes one. Arbiters are kept in a registry, {EscrowArbiters}.
/// - Status is stored only for what time cannot change (Disputed, Refunded, Resolved, Cancelled); everything else
///   is derived from amounts and the due date (see {status}).
/// - Open invoices (no payer named) take only their whole amount in one payment, so a stranger can lock the
///   intended customer out only by paying the invoice in full.
/// - Disputes need an arbiter: without one, an unresolved dispute could only end with the payer taking everything
///   back after the timeout, which the merchant never agreed to. Invoices without arbiter end by release, claim
///   after the window or refund. A disputed invoice ends by the arbiter before {DISPUTE_TIMEOUT}, by a settlement
///   both sides sign at any time, or by the payer reclaiming from {DISPUTE_TIMEOUT} on.
/// - Disputes, the arbiter's resolution and settlements: see {EscrowDisputes}.
/// - Money: see {EscrowPayouts} (books per token, bounded-gas payouts with credit on failure, fees, sweep,
///   allowlist) and {EscrowRelay} (relayed payments). Every function that moves funds is nonReentrant.
/// - Invoices priced in a currency: see {EscrowPricing}; {payPriced} turns one into an ordinary invoice of the
///   converted amount in the chosen token and pays it in full, so everything after the payment is unchanged.
contract PaymentEscrow is EscrowDisputes {
    using SafeERC20 for IERC20;
    using InvoiceLib for InvoiceLib.Stored;

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
    ) EscrowPayouts(admin, feeRecipient_, feeBps_, allowedTokens, allowlistEnabled_) {}

    // ------------------------------------------------------------------ invoices

    /// @inheritdoc IPaymentEscrow
    function createInvoice(InvoiceTerms calldata terms) external whenNotPaused returns (uint256 id) {
        address payer = terms.payer;
        address token = terms.token;
        uint256 amount = terms.amount;
        uint64 dueDate = terms.dueDate;
        uint32 disputeWindow = terms.disputeWindow;
        address arbiter = terms.arbiter;
        bytes32 referenceHash = terms.referenceHash;
        // Three fields of one slot read before the first branch, so the optimizer reads the slot once.
        uint16 rate = _feeBps;
        bool allowlistOn = _allowlistEnabled;
        uint40 next = _invoiceCount + 1; // checked: reverts rather than wrap after 2^40 - 1 invoices
        if (amount == 0) revert EscrowZeroAmount();
        if (amount > type(uint96).max) revert EscrowAmountTooLarge(amount, type(uint96).max);
        if (dueDate <= block.timestamp) revert EscrowDueDateInPast(dueDate, block.timestamp);
        if (disputeWindow > MAX_DISPUTE_WINDOW) revert EscrowDisputeWindowTooLong(disputeWindow, MAX_DISPUTE_WINDOW);
        if (payer == msg.sender) revert EscrowPayerIsMerchant(payer);
        if (arbiter == msg.sender) revert EscrowArbiterIsMerchant(arbiter);
        if (arbiter != address(0) && arbiter == payer) revert EscrowArbiterIsPayer(arbiter);
        if (rate > terms.maxFeeBps) revert EscrowFeeAboveMerchantMax(rate, terms.maxFeeBps);
        _checkInvoiceToken(token, allowlistOn);

        _invoiceCount = next;
        id = next;
        {
            uint24 arbiterIndex = arbiter == address(0) ? 0 : _registerArbiter(arbiter, id);
            // A price in a currency is kept apart; the invoice stores amount 0 until {payPriced} converts it.
            uint96 storedAmount = terms.currency == bytes3(0) ? uint96(amount) : 0;
            InvoiceLib.Stored storage inv = _invoices[id];
            // The fields of slot 0 written with no branch between, so the optimizer makes it one SSTORE.
            inv.payer = payer;
            inv.dueDate = SafeCast.toUint40(dueDate);
            inv.disputeWindow = disputeWindow;
            inv.arbiterIndex = arbiterIndex;
            inv.amount = storedAmount;
            inv.state = Status.Open;
            inv.feeBps = rate;
            if (token != address(0)) inv.token = token;
            inv.merchant = msg.sender;
            if (referenceHash != bytes32(0)) inv.referenceHash = referenceHash;
        }

        emit InvoiceCreated(
            id, msg.sender, payer, token, amount, dueDate, disputeWindow, arbiter, referenceHash, rate
        );
        if (terms.currency != bytes3(0)) _setCurrency(id, terms.currency, amount);
    }

    /// @inheritdoc IPaymentEscrow
    function payPriced(uint256 id, address token, uint256 maxTokenAmount) external payable nonReentrant whenNotPaused {
        InvoiceLib.Stored storage inv = _invoices[id];
        if (_currencyOf(id) == bytes3(0)) revert EscrowInvoiceNotPricedInCurrency(id);
        if (inv.amount != 0) revert EscrowInvalidStatus(id, inv.status()); // converted only by its full payment
        address accepted = inv.token;
        if (accepted == address(0)) _checkInvoiceToken(token, _allowlistEnabled);
        else if (token != accepted) revert EscrowTokenNotAccepted(id, token, accepted);
        bool native = token == address(0);
        uint256 value = native ? maxTokenAmount : 0;
        if (msg.value != value) revert EscrowPricedValueMismatch(id, msg.value, value);

        uint256 amount = _quote(id, token, maxTokenAmount);
        inv.amount = uint96(amount); // _quote refused more than 2^96 - 1
        if (!native) inv.token = token;
        (, uint256 owed) = _recordPayment(id, amount, native, msg.sender);
        if (native) {
            _push(id, token, msg.sender, value - amount); // the ceiling beyond the price goes back to the payer
        } else {
            _pullToken(id, token, amount, owed);
        }
    }

    /// @inheritdoc IPaymentEscrow
    function pay(uint256 id, uint256 amount) external nonReentrant whenNotPaused {
        (address token, uint256 owed) = _recordPayment(id, amount, false, msg.sender);
        _pullToken(id, token, amount, owed);
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
        (address token, uint256 owed) = _recordPayment(id, amount, false, msg.sender);
        // A permit front-run by someone else reverts here; the allowance it set still lets the payment through.
        // solhint-disable-next-line no-empty-blocks
        try IERC20Permit(token).permit(msg.sender, address(this), amount, deadline, v, r, s) {} catch {}
        _pullToken(id, token, amount, owed);
    }

    /// @inheritdoc IPaymentEscrow
    function payNative(uint256 id) external payable nonReentrant whenNotPaused {
        _recordPayment(id, msg.value, true, msg.sender);
    }

    /// @inheritdoc IPaymentEscrow
    function payMany(uint256[] calldata ids, uint256[] calldata amounts) external payable nonReentrant whenNotPaused {
        uint256 count = ids.length;
        if (amounts.length != count) revert EscrowBatchMismatch(count, amounts.length, msg.value, 0);
        uint256 nativeTotal;
        address runToken; // the ERC-20 of the run of invoices not yet pulled, with its sum and last invoice
        uint256 runSum;
        uint256 runOwed;
        uint256 runId;
        for (uint256 i; i < count; ++i) {
            uint256 id = ids[i];
            uint256 amount = amounts[i];
            bool native = _invoices[id].token == address(0);
            (address token, uint256 owed) = _recordPayment(id, amount, native, msg.sender);
            if (native) {
                nativeTotal += amount;
                continue;
            }
            if (token != runToken) {
                if (runSum != 0) _pullToken(runId, runToken, runSum, runOwed);
                (runToken, runSum) = (token, 0);
            }
            (runSum, runOwed, runId) = (runSum + amount, owed, id);
        }
        if (runSum != 0) _pullToken(runId, runToken, runSum, runOwed);
        if (msg.value != nativeTotal) revert EscrowBatchMismatch(count, count, msg.value, nativeTotal);
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

        uint256 fee = InvoiceLib.feeOn(released, amount, rate);
        unchecked {
            inv.released = uint96(released + amount); // amount <= held, so released stays below paid, a uint96
            held -= amount; // amount <= held
        }
        emit InvoiceReleased(id, payer, merchant, token, amount, fee, held);
        unchecked {
            amount -= fee; // the fee is at most MAX_FEE_BPS of amount (plus one unit of earlier rounding)
        }
        _debit(token, amount, fee);
        _push(id, token, merchant, amount);
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

        uint256 fee = InvoiceLib.feeOn(released, held, rate);
        unchecked {
            inv.released = uint96(released + held); // released + held = paid - refunded, a uint96
        }
        emit InvoiceClaimed(id, merchant, payer, token, held, fee);
        unchecked {
            held -= fee; // the fee is at most MAX_FEE_BPS of held (plus one unit of earlier rounding)
        }
        _debit(token, held, fee);
        _push(id, token, merchant, held);
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
        _debit(token, amount, 0);
        _push(id, token, payer, amount);
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
        inv.state = Status.Refunded; // closed: after expiry as after a timed-out dispute
        address token = inv.token;
        emit InvoiceReclaimed(id, payer, inv.merchant, token, held, afterDispute);
        _debit(token, held, 0);
        _push(id, token, payer, held);
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

    // ------------------------------------------------------------------ views

    /// @inheritdoc IPaymentEscrow
    function getInvoice(uint256 id) external view returns (Invoice memory invoice) {
        InvoiceLib.Stored storage inv = _invoices[id];
        if (inv.state == Status.None) revert EscrowInvoiceNotFound(id);
        invoice = Invoice({
            merchant: inv.merchant,
            payer: inv.payer,
            token: inv.token,
            arbiter: _arbiterOf(id, inv.arbiterIndex),
            amount: inv.amount,
            paid: inv.paid,
            released: inv.released,
            refunded: inv.refunded,
            referenceHash: inv.referenceHash,
            dueDate: inv.dueDate,
            paidAt: inv.paidAt,
            disputedAt: _disputes[id].disputedAt,
            disputeWindow: inv.disputeWindow,
            feeBps: inv.feeBps,
            status: inv.status()
        });
    }

    /// @inheritdoc IPaymentEscrow
    function status(uint256 id) external view returns (Status) {
        return _invoices[id].status();
    }

    /// @inheritdoc IPaymentEscrow
    function amountDue(uint256 id) external view returns (uint256) {
        InvoiceLib.Stored storage inv = _invoices[id];
        Status current = inv.status();
        return current == Status.Open || current == Status.PartiallyPaid ? inv.amount - inv.paid : 0;
    }

    /// @inheritdoc IPaymentEscrow
    function amountHeld(uint256 id) external view returns (uint256) {
        return _invoices[id].held();
    }

    /// @inheritdoc IPaymentEscrow
    function invoiceCount() external view returns (uint256) {
        return _invoiceCount;
    }

    // ------------------------------------------------------------------ internal

    /// @inheritdoc EscrowRelay
    function _recordPayment(
        uint256 id,
        uint256 amount,
        bool native,
        address from
    ) internal override returns (address token, uint256 owed) {
        InvoiceLib.Stored storage inv = _invoices[id];
        Status state = inv.state;
        uint256 paid = inv.paid;
        uint256 due = inv.amount - paid;
        address payer = inv.payer;
        uint256 dueDate = inv.dueDate;
        token = inv.token;
        if (state != Status.Open) _requireState(id, inv, Status.Open);
        if (due == 0 || block.timestamp > dueDate) _refusePayment(id, inv);
        if ((token == address(0)) != native) revert EscrowWrongPaymentKind(id, token);
        if (amount == 0) revert EscrowZeroAmount();
        if (amount > due) revert EscrowOverpayment(id, amount, due);
        if (payer == address(0)) _bindPayer(id, inv, from, amount, due);
        else if (from != payer) revert EscrowNotPayer(id, from, payer);

        paid += amount;
        uint40 paidAt = amount == due ? uint40(block.timestamp) : 0; // the dispute window starts at full payment
        // Both fields of slot 1 written with no branch between, so the optimizer makes it one SSTORE.
        inv.paid = uint96(paid); // at most the invoice amount, a uint96
        inv.paidAt = paidAt;
        owed = _addOwed(token, amount);
        emit InvoicePaid(id, from, token, amount, paid);
    }

    /// @dev Refuses a payment into invoice `id`, which has nothing due or is past its due date: a priced one not yet
    /// converted is paid with {payPriced}.
    function _refusePayment(uint256 id, InvoiceLib.Stored storage inv) private view {
        bytes3 currency = _currencyOf(id);
        if (currency != bytes3(0) && inv.amount == 0) revert EscrowInvoicePricedInCurrency(id, currency);
        revert EscrowInvalidStatus(id, inv.status());
    }

    /// @dev Binds an open invoice to `from`, who pays `amount` of the `due` whole amount; the payer may be neither
    /// the merchant nor the arbiter, and must pay everything at once.
    function _bindPayer(uint256 id, InvoiceLib.Stored storage inv, address from, uint256 amount, uint256 due) private {
        if (amount != due) revert EscrowOpenInvoiceNeedsFullPayment(id, amount, due);
        if (from == inv.merchant) revert EscrowPayerIsMerchant(from);
        uint24 arbiterIndex = inv.arbiterIndex;
        if (arbiterIndex != 0 && _arbiterOf(id, arbiterIndex) == from) revert EscrowArbiterIsPayer(from);
        inv.payer = from;
    }

    /// @dev Pulls `amount` of `token` from the caller into invoice `id` (see {_requireDelivered}).
    function _pullToken(uint256 id, address token, uint256 amount, uint256 owed) private {
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        _requireDelivered(id, token, owed);
    }

    /// @dev Checks that 0 < `amount` <= `held`, what invoice `id` holds.
    function _checkHeld(uint256 id, InvoiceLib.Stored storage inv, uint256 amount, uint256 held) private view {
        if (amount == 0) revert EscrowZeroAmount();
        if (held == 0) revert EscrowInvalidStatus(id, inv.status());
        if (amount > held) revert EscrowAmountExceedsHeld(id, amount, held);
    }

}
