/**
 * Gas of a payment of an invoice priced in a currency (escrow.payPriced): an invoice of 100.00 EUR open to the
 * named payer in any token, paid in a 6-decimal token through the PriceFeeds registry and a Chainlink-shaped feed
 * with 8 decimals (TestPriceFeed). Measured, as escrow.payToken is, for a returning payer with a standing allowance
 * and an escrow that already holds the token (one priced payment before the measured one).
 */
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { currencyToBytes3 } from "../core/invoice/currency";

/** Returns `escrow.payPriced`: whole-transaction gas of a priced payment in an ERC-20 token. */
export async function measurePricedGas(): Promise<Record<string, bigint>> {
  const [admin, merchant, payer, arbiter, feeRecipient] = await ethers.getSigners();
  const token = await ethers.deployContract("TestToken", ["Bench USD", "BUSD", 6]);
  const escrow = await ethers.deployContract("PaymentEscrow", [admin, feeRecipient, 100, [token], true]);
  const feeds = await ethers.deployContract("PriceFeeds", [admin]);
  const eur = currencyToBytes3("EUR");
  const feed = await ethers.deployContract("TestPriceFeed", [8, 92_000_000n]); // 1 BUSD = 0.92 EUR
  await feeds.setFeed(token, eur, feed, 3600, 1n, 10n ** 12n);
  await escrow.setPriceFeeds(feeds);
  await token.mint(payer, 10n ** 12n);
  await token.connect(payer).approve(escrow, ethers.MaxUint256);

  let reference = 0;
  const payPriced = async () => {
    await escrow.connect(merchant).createInvoice({
      payer: payer.address,
      token: ethers.ZeroAddress,
      amount: 100_00n,
      dueDate: BigInt(await time.latest()) + 30n * 24n * 3600n,
      disputeWindow: 7 * 24 * 3600,
      arbiter: arbiter.address,
      maxFeeBps: 100,
      referenceHash: ethers.id(`priced ${++reference}`),
      currency: eur,
    });
    const receipt = await (await escrow.connect(payer).payPriced(await escrow.invoiceCount(), token, 10n ** 9n)).wait();
    if (!receipt) throw new Error("transaction was dropped");
    return receipt.gasUsed;
  };
  await payPriced();
  return { "escrow.payPriced": await payPriced() };
}
