// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IPaymentEscrow} from "../interfaces/IPaymentEscrow.sol";

/// @title InvoiceLib
/// @notice How PaymentEscrow stores an invoice, and what a stored invoice reads as.
/// @dev Five slots, packed for the hot paths: a payment reads slots 0-2 and writes slot 1 only; a release or
/// refund reads slots 0-3 and writes one of slots 2-3. Amounts are uint96 (about 7.9e28 units: 79 billion tokens at
/// 18 decimals). The arbiter is a uint24 index into PaymentEscrow's arbiter registry; once the registry's
/// indexes are used up, new arbiters are stored per invoice instead (index {ARBITER_IN_INVOICE}), so filling the
/// registry makes those invoices cost one more slot but can never stop anyone from creating invoices.
library InvoiceLib {
    /// @dev Basis points in 100%.
    uint256 internal constant BPS = 10_000;
    /// @dev Arbiter index meaning "the arbiter is stored with the invoice, not in the registry".
    uint24 internal constant ARBITER_IN_INVOICE = type(uint24).max;

    /// @dev An invoice in storage.
    struct Stored {
        // slot 0: who pays, by when, and who arbitrates
        address payer;
        uint40 dueDate;
        uint32 disputeWindow;
        uint24 arbiterIndex;
        // slot 1: the money in, and the state time cannot change
        uint96 amount;
        uint96 paid;
        uint40 paidAt;
        IPaymentEscrow.Status state; // Open while amounts and time decide; Disputed, Refunded, Resolved, Cancelled
        uint16 feeBps;
        // slot 2 (all zero for a native-ETH invoice until its first refund, which pays for the zero-to-nonzero write)
        address token;
        uint96 refunded;
        // slot 3 (never zero: the common end of an invoice, a release or claim, writes a nonzero slot)
        address merchant;
        uint96 released;
        // slot 4
        bytes32 referenceHash;
    }

    /// @dev The dispute of an invoice and its standing settlement proposal.
    struct Dispute {
        uint40 disputedAt;
        uint8 proposedBy; // 0 none, 1 the merchant, 2 the payer
        uint96 toMerchant;
    }

    /// @dev The protocol fee on releasing `amount` more after `released` at `rate` basis points: the difference of
    /// the fees on the cumulative totals, so that splitting a release into parts never changes the total fee.
    function feeOn(uint256 released, uint256 amount, uint256 rate) internal pure returns (uint256) {
        unchecked {
            // released + amount <= paid < 2^96 and rate <= 500, so the products fit; the fee on the larger total is
            // never smaller, so the difference cannot underflow.
            return ((released + amount) * rate) / BPS - (released * rate) / BPS;
        }
    }

    /// @dev What the escrow holds for the invoice.
    function held(Stored storage inv) internal view returns (uint256) {
        unchecked {
            return uint256(inv.paid) - inv.released - inv.refunded; // released + refunded never exceed paid
        }
    }

    /// @dev The status with time taken into account; see {IPaymentEscrow-Status}.
    function status(Stored storage inv) internal view returns (IPaymentEscrow.Status) {
        IPaymentEscrow.Status state = inv.state;
        if (state != IPaymentEscrow.Status.Open) return state;
        uint256 paid = inv.paid;
        uint256 amount = inv.amount; // 0 for an invoice priced in a currency until its payment converts it
        if (paid == amount && amount != 0) {
            if (held(inv) != 0) return IPaymentEscrow.Status.Paid;
            return inv.released != 0 ? IPaymentEscrow.Status.Released : IPaymentEscrow.Status.Refunded;
        }
        if (block.timestamp > inv.dueDate) return IPaymentEscrow.Status.Expired;
        return paid == 0 ? IPaymentEscrow.Status.Open : IPaymentEscrow.Status.PartiallyPaid;
    }
}
