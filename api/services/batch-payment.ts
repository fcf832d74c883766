/**
 * A batch payment (PaymentEscrow.payMany) prepared for a payer: every invoice checked with the rules of a single
 * payment, then one approve per ERC-20 whose allowance is short of its total and the payMany call. An invoice priced
 * in a currency and not paid yet is refused (checkPayment: payMany does not convert prices; it is paid alone).
 */
import { isZeroAddress, sameAddress } from "../../core/address";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ApiError } from "../lib/errors";
import type { AppDeps } from "../middleware/context";
import { locateInvoice } from "./drafts";
import { readAllowance } from "./allowance";
import { type UnsignedTx, approveTx, payManyTx } from "./escrow-tx";
import { chainsOf } from "./networks";
import { checkPayment } from "./payment-rules";

/** One invoice of the batch and what it pays (decimal text, as the API's JSON has it). */
export interface BatchPayment {
  /** On-chain invoice id. */
  id: string;
  /** The invoice's token (the zero address: ETH). */
  token: string;
  /** Everything still due on it. */
  amount: string;
}

/** Why one invoice of a batch cannot be paid. */
export interface BatchRefusal {
  /** The id as the request gave it. */
  invoiceId: string;
  status: ContentfulStatusCode;
  code: string;
  message: string;
}

/** The calls to send, in order, and the payments the payMany call makes. */
export interface BatchPlan {
  transactions: UnsignedTx[];
  payments: BatchPayment[];
}

/** What {@link planBatchPayment} needs besides the ids. */
export interface BatchContext {
  /** The account that will send the calls. */
  payer: string;
  /** The signed-in account; another one than `payer` only for invoices it issued. */
  caller: string;
  /** The chain of the invoices (`?chainId=`); absent: the one chain each id names (payMany goes to that chain's escrow). */
  chainId?: number;
  /** Now, in ms (drafts are located with it). */
  now: number;
}

/**
 * The payment of everything due on `invoiceIds` (on-chain ids or draft ids) by `ctx.payer`.
 *
 * @throws ApiError naming every invoice that cannot be paid (the first one's status and code; each one in
 * `details.invoices`), 400 `invoice_listed_twice` when two ids are the same invoice, 400 `batch_mixed_chains` when the
 * invoices are on several chains (one payMany is one chain's transaction)
 */
export async function planBatchPayment(deps: AppDeps, invoiceIds: readonly string[], ctx: BatchContext): Promise<BatchPlan> {
  const refusals: BatchRefusal[] = [];
  const payments: BatchPayment[] = [];
  const seen = new Map<string, string>();
  const chainIds = new Set<number>();
  for (const invoiceId of invoiceIds) {
    try {
      const { row } = await locateInvoice(deps, invoiceId, ctx.now, ctx.chainId);
      if (!row) throw new ApiError(409, "invoice_not_onchain", "This draft is not on chain yet");
      chainIds.add(row.chainId);
      const id = row.id.toString();
      // The same invoice is the same id on the same chain: #1 of two chains are two invoices.
      const key = `${row.chainId}:${id}`;
      const first = seen.get(key);
      if (first !== undefined) throw new ApiError(400, "invoice_listed_twice", `It is invoice ${id}, already listed as ${first}`);
      seen.set(key, invoiceId);
      if (!sameAddress(ctx.payer, ctx.caller) && !sameAddress(row.merchant, ctx.caller))
        throw new ApiError(403, "not_invoice_merchant", "A batch for another payer may only hold invoices you issued");
      const payable = { ...row, amount: row.amount.toString(), paid: row.paid.toString() };
      const amount = checkPayment(payable, ctx.payer, undefined, "invoiceIds");
      payments.push({ id, token: row.token, amount: amount.toString() });
    } catch (error) {
      if (!(error instanceof ApiError) || error.status >= 500) throw error;
      refusals.push({ invoiceId, status: error.status, code: error.code, message: error.message });
    }
  }
  if (refusals.length > 0) throw batchRefused(refusals);
  if (chainIds.size > 1)
    throw new ApiError(
      400,
      "batch_mixed_chains",
      `These invoices are on chains ${[...chainIds].join(", ")}: pay each chain's in its own batch (?chainId=)`,
      {
        chainIds: [...chainIds],
      },
    );
  const network = chainsOf(deps).require([...chainIds][0]);
  const escrow = { to: network.current.contracts.PaymentEscrow.address, chainId: network.current.chainId };

  // Each ERC-20's invoices side by side so that the escrow pulls each token once; ETH last.
  const tokens = [...new Set(payments.map((p) => p.token.toLowerCase()))].sort((a, b) =>
    isZeroAddress(a) ? 1 : isZeroAddress(b) ? -1 : a.localeCompare(b),
  );
  const ordered = tokens.flatMap((token) => payments.filter((p) => p.token.toLowerCase() === token));
  const transactions: UnsignedTx[] = [];
  let value = 0n;
  for (const token of tokens) {
    const total = ordered.filter((p) => p.token.toLowerCase() === token).reduce((sum, p) => sum + BigInt(p.amount), 0n);
    if (isZeroAddress(token)) value = total;
    else if ((await readAllowance(network.chain, token, ctx.payer, escrow.to)) < total)
      transactions.push(approveTx(token, escrow.to, total, escrow.chainId));
  }
  const ids = ordered.map((p) => BigInt(p.id));
  transactions.push(
    payManyTx(
      ids,
      ordered.map((p) => BigInt(p.amount)),
      value,
      escrow,
    ),
  );
  return { transactions, payments: ordered };
}

/** One error for every refused invoice: the first one's status and code, all of them named in the message. */
function batchRefused(refusals: BatchRefusal[]): ApiError {
  const [first] = refusals as [BatchRefusal, ...BatchRefusal[]];
  const named = refusals.map((r) => `invoice ${r.invoiceId}: ${r.message.replace(/\.$/, "")}`).join("; ");
  const which = refusals.length === 1 ? "This invoice" : `${refusals.length} invoices`;
  return new ApiError(
    first.status,
    first.code,
    `${which} cannot be paid in this batch (${named}): leave ${refusals.length === 1 ? "it" : "them"} out and ask again`,
    { invoices: refusals },
  );
}
