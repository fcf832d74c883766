/** The invoice screen's dispute actions: the arbiter's split, and a settlement merchant and payer agree on. */
import { isZeroAddress, sameAddress } from "../../../../core/address";
import type { Roles } from "../../../../core/invoice/actions";
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
  const input = h("input", { type: "text", inputmode: "decimal", autocomplete: "off", value: "" });
  const toPayerText = h("strong", { id: "resolve-to-payer" }, formatToken(chain.held, token));
  const button = h("button", { type: "submit", class: "btn btn-primary btn-block", id: "action-resolve" }, "Resolve the dispute");
  const form = h(
    "form",
    { class: "action", novalidate: true },
    h("h3", null, "Resolve the dispute"),
    h(
      "p",
      { class: "muted" },
      `Split the ${formatToken(chain.held, token)} held between the merchant and the payer. The protocol fee comes out of the merchant's share.`,
    ),
    field({ id: "resolve-merchant", label: `To the merchant (${token.symbol})`, control: input }),
    h("p", { class: "split-line" }, "To the payer: ", toPayerText),
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
    if (toMerchant === undefined) return setFieldError(form, input.id, "Enter a number such as 12.5.");
    if (toMerchant > chain.held) return setFieldError(form, input.id, `At most the ${formatToken(chain.held, token)} held.`);
    button.disabled = true;
    try {
      await sender.escrowCall(
        `Resolve: ${formatToken(toMerchant, token)} to the merchant, ${formatToken(chain.held - toMerchant, token)} to the payer`,
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
  const container = h("div", { class: "action" }, h("h3", null, "Settle between you"));
  if (standing && !mine) {
    const button = h(
      "button",
      { type: "button", class: "btn btn-success btn-block", id: "action-accept-settlement" },
      "Accept this settlement",
    );
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        await sender.escrowCall(`Accept the settlement`, (escrow) => escrow.acceptSettlement(chain.id, proposal.toMerchant));
      } finally {
        button.disabled = false;
      }
    });
    container.append(
      h(
        "p",
        { class: "muted" },
        `The ${roles.merchant ? "payer" : "merchant"} proposes ${formatToken(proposal.toMerchant, token)} to the merchant and ${formatToken(chain.held - proposal.toMerchant, token)} to the payer.`,
      ),
      button,
    );
  } else if (standing && mine) {
    container.append(
      h(
        "p",
        { class: "muted" },
        `You proposed ${formatToken(proposal.toMerchant, token)} to the merchant. Waiting for the other side to accept.`,
      ),
    );
  }
  container.append(
    amountForm({
      id: "propose",
      title: standing ? "Propose another split" : "Propose a split",
      text: "How much of the held funds should go to the merchant? The rest goes to the payer.",
      max: chain.held,
      token,
      button: "Propose",
      tone: "secondary",
      onSubmit: (toMerchant) =>
        sender.escrowCall(
          `Propose ${formatToken(toMerchant, token)} to the merchant`,
          (escrow) => escrow.proposeSettlement(chain.id, toMerchant),
          { waitForIndex: false },
        ),
    }),
  );
  return container;
}
