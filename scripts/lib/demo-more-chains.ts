/**
 * The smaller demo of a further chain (`npm start -- --chains 2 --demo`, on chain 31338): a few invoices created
 * straight on the escrow by the demo merchant, one of them paid in ETH by the demo client, one cancelled, one left
 * open, so that lists and history show rows of both chains.
 */
import { Contract, ZeroAddress, ZeroHash, parseEther } from "ethers";
import { PaymentEscrowAbi } from "../../core/abis/PaymentEscrow";
import type { Deployment } from "../../core/deployment";
import type { InvoiceStatus } from "../../core/invoice/status";
import { DEMO_ACCOUNTS } from "./demo-data";
import { demoProvider } from "./demo-provider";
import { testAccount } from "./test-accounts";

/** The invoices of a further chain's demo: its amount in ETH and what happens to it. */
export const MORE_CHAINS_DEMO_INVOICES: readonly { eth: string; then: "pay" | "cancel" | null; expect: InvoiceStatus }[] = [
  { eth: "0.25", then: "pay", expect: "paid" },
  { eth: "1.5", then: null, expect: "open" },
  { eth: "0.1", then: "cancel", expect: "cancelled" },
];

const DAY = 86_400;

/**
 * Creates {@link MORE_CHAINS_DEMO_INVOICES} on the chain at `rpcUrl` (merchant: test account 1, payer: account 2)
 * and returns their ids with the status each should reach.
 *
 * @throws Error when a transaction fails
 */
export async function fillMoreChainsDemo(target: {
  rpcUrl: string;
  deployment: Pick<Deployment, "chainId" | "contracts">;
  log?: (line: string) => void;
}): Promise<{ invoices: { id: bigint; expect: InvoiceStatus }[] }> {
  const log = target.log ?? (() => undefined);
  const provider = demoProvider(target.rpcUrl, target.deployment.chainId);
  try {
    const escrowAddress = target.deployment.contracts.PaymentEscrow.address;
    const merchant = new Contract(escrowAddress, PaymentEscrowAbi, testAccount(DEMO_ACCOUNTS.merchant).connect(provider));
    const client = testAccount(DEMO_ACCOUNTS.client).connect(provider);
    const asClient = new Contract(escrowAddress, PaymentEscrowAbi, client);
    const now = (await provider.getBlock("latest"))!.timestamp;
    const made: { id: bigint; expect: InvoiceStatus }[] = [];
    for (const invoice of MORE_CHAINS_DEMO_INVOICES) {
      const amount = parseEther(invoice.eth);
      const terms = {
        payer: client.address,
        token: ZeroAddress,
        amount,
        dueDate: BigInt(now + 14 * DAY),
        disputeWindow: 3 * DAY,
        arbiter: ZeroAddress,
        maxFeeBps: 10_000,
        referenceHash: ZeroHash,
        currency: "0x000000",
      };
      const receipt = await (await merchant.getFunction("createInvoice")(terms)).wait();
      const created = receipt.logs
        .map((entry: { topics: string[]; data: string }) => merchant.interface.parseLog(entry))
        .find((parsed: { name: string } | null) => parsed?.name === "InvoiceCreated");
      const id = created!.args.getValue("id") as bigint;
      log(`chain ${target.deployment.chainId}: invoice #${id} for ${invoice.eth} ETH created by merchant`);
      if (invoice.then === "pay") {
        await (await asClient.getFunction("payNative")(id, { value: amount })).wait();
        log(`chain ${target.deployment.chainId}: invoice #${id} paid in ETH`);
      } else if (invoice.then === "cancel") {
        await (await merchant.getFunction("cancel")(id)).wait();
        log(`chain ${target.deployment.chainId}: invoice #${id} cancelled`);
      }
      made.push({ id, expect: invoice.expect });
    }
    return { invoices: made };
  } finally {
    provider.destroy();
  }
}
