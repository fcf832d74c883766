// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title EscrowBlocklistToken
/// @notice Test-only ERC-20 in the style of USDC's blocklist: transfers from or to a blocked address revert.
contract EscrowBlocklistToken is ERC20 {
    /// @notice A transfer touched the blocked `account`.
    error EscrowBlocklistTokenBlocked(address account);

    /// @notice Whether `account` is blocked.
    mapping(address account => bool) public blocked;

    constructor() ERC20("Blocklist", "BLOCK") {}

    /// @notice Mints `amount` to `to`; anyone may call it (tests only).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Blocks or unblocks `account`.
    function setBlocked(address account, bool isBlocked) external {
        blocked[account] = isBlocked;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (blocked[from]) revert EscrowBlocklistTokenBlocked(from);
        if (blocked[to]) revert EscrowBlocklistTokenBlocked(to);
        super._update(from, to, value);
    }
}
