// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title EscrowFalseToken
/// @notice Test-only ERC-20 whose transfer and transferFrom return false, moving nothing, while `failing` is set.
contract EscrowFalseToken is ERC20 {
    /// @notice While true, transfers return false and move nothing.
    bool public failing;

    constructor() ERC20("Returns false", "FALSE") {}

    /// @notice Mints `amount` to `to`; anyone may call it (tests only).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Makes transfers fail (return false) or work again.
    function setFailing(bool failing_) external {
        failing = failing_;
    }

    /// @inheritdoc ERC20
    function transfer(address to, uint256 value) public override returns (bool) {
        if (failing) return false;
        return super.transfer(to, value);
    }

    /// @inheritdoc ERC20
    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        if (failing) return false;
        return super.transferFrom(from, to, value);
    }
}
