// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AggregatorV3Interface} from "./AggregatorV3Interface.sol";

/// @title IPriceFeeds
/// @notice A registry of Chainlink AggregatorV3 price feeds per token and ISO 4217 currency, and the quote that
/// converts a price in a currency into an amount of a token at the feed's latest answer. PaymentEscrow reads it to
/// price invoices issued in a currency (see {IPaymentEscrow-payPriced}).
/// @dev A feed for (`token`, `currency`) answers the price of one whole token in the currency (as Chainlink's
/// "ETH / USD" answers dollars per ether), with the feed's own decimals. Prices in a currency are always in
/// hundredths of it (PriceFeeds.PRICE_DECIMALS), whatever ISO 4217 says about its minor unit. `token == address(0)`
/// is native ETH (18 decimals).
interface IPriceFeeds {
    /// @notice A registered feed and the bounds its answer must respect.
    /// @param feed The Chainlink AggregatorV3 feed.
    /// @param maxAge Longest time, in seconds, since the feed's last update for its answer to be used.
    /// @param feedDecimals Decimals of the feed's answer, read when the feed was set.
    /// @param tokenDecimals Decimals of the token, read when the feed was set (18 for ETH).
    /// @param minAnswer Lowest answer accepted (at least 1).
    /// @param maxAnswer Highest answer accepted.
    struct Feed {
        AggregatorV3Interface feed;
        uint32 maxAge;
        uint8 feedDecimals;
        uint8 tokenDecimals;
        uint128 minAnswer;
        uint128 maxAnswer;
    }

    /// @notice A quote of a price in a currency, in a token.
    /// @param tokenAmount The price in the token's base units, rounded up.
    /// @param answer The feed's answer used.
    /// @param feedDecimals Decimals of `answer`.
    /// @param roundId The feed's round the answer comes from.
    struct Quote {
        uint256 tokenAmount;
        int256 answer;
        uint8 feedDecimals;
        uint80 roundId;
    }

    // ------------------------------------------------------------------ errors

    /// @notice No feed is registered for `token` in `currency`.
    error PriceFeedsNoFeed(address token, bytes3 currency);
    /// @notice `feed` was last updated at `updatedAt`, more than `maxAge` seconds before `nowTime`.
    error PriceFeedsStaleAnswer(address feed, uint256 updatedAt, uint256 maxAge, uint256 nowTime);
    /// @notice `feed` answered `answer`, which is not a positive price.
    error PriceFeedsAnswerNotPositive(address feed, int256 answer);
    /// @notice `feed` answered `answer`, outside the sanity bounds [`minAnswer`, `maxAnswer`] set with it.
    error PriceFeedsAnswerOutOfBounds(address feed, int256 answer, uint256 minAnswer, uint256 maxAnswer);
    /// @notice The latest round `roundId` of `feed` is not complete (never updated, or answered in the earlier round
    /// `answeredInRound`).
    error PriceFeedsIncompleteRound(address feed, uint80 roundId, uint80 answeredInRound);
    /// @notice `currency` is not three upper-case letters A-Z (an ISO 4217 code such as "EUR").
    error PriceFeedsInvalidCurrency(bytes3 currency);
    /// @notice `account` (a feed or a token) has no contract code.
    error PriceFeedsNoCode(address account);
    /// @notice The sanity bounds are not 0 < `minAnswer` <= `maxAnswer`.
    error PriceFeedsInvalidBounds(uint256 minAnswer, uint256 maxAnswer);
    /// @notice The longest accepted age of an answer must be more than zero seconds.
    error PriceFeedsZeroMaxAge();
    /// @notice `source` (a feed or a token) reports `decimals` decimals, more than the 18 supported.
    error PriceFeedsTooManyDecimals(address source, uint8 decimals);

    // ------------------------------------------------------------------ events

    /// @notice The feed of `token` in `currency` was set to `feed` with its bounds (replacing any earlier one).
    event FeedSet(
        address indexed token,
        bytes3 indexed currency,
        address feed,
        uint32 maxAge,
        uint256 minAnswer,
        uint256 maxAnswer,
        uint8 feedDecimals,
        uint8 tokenDecimals
    );

    /// @notice The feed of `token` in `currency` was removed: the token can no longer pay prices in the currency.
    event FeedRemoved(address indexed token, bytes3 indexed currency);

    // ------------------------------------------------------------------ functions

    /// @notice Registers `feed` as the price of `token` (address(0) = ETH) in `currency`, replacing any earlier one.
    /// @dev Requirements: FEED_MANAGER_ROLE; `currency` three upper-case letters; `feed` (and `token`, unless ETH)
    /// has code; feed and token decimals at most 18 (both read now and kept); `maxAge` > 0;
    /// 0 < `minAnswer` <= `maxAnswer` < 2^128. Emits {FeedSet}.
    function setFeed(
        address token,
        bytes3 currency,
        AggregatorV3Interface feed,
        uint32 maxAge,
        uint256 minAnswer,
        uint256 maxAnswer
    ) external;

    /// @notice Removes the feed of `token` in `currency` (FEED_MANAGER_ROLE). Emits {FeedRemoved}.
    /// @dev Requirements: a feed is registered for them.
    function removeFeed(address token, bytes3 currency) external;

    /// @notice The feed registered for `token` in `currency` (a zero feed address if none).
    function feedOf(address token, bytes3 currency) external view returns (Feed memory);

    /// @notice `price` hundredths of `currency` in `token`'s base units at the feed's latest answer, rounded up (in
    /// the merchant's favour: the payer never pays less than the price).
    /// @dev tokenAmount = ceil(price * 10^(feedDecimals + tokenDecimals) / (answer * 100)). Reverts with
    /// {PriceFeedsNoFeed}, {PriceFeedsIncompleteRound}, {PriceFeedsStaleAnswer}, {PriceFeedsAnswerNotPositive} or
    /// {PriceFeedsAnswerOutOfBounds} rather than quote from a doubtful answer.
    function quote(address token, bytes3 currency, uint256 price) external view returns (Quote memory);
}
