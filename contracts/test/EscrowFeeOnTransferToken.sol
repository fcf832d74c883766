// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title EscrowFeeOnTransferToken
/// @notice Test-only ERC-20 that burns 1% of every transfer, so the receiver gets less than was sent.
contract EscrowFeeOnTransferToken is ERC20 {
    constructor() ERC20("Fee on transfer", "FOT") {}

    /// @notice Mints `amount` to `to`; anyone may call it (tests only).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from == address(0) || to == address(0)) return super._update(from, to, value);
        uint256 burnt = value / 100;
        super._update(from, address(0), burnt);
        super._update(from, to, value - burnt);
    }
}
