// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IPaymentEscrowEvents
/// @notice The events of {IPaymentEscrow}: every state change of the escrow emits one, carrying everything an
/// indexer needs, so it never reads the chain back. The conventions of {IPaymentEscrow} (`toMerchant` gross, `held`
/// after the action, fees credited to the fee recipient) apply to every field below.
interface IPaymentEscrowEvents {
    /// @notice Invoice `id` was created by `merchant`.
    /// @param payer The fixed payer, or address(0) if anyone may pay the whole amount (bound to that payer).
    /// @param token The ERC-20 token, or address(0) for native ETH.
    /// @param feeBps The protocol fee rate fixed for this invoice.
    event InvoiceCreated(
        uint256 indexed id,
        address indexed merchant,
        address indexed payer,
        address token,
        uint256 amount,
        uint64 dueDate,
        uint32 disputeWindow,
        address arbiter,
        bytes32 referenceHash,
        uint16 feeBps
    );

    /// @notice `payer` paid `amount` of `token` into invoice `id`, bringing the total paid to `totalPaid`.
    /// @dev For an open invoice the payment is of the whole amount and binds `payer`. The invoice is fully paid when `totalPaid`
    /// equals its amount; the dispute window starts at this block's timestamp.
    event InvoicePaid(uint256 indexed id, address indexed payer, address token, uint256 amount, uint256 totalPaid);

    /// @notice The payer released `toMerchant` (gross) of invoice `id` to the merchant; `fee` of it was credited
    /// to the fee recipient. `held` remains in escrow.
    event InvoiceReleased(
        uint256 indexed id,
        address indexed payer,
        address indexed merchant,
        address token,
        uint256 toMerchant,
        uint256 fee,
        uint256 held
    );

    /// @notice The merchant claimed all `toMerchant` (gross) held for invoice `id` after the dispute window;
    /// `fee` of it was credited to the fee recipient. Nothing remains held.
    event InvoiceClaimed(
        uint256 indexed id,
        address indexed merchant,
        address indexed payer,
        address token,
        uint256 toMerchant,
        uint256 fee
    );

    /// @notice The merchant refunded `toPayer` of invoice `id` to the payer (no fee). `held` remains in escrow.
    event InvoiceRefunded(
        uint256 indexed id,
        address indexed merchant,
        address indexed payer,
        address token,
        uint256 toPayer,
        uint256 held
    );

    /// @notice The payer took back all `toPayer` held for invoice `id`, after the due date passed without full
    /// payment (`afterDispute` false) or after the arbiter let the dispute time out (`afterDispute` true).
    event InvoiceReclaimed(
        uint256 indexed id,
        address indexed payer,
        address indexed merchant,
        address token,
        uint256 toPayer,
        bool afterDispute
    );

    /// @notice The merchant cancelled unpaid invoice `id`.
    event InvoiceCancelled(uint256 indexed id, address indexed merchant);

    /// @notice The payer disputed invoice `id`, freezing `held`. The arbiter may resolve it, both sides may settle,
    /// and from `timeoutAt` on the payer may reclaim.
    event InvoiceDisputed(
        uint256 indexed id,
        address indexed payer,
        address indexed merchant,
        address arbiter,
        uint256 held,
        uint64 timeoutAt
    );

    /// @notice The arbiter split the disputed funds of invoice `id`: `toMerchant` (gross, of which `fee` was
    /// credited to the fee recipient) and `toPayer`.
    event InvoiceResolved(
        uint256 indexed id,
        address indexed arbiter,
        address merchant,
        address payer,
        address token,
        uint256 toMerchant,
        uint256 fee,
        uint256 toPayer
    );

    /// @notice `proposer` (merchant or payer) proposed to end the dispute of invoice `id` with `toMerchant`
    /// (gross) to the merchant and `toPayer` to the payer. It replaces any earlier proposal.
    event SettlementProposed(uint256 indexed id, address indexed proposer, uint256 toMerchant, uint256 toPayer);

    /// @notice `acceptedBy` accepted the standing proposal of `proposer` and the dispute of invoice `id` ended
    /// with `toMerchant` (gross, of which `fee` was credited to the fee recipient) and `toPayer`.
    event InvoiceSettled(
        uint256 indexed id,
        address indexed proposer,
        address indexed acceptedBy,
        address merchant,
        address payer,
        address token,
        uint256 toMerchant,
        uint256 fee,
        uint256 toPayer
    );

    /// @notice A payout of `amount` of `token` for invoice `id` could not be pushed to `account` (it rejected
    /// native ETH, ran out of the forwarded gas, or the token refused the transfer), so it was credited to
    /// `account` instead; `account` withdraws it with {withdraw}.
    event PayoutCredited(uint256 indexed id, address indexed account, address indexed token, uint256 amount);

    /// @notice `account` withdrew `amount` of its credit in `token` to `to`.
    event Withdrawn(address indexed account, address indexed token, address to, uint256 amount);

    /// @notice The fee recipient `recipient` collected `amount` of protocol fees accrued in `token`.
    event FeesCollected(address indexed recipient, address indexed token, uint256 amount);

    /// @notice `sweeper` sent `amount` of `token`, held beyond everything the escrow owes, to `to`.
    event Swept(address indexed sweeper, address indexed token, address to, uint256 amount);

    /// @notice `token` was added to (`allowed` true) or removed from the allowlist.
    event TokenAllowed(address indexed token, bool allowed);

    /// @notice The allowlist was switched on (`enabled` true: only allowed tokens for new invoices) or off.
    event AllowlistEnabled(bool enabled);

    /// @notice The protocol fee rate for invoices created from now on changed from `oldFeeBps` to `newFeeBps`.
    event FeeBpsUpdated(uint16 oldFeeBps, uint16 newFeeBps);

    /// @notice Fees are credited to `newRecipient` from now on (to `oldRecipient` before).
    event FeeRecipientUpdated(address indexed oldRecipient, address indexed newRecipient);

    /// @notice `payer` cancelled relay nonce `nonce`: no signed payment with it can be submitted.
    event RelayNonceCancelled(address indexed payer, uint256 nonce);

    /// @notice Invoice `id`, created just before (its {InvoiceCreated} has amount `price`), is priced in `currency`:
    /// `price` hundredths of it, paid with {payPriced} in the invoice's token or, if that is address(0), any token
    /// the registry prices in the currency.
    event InvoiceCurrencySet(uint256 indexed id, bytes3 currency, uint256 price);

    /// @notice `payer` paid invoice `id`, priced in a currency, with `tokenAmount` of `token`: the price at the
    /// registry feed's `answer` (with `feedDecimals` decimals) of round `roundId`. From now on the invoice is one of
    /// `tokenAmount` in `token`. Followed by the payment's {InvoicePaid}.
    event InvoicePriced(
        uint256 indexed id,
        address indexed payer,
        address token,
        uint256 tokenAmount,
        int256 answer,
        uint8 feedDecimals,
        uint80 roundId
    );

    /// @notice Invoices priced in a currency are converted by the registry `feeds` from now on.
    event PriceFeedsSet(address indexed feeds);
}
