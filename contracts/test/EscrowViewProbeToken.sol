// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IPaymentEscrow} from "../interfaces/IPaymentEscrow.sol";

/// @title EscrowViewProbeToken
/// @notice Test-only ERC-20 that, on each transfer out of the escrow, reads the escrow's views for one invoice as
/// a receiver's token hook would see them in the middle of a payout.
contract EscrowViewProbeToken is ERC20 {
    /// @notice The views read during the last transfer out of the escrow.
    struct Seen {
        uint256 held;
        uint256 credit;
        uint256 owed;
        uint256 receiverBalance;
        uint256 escrowBalance;
    }

    IPaymentEscrow private _escrow;
    uint256 private _id;
    /// @notice What the last transfer out of the escrow saw.
    Seen public seen;

    constructor() ERC20("View probe", "PROBE") {}

    /// @notice Mints `amount` to `to`; anyone may call it (tests only).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Watches invoice `id` of `escrow` from now on.
    function watch(IPaymentEscrow escrow, uint256 id) external {
        _escrow = escrow;
        _id = id;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (address(_escrow) == address(0) || from != address(_escrow)) return;
        seen = Seen({
            held: _escrow.amountHeld(_id),
            credit: _escrow.credits(to, address(this)),
            owed: _escrow.totalOwed(address(this)),
            receiverBalance: balanceOf(to),
            escrowBalance: balanceOf(from)
        });
    }
}
