/**
 * Gas of a relayed payment (escrow.payRelayed): the payer signs an EIP-712 payment and an EIP-3009
 * receiveWithAuthorization on TestUSD, a relayer submits both. Measured for a returning payer and an escrow that
 * already holds TestUSD (one relayed payment before the measured one), as escrow.payToken is.
 */
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { RECEIVE_WITH_AUTHORIZATION_TYPES, RELAYED_PAYMENT_TYPES, TOKEN_PULL, relayDomain } from "../core/relay";
import { NO_CURRENCY } from "../core/invoice/currency";

/** Returns `escrow.payRelayed`: whole-transaction gas of a relayed payment on the EIP-3009 path. */
export async function measureRelayedGas(): Promise<Record<string, bigint>> {
  const [admin, merchant, payer, arbiter, feeRecipient, relayer] = await ethers.getSigners();
  const token = await ethers.deployContract("TestUSD");
  const escrow = await ethers.deployContract("PaymentEscrow", [admin, feeRecipient, 100, [token], true]);
  const unit = ethers.parseUnits("100", 6);
  await token.mint(payer, unit * 10n);
  const { chainId } = await ethers.provider.getNetwork();
  const escrowDomain = relayDomain(chainId, escrow.target as string);
  const tokenDomain = { name: "USD Coin (test)", version: "2", chainId, verifyingContract: token.target as string };

  let nonce = 0n;
  const payRelayed = async () => {
    await escrow.connect(merchant).createInvoice({
      payer: payer.address,
      token,
      amount: unit,
      dueDate: BigInt(await time.latest()) + 30n * 24n * 3600n,
      disputeWindow: 7 * 24 * 3600,
      arbiter: arbiter.address,
      maxFeeBps: 100,
      referenceHash: ethers.id(`relayed ${++nonce}`),
      currency: NO_CURRENCY,
    });
    const payment = {
      id: await escrow.invoiceCount(),
      amount: unit,
      payer: payer.address,
      nonce,
      deadline: BigInt(await time.latest()) + 3600n,
    };
    const signature = await payer.signTypedData(escrowDomain, RELAYED_PAYMENT_TYPES, payment);
    const digest = await escrow.relayedPaymentDigest(payment);
    const auth = ethers.Signature.from(
      await payer.signTypedData(tokenDomain, RECEIVE_WITH_AUTHORIZATION_TYPES, {
        from: payer.address,
        to: escrow.target,
        value: unit,
        validAfter: 0n,
        validBefore: payment.deadline,
        nonce: digest,
      }),
    );
    const tx = await escrow
      .connect(relayer)
      .payRelayed(payment, signature, { kind: TOKEN_PULL.ReceiveWithAuthorization, v: auth.v, r: auth.r, s: auth.s });
    const receipt = await tx.wait();
    if (!receipt) throw new Error("transaction was dropped");
    return receipt.gasUsed;
  };
  await payRelayed();
  return { "escrow.payRelayed": await payRelayed() };
}
