/**
 * The PaymentEscrow benchmark scenario shared by bench/escrow-gas.ts (gas per operation) and
 * bench/escrow-gas-breakdown.ts (where release and refund spend it): the escrow as deployed on a public chain
 * (fee 100 bps, the token allowlist on with the bench token allowed) and a plain OpenZeppelin permit token on the
 * in-process network, funded payer and merchant, a standing allowance, and helpers that create invoices with
 * every field set (fixed payer, arbiter, reference, the merchant's fee cap).
 */
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { NO_CURRENCY } from "../../core/invoice/currency";

/** Deploys the scenario; `create` and `paidTokenInvoice` return the new invoice's id. */
export async function deployEscrowScenario() {
  const [admin, merchant, payer, arbiter, feeRecipient] = await ethers.getSigners();
  const token = await ethers.deployContract("TestToken", ["Bench USD", "BUSD", 18]);
  const escrow = await ethers.deployContract("PaymentEscrow", [admin, feeRecipient, 100, [token], true]);
  const escrowAddress = await escrow.getAddress();
  const tokenAddress = await token.getAddress();
  const unit = ethers.parseEther("100");
  const window = 7 * 24 * 3600;
  await token.mint(payer, unit * 100n);
  await token.mint(merchant, unit);
  await token.connect(payer).approve(escrow, unit * 50n);

  let reference = 0;
  /** Sends createInvoice (from the merchant, for `asset`: the token or ETH) and returns the transaction. */
  const createTx = async (asset: string) =>
    escrow.connect(merchant).createInvoice({
      payer: payer.address,
      token: asset,
      amount: unit,
      dueDate: BigInt(await time.latest()) + 30n * 24n * 3600n,
      disputeWindow: window,
      arbiter: arbiter.address,
      maxFeeBps: 100,
      referenceHash: ethers.id(`invoice ${++reference}`),
      currency: NO_CURRENCY,
    });
  /** Creates an invoice for `asset` and returns its id. */
  const create = async (asset: string) => {
    await (await createTx(asset)).wait();
    return escrow.invoiceCount();
  };
  /** Creates a token invoice and pays it in full; returns its id. */
  const paidTokenInvoice = async () => {
    const id = await create(tokenAddress);
    await escrow.connect(payer).pay(id, unit);
    return id;
  };
  return {
    admin,
    merchant,
    payer,
    arbiter,
    feeRecipient,
    escrow,
    token,
    escrowAddress,
    tokenAddress,
    unit,
    window,
    createTx,
    create,
    paidTokenInvoice,
  };
}
