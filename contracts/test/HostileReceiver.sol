// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title HostileReceiver
/// @notice Test-only account (a contract acting as merchant or payer) whose handling of incoming ETH is chosen:
/// accept it, reject it, burn all the gas it is given, or call back into a target (the escrow) with stored data.
contract HostileReceiver {
    /// @notice How incoming ETH is handled.
    enum Mode {
        Accept,
        Reject,
        BurnGas,
        Reenter
    }

    /// @notice The receiver refused ETH.
    error HostileReceiverRejected();

    /// @notice Current handling of incoming ETH.
    Mode public mode;
    /// @notice Whether the last call made on receiving ETH succeeded.
    bool public lastCallSucceeded;
    /// @notice Revert data of the last call made on receiving ETH.
    bytes public lastCallError;

    address private _target;
    bytes private _data;

    /// @notice Sets how incoming ETH is handled; in Reenter mode, receiving calls `target` with `data`.
    function setMode(Mode mode_, address target, bytes calldata data) external {
        mode = mode_;
        _target = target;
        _data = data;
    }

    /// @notice Calls `target` with `data` and `msg.value`, bubbling up a revert (the test drives the account).
    function act(address target, bytes calldata data) external payable returns (bytes memory result) {
        bool ok;
        // solhint-disable-next-line avoid-low-level-calls
        (ok, result) = target.call{value: msg.value}(data);
        if (!ok) {
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                revert(add(result, 32), mload(result))
            }
        }
    }

    // solhint-disable-next-line no-complex-fallback
    receive() external payable {
        if (mode == Mode.Reject) revert HostileReceiverRejected();
        if (mode == Mode.BurnGas) {
            while (true) {
                lastCallSucceeded = !lastCallSucceeded;
            }
        }
        if (mode == Mode.Reenter) {
            // solhint-disable-next-line avoid-low-level-calls
            (lastCallSucceeded, lastCallError) = _target.call(_data);
        }
    }
}
