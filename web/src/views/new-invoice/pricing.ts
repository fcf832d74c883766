/**
 * The new-invoice form's "Priced in" option: the invoice's amount in a currency the deployment has price feeds for
 * (GET /blockchain/contracts `currencies`), paid in one of that currency's tokens, converted at payment (payPriced).
 */
import { ZERO_ADDRESS } from "../../../../core/address";
import { fill, t } from "../../i18n";
import type { Deployment } from "../../lib/contracts";
import { currencyUnit, type TokenInfo } from "../../lib/format";
import { field } from "../../ui/controls";
import { h, replace } from "../../ui/dom";

/** The "Priced in" control and what it decides. */
export interface PricingControl {
  /** The field to show (hidden when the deployment has no currencies). */
  field: HTMLElement;
  /** The chosen currency, or undefined for an invoice priced in its token. */
  currency(): string | undefined;
  /** The unit line items are typed in when a currency is chosen: hundredths of it. */
  unit(): TokenInfo | undefined;
}

/**
 * The "Priced in" select. Choosing a currency puts that currency's tokens (and "any of them", the zero address) in
 * `tokenSelect` instead of its own options; choosing the token itself puts them back. `onChange` runs after each.
 */
export function pricingControl(deployment: Deployment, tokenSelect: HTMLSelectElement, onChange: () => void): PricingControl {
  const text = t().priced;
  const currencies = deployment.currencies;
  const select = h(
    "select",
    { name: "currency" },
    h("option", { value: "" }, text.inToken),
    ...currencies.map((c) => h("option", { value: c.code }, c.code)),
  );
  const own = [...tokenSelect.options];
  const pricingField = field({ id: "invoice-currency", label: text.pricedIn, control: select, hint: text.pricedHint });
  pricingField.hidden = currencies.length === 0;
  select.addEventListener("change", () => {
    const chosen = currencies.find((c) => c.code === select.value);
    if (!chosen) replace(tokenSelect, ...own);
    else {
      const names = chosen.tokens.map((token) => tokenLabel(token.name));
      replace(
        tokenSelect,
        ...chosen.tokens
          .filter((token) => token.address !== ZERO_ADDRESS)
          .map((token) => h("option", { value: token.address }, tokenLabel(token.name))),
        h("option", { value: ZERO_ADDRESS }, fill(text.anyToken, { tokens: names.join(", ") })),
      );
    }
    tokenSelect.value = tokenSelect.options[0]!.value;
    onChange();
  });
  const currency = () => select.value || undefined;
  return {
    field: pricingField,
    currency,
    unit: () => {
      const code = currency();
      return code ? currencyUnit(code) : undefined;
    },
  };
}

/** A feed token's name as people say it (the deployment names the Settle token SettleToken). */
function tokenLabel(name: string): string {
  return name === "SettleToken" ? "SETL" : name;
}
