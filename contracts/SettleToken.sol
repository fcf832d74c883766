// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {ERC20Capped} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Capped.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title SettleToken
/// @notice The Settle token (SETL): 18 decimals, EIP-2612 permit, a hard supply cap, minted by
/// MINTER_ROLE and burnable by its holders.
contract SettleToken is ERC20, ERC20Permit, ERC20Burnable, ERC20Capped, AccessControl {
    /// @notice Role allowed to mint new tokens, up to the cap.
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");

    /// @param admin Receives DEFAULT_ADMIN_ROLE and MINTER_ROLE.
    /// @param supplyCap The most tokens that can ever exist (base units).
    /// @param initialHolder Receives `initialSupply`.
    /// @param initialSupply Minted at deployment (base units); at most `supplyCap`.
    constructor(
        address admin,
        uint256 supplyCap,
        address initialHolder,
        uint256 initialSupply
    ) ERC20("Settle", "SETL") ERC20Permit("Settle") ERC20Capped(supplyCap) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(MINTER_ROLE, admin);
        _mint(initialHolder, initialSupply);
    }

    /// @notice Mints `amount` new tokens to `to`.
    /// @dev Requirements: the caller has MINTER_ROLE; the supply stays within the cap.
    /// Emits a {Transfer} event from the zero address.
    function mint(address to, uint256 amount) external onlyRole(MINTER_ROLE) {
        _mint(to, amount);
    }

    /// @dev Both parents update balances; ERC20Capped adds the cap check on mint.
    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Capped) {
        super._update(from, to, value);
    }
}
