import { ZERO_ADDRESS } from "../../../../core/address";
import { api, ApiError, type InvoiceDraftInput } from "../../lib/api";
import { tokenInfo } from "../../lib/contracts";
import { humanError } from "../../lib/errors";
import { checksummed, ETH, formatToken, type TokenInfo } from "../../lib/format";
import { app } from "../../lib/state";
import { runTransaction } from "../../lib/tx";
import { clearFieldErrors, field, setFieldError } from "../../ui/controls";
import { h, replace } from "../../ui/dom";
import { icon } from "../../ui/icons";
import { notice } from "../../ui/feedback";
import { gate, pageHeader, type View } from "../../ui/page";
import { lineItemsEditor } from "./line-items";
import { INVOICE_LIMITS } from "../../../../core/invoice/limits";
import { fill, t } from "../../i18n";
import { askToSwitch, chainQuery, invoiceHash, networkChoice } from "../../ui/chains";
import { customerCard } from "./customer";
import { deliveryCard } from "./delivery";
import { pricingControl } from "./pricing";
import { showApiProblems, validateInvoice, type InvoiceFields } from "./validate";

/**
 * New invoice: token, payer, arbiter, due date, dispute window, customer and language, what it covers and where it is
 * delivered, taxed line items, notes.
 */
export const newInvoiceView: View = (root) => {
  const text = t().newInvoice;
  root.append(pageHeader(text.title, text.lead));
  const chosen = app.deployment?.chainId;
  askToSwitch(chosen);
  const network = networkChoice("invoice-network", chosen, t().chains.networkHint, (chainId) => {
    location.hash = `#/invoices/new?chainId=${chainId}`;
  });
  if (network) root.append(network);
  if (!gate(root, { wallet: true, chain: true, session: true, reason: text.gate })) return;
  const deployment = app.deployment!;
  const provider = app.connection!.provider();
  const merchant = app.account!;

  if (!deployment.has("PaymentEscrow")) {
    root.append(notice("warning", text.unavailable, text.noEscrow));
    return;
  }

  const settle = deployment.address("SettleToken");
  const tokenSelect = h(
    "select",
    { name: "token" },
    h("option", { value: settle }, text.settleToken),
    h("option", { value: ZERO_ADDRESS }, text.ether),
    h("option", { value: "other" }, text.otherToken),
  );
  const customToken = h("input", { type: "text", name: "custom-token", placeholder: "0x…", autocomplete: "off", spellcheck: "false" });
  const customField = field({
    id: "invoice-custom-token",
    label: text.tokenAddress,
    control: customToken,
    hint: text.tokenAddressHint,
  });
  customField.hidden = true;
  const payer = h("input", {
    type: "text",
    name: "payer",
    placeholder: text.payerPlaceholder,
    autocomplete: "off",
    spellcheck: "false",
  });
  const arbiter = h("input", { type: "text", name: "arbiter", placeholder: "0x…", autocomplete: "off", spellcheck: "false" });
  const due = h("input", {
    type: "date",
    name: "due",
    value: isoDate(Date.now() + 14 * 86_400_000),
    min: isoDate(Date.now() + 86_400_000),
  });
  const windowDays = h("input", {
    type: "number",
    name: "dispute-window",
    value: "7",
    min: "0",
    max: String(INVOICE_LIMITS.maxDisputeDays),
    step: "1",
    inputmode: "numeric",
  });
  const notes = h("textarea", {
    name: "notes",
    rows: 3,
    maxlength: INVOICE_LIMITS.maxNotes,
    placeholder: text.notesPlaceholder,
  });
  const slot = h("div", { class: "tx-slot", id: "create-tx" });
  const formError = h("div", { class: "form-error-slot" });
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-lg", id: "create-invoice" }, text.create);

  let token: TokenInfo | undefined;
  const pricing = pricingControl(deployment, tokenSelect, () => {
    customField.hidden = tokenSelect.value !== "other";
    void loadToken();
  });
  const { lines, totals, add: addLine, read: readLines, updateTotal } = lineItemsEditor(() => token);
  const customer = customerCard();
  const delivery = deliveryCard();
  const tokenAddress = () => (tokenSelect.value === "other" ? checksummed(customToken.value) : tokenSelect.value);
  /** Counts the calls of loadToken: a token read that a later choice overtook is dropped, never shown. */
  let tokenChoice = 0;
  const loadToken = async () => {
    const choice = ++tokenChoice;
    const address = tokenAddress();
    // Priced in a currency: the lines are typed in hundredths of it, whatever token pays.
    token = pricing.unit();
    updateTotal();
    if (token || !address) return;
    try {
      const read = address === ZERO_ADDRESS ? ETH : await tokenInfo(address, deployment.chainId, app.connection);
      if (choice !== tokenChoice) return;
      token = read;
      setFieldError(form, "invoice-custom-token", "");
    } catch {
      if (choice !== tokenChoice) return;
      if (tokenSelect.value === "other") setFieldError(form, "invoice-custom-token", text.noToken);
    }
    updateTotal();
  };

  const form = h(
    "form",
    { class: "stack", id: "invoice-form", novalidate: true },
    h(
      "section",
      { class: "card form-card" },
      h("h2", null, text.terms),
      h(
        "div",
        { class: "form-grid" },
        pricing.field,
        field({ id: "invoice-token", label: text.paidIn, control: tokenSelect }),
        customField,
        field({
          id: "invoice-payer",
          label: text.payer,
          control: payer,
          optional: true,
          hint: text.payerHint,
        }),
        field({ id: "invoice-due", label: text.due, control: due, hint: text.dueHint }),
        field({
          id: "invoice-window",
          label: text.window,
          control: windowDays,
          hint: text.windowHint,
        }),
        h(
          "div",
          { class: "span-2" },
          field({
            id: "invoice-arbiter",
            label: text.arbiter,
            control: arbiter,
            optional: true,
            hint: text.arbiterHint,
          }),
        ),
      ),
    ),
    customer.card,
    delivery.card,
    h(
      "section",
      { class: "card form-card" },
      h(
        "div",
        { class: "card-head" },
        h("h2", null, text.lines),
        h(
          "button",
          { type: "button", class: "btn btn-secondary btn-sm", id: "add-line", onclick: () => addLine().focus() },
          icon("plus", 16),
          ` ${text.addLine}`,
        ),
      ),
      lines,
      h("p", { class: "field-error", id: "invoice-lines-error", role: "alert" }),
      totals,
    ),
    h("section", { class: "card form-card" }, field({ id: "invoice-notes", label: text.notes, control: notes, optional: true })),
    formError,
    h("div", { class: "form-actions" }, h("a", { class: "btn btn-secondary btn-lg", href: "#/invoices" }, text.cancel), submit),
    slot,
  );
  root.append(form);
  addLine();
  void loadToken();

  tokenSelect.addEventListener("change", () => {
    customField.hidden = tokenSelect.value !== "other";
    void loadToken();
  });
  customToken.addEventListener("change", () => void loadToken());
  // A corrected value loses its error at once (the next submit checks everything again).
  form.addEventListener("input", (event) => {
    const control = event.target as HTMLElement;
    if (control.id) setFieldError(form, control.id, "");
  });

  const fields: InvoiceFields = { form, tokenSelect, payer, arbiter, due, windowDays, notes, customer, delivery };
  /** Checks everything as POST /invoices and the escrow would; returns the body or undefined. */
  const validate = (): InvoiceDraftInput | undefined => {
    clearFieldErrors(form);
    replace(formError);
    const body = validateInvoice(fields, readLines(), tokenAddress(), token, merchant);
    const currency = pricing.currency();
    return body && currency ? { ...body, currency } : body;
  };

  let idempotencyKey = crypto.randomUUID();
  let lastBody = "";
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = validate();
    if (!body) return;
    // The same form content retried (e.g. after a rejection in the wallet) reuses the same draft.
    const bodyText = JSON.stringify(body);
    if (bodyText !== lastBody) idempotencyKey = crypto.randomUUID();
    lastBody = bodyText;
    submit.disabled = true;
    try {
      let created;
      try {
        created = await api.createInvoice(body, idempotencyKey, chainQuery(deployment.chainId));
      } catch (error) {
        if (error instanceof ApiError && error.code === "validation_failed") return showApiProblems(form, formError, error, readLines());
        if (error instanceof ApiError && error.status === 401) app.sessionExpired();
        const human = humanError(error);
        // The node or the index not answering for now: offer to send the same draft again (same Idempotency-Key).
        const retry =
          error instanceof ApiError && error.transient
            ? h("button", { type: "button", class: "btn btn-secondary btn-sm", onclick: () => form.requestSubmit() }, t().rpc.retry)
            : undefined;
        return replace(formError, notice("error", human.title, human.message, retry));
      }
      const tx = created.transaction;
      const result = await runTransaction({
        title: fill(text.createTx, { amount: formatToken(BigInt(created.total), token ?? ETH) }),
        slot,
        errorContext: token ? { decimals: token.decimals, symbol: token.symbol } : undefined,
        send: async (phase) => {
          const signer = await app.signer();
          if (tx.chainId !== deployment.chainId) throw new Error(text.otherChain);
          phase("wallet");
          return signer.sendTransaction({ to: tx.to, data: tx.data, value: BigInt(tx.value) });
        },
      });
      if (!result.receipt) return;
      const escrow = deployment.contract("PaymentEscrow", provider).interface;
      const created_ = result.receipt.logs.map((log) => escrow.parseLog(log)).find((log) => log?.name === "InvoiceCreated");
      location.hash = created_ ? `${invoiceHash(deployment.chainId, String(created_.args[0]))}?created=1` : `#/invoice/${created.id}`;
    } finally {
      if (submit.isConnected) submit.disabled = false;
    }
  });
};

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
