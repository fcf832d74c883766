// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {EscrowArbiters} from "./EscrowArbiters.sol";
import {IPaymentEscrow} from "./interfaces/IPaymentEscrow.sol";
import {IPriceFeeds} from "./interfaces/IPriceFeeds.sol";

/// @title EscrowPricing
/// @notice Invoices of {PaymentEscrow} priced in a currency: their currency and price, the price feed registry
/// ({IPriceFeeds}) that converts them, and the conversion at payment. See {IPaymentEscrow-payPriced}.
/// @dev Only invoices priced in a currency store anything here (one slot), so ordinary invoices cost nothing more.
/// Until it is paid, such an invoice stores amount 0 in the escrow, which is what makes every ordinary payment
/// path refuse it (nothing is due) without reading this slot on their way.
abstract contract EscrowPricing is EscrowArbiters {
    /// @dev The currency of an invoice priced in one, and the price in hundredths of it.
    struct Price {
        bytes3 currency;
        uint96 price;
    }

    IPriceFeeds private _priceFeeds;
    mapping(uint256 id => Price) private _prices;

    /// @inheritdoc IPaymentEscrow
    function setPriceFeeds(address feeds) external onlyRole(TOKEN_MANAGER_ROLE) {
        if (feeds.code.length == 0) revert EscrowPriceFeedsHasNoCode(feeds);
        _priceFeeds = IPriceFeeds(feeds);
        emit PriceFeedsSet(feeds);
    }

    /// @inheritdoc IPaymentEscrow
    function invoiceCurrency(uint256 id) external view returns (bytes3 currency, uint256 price) {
        Price memory p = _prices[id];
        return (p.currency, p.price);
    }

    /// @inheritdoc IPaymentEscrow
    function priceFeeds() external view returns (address) {
        return address(_priceFeeds);
    }

    /// @dev Records that new invoice `id` is priced at `price` (< 2^96, checked by the caller) hundredths of
    /// `currency`.
    function _setCurrency(uint256 id, bytes3 currency, uint256 price) internal {
        _prices[id] = Price(currency, uint96(price));
        emit InvoiceCurrencySet(id, currency, price);
    }

    /// @dev The currency of invoice `id` (bytes3(0) if it is priced in its token).
    function _currencyOf(uint256 id) internal view returns (bytes3) {
        return _prices[id].currency;
    }

    /// @dev Converts the price of invoice `id` into `token` now, refuses more than `maxTokenAmount` or more than the
    /// escrow stores (uint96), and announces the conversion; returns the token amount.
    function _quote(uint256 id, address token, uint256 maxTokenAmount) internal returns (uint256 tokenAmount) {
        IPriceFeeds feeds = _priceFeeds;
        if (address(feeds) == address(0)) revert EscrowNoPriceFeeds();
        Price memory p = _prices[id];
        IPriceFeeds.Quote memory q = feeds.quote(token, p.currency, p.price);
        tokenAmount = q.tokenAmount;
        if (tokenAmount > maxTokenAmount) revert EscrowPriceAboveMax(id, tokenAmount, maxTokenAmount);
        if (tokenAmount > type(uint96).max) revert EscrowAmountTooLarge(tokenAmount, type(uint96).max);
        emit InvoicePriced(id, msg.sender, token, tokenAmount, q.answer, q.feedDecimals, q.roundId);
    }
}
