// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IPaymentEscrow} from "../interfaces/IPaymentEscrow.sol";

/// @title EscrowProbe
/// @notice Test-only view that reads everything the property tests check about an escrow in one call.
contract EscrowProbe {
    /// @notice The time of the call, the escrow's balance of each token (address(0) = ETH), every account's
    /// credit in every token (account-major), and every invoice.
    function snapshot(
        IPaymentEscrow escrow,
        address[] calldata tokens,
        address[] calldata accounts
    )
        external
        view
        returns (
            uint256 timestamp,
            uint256[] memory balances,
            uint256[] memory credits,
            IPaymentEscrow.Invoice[] memory invoices
        )
    {
        timestamp = block.timestamp;
        balances = new uint256[](tokens.length);
        for (uint256 t = 0; t < tokens.length; t++) {
            balances[t] = tokens[t] == address(0) ? address(escrow).balance : IERC20(tokens[t]).balanceOf(address(escrow));
        }
        credits = new uint256[](tokens.length * accounts.length);
        for (uint256 a = 0; a < accounts.length; a++) {
            for (uint256 t = 0; t < tokens.length; t++) {
                credits[a * tokens.length + t] = escrow.credits(accounts[a], tokens[t]);
            }
        }
        invoices = new IPaymentEscrow.Invoice[](escrow.invoiceCount());
        for (uint256 i = 0; i < invoices.length; i++) {
            invoices[i] = escrow.getInvoice(i + 1);
        }
    }
}
