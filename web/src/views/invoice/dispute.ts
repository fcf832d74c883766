/** The invoice screen's dispute actions: the arbiter's split, and a settlement merchant and payer agree on. */
import { isZeroAddress, sameAddress } from "../../../../core/address";
import type { Roles } from "../../../../core/invoice/actions";
import { fill, t } from "../../i18n";
import { formatToken, parseAmount } from "../../lib/format";
import { app } from "../../lib/state";
import { clearFieldErrors, field, setFieldError } from "../../ui/controls";
import { h } from "../../ui/dom";
import { amountForm } from "./action-forms";
import type { Loaded } from "./screen";
import type { InvoiceSender } from "./send";

/** The arbiter's split of the held funds. */
export function resolveForm(data: Loaded, sender: InvoiceSender): HTMLElement {
  const { chain, token } = data;
  const text = t().dispute;
  const input = h("input", { type: "text", inputmode: "decimal", autocomplete: "off", value: "" });
  const toPayerText = h("strong", { id: "resolve-to-payer" }, formatToken(chain.held, token));
  const button = h("button", { type: "submit", class: "btn btn-primary btn-block", id: "action-resolve" }, text.resolve);
  const form = h(
    "form",
    { class: "action", novalidate: true },
    h("h3", null, text.resolve),
    h("p", { class: "muted" }, fill(text.resolveText, { amount: formatToken(chain.held, token) })),
    field({ id: "resolve-merchant", label: fill(text.toMerchant, { symbol: token.symbol }), control: input }),
    h("p", { class: "split-line" }, text.toPayer, toPayerText),
    button,
  );
  const parse = () => {
    const parsed = parseAmount(input.value || "0", token.decimals);
    return "value" in parsed ? parsed.value : undefined;
  };
  input.addEventListener("input", () => {
    const toMerchant = parse();
    toPayerText.textContent = toMerchant !== undefined && toMerchant <= chain.held ? formatToken(chain.held - toMerchant, token) : "—";
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const toMerchant = parse();
    if (toMerchant === undefined) return setFieldError(form, input.id, t().validation.amount);
    if (toMerchant > chain.held) return setFieldError(form, input.id, fill(text.atMostHeld, { amount: formatToken(chain.held, token) }));
    button.disabled = true;
    try {
      await sender.escrowCall(
        fill(text.resolveTx, { merchant: formatToken(toMerchant, token), payer: formatToken(chain.held - toMerchant, token) }),
        (escrow) => escrow.resolve(chain.id, toMerchant, chain.held - toMerchant),
      );
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

/** During a dispute, merchant and payer can agree on a split without the arbiter. */
export function settlementForm(data: Loaded, roles: Roles, sender: InvoiceSender): HTMLElement {
  const { chain, token } = data;
  const proposal = chain.settlement;
  const mine = sameAddress(proposal.proposer, app.account);
  const standing = !isZeroAddress(proposal.proposer);
  const text = t().dispute;
  const split = { merchant: formatToken(proposal.toMerchant, token), payer: formatToken(chain.held - proposal.toMerchant, token) };
  const container = h("div", { class: "action" }, h("h3", null, text.settle));
  if (standing && !mine) {
    const button = h("button", { type: "button", class: "btn btn-success btn-block", id: "action-accept-settlement" }, text.accept);
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        await sender.escrowCall(text.acceptTx, (escrow) => escrow.acceptSettlement(chain.id, proposal.toMerchant));
      } finally {
        button.disabled = false;
      }
    });
    container.append(h("p", { class: "muted" }, fill(roles.merchant ? text.proposedByPayer : text.proposedByMerchant, split)), button);
  } else if (standing && mine) {
    container.append(h("p", { class: "muted" }, fill(text.youProposed, split)));
  }
  container.append(
    amountForm({
      id: "propose",
      title: standing ? text.proposeAnother : text.propose,
      text: text.proposeText,
      max: chain.held,
      token,
      button: text.proposeButton,
      tone: "secondary",
      onSubmit: (toMerchant) =>
        sender.escrowCall(
          fill(text.proposeTx, { merchant: formatToken(toMerchant, token) }),
          (escrow) => escrow.proposeSettlement(chain.id, toMerchant),
          { waitForIndex: false },
        ),
    }),
  );
  return container;
}
