/**
 * The invoice screen's pay form for an invoice priced in a currency and not paid yet: the payer picks a token with a
 * feed, sees the API's quote (the price in the token at the current rate) and a slippage ceiling (default 1 %), then
 * sends approve + payPriced from the wallet. The escrow converts at the rate of the block and refuses more than the
 * ceiling.
 */
import { chainQuery } from "../../ui/chains";
import { isZeroAddress, sameAddress } from "../../../../core/address";
import { DEFAULT_SLIPPAGE_BPS, MAX_SLIPPAGE_BPS } from "../../../../core/invoice/currency";
import { fill, t } from "../../i18n";
import { api, ApiError, type InvoiceTransactions, type OnchainInvoice } from "../../lib/api";
import { tokenInfo } from "../../lib/contracts";
import { humanError } from "../../lib/errors";
import { formatNumber, formatToken, type TokenInfo } from "../../lib/format";
import { app } from "../../lib/state";
import { clearFieldErrors, field, setFieldError } from "../../ui/controls";
import { h, replace } from "../../ui/dom";
import { notice } from "../../ui/feedback";
import type { Loaded } from "./screen";
import type { InvoiceSender } from "./send";

/** The priced invoice's pricing, as GET /invoices/:id has it. */
type Pricing = NonNullable<OnchainInvoice["pricing"]>;

/** A slippage typed in percent ("1", "0,5") as basis points, or undefined when it is not 0 to the maximum. */
function slippageBps(text: string): number | undefined {
  const trimmed = text.trim().replace(",", ".");
  if (!/^\d+(\.\d{1,2})?$/.test(trimmed)) return undefined;
  const bps = Math.round(Number(trimmed) * 100);
  return bps <= MAX_SLIPPAGE_BPS ? bps : undefined;
}

/** Paying an invoice priced in a currency: token, quote, slippage, then approve + payPriced. */
export function pricedPayForm(data: Loaded, pricing: Pricing, sender: InvoiceSender): HTMLElement {
  const { chain } = data;
  const text = t().priced;
  const deployment = app.deployment!;
  const id = chain.id.toString();
  // The tokens with a feed for the currency; only the accepted one when the invoice names one (also on a chain whose
  // feeds the deployment does not list).
  const listed = (deployment.currencies.find((c) => c.code === pricing.currency)?.tokens ?? []).filter(
    (token) => isZeroAddress(chain.token) || sameAddress(token.address, chain.token),
  );
  const tokens = listed.length > 0 || isZeroAddress(chain.token) ? listed : [{ name: data.token.symbol, address: chain.token }];
  const tokenSelect = h(
    "select",
    { name: "pay-token" },
    ...tokens.map((token) => h("option", { value: token.address }, token.name === "SettleToken" ? "SETL" : token.name)),
  );
  const slippage = h("input", {
    type: "text",
    inputmode: "decimal",
    autocomplete: "off",
    value: formatNumber(DEFAULT_SLIPPAGE_BPS / 100),
  });
  const quoteLine = h("p", { class: "quote num", id: "pay-quote", "aria-live": "polite" }, text.quoting);
  const problem = h("div", { class: "form-error-slot" });
  const button = h(
    "button",
    { type: "submit", class: "btn btn-primary btn-lg btn-block", id: "action-pay" },
    fill(text.title, { price: pricing.display }),
  );
  const slippageField = field({ id: "pay-slippage", label: text.slippage, control: slippage, hint: " " });
  const form = h(
    "form",
    { class: "action", novalidate: true, id: "pay-form" },
    h("h3", null, fill(text.title, { price: pricing.display })),
    h("p", { class: "muted" }, fill(text.lead, { currency: pricing.currency })),
    field({ id: "pay-token", label: text.payWith, control: tokenSelect }),
    quoteLine,
    slippageField,
    problem,
    button,
  );
  const hint = slippageField.querySelector<HTMLElement>(".hint")!;

  /** Asks the API for the quote and calls at the current rate; shows it; undefined (and the reason) when refused. */
  let asked = 0;
  const quote = async (): Promise<{ calls: InvoiceTransactions; token: TokenInfo } | undefined> => {
    const bps = slippageBps(slippage.value);
    if (bps === undefined) {
      setFieldError(form, slippage.id, fill(text.badSlippage, { max: formatNumber(MAX_SLIPPAGE_BPS / 100) }));
      return undefined;
    }
    const turn = ++asked;
    replace(problem);
    try {
      const [calls, token] = await Promise.all([
        api.pricedPayTransactions(id, tokenSelect.value, bps, chainQuery(deployment.chainId)),
        tokenInfo(tokenSelect.value, deployment.chainId, app.connection),
      ]);
      const q = calls.quote!;
      if (turn === asked) {
        replace(
          quoteLine,
          fill(text.quote, {
            amount: formatToken(BigInt(q.tokenAmount), token, 6),
            symbol: token.symbol,
            rate: q.rate,
            currency: q.currency,
          }),
        );
        hint.textContent = fill(text.slippageHint, { max: formatToken(BigInt(q.maxTokenAmount), token, 6) });
      }
      return { calls, token };
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) app.sessionExpired();
      const human = humanError(error);
      if (turn === asked) replace(problem, notice("error", human.title, human.message));
      return undefined;
    }
  };
  void quote();
  tokenSelect.addEventListener("change", () => void quote());
  slippage.addEventListener("change", () => {
    clearFieldErrors(form);
    void quote();
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    button.disabled = true;
    try {
      // A fresh quote: the rate of now, the allowance of now.
      const fresh = await quote();
      if (!fresh) return;
      const { calls, token } = fresh;
      const max = formatToken(BigInt(calls.quote!.maxTokenAmount), token, 6);
      const steps = calls.transactions.length;
      for (const tx of calls.transactions) {
        const approve = tx.action === "approve";
        const title = approve
          ? fill(text.approveTx, { amount: max })
          : fill(steps > 1 ? text.payStepTx : text.payTx, { price: pricing.display, symbol: token.symbol });
        const result = await sender.send(
          title,
          async (signer, phase) => (phase("wallet"), signer.sendTransaction({ to: tx.to, data: tx.data, value: BigInt(tx.value) })),
          { waitForIndex: approve ? false : undefined },
        );
        if (!result.receipt) return;
        if (!approve) await sender.after(result);
      }
    } finally {
      if (button.isConnected) button.disabled = false;
    }
  });
  return form;
}
