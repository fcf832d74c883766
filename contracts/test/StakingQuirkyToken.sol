// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title StakingQuirkyToken
/// @notice Test-only ERC-20 with the quirks StakingRewards must survive: a fee taken on transfer,
/// a decimals() that reverts or is absurd, and balances that can shrink under a holder.
contract StakingQuirkyToken is ERC20 {
    /// @notice What decimals() does.
    enum DecimalsMode {
        Normal,
        Reverts,
        Absurd
    }

    /// @notice decimals() was asked of a token that has none.
    error QuirkyNoDecimals();

    uint256 public feeBps;
    DecimalsMode public decimalsMode;

    constructor(DecimalsMode mode) ERC20("Quirky", "QRK") {
        decimalsMode = mode;
    }

    /// @notice Mints `amount` to `to`; anyone may call it (tests only).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Burns `amount` held by `from` without its consent (a rebase or a seizure).
    function seize(address from, uint256 amount) external {
        _burn(from, amount);
    }

    /// @notice Takes `bps` basis points of every transfer.
    function setFeeBps(uint256 bps) external {
        feeBps = bps;
    }

    /// @inheritdoc ERC20
    function decimals() public view override returns (uint8) {
        if (decimalsMode == DecimalsMode.Reverts) revert QuirkyNoDecimals();
        return decimalsMode == DecimalsMode.Absurd ? 77 : 18;
    }

    function _update(address from, address to, uint256 value) internal override {
        uint256 fee = from == address(0) || to == address(0) ? 0 : (value * feeBps) / 10_000;
        if (fee > 0) super._update(from, address(0), fee);
        super._update(from, to, value - fee);
    }
}
