/**
 * The invoice screen's pay form: ETH, or an ERC-20 by permit (one transaction), approve + pay (two), or without ETH
 * through the API's relayer (two signatures) when it is on.
 */
import { isZeroAddress } from "../../../../core/address";
import { minimumPayment, type Roles } from "../../../../core/invoice/actions";
import { erc20 } from "../../lib/contracts";
import { fill, t } from "../../i18n";
import { amountInput, formatToken, parseAmount } from "../../lib/format";
import { signWalletPermit, supportsPermit } from "../../lib/permit";
import { app } from "../../lib/state";
import { clearFieldErrors, field, setFieldError } from "../../ui/controls";
import { h } from "../../ui/dom";
import { radioCard } from "./action-forms";
import { payWithoutEth, relayerOn } from "./pay-gasless";
import type { Loaded } from "./screen";
import type { InvoiceSender } from "./send";

/** Paying: ETH, or an ERC-20 by permit (one transaction) or approve + pay (two). */
export function payForm(data: Loaded, roles: Roles, sender: InvoiceSender): HTMLElement {
  const { chain, token } = data;
  const native = isZeroAddress(chain.token);
  const least = minimumPayment(chain, chain.due);
  const text = t().pay;
  const money = (amount: bigint) => ({ amount: formatToken(amount, token) });
  const inFull = least === chain.due;
  const input = h("input", {
    type: "text",
    inputmode: "decimal",
    autocomplete: "off",
    readonly: inFull,
    value: amountInput(chain.due, token.decimals),
  });
  const methods = native
    ? null
    : h(
        "fieldset",
        { class: "radio-cards" },
        h("legend", { class: "visually-hidden" }, text.how),
        radioCard("pay-method", "permit", text.permit, text.permitText, true),
        radioCard("pay-method", "approve", text.approve, text.approveText, false),
      );
  // Offered once the API says its relayer is on; the token's support is checked when the payer chooses it.
  if (methods) {
    void relayerOn().then((on) => {
      if (on) methods.append(radioCard("pay-method", "gasless", text.gasless, text.gaslessText, false));
    });
  }
  const button = h(
    "button",
    { type: "submit", class: "btn btn-primary btn-lg btn-block", id: "action-pay" },
    fill(text.payAmount, money(chain.due)),
  );
  const form = h(
    "form",
    { class: "action", novalidate: true, id: "pay-form" },
    h("h3", null, roles.openPayer ? text.payThis : text.pay),
    roles.openPayer ? h("p", { class: "muted" }, text.openPayer) : null,
    field({
      id: "pay-amount",
      label: fill(t().actions.amount, { symbol: token.symbol }),
      control: input,
      hint: fill(inFull ? text.inFull : text.inParts, money(chain.due)),
    }),
    methods,
    button,
  );
  input.addEventListener("input", () => {
    const parsed = parseAmount(input.value, token.decimals);
    button.textContent = "value" in parsed && parsed.value > 0n ? fill(text.payAmount, money(parsed.value)) : text.pay;
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const parsed = parseAmount(input.value, token.decimals);
    if ("error" in parsed) return setFieldError(form, input.id, parsed.error);
    const amount = parsed.value;
    if (amount === 0n) return setFieldError(form, input.id, t().actions.moreThanZero);
    if (amount > chain.due) return setFieldError(form, input.id, fill(text.onlyDue, money(chain.due)));
    if (amount < least) return setFieldError(form, input.id, fill(text.fullOnce, money(chain.due)));
    const method = native ? "native" : (form.querySelector<HTMLInputElement>('input[name="pay-method"]:checked')?.value ?? "permit");
    button.disabled = true;
    try {
      const escrowAddress = app.deployment!.address("PaymentEscrow");
      if (method === "native") {
        await sender.escrowCall(fill(text.payAmount, money(amount)), (escrow) => escrow.payNative(chain.id, { value: amount }));
      } else if (method === "permit") {
        await sender
          .send(
            fill(text.permitTx, money(amount)),
            async (signer, phase) => {
              if (!(await supportsPermit(signer, chain.token))) throw new Error(fill(text.noPermit, { symbol: token.symbol }));
              phase("signature");
              const permit = await signWalletPermit(signer, chain.token, escrowAddress, amount);
              phase("wallet");
              const escrow = app.deployment!.contract("PaymentEscrow", signer);
              return escrow.payWithPermit(chain.id, amount, permit.deadline, permit.v, permit.r, permit.s);
            },
            { withSignature: true },
          )
          .then(sender.after);
      } else if (method === "gasless") {
        await sender
          .send(
            fill(text.gaslessTx, money(amount)),
            async (signer, phase) => (phase("signature"), payWithoutEth(signer, chain.id.toString(), amount, token.symbol)),
            { withSignature: true },
          )
          .then(sender.after);
      } else {
        const signer = await app.signer().catch(() => undefined);
        const allowance = signer ? await erc20(chain.token, signer.provider).allowance(signer.address, escrowAddress) : 0n;
        if (allowance < amount) {
          const approved = await sender.send(
            fill(text.approveTx, money(amount)),
            async (s, phase) => (phase("wallet"), erc20(chain.token, s).approve(escrowAddress, amount)),
            { waitForIndex: false },
          );
          if (!approved.receipt) return;
        }
        await sender.escrowCall(fill(allowance < amount ? text.stepTwo : text.payAmount, money(amount)), (escrow) =>
          escrow.pay(chain.id, amount),
        );
      }
    } finally {
      if (button.isConnected) button.disabled = false;
    }
  });
  return form;
}
