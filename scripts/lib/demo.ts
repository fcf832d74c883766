/**
 * Demo data for `npm start -- --demo`: a few merchants' invoices in every state (open, partly paid,
 * paid, released, refunded, disputed, resolved, cancelled; one priced in euros), their payments and some stakes, made the
 * way people make them: the merchants sign in to the API with Ethereum and create each invoice from
 * a draft with line items (so that the page shows the document and its verification mark), then the
 * test accounts send the real transactions to the node.
 */
import { Contract, ZeroAddress, parseEther, parseUnits, type HDNodeWallet, type Wallet } from "ethers";
import { PaymentEscrowAbi } from "../../core/abis/PaymentEscrow";
import { SettleTokenAbi } from "../../core/abis/SettleToken";
import { StakingRewardsAbi } from "../../core/abis/StakingRewards";
import type { Deployment } from "../../core/deployment";
import { PRICE_DECIMALS } from "../../core/invoice/currency";
import { DEMO_ACCOUNTS, DEMO_INVOICES, DEMO_STAKES, type Role } from "./demo-data";
import type { InvoiceStatus } from "../../core/invoice/status";
import { apiRequest, signIn, signRelayed, untilIndexed } from "./demo-api";
import { signPermit, type EthersPermitToken } from "./permit";
import { demoProvider } from "./demo-provider";
import { testAccount } from "./test-accounts";

export { DEMO_ACCOUNTS, DEMO_INVOICES, DEMO_STAKES } from "./demo-data";

/** Where the demo sends things. */
export interface DemoTarget {
  /** The node's JSON-RPC URL. */
  rpcUrl: string;
  /** The API's public origin (SIWE's domain and URI). */
  apiUrl: string;
  /** The contracts the demo uses. */
  deployment: Pick<Deployment, "chainId" | "contracts" | "tokens">;
  /** Prints one progress line. */
  log?: (line: string) => void;
}

const PERMIT_VALIDITY_SECONDS = 3600n;
const DAY = 86_400;

/** A signed-in account: its wallet and its API session token. */
interface Actor {
  wallet: Wallet | HDNodeWallet;
  token?: string;
}

/**
 * Fills the chain with {@link DEMO_INVOICES} and {@link DEMO_STAKES}. Needs the API running (the
 * merchants create their drafts there) and a fresh deployment: it returns the on-chain ids it made.
 *
 * @throws Error with the API's message when a request fails
 */
export async function fillDemo(target: DemoTarget): Promise<{ invoices: { id: bigint; expect: InvoiceStatus }[] }> {
  const log = target.log ?? (() => undefined);
  const provider = demoProvider(target.rpcUrl, target.deployment.chainId);
  try {
    const { SettleToken, StakingRewards, PaymentEscrow } = target.deployment.contracts;
    const escrowAt = (signer: Actor["wallet"]) => new Contract(PaymentEscrow.address, PaymentEscrowAbi, signer);
    const tokenAt = (signer: Actor["wallet"], address: string = SettleToken.address) => new Contract(address, SettleTokenAbi, signer);
    const usd = target.deployment.tokens?.TestUSD?.address;
    const actors = Object.fromEntries(
      Object.entries(DEMO_ACCOUNTS).map(([role, index]) => [role, { wallet: testAccount(index).connect(provider) }]),
    ) as Record<Role, Actor>;
    const send = async (what: string, tx: Promise<{ wait(): Promise<unknown> }>) => {
      await (await tx).wait();
      log(what);
    };
    const permit = (owner: Actor["wallet"], spender: string, value: bigint) =>
      provider
        .getBlock("latest")
        .then((block) =>
          signPermit(
            tokenAt(owner) as unknown as EthersPermitToken,
            owner,
            spender,
            value,
            BigInt(block!.timestamp) + PERMIT_VALIDITY_SECONDS,
          ),
        );

    const made: { id: bigint; expect: InvoiceStatus }[] = [];
    for (const invoice of DEMO_INVOICES) {
      const merchant = actors[invoice.merchant];
      merchant.token ??= await signIn(target, merchant.wallet);
      if (invoice.token === "USD" && !usd) throw new Error("the deployment has no TestUSD (a local chain's deploy makes it)");
      const tokenAddress = invoice.token === "ETH" ? ZeroAddress : invoice.token === "USD" ? usd! : SettleToken.address;
      // Priced in a currency: the lines are in hundredths of it.
      const units = (value: string) => parseUnits(value, invoice.currency ? PRICE_DECIMALS : invoice.token === "USD" ? 6 : 18);
      const draft = await apiRequest<{ transaction: { to: string; data: string; value: string } }>(
        target,
        "POST",
        "/invoices",
        merchant.token,
        {
          token: tokenAddress,
          ...(invoice.currency ? { currency: invoice.currency } : {}),
          payer: invoice.payer ? actors[invoice.payer].wallet.address : null,
          arbiter: invoice.arbiter ? actors[invoice.arbiter].wallet.address : null,
          dueDate: new Date(Date.now() + 14 * DAY * 1000).toISOString(),
          disputeWindowSeconds: 3 * DAY,
          lineItems: invoice.lines.map(([description, quantity, price]) => ({
            description,
            quantity,
            unitPrice: units(price).toString(),
          })),
          notes: invoice.notes ?? null,
        },
      );
      const receipt = await (
        await merchant.wallet.sendTransaction({ ...draft.transaction, value: BigInt(draft.transaction.value) })
      ).wait();
      const escrow = escrowAt(merchant.wallet);
      const created = receipt!.logs.map((entry) => escrow.interface.parseLog(entry)).find((parsed) => parsed?.name === "InvoiceCreated");
      const id = created!.args.getValue("id") as bigint;
      const total = invoice.lines.reduce((sum, [, quantity, price]) => sum + BigInt(quantity) * units(price), 0n);
      log(`invoice #${id} "${invoice.lines[0]![0]}" created by ${invoice.merchant}`);

      for (const step of invoice.steps) {
        const payer = actors[invoice.payer ?? "client"].wallet;
        const asPayer = escrowAt(payer);
        if (step === "dispute") await send(`invoice #${id} disputed`, asPayer.getFunction("dispute")(id));
        else if (step === "cancel") await send(`invoice #${id} cancelled`, escrow.getFunction("cancel")(id));
        else if ("pay" in step) {
          const amount = step.amount ? units(step.amount) : total;
          if (step.pay === "priced") {
            // The API quotes the price at the feed's rate and gives the calls (approve + payPriced, 1% slippage).
            await untilIndexed(target, id, merchant.token);
            const client = actors[invoice.payer ?? "client"];
            client.token ??= await signIn(target, client.wallet);
            const { transactions } = await apiRequest<{ transactions: Array<{ to: string; data: string; value: string }> }>(
              target,
              "POST",
              `/invoices/${id}/transactions`,
              client.token,
              { action: "pay" },
            );
            for (const [i, tx] of transactions.entries())
              await send(
                i < transactions.length - 1
                  ? `invoice #${id}: payment approved`
                  : `invoice #${id}: ${invoice.currency} price paid at the feed's rate (payPriced)`,
                payer.sendTransaction({ ...tx, value: BigInt(tx.value) }),
              );
          } else if (step.pay === "relayed") {
            // The relay reads the invoice from the index: wait until it has it.
            await untilIndexed(target, id, merchant.token);
            const { txHash } = await apiRequest<{ txHash: string }>(
              target,
              "POST",
              `/invoices/${id}/relay`,
              undefined,
              await signRelayed(provider, target, payer, { token: tokenAddress, id, amount }),
            );
            await provider.waitForTransaction(txHash);
            log(`invoice #${id} paid without ETH (relayed)`);
          } else if (step.pay === "eth") await send(`invoice #${id} paid in ETH`, asPayer.getFunction("payNative")(id, { value: amount }));
          else if (step.pay === "approve") {
            await send(
              `invoice #${id}: payment approved`,
              tokenAt(payer, tokenAddress).getFunction("approve")(PaymentEscrow.address, amount),
            );
            await send(`invoice #${id} paid`, asPayer.getFunction("pay")(id, amount));
          } else {
            const p = await permit(payer, PaymentEscrow.address, amount);
            await send(`invoice #${id} paid with a permit`, asPayer.getFunction("payWithPermit")(id, p.value, p.deadline, p.v, p.r, p.s));
          }
        } else if ("release" in step)
          await send(`invoice #${id}: ${step.release} released`, asPayer.getFunction("release")(id, units(step.release)));
        else if ("refund" in step) await send(`invoice #${id} refunded`, escrow.getFunction("refund")(id, units(step.refund)));
        else {
          const [toMerchant, toPayer] = step.resolve.map(units);
          await send(
            `invoice #${id} resolved by the arbiter`,
            escrowAt(actors.arbiter.wallet).getFunction("resolve")(id, toMerchant, toPayer),
          );
        }
      }
      made.push({ id, expect: invoice.expect });
    }

    for (const [role, amount] of Object.entries(DEMO_STAKES) as [Role, string][]) {
      const staker = actors[role].wallet;
      const p = await permit(staker, StakingRewards.address, parseEther(amount));
      const staking = new Contract(StakingRewards.address, StakingRewardsAbi, staker);
      await send(`${role} staked ${amount} SETL`, staking.getFunction("stakeWithPermit")(p.value, p.deadline, p.v, p.r, p.s));
    }
    return { invoices: made };
  } finally {
    provider.destroy();
  }
}
