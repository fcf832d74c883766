// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {EscrowPricing} from "./EscrowPricing.sol";
import {IPaymentEscrow} from "./interfaces/IPaymentEscrow.sol";
import {InvoiceLib} from "./libraries/InvoiceLib.sol";

/// @title EscrowDisputes
/// @notice The invoices of {PaymentEscrow} and their disputes: the payer disputes a fully paid invoice within its
/// window, then the arbiter resolves it before {DISPUTE_TIMEOUT}, or merchant and payer agree on a settlement (one
/// proposes a split, the other accepts the same split), or the payer reclaims from the timeout on
/// ({PaymentEscrow-reclaim}).
/// @dev Holds the invoice storage ({InvoiceLib}) that {PaymentEscrow} builds on, and the state checks both share.
abstract contract EscrowDisputes is EscrowPricing {
    using InvoiceLib for InvoiceLib.Stored;

    /// @notice Longest dispute window: 90 days.
    uint32 public constant MAX_DISPUTE_WINDOW = 90 days;
    /// @notice From this long after a dispute opened, the payer may reclaim if it is still unresolved, and the
    /// arbiter may no longer resolve: 30 days.
    uint64 public constant DISPUTE_TIMEOUT = 30 days;

    uint8 private constant _PROPOSED_BY_MERCHANT = 1;
    uint8 private constant _PROPOSED_BY_PAYER = 2;

    mapping(uint256 id => InvoiceLib.Stored) internal _invoices;
    mapping(uint256 id => InvoiceLib.Dispute) internal _disputes;

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
            id, payer, inv.merchant, _arbiterOf(id, arbiterIndex), held, uint64(block.timestamp + DISPUTE_TIMEOUT)
        );
    }

    /// @inheritdoc IPaymentEscrow
    function resolve(uint256 id, uint256 toMerchant, uint256 toPayer) external nonReentrant {
        InvoiceLib.Stored storage inv = _invoices[id];
        _requireState(id, inv, Status.Disputed);
        address arbiter = _arbiterOf(id, inv.arbiterIndex);
        if (msg.sender != arbiter) revert EscrowNotArbiter(id, msg.sender, arbiter);
        _requireNotTimedOut(id);
        uint256 held = inv.held();
        if (toMerchant > held || toPayer != held - toMerchant) {
            revert EscrowSplitMismatch(id, toMerchant, toPayer, held);
        }
        (address merchant, address payer, address token, uint256 fee) = _split(inv, toMerchant, toPayer);
        emit InvoiceResolved(id, arbiter, merchant, payer, token, toMerchant, fee, toPayer);
        _push(id, token, merchant, toMerchant - fee);
        _push(id, token, payer, toPayer);
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
    function settlementOf(uint256 id) external view returns (address proposer, uint256 toMerchant) {
        InvoiceLib.Dispute storage d = _disputes[id];
        if (d.proposedBy == _PROPOSED_BY_MERCHANT) proposer = _invoices[id].merchant;
        else if (d.proposedBy == _PROPOSED_BY_PAYER) proposer = _invoices[id].payer;
        toMerchant = d.toMerchant;
    }

    /// @dev Ends the dispute of invoice `id` with the settlement `proposer` proposed and the caller accepted.
    function _settle(uint256 id, InvoiceLib.Stored storage inv, address proposer, uint256 toMerchant) private {
        uint256 toPayer = inv.held() - toMerchant; // the proposal was at most held, and held is frozen
        (address merchant, address payer, address token, uint256 fee) = _split(inv, toMerchant, toPayer);
        emit InvoiceSettled(id, proposer, msg.sender, merchant, payer, token, toMerchant, fee, toPayer);
        _push(id, token, merchant, toMerchant - fee);
        _push(id, token, payer, toPayer);
    }

    /// @dev Records a split of the disputed funds, debits it and accrues the fee; returns what the payouts need.
    function _split(
        InvoiceLib.Stored storage inv,
        uint256 toMerchant,
        uint256 toPayer
    ) private returns (address merchant, address payer, address token, uint256 fee) {
        uint256 released = inv.released;
        fee = InvoiceLib.feeOn(released, toMerchant, inv.feeBps);
        inv.released = uint96(released + toMerchant); // both parts add up to held, so the totals stay within paid
        inv.refunded += uint96(toPayer);
        inv.state = Status.Resolved;
        merchant = inv.merchant;
        payer = inv.payer;
        token = inv.token;
        _debit(token, toMerchant - fee + toPayer, fee);
    }

    /// @dev Reverts unless the stored state of invoice `id` is `expected`.
    function _requireState(uint256 id, InvoiceLib.Stored storage inv, Status expected) internal view {
        Status state = inv.state;
        if (state == expected) return;
        if (state == Status.None) revert EscrowInvoiceNotFound(id);
        revert EscrowInvalidStatus(id, inv.status());
    }

    /// @dev Reverts once the dispute of invoice `id` has timed out: from then on only the payer's reclaim (or a
    /// settlement) ends it, so the arbiter never races the payer.
    function _requireNotTimedOut(uint256 id) private view {
        uint256 timeoutAt = uint256(_disputes[id].disputedAt) + DISPUTE_TIMEOUT;
        if (block.timestamp >= timeoutAt) revert EscrowDisputeTimedOut(id, timeoutAt);
    }

    /// @dev The caller's role in invoice `inv`: merchant or payer; reverts for anyone else.
    function _partyRole(uint256 id, InvoiceLib.Stored storage inv) private view returns (uint8) {
        if (msg.sender == inv.merchant) return _PROPOSED_BY_MERCHANT;
        if (msg.sender == inv.payer) return _PROPOSED_BY_PAYER;
        revert EscrowNotParty(id, msg.sender);
    }
}
