/**
 * PaymentEscrow gas: whole-transaction gas (receipt.gasUsed) of each invoice operation for a returning payer
 * and merchant. Called by bench/gas.ts, which adds the ERC-20 floor of the same run and checks the targets.
 *
 * Method: deploy the escrow (fee 100 bps, as deployed) and a plain OpenZeppelin permit token (TestToken) on the
 * in-process network; run every operation once as a warm-up so that the payer, merchant, fee recipient and
 * escrow all hold non-zero token balances and credits, the payer has a standing allowance and the arbiter is
 * already registered; then measure the second run of each operation. Invoices have every field set (fixed payer,
 * ERC-20 or ETH, arbiter, reference); payments, releases and refunds are of the whole amount; resolve splits it in
 * two; payMany10 pays ten invoices of one token in one transaction. The targets are on the ERC-20 paths; the native
 * release and refund are recorded for comparison.
 */
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";
import { signPermit } from "../scripts/lib/permit";
import { deployEscrowScenario } from "./lib/escrow-scenario";

/** Gas used by one sent transaction. */
async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (!receipt) throw new Error("transaction was dropped");
  return receipt.gasUsed;
}

/** Deploys a fresh escrow and token, warms every account up, and returns the gas of each operation. */
export async function measureEscrowGas(): Promise<Record<string, bigint>> {
  const { merchant, payer, arbiter, escrow, token, escrowAddress, tokenAddress, unit, window, createTx, create, paidTokenInvoice } =
    await deployEscrowScenario();
  const permitFor = async (amount: bigint) => signPermit(token, payer, escrowAddress, amount, BigInt(await time.latest()) + 3600n);

  const gas: Record<string, bigint> = {};
  // Each operation runs twice; the second (returning users, warm balances and credits) is recorded.
  for (let round = 0; round < 2; round++) {
    const record = (key: string, used: bigint) => {
      if (round === 1) gas[key] = used;
    };

    record("escrow.create", await gasOf(createTx(tokenAddress)));
    const id = await escrow.invoiceCount();
    record("escrow.payToken", await gasOf(escrow.connect(payer).pay(id, unit)));
    record("escrow.release", await gasOf(escrow.connect(payer).release(id, unit)));

    const permitId = await create(tokenAddress);
    const permit = await permitFor(unit);
    record(
      "escrow.payPermit",
      await gasOf(escrow.connect(payer).payWithPermit(permitId, unit, permit.deadline, permit.v, permit.r, permit.s)),
    );
    record("escrow.refund", await gasOf(escrow.connect(merchant).refund(permitId, unit)));
    await token.connect(payer).approve(escrow, unit * 50n); // the permit replaced the standing allowance

    const nativeId = await create(ethers.ZeroAddress);
    record("escrow.payNative", await gasOf(escrow.connect(payer).payNative(nativeId, { value: unit })));
    record("escrow.releaseNative", await gasOf(escrow.connect(payer).release(nativeId, unit)));
    const refundNativeId = await create(ethers.ZeroAddress);
    await escrow.connect(payer).payNative(refundNativeId, { value: unit });
    record("escrow.refundNative", await gasOf(escrow.connect(merchant).refund(refundNativeId, unit)));

    const claimId = await paidTokenInvoice();
    await time.increase(window);
    record("escrow.claim", await gasOf(escrow.connect(merchant).claim(claimId)));

    const disputeId = await paidTokenInvoice();
    record("escrow.dispute", await gasOf(escrow.connect(payer).dispute(disputeId)));
    record("escrow.resolve", await gasOf(escrow.connect(arbiter).resolve(disputeId, unit / 2n, unit / 2n)));

    // Ten invoices of one token paid in one transaction: one pull for all ten.
    const batch: bigint[] = [];
    for (let n = 0; n < 10; n++) batch.push(await create(tokenAddress));
    await token.connect(payer).approve(escrow, unit * 10n);
    record(
      "escrow.payMany10",
      await gasOf(
        escrow.connect(payer).payMany(
          batch,
          batch.map(() => unit),
        ),
      ),
    );
    await token.connect(payer).approve(escrow, unit * 50n); // the standing allowance of the next round
  }
  return gas;
}
