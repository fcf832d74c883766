// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC3009} from "@openzeppelin/contracts/interfaces/draft-IERC3009.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {EscrowPayouts} from "./EscrowPayouts.sol";
import {IPaymentEscrow} from "./interfaces/IPaymentEscrow.sol";

/// @title EscrowRelay
/// @notice Relayed payments of {PaymentEscrow}: the payer signs an EIP-712 payment, anyone submits it and pays the
/// gas. See {IPaymentEscrow-payRelayed}.
/// @dev Trust: the relayer can only submit the payment exactly as signed, or not at all (then the payer lets the
/// deadline pass or cancels the nonce). The payment signature binds invoice, amount, payer, nonce and deadline,
/// and the domain binds chain and escrow. The token side is bound too: an EIP-3009 authorisation carries the
/// payment's digest as its nonce and can only be spent by the escrow (receiveWithAuthorization checks the caller);
/// a permit front-run by anyone only sets the allowance the payment then uses. Nonces are unordered (as EIP-3009's)
/// so a relayer that withholds one signed payment cannot hold up the payer's others.
abstract contract EscrowRelay is EscrowPayouts {
    using SafeERC20 for IERC20;

    /// @dev EIP-712 type hash of {IPaymentEscrow-RelayedPayment} (not a public getter: each selector costs every call
    /// in the dispatcher).
    bytes32 private constant _RELAYED_PAYMENT_TYPEHASH =
        keccak256("RelayedPayment(uint256 id,uint256 amount,address payer,uint256 nonce,uint256 deadline)");

    /// @dev EIP-712 domain: name "Settle PaymentEscrow", version "1", this chain, this escrow. Built by hand rather
    /// than with OpenZeppelin's EIP712 (whose ERC-5267 getter would not fit in the escrow's code size).
    bytes32 private constant _DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 private constant _NAME_HASH = keccak256("Settle PaymentEscrow");
    bytes32 private constant _VERSION_HASH = keccak256("1");

    mapping(address payer => mapping(uint256 nonce => bool)) private _relayNonces;

    /// @inheritdoc IPaymentEscrow
    function payRelayed(
        RelayedPayment calldata payment,
        bytes calldata signature,
        TokenAuthorization calldata pull
    ) external nonReentrant whenNotPaused {
        address payer = payment.payer;
        uint256 nonce = payment.nonce;
        uint256 deadline = payment.deadline;
        if (block.timestamp >= deadline) revert EscrowRelayExpired(deadline, block.timestamp);
        if (_relayNonces[payer][nonce]) revert EscrowRelayNonceUsed(payer, nonce);
        bytes32 digest = relayedPaymentDigest(payment);
        if (!SignatureChecker.isValidSignatureNow(payer, digest, signature)) {
            revert EscrowRelayInvalidSignature(payer, digest);
        }
        _relayNonces[payer][nonce] = true;

        uint256 id = payment.id;
        (address token, uint256 owed) = _recordPayment(id, payment.amount, false, payer);
        emit RelayedPaymentSubmitted(id, payer, msg.sender, nonce, pull.kind);
        _pullSigned(token, payment, digest, pull);
        _requireDelivered(id, token, owed);
    }

    /// @inheritdoc IPaymentEscrow
    function cancelRelayNonce(uint256 nonce) external {
        if (_relayNonces[msg.sender][nonce]) revert EscrowRelayNonceUsed(msg.sender, nonce);
        _relayNonces[msg.sender][nonce] = true;
        emit RelayNonceCancelled(msg.sender, nonce);
    }

    /// @inheritdoc IPaymentEscrow
    function relayNonceUsed(address payer, uint256 nonce) external view returns (bool) {
        return _relayNonces[payer][nonce];
    }

    /// @inheritdoc IPaymentEscrow
    function relayedPaymentDigest(RelayedPayment calldata payment) public view returns (bytes32) {
        return MessageHashUtils.toTypedDataHash(_domainSeparator(), keccak256(abi.encode(_RELAYED_PAYMENT_TYPEHASH, payment)));
    }

    /// @dev Checks a payment of `amount` into invoice `id` by `from` and records it (effects and event); returns the
    /// token and what the escrow owes in it afterwards.
    function _recordPayment(
        uint256 id,
        uint256 amount,
        bool native,
        address from
    ) internal virtual returns (address token, uint256 owed);

    /// @dev Pulls the relayed `payment` in `token` from its payer as `pull` says; `digest` is the payment's.
    function _pullSigned(
        address token,
        RelayedPayment calldata payment,
        bytes32 digest,
        TokenAuthorization calldata pull
    ) private {
        address payer = payment.payer;
        uint256 amount = payment.amount;
        TokenPull kind = pull.kind;
        if (kind == TokenPull.ReceiveWithAuthorization) {
            // Only the escrow can spend this authorisation (the token checks the caller is the payee), and only for
            // this payment (its nonce is the payment's digest).
            IERC3009(token).receiveWithAuthorization(
                payer, address(this), amount, 0, payment.deadline, digest, pull.v, pull.r, pull.s
            );
            return;
        }
        if (kind == TokenPull.Permit) {
            // A permit front-run by someone else reverts here; the allowance it set still lets the payment through.
            // solhint-disable-next-line no-empty-blocks
            try IERC20Permit(token).permit(payer, address(this), amount, payment.deadline, pull.v, pull.r, pull.s) {} catch {}
        }
        IERC20(token).safeTransferFrom(payer, address(this), amount);
    }

    /// @dev The EIP-712 domain separator on the current chain (computed each time, so a fork gets its own).
    function _domainSeparator() private view returns (bytes32) {
        return keccak256(abi.encode(_DOMAIN_TYPEHASH, _NAME_HASH, _VERSION_HASH, block.chainid, address(this)));
    }

    /// @dev Refuses the payment into invoice `id` unless the escrow holds at least `owed`, everything it owes in
    /// `token`: a token that delivers less than asked cannot eat other invoices.
    function _requireDelivered(uint256 id, address token, uint256 owed) internal view {
        uint256 balance = IERC20(token).balanceOf(address(this));
        if (balance < owed) revert EscrowTokenDeliveredLess(id, owed, balance);
    }
}
