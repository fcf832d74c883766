/**
 * Paying a basket of invoices chain by chain: one payMany is one chain's transaction, so the basket is grouped by chain,
 * each group asked of the API with its `?chainId=` (never a mixed batch), checked to go to that chain's escrow, and sent
 * after the wallet switched to (or added) that chain, each step naming its chain.
 */
import { sameAddress } from "../../../../core/address";
import { MAX_BATCH_INVOICES } from "../../../../core/invoice/limits";
import { api, type BatchTransactions } from "../../lib/api";
import { type Deployment, tokenInfo } from "../../lib/contracts";
import { formatToken, type TokenInfo } from "../../lib/format";
import { app } from "../../lib/state";
import { runTransaction } from "../../lib/tx";
import { chainQuery } from "../../ui/chains";
import { h } from "../../ui/dom";
import { fill, t } from "../../i18n";

/** The invoices of one chain in a basket, with the batch the API prepared for them. */
export interface ChainBatch {
  deployment: Deployment;
  /** The selection keys (`<chainId>:<id>`) of its invoices. */
  keys: string[];
  plan: BatchTransactions;
}

/** The selection key of on-chain invoice `id` of chain `chainId`: ids repeat across chains. */
export function basketKey(chainId: number, id: string): string {
  return `${chainId}:${id}`;
}

/**
 * Groups the basket's keys by chain: the wallet's current chain first (one switch fewer), then the served order.
 * Throws when a chain is not served or holds more invoices than one batch takes.
 */
export function groupByChain(keys: Iterable<string>, walletChainId: number | undefined): { deployment: Deployment; keys: string[] }[] {
  const groups = new Map<number, string[]>();
  for (const key of keys) {
    const chainId = Number(key.split(":")[0]);
    groups.set(chainId, [...(groups.get(chainId) ?? []), key]);
  }
  const served = [...app.deployments].sort((a, b) => Number(b.chainId === walletChainId) - Number(a.chainId === walletChainId));
  for (const chainId of groups.keys()) if (!app.deploymentOf(chainId)) throw new Error(fill(t().chains.unknownChain, { id: chainId }));
  return served
    .filter((deployment) => groups.has(deployment.chainId))
    .map((deployment) => {
      const ids = groups.get(deployment.chainId)!;
      if (ids.length > MAX_BATCH_INVOICES) throw new Error(fill(t().payMany.tooMany, { max: MAX_BATCH_INVOICES }));
      return { deployment, keys: ids };
    });
}

/**
 * Asks the API for each chain's batch before anything is sent (a refused invoice stops the basket before any payment),
 * and checks that every call of a batch goes to its own chain, the payMany to that chain's escrow.
 */
export async function planBasket(groups: { deployment: Deployment; keys: string[] }[]): Promise<ChainBatch[]> {
  const batches: ChainBatch[] = [];
  for (const { deployment, keys } of groups) {
    const ids = keys.map((key) => key.slice(key.indexOf(":") + 1));
    const plan = await api.batchTransactions(ids, chainQuery(deployment.chainId));
    const escrow = deployment.address("PaymentEscrow");
    const stray = plan.transactions.find(
      (tx) => tx.chainId !== deployment.chainId || (tx.action !== "approve" && !sameAddress(tx.to, escrow)),
    );
    if (stray) throw new Error(fill(t().payMany.wrongChain, { name: deployment.chainName, id: deployment.chainId }));
    batches.push({ deployment, keys, plan });
  }
  return batches;
}

/**
 * Sends the batches in order, each after switching the wallet to its chain, each call with its own progress card in
 * `slot` (under a heading naming the chain when the basket spans several); `onBatchPaid` runs after each mined batch.
 * Resolves true when every call of every batch was mined, false at the first one that was not (nothing more is sent).
 */
export async function sendBasket(batches: ChainBatch[], slot: HTMLElement, onBatchPaid: (batch: ChainBatch) => void): Promise<boolean> {
  const steps = batches.reduce((sum, batch) => sum + batch.plan.transactions.length, 0);
  let step = 0;
  for (const [index, batch] of batches.entries()) {
    const { deployment, plan } = batch;
    if (app.multichain)
      slot.append(
        h(
          "p",
          { class: "pay-many-chain", "data-chain": String(deployment.chainId) },
          fill(t().payMany.batchOn, { batch: index + 1, batches: batches.length, name: deployment.chainName, count: plan.payments.length }),
        ),
      );
    // The wallet on the batch's chain first: its tokens are then read through it.
    await app.signerOn(deployment);
    const describe = await describer(plan, deployment.chainId);
    for (const tx of plan.transactions) {
      step += 1;
      const stepSlot = h("div", { class: "pay-many-step", "data-chain": String(deployment.chainId) });
      slot.append(stepSlot);
      const what = describe(tx);
      const result = await runTransaction({
        title: app.multichain
          ? fill(t().payMany.stepOn, { title: what, name: deployment.chainName, step, steps })
          : fill(t().payMany.step, { title: what, step, steps }),
        slot: stepSlot,
        chainId: deployment.chainId,
        // An approval leaves no history row to wait for.
        waitForIndex: tx.action === "approve" ? false : undefined,
        send: async (phase) => {
          // Again before each call: the wallet must still be on this batch's chain.
          const onChain = await app.signerOn(deployment);
          phase("wallet");
          return onChain.sendTransaction({ to: tx.to, data: tx.data, value: BigInt(tx.value) });
        },
      });
      if (!result.receipt) return false;
    }
    onBatchPaid(batch);
  }
  return true;
}

/** Names each call of `plan` for people ("Approve 120 SETL", "Pay 2 invoices: 120 SETL + 0.3 ETH"). */
async function describer(
  { payments }: BatchTransactions,
  chainId: number,
): Promise<(tx: BatchTransactions["transactions"][number]) => string> {
  const totals = new Map<string, bigint>();
  for (const p of payments) totals.set(p.token.toLowerCase(), (totals.get(p.token.toLowerCase()) ?? 0n) + BigInt(p.amount));
  const tokens = new Map<string, TokenInfo>();
  for (const token of totals.keys()) tokens.set(token, await tokenInfo(token, chainId, app.connection));
  const amountIn = (token: string) => formatToken(totals.get(token) ?? 0n, tokens.get(token)!);
  return (tx) =>
    tx.action === "approve"
      ? fill(t().payMany.approve, { amount: amountIn(tx.to.toLowerCase()) })
      : fill(payments.length === 1 ? t().payMany.payOne : t().payMany.payMany, {
          count: payments.length,
          total: [...totals.keys()].map(amountIn).join(" + "),
        });
}
