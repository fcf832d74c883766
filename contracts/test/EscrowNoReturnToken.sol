// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title EscrowNoReturnToken
/// @notice Test-only token in the style of mainnet USDT: transfer, transferFrom and approve return nothing.
contract EscrowNoReturnToken {
    error EscrowNoReturnTokenInsufficient();

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    mapping(address account => uint256) public balanceOf;
    mapping(address owner => mapping(address spender => uint256)) public allowance;

    /// @notice Mints `amount` to `to`; anyone may call it (tests only).
    function mint(address to, uint256 amount) external {
        balanceOf[to] += amount;
        emit Transfer(address(0), to, amount);
    }

    /// @notice Lets `spender` move `value` of the caller's tokens; returns nothing.
    function approve(address spender, uint256 value) external {
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
    }

    /// @notice Moves `value` to `to`; returns nothing.
    function transfer(address to, uint256 value) external {
        _move(msg.sender, to, value);
    }

    /// @notice Moves `value` from `from` to `to` within the caller's allowance; returns nothing.
    function transferFrom(address from, address to, uint256 value) external {
        if (allowance[from][msg.sender] < value) revert EscrowNoReturnTokenInsufficient();
        allowance[from][msg.sender] -= value;
        _move(from, to, value);
    }

    function _move(address from, address to, uint256 value) private {
        if (balanceOf[from] < value) revert EscrowNoReturnTokenInsufficient();
        balanceOf[from] -= value;
        balanceOf[to] += value;
        emit Transfer(from, to, value);
    }
}
