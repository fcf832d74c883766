// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {IPaymentEscrow} from "./interfaces/IPaymentEscrow.sol";
import {InvoiceLib} from "./libraries/InvoiceLib.sol";

/// @title EscrowState
/// @notice PaymentEscrow's storage and its views (see {IPaymentEscrow}); {PaymentEscrow} holds every state change.
/// @dev Inherits Pausable so that the packed counters below share a slot with Pausable's flag: a payment reads the
/// pause state in the slot invoice creation writes anyway.
abstract contract EscrowState is IPaymentEscrow, Pausable {
    using InvoiceLib for InvoiceLib.Stored;

    uint256 internal constant _BPS = 10_000;
    uint8 internal constant _PROPOSED_BY_MERCHANT = 1;
    uint8 internal constant _PROPOSED_BY_PAYER = 2;

    // These four share a slot with Pausable's flag, so a payment reads pause state in the slot creation writes.
    uint40 internal _invoiceCount;
    uint16 internal _feeBps;
    uint24 internal _arbiterCount;
    address internal _feeRecipient;

    mapping(uint256 id => InvoiceLib.Stored) internal _invoices;
    mapping(uint256 id => InvoiceLib.Dispute) internal _disputes;
    mapping(address account => mapping(address token => uint256)) internal _credits;
    mapping(address arbiter => uint24) internal _arbiterIndex;
    mapping(uint24 index => address) internal _arbiters;

    // ------------------------------------------------------------------ views

    /// @inheritdoc IPaymentEscrow
    function getInvoice(uint256 id) external view returns (Invoice memory invoice) {
        InvoiceLib.Stored storage inv = _invoices[id];
        if (inv.state == Status.None) revert EscrowInvoiceNotFound(id);
        invoice = Invoice({
            merchant: inv.merchant,
            payer: inv.payer,
            token: inv.token,
            arbiter: _arbiters[inv.arbiterIndex],
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
    function settlementOf(uint256 id) external view returns (address proposer, uint256 toMerchant) {
        InvoiceLib.Dispute storage d = _disputes[id];
        if (d.proposedBy == _PROPOSED_BY_MERCHANT) proposer = _invoices[id].merchant;
        else if (d.proposedBy == _PROPOSED_BY_PAYER) proposer = _invoices[id].payer;
        toMerchant = d.toMerchant;
    }

    /// @inheritdoc IPaymentEscrow
    function credits(address account, address token) external view returns (uint256) {
        return _credits[account][token];
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
    function invoiceCount() external view returns (uint256) {
        return _invoiceCount;
    }

    /// @dev Reverts unless the stored state of invoice `id` is `expected`.
    function _requireState(uint256 id, InvoiceLib.Stored storage inv, Status expected) internal view {
        Status state = inv.state;
        if (state == expected) return;
        if (state == Status.None) revert EscrowInvoiceNotFound(id);
        revert EscrowInvalidStatus(id, inv.status());
    }

    /// @dev Checks that 0 < `amount` <= `held`, what invoice `id` holds.
    function _checkHeld(uint256 id, InvoiceLib.Stored storage inv, uint256 amount, uint256 held) internal view {
        if (amount == 0) revert EscrowZeroAmount();
        if (held == 0) revert EscrowInvalidStatus(id, inv.status());
        if (amount > held) revert EscrowAmountExceedsHeld(id, amount, held);
    }

    /// @dev The caller's role in invoice `inv`: merchant or payer; reverts for anyone else.
    function _partyRole(uint256 id, InvoiceLib.Stored storage inv) internal view returns (uint8) {
        if (msg.sender == inv.merchant) return _PROPOSED_BY_MERCHANT;
        if (msg.sender == inv.payer) return _PROPOSED_BY_PAYER;
        revert EscrowNotParty(id, msg.sender);
    }
}
