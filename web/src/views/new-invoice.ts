import { ZeroAddress } from "ethers";
import { api, ApiError, type InvoiceDraftInput } from "../api";
import { tokenInfo } from "../contracts";
import { humanError } from "../errors";
import { checksummed, ETH, formatToken, parseAmount, sameAddress, type TokenInfo } from "../format";
import { app } from "../state";
import { runTransaction } from "../tx";
import { clearFieldErrors, field, h, icon, notice, replace, setFieldError } from "../ui";
import { gate, pageHeader, type View } from "./view";

/** Rules of POST /invoices, mirrored so that people see problems before anything is sent. */
export const INVOICE_LIMITS = {
  maxLineItems: 100,
  maxDescription: 500,
  maxQuantity: 1_000_000_000,
  maxNotes: 2000,
  maxDisputeDays: 90,
  /** PaymentEscrow stores amounts as uint96. */
  maxTotal: 2n ** 96n - 1n,
} as const;

const CONTROL_CHARS = /[\p{Cc}\p{Cs}]/u;
const NOTES_FORBIDDEN = /[\p{Cs}\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/u;

/** One line as typed. */
interface LineDraft {
  description: string;
  quantity: string;
  unitPrice: string;
}

/** New invoice: token, payer, arbiter, due date, dispute window, line items, notes. */
export const newInvoiceView: View = (root) => {
  root.append(
    pageHeader(
      "New invoice",
      "Describe what you are billing. The details stay off chain; their hash goes on chain so the payer can verify them.",
    ),
  );
  if (
    !gate(root, {
      wallet: true,
      chain: true,
      session: true,
      reason: "Sign in to create invoices: the server keeps their line items for you.",
    })
  )
    return;
  const deployment = app.deployment!;
  const provider = app.connection!.provider();
  const merchant = app.account!;

  if (!deployment.has("PaymentEscrow")) {
    root.append(notice("warning", "Invoices are not available", "PaymentEscrow is not deployed on this server yet."));
    return;
  }

  const settle = deployment.address("SettleToken");
  const tokenSelect = h(
    "select",
    { name: "token" },
    h("option", { value: settle }, "SETL (Settle token)"),
    h("option", { value: ZeroAddress }, "ETH (native)"),
    h("option", { value: "other" }, "Another ERC-20 token…"),
  );
  const customToken = h("input", { type: "text", name: "custom-token", placeholder: "0x…", autocomplete: "off", spellcheck: "false" });
  const customField = field({
    id: "invoice-custom-token",
    label: "Token address",
    control: customToken,
    hint: "The ERC-20 contract the payer pays with.",
  });
  customField.hidden = true;
  const payer = h("input", {
    type: "text",
    name: "payer",
    placeholder: "0x… (leave empty to let anyone pay)",
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
    placeholder: "Payment terms, a thank-you, a reference for your books…",
  });
  const lines = h("div", { class: "line-items", role: "list" });
  const totalText = h("strong", { id: "invoice-total" }, "0");
  const slot = h("div", { class: "tx-slot", id: "create-tx" });
  const formError = h("div", { class: "form-error-slot" });
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-lg", id: "create-invoice" }, "Create invoice");

  let token: TokenInfo | undefined;
  const tokenAddress = () => (tokenSelect.value === "other" ? checksummed(customToken.value) : tokenSelect.value);
  const loadToken = async () => {
    const address = tokenAddress();
    token = undefined;
    updateTotal();
    if (!address) return;
    try {
      token = address === ZeroAddress ? ETH : await tokenInfo(address, provider, deployment.chainId);
      setFieldError(form, "invoice-custom-token", "");
    } catch {
      if (tokenSelect.value === "other")
        setFieldError(form, "invoice-custom-token", "No ERC-20 token answers at this address on this chain.");
    }
    updateTotal();
  };

  let lineCount = 0;
  const addLine = (initial?: Partial<LineDraft>) => {
    const n = lineCount++;
    const description = h("input", {
      type: "text",
      name: `line-${n}-description`,
      maxlength: INVOICE_LIMITS.maxDescription,
      placeholder: "What you deliver",
      value: initial?.description ?? "",
    });
    const quantity = h("input", {
      type: "number",
      name: `line-${n}-quantity`,
      min: "1",
      step: "1",
      inputmode: "numeric",
      value: initial?.quantity ?? "1",
    });
    const price = h("input", {
      type: "text",
      name: `line-${n}-price`,
      inputmode: "decimal",
      placeholder: "0.00",
      autocomplete: "off",
      value: initial?.unitPrice ?? "",
    });
    const remove = h(
      "button",
      { type: "button", class: "btn btn-ghost btn-icon line-remove", "aria-label": "Remove this line" },
      icon("trash", 16),
    );
    const amount = h("span", { class: "line-amount mono-num" }, "—");
    const row = h(
      "div",
      { class: "line-item", role: "listitem", "data-line": String(n) },
      field({ id: `line-${n}-description`, label: "Description", control: description }),
      field({ id: `line-${n}-quantity`, label: "Qty", control: quantity }),
      field({ id: `line-${n}-price`, label: "Unit price", control: price }),
      h("div", { class: "line-total" }, h("span", { class: "line-total-label" }, "Amount"), amount),
      remove,
    );
    remove.addEventListener("click", () => {
      if (lines.children.length > 1) row.remove();
      updateTotal();
      lines.querySelector<HTMLInputElement>("input")?.focus();
    });
    lines.append(row);
    updateTotal();
    return description;
  };

  const readLines = (): {
    row: HTMLElement;
    description: HTMLInputElement;
    quantity: HTMLInputElement;
    price: HTMLInputElement;
    amount: HTMLElement;
  }[] =>
    [...lines.querySelectorAll<HTMLElement>(".line-item")].map((row) => ({
      row,
      description: row.querySelector<HTMLInputElement>('input[name$="-description"]')!,
      quantity: row.querySelector<HTMLInputElement>('input[name$="-quantity"]')!,
      price: row.querySelector<HTMLInputElement>('input[name$="-price"]')!,
      amount: row.querySelector<HTMLElement>(".line-amount")!,
    }));

  function updateTotal(): void {
    let total = 0n;
    for (const line of readLines()) {
      const parsed = token ? parseAmount(line.price.value, token.decimals) : undefined;
      const quantity = /^\d+$/.test(line.quantity.value) ? BigInt(line.quantity.value) : undefined;
      if (parsed && "value" in parsed && quantity !== undefined) {
        line.amount.textContent = formatToken(parsed.value * quantity, token!);
        total += parsed.value * quantity;
      } else line.amount.textContent = "—";
    }
    totalText.textContent = token ? formatToken(total, token) : "—";
  }

  const form = h(
    "form",
    { class: "stack", id: "invoice-form", novalidate: true },
    h(
      "section",
      { class: "card form-card" },
      h("h2", null, "Terms"),
      h(
        "div",
        { class: "form-grid" },
        field({ id: "invoice-token", label: "Paid in", control: tokenSelect }),
        customField,
        field({
          id: "invoice-payer",
          label: "Payer",
          control: payer,
          optional: true,
          hint: "Only this address can pay. Empty: the first one to pay becomes the payer.",
        }),
        field({ id: "invoice-due", label: "Due date", control: due, hint: "After this date the invoice takes no more payments." }),
        field({
          id: "invoice-window",
          label: "Dispute window (days)",
          control: windowDays,
          hint: "How long the payer may dispute once fully paid. You can claim after it.",
        }),
        h(
          "div",
          { class: "span-2" },
          field({
            id: "invoice-arbiter",
            label: "Arbiter",
            control: arbiter,
            optional: true,
            hint: "Someone both sides trust to split the funds in a dispute. Without one, the invoice cannot be disputed.",
          }),
        ),
      ),
    ),
    h(
      "section",
      { class: "card form-card" },
      h(
        "div",
        { class: "card-head" },
        h("h2", null, "Line items"),
        h(
          "button",
          { type: "button", class: "btn btn-secondary btn-sm", id: "add-line", onclick: () => addLine().focus() },
          icon("plus", 16),
          " Add a line",
        ),
      ),
      lines,
      h("p", { class: "field-error", id: "invoice-lines-error", role: "alert" }),
      h("div", { class: "invoice-total" }, h("span", null, "Total"), totalText),
    ),
    h("section", { class: "card form-card" }, field({ id: "invoice-notes", label: "Notes", control: notes, optional: true })),
    formError,
    h("div", { class: "form-actions" }, h("a", { class: "btn btn-secondary btn-lg", href: "#/invoices" }, "Cancel"), submit),
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
  lines.addEventListener("input", updateTotal);

  /** Checks everything as POST /invoices and the escrow would; returns the body or undefined. */
  const validate = (): InvoiceDraftInput | undefined => {
    clearFieldErrors(form);
    replace(formError);
    let ok = true;
    const fail = (id: string, message: string) => {
      if (ok) form.querySelector<HTMLElement>(`#${id}`)?.focus();
      ok = false;
      setFieldError(form, id, message);
    };
    const address = tokenAddress();
    if (!address) fail("invoice-custom-token", "Enter the token's address (0x followed by 40 hexadecimal digits).");
    else if (!token)
      fail(tokenSelect.value === "other" ? "invoice-custom-token" : "invoice-token", "This token could not be read on this chain.");

    const payerText = payer.value.trim();
    const payerAddress = payerText ? checksummed(payerText) : null;
    if (payerText && !payerAddress)
      fail("invoice-payer", "Enter a valid address (0x followed by 40 hexadecimal digits, with a correct checksum).");
    else if (payerAddress === ZeroAddress) fail("invoice-payer", "Leave the payer empty to let anyone pay.");
    else if (payerAddress && sameAddress(payerAddress, merchant)) fail("invoice-payer", "You cannot be the payer of your own invoice.");

    const arbiterText = arbiter.value.trim();
    const arbiterAddress = arbiterText ? checksummed(arbiterText) : null;
    if (arbiterText && (!arbiterAddress || arbiterAddress === ZeroAddress))
      fail("invoice-arbiter", "Enter a valid address (0x followed by 40 hexadecimal digits, with a correct checksum).");
    else if (arbiterAddress && sameAddress(arbiterAddress, merchant))
      fail("invoice-arbiter", "You cannot be the arbiter of your own invoice.");
    else if (arbiterAddress && sameAddress(arbiterAddress, payerAddress)) fail("invoice-arbiter", "The arbiter must not be the payer.");

    const dueAt = due.value ? Date.parse(`${due.value}T23:59:59Z`) : NaN;
    if (Number.isNaN(dueAt)) fail("invoice-due", "Pick a due date.");
    else if (dueAt <= Date.now()) fail("invoice-due", "The due date must be in the future.");

    const days = Number(windowDays.value);
    if (!/^\d+$/.test(windowDays.value.trim()) || days > INVOICE_LIMITS.maxDisputeDays)
      fail("invoice-window", `Enter a whole number of days from 0 to ${INVOICE_LIMITS.maxDisputeDays}.`);

    const items: InvoiceDraftInput["lineItems"] = [];
    let total = 0n;
    const rows = readLines();
    if (rows.length > INVOICE_LIMITS.maxLineItems) fail("invoice-lines", `An invoice has at most ${INVOICE_LIMITS.maxLineItems} lines.`);
    for (const line of rows) {
      const description = line.description.value.normalize("NFC").trim();
      if (!description) fail(line.description.id, "Describe this line.");
      else if (description.length > INVOICE_LIMITS.maxDescription)
        fail(line.description.id, `At most ${INVOICE_LIMITS.maxDescription} characters.`);
      else if (CONTROL_CHARS.test(description)) fail(line.description.id, "Remove the control characters.");
      const quantity = Number(line.quantity.value);
      if (!/^\d+$/.test(line.quantity.value.trim()) || quantity < 1 || quantity > INVOICE_LIMITS.maxQuantity)
        fail(line.quantity.id, "A whole number from 1.");
      const price = token ? parseAmount(line.price.value, token.decimals) : undefined;
      if (price && "error" in price) fail(line.price.id, price.error);
      if (price && "value" in price && Number.isSafeInteger(quantity)) {
        total += price.value * BigInt(quantity);
        items.push({ description, quantity, unitPrice: price.value.toString() });
      }
    }
    if (ok && total === 0n) fail("invoice-lines", "The total must be more than zero.");
    if (ok && total > INVOICE_LIMITS.maxTotal) fail("invoice-lines", "The total is larger than the escrow accepts.");

    const noteText = notes.value.normalize("NFC");
    if (noteText.length > INVOICE_LIMITS.maxNotes) fail("invoice-notes", `At most ${INVOICE_LIMITS.maxNotes} characters.`);
    else if (NOTES_FORBIDDEN.test(noteText)) fail("invoice-notes", "Remove the control characters.");

    if (!ok || !address) return undefined;
    return {
      token: address,
      payer: payerAddress,
      arbiter: arbiterAddress,
      dueDate: new Date(dueAt).toISOString(),
      disputeWindowSeconds: days * 86_400,
      lineItems: items,
      notes: noteText.trim() ? noteText : null,
    };
  };

  /** Puts the API's field problems next to the matching fields. */
  const showApiProblems = (error: ApiError) => {
    const ids: Record<string, string> = {
      token: "invoice-token",
      payer: "invoice-payer",
      arbiter: "invoice-arbiter",
      dueDate: "invoice-due",
      disputeWindowSeconds: "invoice-window",
      notes: "invoice-notes",
      lineItems: "invoice-lines",
    };
    const rows = readLines();
    let shown = 0;
    for (const problem of error.fieldProblems) {
      const [head, index, part] = problem.path.split(".");
      let id = ids[head ?? ""];
      if (head === "lineItems" && index !== undefined && part) {
        const line = rows[Number(index)];
        id = part === "description" ? line?.description.id : part === "quantity" ? line?.quantity.id : line?.price.id;
      }
      if (id) {
        setFieldError(form, id, `${problem.message.charAt(0).toUpperCase()}${problem.message.slice(1)}.`);
        shown++;
      }
    }
    if (shown === 0) replace(formError, notice("error", "The server refused the invoice", error.message));
  };

  let idempotencyKey = crypto.randomUUID();
  let lastBody = "";
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = validate();
    if (!body) return;
    // The same form content retried (e.g. after a rejection in the wallet) reuses the same draft.
    const text = JSON.stringify(body);
    if (text !== lastBody) idempotencyKey = crypto.randomUUID();
    lastBody = text;
    submit.disabled = true;
    try {
      let created;
      try {
        created = await api.createInvoice(body, idempotencyKey);
      } catch (error) {
        if (error instanceof ApiError && error.code === "validation_failed") return showApiProblems(error);
        if (error instanceof ApiError && error.status === 401) app.sessionExpired();
        const human = humanError(error);
        return replace(formError, notice("error", human.title, human.message));
      }
      const tx = created.transaction;
      const result = await runTransaction({
        title: `Create invoice for ${formatToken(BigInt(created.total), token ?? ETH)}`,
        slot,
        errorContext: token ? { decimals: token.decimals, symbol: token.symbol } : undefined,
        send: async (phase) => {
          const signer = await app.signer();
          if (tx.chainId !== deployment.chainId) throw new Error("The server prepared the transaction for another chain.");
          phase("wallet");
          return signer.sendTransaction({ to: tx.to, data: tx.data, value: BigInt(tx.value) });
        },
      });
      if (!result.receipt) return;
      const escrow = deployment.iface("PaymentEscrow");
      const created_ = result.receipt.logs.map((log) => escrow.parseLog(log)).find((log) => log?.name === "InvoiceCreated");
      location.hash = created_ ? `#/invoice/${created_.args[0]}?created=1` : `#/invoice/${created.id}`;
    } finally {
      if (submit.isConnected) submit.disabled = false;
    }
  });
};

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
