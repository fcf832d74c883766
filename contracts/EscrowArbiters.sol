// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {EscrowRelay} from "./EscrowRelay.sol";
import {InvoiceLib} from "./libraries/InvoiceLib.sol";

/// @title EscrowArbiters
/// @notice The arbiter registry of {PaymentEscrow}: an invoice stores a uint24 index, so an invoice with an arbiter
/// already seen costs no extra slot; once the registry is full, new arbiters are stored with their invoice, so
/// nobody can stop invoices from being created by filling it.
abstract contract EscrowArbiters is EscrowRelay {
    mapping(address arbiter => uint24) private _arbiterIndex;
    mapping(uint24 index => address) private _arbiters;
    mapping(uint256 id => address) private _invoiceArbiters;

    /// @dev Returns the registry index of `arbiter` of new invoice `id`, registering it on first use; once the
    /// registry is full, stores the arbiter with the invoice instead.
    function _registerArbiter(address arbiter, uint256 id) internal returns (uint24 index) {
        index = _arbiterIndex[arbiter];
        if (index == 0) {
            uint24 count = _arbiterCount;
            if (count == InvoiceLib.ARBITER_IN_INVOICE - 1) {
                _invoiceArbiters[id] = arbiter;
                return InvoiceLib.ARBITER_IN_INVOICE;
            }
            index = count + 1;
            _arbiterCount = index;
            _arbiterIndex[arbiter] = index;
            _arbiters[index] = arbiter;
        }
    }

    /// @dev The arbiter of invoice `id` from its stored index (address(0) for index 0: no arbiter).
    function _arbiterOf(uint256 id, uint24 index) internal view returns (address) {
        return index == InvoiceLib.ARBITER_IN_INVOICE ? _invoiceArbiters[id] : _arbiters[index];
    }
}
