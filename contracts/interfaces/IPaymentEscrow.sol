// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IPaymentEscrowEvents} from "./IPaymentEscrowEvents.sol";

/// @title IPaymentEscrow
/// @notice Invoices paid into escrow in an ERC-20 token or native ETH, released to the merchant by the payer
/// (in parts) or claimed by the merchant after the dispute window, refunded by the merchant, reclaimed by the
/// payer after expiry or an unanswered dispute, and split by the invoice's arbiter or a settlement both sides sign.
/// @dev Every state change emits an event carrying everything an indexer needs, so it never reads the chain back.
/// Amounts in events are in the token's smallest unit. `token == address(0)` means native ETH.
///
/// Conventions used by every event and function below:
/// - `toMerchant` is the merchant's gross share; the protocol fee is taken from it, so the merchant receives
///   `toMerchant - fee` and the fee recipient `fee`. Refunds carry no fee.
/// - `held` is what the escrow still holds for the invoice after the action: `paid - released - refunded`.
/// - The protocol fee is computed on the invoice's cumulative gross release: a release of `x` after `released`
///   costs `cumFee(released + x) - cumFee(released)` with `cumFee(a) = a * feeBps / 10_000` rounded down, so any
///   sequence of releases (release, claim, the merchant's share of a split) pays exactly the fee of one release
///   of the same total. Fees accrue per token (see {feesAccrued}) and the fee recipient current at collection
///   takes them with {collectFees}. "Credited to the fee recipient" in the events below means accrued this way.
/// - A payout to the merchant or payer is pushed with bounded gas; one that cannot be pushed is credited to the
///   receiver instead and announced by {PayoutCredited}.
/// - Views inside a payout: while a payout is being pushed, the amount is neither held ({amountHeld}) nor
///   credited ({credits}), and {totalOwed} no longer counts it: it is in flight to the receiver. Only the token
///   and the receiver run code at that moment, and every function that moves funds or reads balances to move
///   them ({sweep}) is nonReentrant, so nothing can act on the gap; if the push fails, the credit and
///   {totalOwed} are restored before the call returns. An integrator reading views from a token hook sees the
///   state after the payout.
interface IPaymentEscrow is IPaymentEscrowEvents {
    /// @notice Lifecycle of an invoice, as returned by {status} (derived where time matters).
    /// @dev None: no such invoice. Open: created, nothing paid, due date not passed. PartiallyPaid: some paid, due date
    /// not passed. Paid: fully paid and funds held (claimable by the merchant once the dispute window has passed).
    /// Disputed: frozen until the arbiter resolves, both sides settle, or the dispute times out. Released: fully paid
    /// and everything has left the escrow, some of it to the merchant. Refunded: closed with what was held given back
    /// to the payer: the merchant refunded everything held, the payer reclaimed after expiry (a part-paid invoice,
    /// also if part of it had been released before) or after a timed-out dispute. Resolved: the arbiter or a
    /// settlement split the disputed funds. Cancelled: cancelled by the merchant before any payment. Expired: the due
    /// date passed before full payment; the payer may reclaim what is held (the invoice is then Refunded).
    enum Status {
        None,
        Open,
        PartiallyPaid,
        Paid,
        Disputed,
        Released,
        Refunded,
        Resolved,
        Cancelled,
        Expired
    }

    /// @notice An invoice as the web page and tasks read it.
    /// @param merchant Creator of the invoice; receives released funds.
    /// @param payer The only address that may pay, release and dispute; address(0) while open to anyone (bound to
    /// whoever pays the whole amount in one payment).
    /// @param token ERC-20 token of the invoice, or address(0) for native ETH.
    /// @param arbiter Address both sides accepted to resolve a dispute; address(0) if none (no dispute possible).
    /// @param amount Amount due in total.
    /// @param paid Amount paid so far (never decreases).
    /// @param released Gross amount released or claimed to the merchant side (fees included).
    /// @param refunded Amount returned to the payer (refunds, reclaims, the payer's share of a split).
    /// @param referenceHash Hash of the off-chain invoice details.
    /// @param dueDate Unix time after which an invoice not fully paid takes no more money.
    /// @param paidAt Unix time of the full payment (0 before); the dispute window starts here.
    /// @param disputedAt Unix time the dispute was opened (0 if never).
    /// @param disputeWindow Seconds after full payment during which the payer may dispute.
    /// @param feeBps Protocol fee rate in basis points, fixed at creation.
    /// @param status Current status (derived where time matters).
    struct Invoice {
        address merchant;
        address payer;
        address token;
        address arbiter;
        uint256 amount;
        uint256 paid;
        uint256 released;
        uint256 refunded;
        bytes32 referenceHash;
        uint64 dueDate;
        uint64 paidAt;
        uint64 disputedAt;
        uint32 disputeWindow;
        uint16 feeBps;
        Status status;
    }

    /// @notice The terms a merchant creates an invoice with (see {createInvoice}).
    /// @dev New fields are appended at the end, so that code building this struct by name keeps working.
    /// @param payer The only address that may pay; address(0) lets anyone pay, but only the whole amount in one
    /// payment (which binds the invoice to that payer), so nobody can lock the customer out for less.
    /// @param token ERC-20 token of the invoice, or address(0) for native ETH. It must have code and, while the
    /// allowlist is on, be allowed (see {isTokenAllowed}).
    /// @param amount Amount due in total, in the token's base units (at most 2^96 - 1).
    /// @param dueDate Unix time after which an invoice not fully paid takes no more money.
    /// @param disputeWindow Seconds after full payment during which the payer may dispute (at most 90 days).
    /// @param arbiter Address both sides accept to resolve a dispute; address(0) for none (no dispute possible).
    /// @param maxFeeBps Highest protocol fee rate the merchant accepts; creation fails if {feeBps} is above it.
    /// @param referenceHash Hash of the off-chain invoice details.
    /// @param currency bytes3(0) for an invoice priced in its token. Otherwise an ISO 4217 code ("EUR"): `amount` is
    /// the price in hundredths of that currency, `token` the one token accepted for it or address(0) for any token
    /// {priceFeeds} prices in the currency (ETH included), and the invoice is paid with {payPriced} only.
    struct InvoiceTerms {
        address payer;
        address token;
        uint256 amount;
        uint64 dueDate;
        uint32 disputeWindow;
        address arbiter;
        uint16 maxFeeBps;
        bytes32 referenceHash;
        bytes3 currency;
    }

    /// @notice How a relayed payment pulls the payer's tokens (see {payRelayed}).
    /// @param Allowance The payer already approved the escrow; no token signature.
    /// @param Permit An EIP-2612 permit for the escrow of exactly the amount, with the payment's deadline.
    /// @param ReceiveWithAuthorization An EIP-3009 receiveWithAuthorization to the escrow of exactly the amount,
    /// validAfter 0, validBefore the payment's deadline, and as nonce the payment's EIP-712 digest
    /// ({relayedPaymentDigest}), so the token authorisation is good for this payment only.
    enum TokenPull {
        Allowance,
        Permit,
        ReceiveWithAuthorization
    }

    /// @notice A payment the payer signed (EIP-712 type
    /// `RelayedPayment(uint256 id,uint256 amount,address payer,uint256 nonce,uint256 deadline)`, domain name
    /// "Settle PaymentEscrow", version "1", this chain and this escrow) for anyone to submit with {payRelayed}.
    /// @param id The invoice paid.
    /// @param amount Amount paid, in the invoice's token.
    /// @param payer Who signs and whose tokens pay.
    /// @param nonce Any number the payer has not used nor cancelled (unordered, as EIP-3009 nonces).
    /// @param deadline Unix time from which the authorisation is void (valid while block.timestamp < deadline).
    struct RelayedPayment {
        uint256 id;
        uint256 amount;
        address payer;
        uint256 nonce;
        uint256 deadline;
    }

    /// @notice The token-side signature of a relayed payment.
    /// @param kind How the tokens are pulled.
    /// @param v Signature part (ignored for {TokenPull.Allowance}).
    /// @param r Signature part.
    /// @param s Signature part.
    struct TokenAuthorization {
        TokenPull kind;
        uint8 v;
        bytes32 r;
        bytes32 s;
    }

    // ------------------------------------------------------------------ errors

    /// @notice An amount of zero was given where a positive amount is required.
    error EscrowZeroAmount();
    /// @notice `amount` does not fit the escrow's storage (amounts are stored as uint96).
    error EscrowAmountTooLarge(uint256 amount, uint256 max);
    /// @notice The due date `dueDate` is not after the current time `nowTime`.
    error EscrowDueDateInPast(uint256 dueDate, uint256 nowTime);
    /// @notice The dispute window `window` (seconds) is longer than `max`.
    error EscrowDisputeWindowTooLong(uint256 window, uint256 max);
    /// @notice The merchant named itself as payer.
    error EscrowPayerIsMerchant(address payer);
    /// @notice The merchant named itself as arbiter.
    error EscrowArbiterIsMerchant(address arbiter);
    /// @notice The arbiter is also the invoice's payer (or would become it by paying an open invoice).
    error EscrowArbiterIsPayer(address arbiter);
    /// @notice No invoice has id `id`.
    error EscrowInvoiceNotFound(uint256 id);
    /// @notice The action is not allowed while invoice `id` has status `status`.
    error EscrowInvalidStatus(uint256 id, Status status);
    /// @notice Only the invoice's payer `payer` may do this; `caller` is not it.
    error EscrowNotPayer(uint256 id, address caller, address payer);
    /// @notice Only the invoice's merchant `merchant` may do this; `caller` is not it.
    error EscrowNotMerchant(uint256 id, address caller, address merchant);
    /// @notice Only the invoice's arbiter `arbiter` may do this; `caller` is not it.
    error EscrowNotArbiter(uint256 id, address caller, address arbiter);
    /// @notice Only the invoice's merchant or payer may do this; `caller` is neither.
    error EscrowNotParty(uint256 id, address caller);
    /// @notice Paying `amount` would exceed what is still due (`due`).
    error EscrowOverpayment(uint256 id, uint256 amount, uint256 due);
    /// @notice The payment function does not match the invoice's kind: `token` is the invoice's token
    /// (address(0) = native ETH, which only {payNative} accepts; ERC-20 invoices only {pay} and {payWithPermit}).
    error EscrowWrongPaymentKind(uint256 id, address token);
    /// @notice payMany got `ids` invoices but `amounts` amounts, or `value` wei for ETH invoices totalling `nativeTotal`.
    error EscrowBatchMismatch(uint256 ids, uint256 amounts, uint256 value, uint256 nativeTotal);
    /// @notice After a payment into invoice `id` the escrow would hold `balance` of its token but owe `owed`: the token
    /// delivered less than the amount paid (fee-on-transfer and similar tokens are refused).
    error EscrowTokenDeliveredLess(uint256 id, uint256 owed, uint256 balance);
    /// @notice An invoice open to any payer takes only its whole amount `due` in one payment, not `amount`
    /// (partial payments need a named payer).
    error EscrowOpenInvoiceNeedsFullPayment(uint256 id, uint256 amount, uint256 due);
    /// @notice The current fee rate `feeBps` is above the `maxFeeBps` the merchant accepts.
    error EscrowFeeAboveMerchantMax(uint256 feeBps, uint256 maxFeeBps);
    /// @notice `token` has no contract code, so it cannot be an invoice's token or be allowed.
    error EscrowTokenHasNoCode(address token);
    /// @notice `token` is not on the allowlist, which is on.
    error EscrowTokenNotAllowed(address token);
    /// @notice The dispute of invoice `id` timed out at `timeoutAt`: the arbiter can no longer resolve it (the payer
    /// may reclaim; both sides may still settle).
    error EscrowDisputeTimedOut(uint256 id, uint256 timeoutAt);
    /// @notice The escrow holds nothing of `token` beyond what it owes.
    error EscrowNothingToSweep(address token);
    /// @notice Only the fee recipient `recipient` may collect fees; `caller` is not it.
    error EscrowNotFeeRecipient(address caller, address recipient);
    /// @notice No protocol fees in `token` have accrued.
    error EscrowNoFeesAccrued(address token);
    /// @notice `amount` is more than the `held` funds of invoice `id`.
    error EscrowAmountExceedsHeld(uint256 id, uint256 amount, uint256 held);
    /// @notice The merchant may claim only once the dispute window has ended at `endsAt`.
    error EscrowDisputeWindowOpen(uint256 id, uint256 endsAt);
    /// @notice The dispute window ended at `endedAt`; a dispute can no longer be opened.
    error EscrowDisputeWindowClosed(uint256 id, uint256 endedAt);
    /// @notice Invoice `id` has no arbiter, so it cannot be disputed.
    error EscrowNoArbiter(uint256 id);
    /// @notice The arbiter still has until `timeoutAt` to resolve the dispute; the payer may reclaim afterwards.
    error EscrowDisputeNotTimedOut(uint256 id, uint256 timeoutAt);
    /// @notice A split of `toMerchant` + `toPayer` does not equal the `held` funds.
    error EscrowSplitMismatch(uint256 id, uint256 toMerchant, uint256 toPayer, uint256 held);
    /// @notice There is no settlement proposal from the other party to accept.
    error EscrowNoSettlementProposal(uint256 id);
    /// @notice The standing proposal gives the merchant `proposed`, not the `expected` figure the caller accepts.
    error EscrowSettlementMismatch(uint256 id, uint256 proposed, uint256 expected);
    /// @notice There is nothing held for the payer to reclaim.
    error EscrowNothingToReclaim(uint256 id);
    /// @notice `feeBps` is above the cap `max`.
    error EscrowFeeTooHigh(uint256 feeBps, uint256 max);
    /// @notice The fee recipient cannot be the zero address.
    error EscrowZeroFeeRecipient();
    /// @notice An address that must receive roles or funds is the zero address.
    error EscrowZeroAddress();
    /// @notice Only `gasLeft` gas was left for a payout that needs `required` (its allowance and enough to credit the
    /// receiver if it fails): send the transaction with a higher gas limit (the gas used stays the same).
    error EscrowPayoutGasTooLow(uint256 gasLeft, uint256 required);
    /// @notice `account` has no credit in `token` to withdraw.
    error EscrowNothingToWithdraw(address account, address token);
    /// @notice Sending `amount` of native ETH to `to` failed (the credit is kept).
    error EscrowNativeTransferFailed(address to, uint256 amount);
    /// @notice The relayed payment's `deadline` is not after the block time `nowTime`.
    error EscrowRelayExpired(uint256 deadline, uint256 nowTime);
    /// @notice `payer` did not sign the relayed payment with EIP-712 digest `digest`.
    error EscrowRelayInvalidSignature(address payer, bytes32 digest);
    /// @notice `payer` already used or cancelled relay nonce `nonce`.
    error EscrowRelayNonceUsed(address payer, uint256 nonce);
    /// @notice Invoice `id` is priced in `currency` and not paid yet: only {payPriced} pays it.
    error EscrowInvoicePricedInCurrency(uint256 id, bytes3 currency);
    /// @notice Invoice `id` does not exist or is priced in its token: pay it with {pay}, {payNative} or the like.
    error EscrowInvoiceNotPricedInCurrency(uint256 id);
    /// @notice Invoice `id` accepts only `accepted` for its price, not `token`.
    error EscrowTokenNotAccepted(uint256 id, address token, address accepted);
    /// @notice The price of invoice `id` comes to `tokenAmount` now, above the payer's ceiling `maxTokenAmount`.
    error EscrowPriceAboveMax(uint256 id, uint256 tokenAmount, uint256 maxTokenAmount);
    /// @notice {payPriced} of invoice `id` came with `value` wei but needs `expected`: the ceiling in ETH, or none
    /// for an ERC-20 token.
    error EscrowPricedValueMismatch(uint256 id, uint256 value, uint256 expected);
    /// @notice No price feed registry is set, so no invoice priced in a currency can be paid.
    error EscrowNoPriceFeeds();
    /// @notice `feeds` has no contract code, so it cannot be the price feed registry.
    error EscrowPriceFeedsHasNoCode(address feeds);

    /// @notice `relayer` submitted `payer`'s signed payment of invoice `id` with relay nonce `nonce`, pulling the
    /// tokens by `pull`. Follows the payment's {InvoicePaid} (whose payer is `payer`).
    /// @dev Declared here rather than in {IPaymentEscrowEvents}: it carries the {TokenPull} of this interface.
    event RelayedPaymentSubmitted(
        uint256 indexed id,
        address indexed payer,
        address indexed relayer,
        uint256 nonce,
        TokenPull pull
    );

    // ------------------------------------------------------------------ invoices

    /// @notice Creates an invoice on `terms` with the caller as merchant and returns its id (sequential from 1).
    /// @dev Requirements: not paused; `amount` > 0 and fits uint96; `dueDate` in the future (and fits uint40);
    /// `disputeWindow` at most the contract's MAX_DISPUTE_WINDOW; payer and arbiter are not the caller; arbiter is
    /// not payer; the token (unless ETH) has code and, while the allowlist is on, is allowed; the current {feeBps}
    /// is at most `maxFeeBps`. The current {feeBps} is fixed for the invoice. Emits {InvoiceCreated}.
    function createInvoice(InvoiceTerms calldata terms) external returns (uint256 id);

    /// @notice Pays `amount` of the invoice's ERC-20 token (the caller must have approved the escrow).
    /// @dev Requirements: not paused; ERC-20 invoice Open or PartiallyPaid; caller is the payer, or the invoice is
    /// open to anyone and `amount` is the whole amount (the payment binds the invoice to the caller); `amount` > 0
    /// and at most what is due; the token delivers exactly `amount`. Emits {InvoicePaid}.
    function pay(uint256 id, uint256 amount) external;

    /// @notice Like {pay}, approving the escrow first with an EIP-2612 permit signed by the caller.
    /// @dev A failed permit (for instance front-run by someone else who submitted it) is ignored; the payment then
    /// goes through if the allowance suffices.
    function payWithPermit(uint256 id, uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s) external;

    /// @notice Submits a payment `payment.payer` signed (see {RelayedPayment}); anyone may call, and pays the gas.
    /// @dev The payment is exactly as if the payer called {pay}: same requirements (an open invoice is paid in full
    /// and bound to the payer), same {InvoicePaid}; the caller gains nothing and can change nothing. Requirements
    /// besides those of {pay}: block time before the deadline; the nonce unused; `signature` the payer's EIP-712
    /// signature (ECDSA, or ERC-1271 for a contract payer) of `payment`; the token pulled as `pull` says. A permit
    /// that fails (front-run) is ignored if the allowance suffices. Emits {InvoicePaid}, {RelayedPaymentSubmitted}.
    function payRelayed(
        RelayedPayment calldata payment,
        bytes calldata signature,
        TokenAuthorization calldata pull
    ) external;

    /// @notice The caller voids its relay nonce `nonce`, so a signed payment with it can never be submitted.
    /// @dev Requirements: the nonce is unused. Emits {RelayNonceCancelled}.
    function cancelRelayNonce(uint256 nonce) external;

    /// @notice Pays invoice `id`, priced in a currency, in full with `token` (address(0) = ETH): the price converted
    /// by {priceFeeds} now, rounded up, at most `maxTokenAmount` (the payer's ceiling against a price move). The
    /// invoice then becomes an ordinary one of that amount in that token: release, claim, refund, reclaim, dispute
    /// and settlement all use them. In ETH, send the ceiling as `msg.value` (equal to `maxTokenAmount`); what is
    /// not needed is sent back (or credited, see {PayoutCredited}).
    /// @dev Requirements: not paused; the invoice is priced in a currency and not paid; `token` is its token, or any
    /// (allowed, while the allowlist is on) token if its token is address(0); the registry quotes it (a feed, a
    /// fresh, positive, in-bounds answer; see {IPriceFeeds-quote}); the amount fits uint96 and is at most
    /// `maxTokenAmount`; `msg.value` is `maxTokenAmount` for ETH, 0 otherwise; then everything {pay} requires (open
    /// to pay, the caller is the payer or binds an open invoice, the token delivers exactly). Emits {InvoicePriced},
    /// {InvoicePaid}.
    function payPriced(uint256 id, address token, uint256 maxTokenAmount) external payable;

    /// @notice Pays `msg.value` of native ETH into a native-ETH invoice. Same requirements as {pay}.
    function payNative(uint256 id) external payable;

    /// @notice Pays `amounts[i]` into invoice `ids[i]` for every i in one transaction: invoices of any merchants, in
    /// any tokens and ETH, all or nothing.
    /// @dev Each invoice's rules are those of {pay} and {payNative} (the caller is the payer; an open invoice is paid in
    /// full). ERC-20 payments are pulled once per run of consecutive invoices in the same token (list invoices of one
    /// token together for one pull per token; the caller approves the escrow for each token's total); `msg.value` must
    /// equal the ETH invoices' total. Emits one {InvoicePaid} per invoice.
    function payMany(uint256[] calldata ids, uint256[] calldata amounts) external payable;

    /// @notice The payer releases `amount` (gross) of the held funds to the merchant, minus the protocol fee.
    /// @dev Requirements: caller is the payer; status PartiallyPaid or Paid; 0 < `amount` <= held.
    /// Emits {InvoiceReleased}.
    function release(uint256 id, uint256 amount) external;

    /// @notice The merchant takes everything held, minus the protocol fee, once the dispute window has passed.
    /// @dev Requirements: caller is the merchant; status Paid; dispute window over. Emits {InvoiceClaimed}.
    function claim(uint256 id) external;

    /// @notice The merchant returns `amount` of the held funds to the payer (no fee).
    /// @dev Requirements: caller is the merchant; status PartiallyPaid, Paid or Expired; 0 < `amount` <= held.
    /// Refunding everything held closes an invoice that was not fully paid (status Refunded). Emits {InvoiceRefunded}.
    function refund(uint256 id, uint256 amount) external;

    /// @notice The payer takes back everything held, after the due date passed without full payment (Expired) or
    /// once a dispute has gone unresolved for the contract's DISPUTE_TIMEOUT. The invoice is then Refunded.
    /// @dev From the timeout on only the payer's reclaim (or a settlement both sides sign) ends the dispute: the
    /// arbiter's {resolve} is refused from that second, so the two never race. Emits {InvoiceReclaimed}.
    function reclaim(uint256 id) external;

    /// @notice The merchant cancels an invoice on which nothing was paid. Emits {InvoiceCancelled}.
    function cancel(uint256 id) external;

    /// @notice The payer disputes a fully paid invoice while its dispute window is open, freezing the funds.
    /// @dev Requirements: caller is the payer; status Paid; the invoice has an arbiter; the window is open.
    /// Emits {InvoiceDisputed}.
    function dispute(uint256 id) external;

    /// @notice The arbiter splits the disputed funds: `toMerchant` (gross, the fee is taken from it) and `toPayer`,
    /// which must add up to exactly what is held. Emits {InvoiceResolved}.
    /// @dev Only before the dispute times out (`disputedAt + DISPUTE_TIMEOUT`, exclusive); from then on the payer
    /// may reclaim instead.
    function resolve(uint256 id, uint256 toMerchant, uint256 toPayer) external;

    /// @notice The merchant or payer proposes to end the dispute with `toMerchant` (gross) to the merchant and
    /// the rest held to the payer; replaces any earlier proposal. Emits {SettlementProposed}.
    function proposeSettlement(uint256 id, uint256 toMerchant) external;

    /// @notice The other party accepts the standing proposal, which must give the merchant exactly `toMerchant`
    /// (so a proposal changed in the meantime cannot be accepted by surprise). Emits {InvoiceSettled}.
    function acceptSettlement(uint256 id, uint256 toMerchant) external;

    /// @notice Sends the caller its whole credit in `token` (address(0) = native ETH). Emits {Withdrawn}.
    function withdraw(address token) external;

    /// @notice Sends the caller's whole credit in `token` to `to` (for accounts that cannot receive it
    /// themselves). Emits {Withdrawn}.
    function withdrawTo(address token, address to) external;

    /// @notice The fee recipient takes every protocol fee accrued in `token` (address(0) = native ETH).
    /// @dev Requirements: caller is the current {feeRecipient}; some fee accrued. Emits {FeesCollected}.
    function collectFees(address token) external;

    /// @notice Sends `to` exactly what the escrow holds of `token` beyond what it owes ({surplus}): tokens sent to
    /// it directly, ETH forced into it. Held invoice funds, credits and accrued fees are never touched.
    /// @dev Requirements: SWEEPER_ROLE; `to` not zero; a surplus. Emits {Swept}.
    function sweep(address token, address to) external;

    // ------------------------------------------------------------------ admin

    /// @notice Sets the protocol fee rate for invoices created from now on (FEE_MANAGER_ROLE, at most
    /// the contract's MAX_FEE_BPS). Emits {FeeBpsUpdated}.
    function setFeeBps(uint16 newFeeBps) external;

    /// @notice Sets the address credited with protocol fees from now on (FEE_MANAGER_ROLE, not zero).
    /// Emits {FeeRecipientUpdated}.
    function setFeeRecipient(address newRecipient) external;

    /// @notice Adds `token` to (`allowed` true) or removes it from the allowlist (TOKEN_MANAGER_ROLE); a token must
    /// have code to be added. Invoices already created keep working either way. Emits {TokenAllowed}.
    function setTokenAllowed(address token, bool allowed) external;

    /// @notice Switches the allowlist on or off for new invoices (TOKEN_MANAGER_ROLE). Emits {AllowlistEnabled}.
    function setAllowlistEnabled(bool enabled) external;

    /// @notice Sets the registry that converts invoices priced in a currency (TOKEN_MANAGER_ROLE; it must have code).
    /// Emits {PriceFeedsSet}.
    function setPriceFeeds(address feeds) external;

    /// @notice Stops new invoices and payments (PAUSER_ROLE). Funds can always leave.
    function pause() external;

    /// @notice Allows new invoices and payments again (PAUSER_ROLE).
    function unpause() external;

    // ------------------------------------------------------------------ views

    /// @notice Invoice `id` with its current status; reverts with {EscrowInvoiceNotFound} if it does not exist.
    function getInvoice(uint256 id) external view returns (Invoice memory);

    /// @notice Current status of invoice `id` (None if it does not exist).
    function status(uint256 id) external view returns (Status);

    /// @notice What may still be paid into invoice `id` now (0 unless Open or PartiallyPaid; 0 for an invoice priced
    /// in a currency until it is paid: see {invoiceCurrency}).
    function amountDue(uint256 id) external view returns (uint256);

    /// @notice What the escrow holds for invoice `id`.
    function amountHeld(uint256 id) external view returns (uint256);

    /// @notice The standing settlement proposal of invoice `id` (proposer address(0) if none).
    function settlementOf(uint256 id) external view returns (address proposer, uint256 toMerchant);

    /// @notice Credit of `account` in `token` (address(0) = native ETH), withdrawable with {withdraw}.
    function credits(address account, address token) external view returns (uint256);

    /// @notice Everything the escrow owes in `token`: funds held for invoices, credits and accrued fees.
    function totalOwed(address token) external view returns (uint256);

    /// @notice Protocol fees accrued in `token` and not yet collected.
    function feesAccrued(address token) external view returns (uint256);

    /// @notice What the escrow holds of `token` beyond {totalOwed} (0 if it holds less); what {sweep} sends.
    function surplus(address token) external view returns (uint256);

    /// @notice Whether `token` is on the allowlist (native ETH, address(0), is always allowed).
    function isTokenAllowed(address token) external view returns (bool);

    /// @notice Whether new invoices are limited to allowed tokens.
    function allowlistEnabled() external view returns (bool);

    /// @notice Fee rate in basis points for invoices created now.
    function feeBps() external view returns (uint16);

    /// @notice Address credited with protocol fees.
    function feeRecipient() external view returns (address);

    /// @notice Number of invoices created; the last id (ids start at 1).
    function invoiceCount() external view returns (uint256);

    /// @notice The currency invoice `id` is priced in and its price in hundredths of it (bytes3(0) and 0 for an
    /// invoice priced in its token). Until it is paid, such an invoice's {getInvoice} amount is 0 (and its token the
    /// accepted one or address(0) for any).
    function invoiceCurrency(uint256 id) external view returns (bytes3 currency, uint256 price);

    /// @notice The price feed registry that converts invoices priced in a currency (address(0) until set).
    function priceFeeds() external view returns (address);

    /// @notice Whether `payer` used or cancelled relay nonce `nonce`.
    function relayNonceUsed(address payer, uint256 nonce) external view returns (bool);

    /// @notice The EIP-712 digest the payer signs for `payment` (also the nonce of its EIP-3009 authorisation).
    function relayedPaymentDigest(RelayedPayment calldata payment) external view returns (bytes32);
}
