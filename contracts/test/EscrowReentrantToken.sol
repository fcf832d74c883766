// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title EscrowReentrantToken
/// @notice Test-only ERC-20 that calls back into a target (the escrow) from inside every transfer, once a hook is
/// set, and records whether that call went through.
contract EscrowReentrantToken is ERC20 {
    address private _target;
    bytes private _data;
    bool private _inHook;

    /// @notice Whether the last call made from the hook succeeded.
    bool public lastCallSucceeded;
    /// @notice Revert data of the last call made from the hook.
    bytes public lastCallError;
    /// @notice Number of calls made from the hook.
    uint256 public hookCalls;

    constructor() ERC20("Reentrant", "REENTER") {}

    /// @notice Mints `amount` to `to`; anyone may call it (tests only).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice From now on, each transfer calls `target` with `data` (clear with target address(0)).
    function setHook(address target, bytes calldata data) external {
        _target = target;
        _data = data;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (_target == address(0) || _inHook || from == address(0)) return;
        _inHook = true;
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory err) = _target.call(_data);
        lastCallSucceeded = ok;
        lastCallError = err;
        hookCalls += 1;
        _inHook = false;
    }
}
