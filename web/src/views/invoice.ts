import { keccak256, toUtf8Bytes, type Contract, type TransactionResponse } from "ethers";
import { api, ApiError, invoiceDocumentUrls, type Invoice, type InvoiceEvent } from "../api";
import { erc20, tokenInfo } from "../contracts";
import { humanError } from "../errors";
import {
  formatAmount,
  formatDate,
  formatDateTime,
  formatRelative,
  formatToken,
  isZeroAddress,
  parseAmount,
  sameAddress,
  shortAddress,
  shortHash,
  type TokenInfo,
} from "../format";
import { availableActions, readInvoice, rolesOf, STATUS_LOOK, type ChainInvoice, type Roles } from "../invoice-model";
import { signPermit, supportsPermit } from "../permit";
import { app } from "../state";
import { runTransaction, type TxPhase } from "../tx";
import { badge, clearFieldErrors, copyButton, field, h, icon, identicon, notice, replace, setFieldError, type Child } from "../ui";
import { errorCard, gate, loadingCard, type View } from "./view";

/** Everything the invoice page shows, read together. */
interface Loaded {
  chain: ChainInvoice;
  token: TokenInfo;
  /** GET /invoices/:id (details and their verification), when signed in and the API has it. */
  record?: Invoice;
  recordError?: unknown;
  events: InvoiceEvent[];
  /** Chain time now (latest block time plus the time since it was read). */
  now: number;
  /** Credit of the connected account in the invoice's token (payouts that could not be pushed). */
  credit: bigint;
}

const EVENT_LABELS: Record<string, string> = {
  InvoiceCreated: "Created",
  InvoicePaid: "Payment received",
  InvoiceReleased: "Released to the merchant",
  InvoiceClaimed: "Claimed by the merchant",
  InvoiceRefunded: "Refunded to the payer",
  InvoiceReclaimed: "Reclaimed by the payer",
  InvoiceCancelled: "Cancelled",
  InvoiceDisputed: "Disputed",
  InvoiceResolved: "Resolved by the arbiter",
  SettlementProposed: "Settlement proposed",
  InvoiceSettled: "Settled by both sides",
  PayoutCredited: "Payout credited",
  Withdrawn: "Credit withdrawn",
};

/**
 * One invoice, for whoever opens it: the document with its verification mark, the amounts, and
 * the actions the connected account's role and the invoice's state allow.
 */
export const invoiceView: View = (root, params, query) => {
  const id = params.id ?? "";
  const header = h(
    "header",
    { class: "page-header" },
    h("div", null, h("p", { class: "eyebrow" }, "Invoice"), h("h1", null, /^\d+$/.test(id) ? `Invoice #${id}` : "Invoice")),
  );
  root.append(header);
  if (!gate(root, { wallet: true, chain: true, reason: "Connect your wallet to see this invoice and pay it." })) return;
  const deployment = app.deployment!;
  if (!deployment.has("PaymentEscrow")) {
    root.append(notice("warning", "Invoices are not available", "PaymentEscrow is not deployed on this server yet."));
    return;
  }
  const provider = app.connection!.provider();
  const escrow = deployment.contract("PaymentEscrow", provider);
  const account = app.account!;
  const body = h("div", { class: "invoice-page" }, loadingCard("Reading the invoice"));
  // Kept across re-renders so that a transaction's progress stays on screen while the page refreshes.
  const slot = h("div", { class: "tx-slot", id: "invoice-tx" });
  root.append(body);
  let stopped = false;

  if (!/^\d+$/.test(id)) {
    // A draft id: the invoice appears once its createInvoice transaction is indexed.
    void waitForDraft(id, body, () => stopped);
    return () => (stopped = true);
  }

  const load = async (): Promise<Loaded> => {
    const [chain, block] = await Promise.all([readInvoice(escrow, BigInt(id)), provider.getBlock("latest")]);
    const [token, credit] = await Promise.all([
      tokenInfo(chain.token, provider, deployment.chainId),
      escrow
        .getFunction("credits")(account, chain.token)
        .then(BigInt, () => 0n),
    ]);
    let record: Invoice | undefined;
    let recordError: unknown;
    let events: InvoiceEvent[] = [];
    if (app.signedIn) {
      try {
        [record, events] = await Promise.all([api.invoice(id), api.invoiceEvents(id).then((e) => e.items)]);
      } catch (error) {
        recordError = error;
        if (error instanceof ApiError && error.status === 401) app.sessionExpired();
      }
    }
    const blockTime = block?.timestamp ?? Math.floor(Date.now() / 1000);
    return { chain, token, record, recordError, events, now: Math.max(blockTime, Math.floor(Date.now() / 1000)), credit };
  };

  const refresh = async () => {
    try {
      const loaded = await load();
      if (stopped) return;
      render(loaded);
    } catch (error) {
      if (stopped) return;
      const human = humanError(error, deployment.errors);
      replace(
        body,
        human.errorName === "EscrowInvoiceNotFound"
          ? notice(
              "warning",
              `There is no invoice #${id}`,
              "Check the number or the link you were given.",
              h("a", { class: "btn btn-secondary btn-sm", href: "#/pay" }, "Open another invoice"),
            )
          : errorCard(error, () => void refresh()),
      );
    }
  };

  const render = (data: Loaded) => {
    const { chain } = data;
    const roles = rolesOf(chain, account);
    const look = STATUS_LOOK[chain.status];
    header.replaceChildren(
      h("div", null, h("p", { class: "eyebrow" }, roleLabel(roles)), h("h1", null, `Invoice #${id}`)),
      h("div", { class: "page-actions" }, badge(look.label, look.tone)),
    );
    replace(
      body,
      query.get("created")
        ? notice("success", "Invoice created", "It is on chain and indexed. Share the link below with your payer.")
        : null,
      h(
        "div",
        { class: "layout-main-side" },
        h("div", { class: "stack" }, documentCard(data), timelineCard(data)),
        h("aside", { class: "stack" }, summaryCard(data), actionsCard(data, roles, slot), shareCard(id, roles.merchant)),
      ),
    );
  };

  /** The side card with the amounts and a progress bar. */
  const summaryCard = ({ chain, token }: Loaded) => {
    const pct = (v: bigint) => (chain.amount === 0n ? 0 : Number((v * 10_000n) / chain.amount) / 100);
    return h(
      "section",
      { class: "card summary", "aria-label": "Amounts" },
      h("p", { class: "stat-label" }, chain.due > 0n ? "Amount due" : "Invoice total"),
      h(
        "p",
        { class: "summary-amount", id: "invoice-due" },
        formatAmount(chain.due > 0n ? chain.due : chain.amount, token.decimals),
        h("span", { class: "stat-unit" }, token.symbol),
      ),
      h(
        "div",
        { class: "progress", role: "img", "aria-label": `${pct(chain.paid)}% paid, ${pct(chain.released)}% released` },
        h("span", { class: "progress-released", style: `width:${pct(chain.released)}%` }),
        h("span", { class: "progress-held", style: `width:${Math.max(0, pct(chain.paid) - pct(chain.released) - pct(chain.refunded))}%` }),
        h("span", { class: "progress-refunded", style: `width:${pct(chain.refunded)}%` }),
      ),
      h(
        "dl",
        { class: "kv kv-compact" },
        h("dt", null, "Total"),
        h("dd", { class: "num" }, formatToken(chain.amount, token)),
        h("dt", null, "Paid"),
        h("dd", { class: "num", id: "invoice-paid" }, formatToken(chain.paid, token)),
        h("dt", null, h("span", { class: "legend legend-held" }), "In escrow"),
        h("dd", { class: "num", id: "invoice-held" }, formatToken(chain.held, token)),
        h("dt", null, h("span", { class: "legend legend-released" }), "Released"),
        h("dd", { class: "num", id: "invoice-released" }, formatToken(chain.released, token)),
        chain.refunded > 0n
          ? [
              h("dt", null, h("span", { class: "legend legend-refunded" }), "Refunded"),
              h("dd", { class: "num" }, formatToken(chain.refunded, token)),
            ]
          : null,
        h("dt", null, "Due date"),
        h("dd", { class: "num" }, formatDate(chain.dueDate)),
      ),
    );
  };

  /** The invoice document: parties, line items, notes, and the verification mark. */
  const documentCard = (data: Loaded) => {
    const { chain, token, record } = data;
    const details = record?.details ?? null;
    return h(
      "article",
      { class: "card invoice-doc", "aria-label": "Invoice details" },
      h(
        "div",
        { class: "doc-parties" },
        party("From", chain.merchant, sameAddress(chain.merchant, account)),
        party("Bill to", isZeroAddress(chain.payer) ? null : chain.payer, sameAddress(chain.payer, account)),
        h(
          "div",
          { class: "doc-meta" },
          h(
            "dl",
            { class: "kv kv-compact" },
            h("dt", null, "Due"),
            h("dd", null, formatDate(chain.dueDate)),
            h("dt", null, "Dispute window"),
            h("dd", null, chain.disputeWindow === 0 ? "None" : `${Math.round(chain.disputeWindow / 86_400)} days after payment`),
            h("dt", null, "Arbiter"),
            h("dd", null, isZeroAddress(chain.arbiter) ? "None" : addressChip(chain.arbiter, sameAddress(chain.arbiter, account))),
          ),
        ),
      ),
      details
        ? h(
            "div",
            { class: "table-wrap" },
            h(
              "table",
              { class: "line-table" },
              h(
                "thead",
                null,
                h(
                  "tr",
                  null,
                  h("th", { scope: "col" }, "Description"),
                  h("th", { scope: "col", class: "num" }, "Qty"),
                  h("th", { scope: "col", class: "num" }, "Unit price"),
                  h("th", { scope: "col", class: "num" }, "Amount"),
                ),
              ),
              h(
                "tbody",
                null,
                details.lineItems.map((line) =>
                  h(
                    "tr",
                    null,
                    h("td", null, line.description),
                    h("td", { class: "num" }, line.quantity),
                    h("td", { class: "num" }, formatToken(BigInt(line.unitPrice), token)),
                    h("td", { class: "num" }, formatToken(BigInt(line.amount), token)),
                  ),
                ),
              ),
              h(
                "tfoot",
                null,
                h(
                  "tr",
                  null,
                  h("th", { scope: "row", colspan: 3 }, "Total"),
                  h("td", { class: "num total" }, formatToken(BigInt(details.total), token)),
                ),
              ),
            ),
          )
        : null,
      details?.notes ? h("div", { class: "doc-notes" }, h("h3", null, "Notes"), h("p", null, details.notes)) : null,
      verification(data),
    );
  };

  /**
   * The verification mark: the page hashes the stored details itself and compares the hash and the
   * terms with what the chain holds (it does not take the server's word for it).
   */
  const verification = ({ chain, token, record, recordError }: Loaded): HTMLElement => {
    const details = record?.details;
    if (!app.signedIn) {
      return h(
        "div",
        { class: "verify verify-unknown", id: "verification" },
        icon("shield", 20),
        h(
          "div",
          null,
          h("strong", null, "Sign in to see the line items"),
          h("p", null, "The server shows an invoice's details to its merchant, payer and arbiter. The amounts here come from the chain."),
        ),
      );
    }
    if (recordError) {
      const human = humanError(recordError);
      return h(
        "div",
        { class: "verify verify-unknown", id: "verification" },
        icon("info", 20),
        h("div", null, h("strong", null, "Details not available"), h("p", null, human.message)),
      );
    }
    if (!details) {
      return h(
        "div",
        { class: "verify verify-unknown", id: "verification" },
        icon("info", 20),
        h(
          "div",
          null,
          h("strong", null, "No details on this server"),
          h("p", null, `The chain holds only the reference ${shortHash(chain.referenceHash)}.`),
        ),
      );
    }
    const hashOk = keccak256(toUtf8Bytes(details.canonical)).toLowerCase() === chain.referenceHash.toLowerCase();
    const termsOk =
      BigInt(details.total) === chain.amount &&
      sameAddress(details.merchant, chain.merchant) &&
      sameAddress(details.token, chain.token) &&
      (details.payer === null || sameAddress(details.payer, chain.payer)) &&
      Math.floor(Date.parse(details.dueDate) / 1000) === chain.dueDate;
    if (hashOk && termsOk && record?.detailsMatch !== false) {
      return h(
        "div",
        { class: "verify verify-ok", id: "verification" },
        icon("shield", 22),
        h(
          "div",
          null,
          h("strong", null, "Verified"),
          h(
            "p",
            null,
            `These line items hash to the reference stored on chain (${shortHash(chain.referenceHash)}), and the total of ${formatToken(chain.amount, token)} matches.`,
          ),
        ),
      );
    }
    return h(
      "div",
      { class: "verify verify-bad", id: "verification", role: "alert" },
      icon("alert", 22),
      h(
        "div",
        null,
        h("strong", null, "These details do not match the chain"),
        h("p", null, "The line items shown here are not the ones the merchant committed to on chain. Do not rely on them."),
      ),
    );
  };

  const timelineCard = ({ events, token, chain }: Loaded) =>
    h(
      "section",
      { class: "card", "aria-label": "Activity" },
      h("h2", null, "Activity"),
      events.length === 0
        ? h(
            "p",
            { class: "muted", style: "margin-top:8px" },
            app.signedIn ? "No indexed activity yet." : `Created on chain. Sign in to see the full activity.`,
          )
        : h(
            "ol",
            { class: "timeline" },
            events.map((event) =>
              h(
                "li",
                null,
                h("span", { class: "timeline-dot", "aria-hidden": "true" }),
                h(
                  "div",
                  null,
                  h(
                    "p",
                    { class: "timeline-title" },
                    EVENT_LABELS[event.kind] ?? event.kind.replace(/([a-z])([A-Z])/g, "$1 $2"),
                    event.amount && event.amount !== "0"
                      ? h("span", { class: "timeline-amount" }, ` · ${formatToken(BigInt(event.amount), token)}`)
                      : null,
                  ),
                  h(
                    "p",
                    { class: "timeline-meta" },
                    formatDateTime(new Date(event.timestamp)),
                    event.actor ? ` · ${actorName(event.actor, chain)}` : "",
                    " · ",
                    h("a", { href: `#/tx/${event.txHash}` }, "transaction"),
                  ),
                ),
              ),
            ),
          ),
    );

  const actorName = (actor: string, chain: ChainInvoice) =>
    sameAddress(actor, account)
      ? "you"
      : sameAddress(actor, chain.merchant)
        ? "merchant"
        : sameAddress(actor, chain.payer)
          ? "payer"
          : sameAddress(actor, chain.arbiter)
            ? "arbiter"
            : shortAddress(actor);

  /** The buttons the account's role and the invoice's state allow. */
  const actionsCard = (data: Loaded, roles: Roles, slot: HTMLElement) => {
    const { chain, token, now } = data;
    const can = availableActions(chain, roles, now);
    const parts: Child[] = [];
    const ctx = { decimals: token.decimals, symbol: token.symbol };
    const send: Sender = (title, run, withSignature = false, waitForIndex) =>
      runTransaction({
        title,
        slot,
        withSignature,
        waitForIndex,
        errorContext: ctx,
        send: async (phase) => {
          const signer = await app.signer();
          return run(signer, phase);
        },
      });
    const escrowWith = (signer: Awaited<ReturnType<typeof app.signer>>): Contract => deployment.contract("PaymentEscrow", signer);
    const after = async (result: { receipt?: unknown }) => {
      if (result.receipt) await refresh();
    };
    /** Sends one escrow call from the wallet under `title`, then reloads the invoice. */
    const escrowAction = (title: string, method: string, ...args: unknown[]) =>
      send(title, async (signer, phase) => (phase("wallet"), escrowWith(signer).getFunction(method)(...args))).then(after);

    if (can.pay) parts.push(payForm(data, roles, send, escrowWith, after));
    if (can.release) {
      parts.push(
        amountForm({
          id: "release",
          title: "Release to the merchant",
          text: "Release what you received, in full or in parts (milestones). The protocol fee is taken from it.",
          max: chain.held,
          token,
          button: "Release",
          onSubmit: (amount) => escrowAction(`Release ${formatToken(amount, token)}`, "release", chain.id, amount),
        }),
      );
    }
    if (can.dispute) {
      parts.push(
        simpleAction({
          id: "dispute",
          title: "Something wrong?",
          text: `Dispute before ${formatDateTime(chain.paidAt + chain.disputeWindow)} to freeze the funds until the arbiter decides.`,
          button: "Open a dispute",
          tone: "danger",
          onClick: () => escrowAction(`Dispute invoice #${id}`, "dispute", chain.id),
        }),
      );
    }
    if (can.reclaim) {
      parts.push(
        can.reclaim.now
          ? simpleAction({
              id: "reclaim",
              title: chain.status === "expired" ? "The invoice expired" : "The arbiter did not decide in time",
              text: `Take back the ${formatToken(chain.held, token)} held in escrow.`,
              button: "Reclaim",
              onClick: () => escrowAction(`Reclaim ${formatToken(chain.held, token)}`, "reclaim", chain.id),
            })
          : waitingAction(
              "Reclaim",
              `If the arbiter has not decided by ${formatDateTime(can.reclaim.from!)}, you can take back what is held.`,
            ),
      );
    }
    if (can.claim) {
      parts.push(
        can.claim.now
          ? simpleAction({
              id: "claim",
              title: "Claim your funds",
              text: `The dispute window is over: claim the ${formatToken(chain.held, token)} held (less the ${chain.feeBps / 100}% protocol fee).`,
              button: "Claim",
              tone: "success",
              onClick: () => escrowAction(`Claim ${formatToken(chain.held, token)}`, "claim", chain.id),
            })
          : waitingAction(
              "Claim",
              `The payer can dispute until ${formatDateTime(can.claim.from!)} (${formatRelative(can.claim.from!, now)}). You can claim after that, or the payer can release earlier.`,
            ),
      );
    }
    if (can.refund) {
      parts.push(
        amountForm({
          id: "refund",
          title: "Refund the payer",
          text: "Send some or all of the held funds back to the payer. No fee is taken.",
          max: chain.held,
          token,
          button: "Refund",
          tone: "secondary",
          onSubmit: (amount) => escrowAction(`Refund ${formatToken(amount, token)}`, "refund", chain.id, amount),
        }),
      );
    }
    if (can.cancel) {
      parts.push(
        simpleAction({
          id: "cancel",
          title: "Cancel the invoice",
          text: "Nothing was paid yet. Once cancelled it cannot be paid.",
          button: "Cancel invoice",
          tone: "danger",
          onClick: () => escrowAction(`Cancel invoice #${id}`, "cancel", chain.id),
        }),
      );
    }
    if (can.resolve) parts.push(resolveForm(data, send, escrowWith, after));
    if (can.settle) parts.push(settlementForm(data, roles, send, escrowWith, after));
    if (data.credit > 0n) {
      parts.push(
        simpleAction({
          id: "withdraw-credit",
          title: "Credited to you",
          text: `${formatToken(data.credit, token)} could not be sent to you directly and waits in the escrow.`,
          button: "Withdraw",
          onClick: () => escrowAction(`Withdraw ${formatToken(data.credit, token)}`, "withdraw", chain.token),
        }),
      );
    }
    if (parts.length === 0) parts.push(h("p", { class: "muted" }, nothingToDo(chain, roles)));
    return h(
      "section",
      { class: "card actions-card", "aria-label": "Actions" },
      h("h2", null, "Actions"),
      h("div", { class: "actions" }, parts),
      slot,
    );
  };

  let polls = 0;
  void refresh();
  // Follow the invoice while the page is open (someone else may pay, release or dispute it).
  const timer = setInterval(() => {
    if (document.querySelector("#main form:focus-within, #main input:focus")) return;
    if (++polls % 3 === 0) void refresh();
  }, 5000);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
};

/** Who the connected account is on this invoice, for the eyebrow. */
function roleLabel(roles: Roles): string {
  if (roles.merchant) return "You issued this invoice";
  if (roles.arbiter) return "You are the arbiter";
  if (roles.openPayer) return "Open invoice: anyone can pay";
  if (roles.payer) return "Addressed to you";
  return "Invoice";
}

function nothingToDo(chain: ChainInvoice, roles: Roles): string {
  if (["released", "refunded", "resolved", "cancelled"].includes(chain.status)) return "This invoice is closed. Nothing is left to do.";
  if (roles.merchant && (chain.status === "open" || chain.status === "partially_paid"))
    return "Waiting for the payer. Share the link below.";
  if (roles.merchant && chain.status === "disputed") return "The arbiter is reviewing the dispute.";
  if (!roles.merchant && !roles.payer && !roles.arbiter) return "Your account has no role on this invoice.";
  return "Nothing to do right now.";
}

function party(label: string, address: string | null, isYou: boolean): HTMLElement {
  return h(
    "div",
    { class: "doc-party" },
    h("p", { class: "stat-label" }, label),
    address ? addressChip(address, isYou) : h("p", null, "Anyone with the link"),
  );
}

function addressChip(address: string, isYou: boolean): HTMLElement {
  return h(
    "span",
    { class: "address-chip", title: address },
    identicon(address, 20),
    h("span", { class: "mono" }, shortAddress(address)),
    isYou ? badge("you", "info") : null,
  );
}

/** A small block with a title, a sentence and one button. */
function simpleAction(options: {
  id: string;
  title: string;
  text: string;
  button: string;
  tone?: "primary" | "danger" | "success";
  onClick: () => Promise<unknown>;
}): HTMLElement {
  const button = h(
    "button",
    { type: "button", class: `btn btn-${options.tone ?? "primary"} btn-block`, id: `action-${options.id}` },
    options.button,
  );
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await options.onClick();
    } finally {
      button.disabled = false;
    }
  });
  return h("div", { class: "action" }, h("h3", null, options.title), h("p", { class: "muted" }, options.text), button);
}

/** An action that becomes possible later, with the date. */
function waitingAction(title: string, text: string): HTMLElement {
  return h("div", { class: "action action-waiting" }, h("h3", null, icon("clock", 16), ` ${title}`), h("p", { class: "muted" }, text));
}

/** An action with an amount (defaulting to `max`) and a submit button. */
function amountForm(options: {
  id: string;
  title: string;
  text: string;
  max: bigint;
  token: TokenInfo;
  button: string;
  tone?: "primary" | "secondary";
  onSubmit: (amount: bigint) => Promise<unknown>;
}): HTMLElement {
  const { token } = options;
  const input = h("input", {
    type: "text",
    inputmode: "decimal",
    autocomplete: "off",
    value: formatAmount(options.max, token.decimals, token.decimals).replace(/,/g, ""),
  });
  const button = h(
    "button",
    { type: "submit", class: `btn btn-${options.tone ?? "primary"} btn-block`, id: `action-${options.id}` },
    options.button,
  );
  const form = h(
    "form",
    { class: "action", novalidate: true },
    h("h3", null, options.title),
    h("p", { class: "muted" }, options.text),
    field({
      id: `${options.id}-amount`,
      label: `Amount (${token.symbol})`,
      control: input,
      hint: `At most ${formatToken(options.max, token)}`,
    }),
    button,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const parsed = parseAmount(input.value, token.decimals);
    if ("error" in parsed) return setFieldError(form, input.id, parsed.error);
    if (parsed.value === 0n) return setFieldError(form, input.id, "Enter an amount greater than zero.");
    if (parsed.value > options.max) return setFieldError(form, input.id, `At most ${formatToken(options.max, token)}.`);
    button.disabled = true;
    try {
      await options.onSubmit(parsed.value);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

/**
 * Sends one escrow transaction through its phases. `waitForIndex` false for transactions the index
 * keeps no history row for (an ERC-20 approval, a settlement proposal).
 */
type Sender = (
  title: string,
  run: (signer: Awaited<ReturnType<typeof app.signer>>, phase: (p: TxPhase) => void) => Promise<TransactionResponse>,
  withSignature?: boolean,
  waitForIndex?: boolean,
) => Promise<{ receipt?: unknown }>;

/** Paying: ETH, or an ERC-20 by permit (one transaction) or approve + pay (two). */
function payForm(
  data: Loaded,
  roles: Roles,
  send: Sender,
  escrowWith: (s: Awaited<ReturnType<typeof app.signer>>) => Contract,
  after: (r: { receipt?: unknown }) => Promise<void>,
): HTMLElement {
  const { chain, token } = data;
  const native = isZeroAddress(chain.token);
  const input = h("input", {
    type: "text",
    inputmode: "decimal",
    autocomplete: "off",
    value: formatAmount(chain.due, token.decimals, token.decimals).replace(/,/g, ""),
  });
  const methods = native
    ? null
    : h(
        "fieldset",
        { class: "radio-cards" },
        h("legend", { class: "visually-hidden" }, "How to pay"),
        radioCard(
          "pay-method",
          "permit",
          "Permit + pay",
          "One transaction: sign a permit for the exact amount, no approval left behind.",
          true,
        ),
        radioCard("pay-method", "approve", "Approve, then pay", "Two transactions, for wallets or tokens without permits.", false),
      );
  const button = h(
    "button",
    { type: "submit", class: "btn btn-primary btn-lg btn-block", id: "action-pay" },
    `Pay ${formatToken(chain.due, token)}`,
  );
  const form = h(
    "form",
    { class: "action", novalidate: true, id: "pay-form" },
    h("h3", null, roles.openPayer ? "Pay this invoice" : "Pay"),
    roles.openPayer ? h("p", { class: "muted" }, "Paying makes you this invoice's payer: only you can then release or dispute it.") : null,
    field({
      id: "pay-amount",
      label: `Amount (${token.symbol})`,
      control: input,
      hint: `Still due: ${formatToken(chain.due, token)}. You can pay in parts.`,
    }),
    methods,
    button,
  );
  input.addEventListener("input", () => {
    const parsed = parseAmount(input.value, token.decimals);
    button.textContent = "value" in parsed && parsed.value > 0n ? `Pay ${formatToken(parsed.value, token)}` : "Pay";
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const parsed = parseAmount(input.value, token.decimals);
    if ("error" in parsed) return setFieldError(form, input.id, parsed.error);
    const amount = parsed.value;
    if (amount === 0n) return setFieldError(form, input.id, "Enter an amount greater than zero.");
    if (amount > chain.due) return setFieldError(form, input.id, `Only ${formatToken(chain.due, token)} is due.`);
    const method = native ? "native" : (form.querySelector<HTMLInputElement>('input[name="pay-method"]:checked')?.value ?? "permit");
    button.disabled = true;
    try {
      const escrowAddress = app.deployment!.address("PaymentEscrow");
      if (method === "native") {
        await send(
          `Pay ${formatToken(amount, token)}`,
          async (signer, phase) => (phase("wallet"), escrowWith(signer).getFunction("payNative")(chain.id, { value: amount })),
        ).then(after);
      } else if (method === "permit") {
        await send(
          `Pay ${formatToken(amount, token)} with a permit`,
          async (signer, phase) => {
            if (!(await supportsPermit(signer, chain.token)))
              throw new Error(`${token.symbol} does not support permits: choose "Approve, then pay".`);
            phase("signature");
            const permit = await signPermit(signer, chain.token, escrowAddress, amount);
            phase("wallet");
            return escrowWith(signer).getFunction("payWithPermit")(chain.id, amount, permit.deadline, permit.v, permit.r, permit.s);
          },
          true,
        ).then(after);
      } else {
        const signer = await app.signer().catch(() => undefined);
        const allowance = signer
          ? BigInt(await erc20(chain.token, signer.provider).getFunction("allowance")(signer.address, escrowAddress))
          : 0n;
        if (allowance < amount) {
          const approved = await send(
            `Approve ${formatToken(amount, token)} (step 1 of 2)`,
            async (s, phase) => (phase("wallet"), erc20(chain.token, s).getFunction("approve")(escrowAddress, amount)),
            false,
            false,
          );
          if (!approved.receipt) return;
        }
        await send(
          `Pay ${formatToken(amount, token)}${allowance < amount ? " (step 2 of 2)" : ""}`,
          async (s, phase) => (phase("wallet"), escrowWith(s).getFunction("pay")(chain.id, amount)),
        ).then(after);
      }
    } finally {
      if (button.isConnected) button.disabled = false;
    }
  });
  return form;
}

function radioCard(name: string, value: string, title: string, text: string, checked: boolean): HTMLElement {
  const id = `${name}-${value}`;
  return h(
    "label",
    { class: "radio-card", for: id },
    h("input", { type: "radio", name, value, id, checked }),
    h("span", null, h("strong", null, title), text),
  );
}

/** The arbiter's split of the held funds. */
function resolveForm(
  data: Loaded,
  send: Sender,
  escrowWith: (s: Awaited<ReturnType<typeof app.signer>>) => Contract,
  after: (r: { receipt?: unknown }) => Promise<void>,
): HTMLElement {
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
      await send(
        `Resolve: ${formatToken(toMerchant, token)} to the merchant, ${formatToken(chain.held - toMerchant, token)} to the payer`,
        async (signer, phase) => (
          phase("wallet"),
          escrowWith(signer).getFunction("resolve")(chain.id, toMerchant, chain.held - toMerchant)
        ),
      ).then(after);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

/** During a dispute, merchant and payer can agree on a split without the arbiter. */
function settlementForm(
  data: Loaded,
  roles: Roles,
  send: Sender,
  escrowWith: (s: Awaited<ReturnType<typeof app.signer>>) => Contract,
  after: (r: { receipt?: unknown }) => Promise<void>,
): HTMLElement {
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
        await send(
          `Accept the settlement`,
          async (signer, phase) => (phase("wallet"), escrowWith(signer).getFunction("acceptSettlement")(chain.id, proposal.toMerchant)),
        ).then(after);
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
        send(
          `Propose ${formatToken(toMerchant, token)} to the merchant`,
          async (signer, phase) => (phase("wallet"), escrowWith(signer).getFunction("proposeSettlement")(chain.id, toMerchant)),
          false,
          false,
        ).then(after),
    }),
  );
  return container;
}

/** Share link and the document links. */
function shareCard(id: string, merchant: boolean): HTMLElement {
  const link = `${location.origin}${location.pathname}#/invoice/${id}`;
  const docs = invoiceDocumentUrls(id);
  return h(
    "section",
    { class: "card share-card", "aria-label": "Share" },
    h("h2", null, "Share"),
    h(
      "p",
      { class: "muted" },
      merchant
        ? "Send this link to the payer. They open it, connect their wallet and pay."
        : "The link to this invoice, and its printable document.",
    ),
    h("input", { type: "text", readonly: true, value: link, "aria-label": "Invoice link", id: "share-link", class: "share-input" }),
    h(
      "div",
      { class: "doc-links" },
      copyButton(link, "Copy link"),
      h(
        "a",
        { class: "btn btn-ghost btn-sm", href: docs.html, target: "_blank", rel: "noopener", id: "document-link" },
        icon("file", 16),
        " View",
      ),
      h(
        "a",
        { class: "btn btn-ghost btn-sm", href: docs.pdf, target: "_blank", rel: "noopener", id: "pdf-link" },
        icon("download", 16),
        " PDF",
      ),
    ),
  );
}

/** While a draft is not on chain yet: poll the API until it is, then open the on-chain invoice. */
async function waitForDraft(draftId: string, body: HTMLElement, stopped: () => boolean): Promise<void> {
  if (!app.signedIn) {
    replace(body, notice("info", "Sign in to see this draft", "Drafts are only visible to the merchant who created them."));
    return;
  }
  for (let attempt = 0; !stopped(); attempt++) {
    try {
      const invoice = await api.invoice(draftId);
      if (invoice.onchain) {
        location.replace(`#/invoice/${invoice.onchain.id}`);
        return;
      }
      replace(
        body,
        notice(
          "info",
          "Waiting for the chain",
          "This invoice is a draft: its createInvoice transaction has not been indexed yet. This page opens it as soon as it is.",
        ),
      );
    } catch (error) {
      replace(body, errorCard(error));
      return;
    }
    await new Promise((r) => setTimeout(r, Math.min(1000 + attempt * 500, 5000)));
  }
}
