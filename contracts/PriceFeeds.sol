// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {AggregatorV3Interface} from "./interfaces/AggregatorV3Interface.sol";
import {IPriceFeeds} from "./interfaces/IPriceFeeds.sol";

/// @title PriceFeeds
/// @notice Chainlink price feeds per token and currency, and quotes from them for invoices priced in a currency.
/// See {IPriceFeeds}.
/// @dev An answer is used only from a complete round (updated, answered in its own round), no older than the feed's
/// `maxAge`, positive and within the feed's sanity bounds; anything else reverts, so a payment is never priced
/// from a doubtful answer. Decimals of the feed and the token are read once, when the feed is set.
contract PriceFeeds is IPriceFeeds, AccessControl {
    /// @notice Role that registers and removes feeds.
    bytes32 public constant FEED_MANAGER_ROLE = keccak256("FEED_MANAGER_ROLE");
    /// @notice Decimals of a price in a currency: prices are in hundredths (cents of EUR, USD, ...).
    uint8 public constant PRICE_DECIMALS = 2;
    /// @notice Most decimals a feed's answer or a token may have.
    uint8 public constant MAX_DECIMALS = 18;

    mapping(address token => mapping(bytes3 currency => Feed)) private _feeds;

    /// @param admin Receives DEFAULT_ADMIN_ROLE and FEED_MANAGER_ROLE.
    constructor(address admin) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(FEED_MANAGER_ROLE, admin);
    }

    /// @inheritdoc IPriceFeeds
    function setFeed(
        address token,
        bytes3 currency,
        AggregatorV3Interface feed,
        uint32 maxAge,
        uint256 minAnswer,
        uint256 maxAnswer
    ) external onlyRole(FEED_MANAGER_ROLE) {
        _checkCurrency(currency);
        if (address(feed).code.length == 0) revert PriceFeedsNoCode(address(feed));
        if (maxAge == 0) revert PriceFeedsZeroMaxAge();
        if (minAnswer == 0 || minAnswer > maxAnswer || maxAnswer > type(uint128).max) {
            revert PriceFeedsInvalidBounds(minAnswer, maxAnswer);
        }
        uint8 feedDecimals = _checkDecimals(address(feed), feed.decimals());
        uint8 tokenDecimals = MAX_DECIMALS; // native ETH
        if (token != address(0)) {
            if (token.code.length == 0) revert PriceFeedsNoCode(token);
            tokenDecimals = _checkDecimals(token, IERC20Metadata(token).decimals());
        }
        // maxAnswer < 2^128 checked above, and minAnswer <= maxAnswer.
        _feeds[token][currency] = Feed(feed, maxAge, feedDecimals, tokenDecimals, uint128(minAnswer), uint128(maxAnswer));
        emit FeedSet(token, currency, address(feed), maxAge, minAnswer, maxAnswer, feedDecimals, tokenDecimals);
    }

    /// @inheritdoc IPriceFeeds
    function removeFeed(address token, bytes3 currency) external onlyRole(FEED_MANAGER_ROLE) {
        if (address(_feeds[token][currency].feed) == address(0)) revert PriceFeedsNoFeed(token, currency);
        delete _feeds[token][currency];
        emit FeedRemoved(token, currency);
    }

    /// @inheritdoc IPriceFeeds
    function feedOf(address token, bytes3 currency) external view returns (Feed memory) {
        return _feeds[token][currency];
    }

    /// @inheritdoc IPriceFeeds
    function quote(address token, bytes3 currency, uint256 price) external view returns (Quote memory q) {
        Feed memory f = _feeds[token][currency];
        address feed = address(f.feed);
        if (feed == address(0)) revert PriceFeedsNoFeed(token, currency);
        (uint80 roundId, int256 answer, , uint256 updatedAt, uint80 answeredInRound) = f.feed.latestRoundData();
        if (updatedAt == 0 || answeredInRound < roundId) revert PriceFeedsIncompleteRound(feed, roundId, answeredInRound);
        if (updatedAt + f.maxAge < block.timestamp) {
            revert PriceFeedsStaleAnswer(feed, updatedAt, f.maxAge, block.timestamp);
        }
        if (answer <= 0) revert PriceFeedsAnswerNotPositive(feed, answer);
        // answer > 0 here, so the cast keeps its value.
        uint256 value = uint256(answer);
        if (value < f.minAnswer || value > f.maxAnswer) {
            revert PriceFeedsAnswerOutOfBounds(feed, answer, f.minAnswer, f.maxAnswer);
        }
        // Both decimals are at most 18, so the scale fits; value <= maxAnswer < 2^128, so value * 100 fits too.
        // Rounded up: the payer never pays less than the price.
        uint256 scale = 10 ** (uint256(f.feedDecimals) + f.tokenDecimals);
        uint256 tokenAmount = Math.mulDiv(price, scale, value * 10 ** PRICE_DECIMALS, Math.Rounding.Ceil);
        q = Quote(tokenAmount, answer, f.feedDecimals, roundId);
    }

    /// @dev Refuses anything but three upper-case ASCII letters.
    function _checkCurrency(bytes3 currency) private pure {
        for (uint256 i; i < 3; ++i) {
            bytes1 letter = currency[i];
            if (letter < "A" || letter > "Z") revert PriceFeedsInvalidCurrency(currency);
        }
    }

    /// @dev Returns `decimals` of `source`, refusing more than {MAX_DECIMALS}.
    function _checkDecimals(address source, uint8 decimals) private pure returns (uint8) {
        if (decimals > MAX_DECIMALS) revert PriceFeedsTooManyDecimals(source, decimals);
        return decimals;
    }
}
