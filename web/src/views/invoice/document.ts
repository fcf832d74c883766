/** The invoice screen's document card: parties, terms, line items, notes, and the verification mark. */
import { keccak256, toUtf8Bytes } from "ethers";
import { isZeroAddress, sameAddress } from "../../../../core/address";
import { humanError } from "../../lib/errors";
import { parsePrice } from "../../../../core/invoice/currency";
import { currencyUnit, formatDate, formatNumber, formatToken, shortAddress, shortHash } from "../../lib/format";
import { app } from "../../lib/state";
import { identicon } from "../../ui/controls";
import { h } from "../../ui/dom";
import { badge } from "../../ui/feedback";
import { icon } from "../../ui/icons";
import { fill, isLocale, PAGE_MESSAGES, t } from "../../i18n";
import type { Loaded } from "./screen";

/** The invoice document: parties, line items, notes, and the verification mark. */
export function documentCard(data: Loaded, account: string): HTMLElement {
  const { chain, token, record } = data;
  const details = record?.details ?? null;
  // A draft priced in a currency has its amounts in hundredths of it.
  const unit = details?.currency ? currencyUnit(details.currency) : token;
  const text = t().invoice;
  const hasDiscounts = details?.lineItems.some((line) => BigInt(line.discount) > 0n) ?? false;
  const hasTaxes = (details?.taxes.length ?? 0) > 0;
  const span = 3 + (hasDiscounts ? 1 : 0) + (hasTaxes ? 1 : 0);
  const customer = details?.customer as { name?: unknown; email?: unknown } | null | undefined;
  return h(
    "article",
    { class: "card invoice-doc", "aria-label": text.details },
    h(
      "div",
      { class: "doc-parties" },
      party(text.from, chain.merchant, sameAddress(chain.merchant, account)),
      party(text.billTo, isZeroAddress(chain.payer) ? null : chain.payer, sameAddress(chain.payer, account)),
      h(
        "div",
        { class: "doc-meta" },
        h(
          "dl",
          { class: "kv kv-compact" },
          details?.number ? [h("dt", null, text.number), h("dd", { id: "invoice-number" }, details.number)] : null,
          typeof customer?.name === "string"
            ? [
                h("dt", null, text.customer),
                h("dd", { id: "invoice-customer" }, customer.name, typeof customer.email === "string" ? ` · ${customer.email}` : ""),
              ]
            : null,
          details
            ? [
                h("dt", null, text.language),
                h(
                  "dd",
                  { id: "invoice-language", "data-language": details.language },
                  isLocale(details.language) ? PAGE_MESSAGES[details.language].languageName : details.language,
                ),
              ]
            : null,
          h("dt", null, text.due),
          h("dd", null, formatDate(chain.dueDate)),
          h("dt", null, text.disputeWindow),
          h("dd", null, chain.disputeWindow === 0 ? text.none : fill(text.windowDays, { days: Math.round(chain.disputeWindow / 86_400) })),
          h("dt", null, text.arbiter),
          h("dd", null, isZeroAddress(chain.arbiter) ? text.none : addressChip(chain.arbiter, sameAddress(chain.arbiter, account))),
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
                h("th", { scope: "col" }, text.description),
                h("th", { scope: "col", class: "num" }, text.quantity),
                h("th", { scope: "col", class: "num" }, text.unitPrice),
                hasDiscounts ? h("th", { scope: "col", class: "num" }, text.discount) : null,
                hasTaxes ? h("th", { scope: "col", class: "num" }, text.tax) : null,
                h("th", { scope: "col", class: "num" }, text.amount),
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
                  h("td", { class: "num" }, formatToken(BigInt(line.unitPrice), unit)),
                  hasDiscounts ? h("td", { class: "num" }, formatToken(BigInt(line.discount), unit)) : null,
                  hasTaxes ? h("td", { class: "num" }, `${formatNumber(line.taxRate)} %`) : null,
                  h("td", { class: "num" }, formatToken(BigInt(line.amount), unit)),
                ),
              ),
            ),
            h(
              "tfoot",
              null,
              details.taxes.length > 0
                ? [
                    h(
                      "tr",
                      null,
                      h("th", { scope: "row", colspan: span }, text.subtotal),
                      h("td", { class: "num", id: "invoice-doc-subtotal" }, formatToken(BigInt(details.subtotal), unit)),
                    ),
                    details.taxes.map((tax) =>
                      h(
                        "tr",
                        null,
                        h("th", { scope: "row", colspan: span }, fill(text.taxAt, { rate: formatNumber(tax.rate) })),
                        h("td", { class: "num", "data-rate": tax.rate }, formatToken(BigInt(tax.amount), unit)),
                      ),
                    ),
                  ]
                : null,
              h(
                "tr",
                null,
                h("th", { scope: "row", colspan: span }, text.total),
                h("td", { class: "num total", id: "invoice-doc-total" }, formatToken(BigInt(details.total), unit)),
              ),
            ),
          ),
        )
      : null,
    details?.notes ? h("div", { class: "doc-notes" }, h("h3", null, text.notes), h("p", null, details.notes)) : null,
    verification(data),
  );
}

/**
 * The verification mark: the page hashes the stored details itself and compares the hash and the
 * terms with what the chain holds (it does not take the server's word for it).
 */
function verification({ chain, token, record, recordError }: Loaded): HTMLElement {
  const details = record?.details;
  const text = t().verify;
  if (!app.signedIn) {
    return h(
      "div",
      { class: "verify verify-unknown", id: "verification" },
      icon("shield", 20),
      h("div", null, h("strong", null, text.signIn), h("p", null, text.signInText)),
    );
  }
  if (recordError) {
    const human = humanError(recordError);
    return h(
      "div",
      { class: "verify verify-unknown", id: "verification" },
      icon("info", 20),
      h("div", null, h("strong", null, text.unavailable), h("p", null, human.message)),
    );
  }
  if (!details) {
    return h(
      "div",
      { class: "verify verify-unknown", id: "verification" },
      icon("info", 20),
      h("div", null, h("strong", null, text.none), h("p", null, fill(text.noneText, { reference: shortHash(chain.referenceHash) }))),
    );
  }
  const hashOk = keccak256(toUtf8Bytes(details.canonical)).toLowerCase() === chain.referenceHash.toLowerCase();
  // Priced in a currency: the chain holds the price (its amount is 0 until paid) and, once paid, the token that paid.
  const pricing = record?.onchain?.pricing ?? null;
  const amountOk = details.currency
    ? pricing?.currency === details.currency &&
      parsePrice(pricing.price) === BigInt(details.total) &&
      (isZeroAddress(details.token) || sameAddress(details.token, chain.token))
    : BigInt(details.total) === chain.amount && sameAddress(details.token, chain.token);
  const termsOk =
    amountOk &&
    sameAddress(details.merchant, chain.merchant) &&
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
        h("strong", null, text.ok),
        h(
          "p",
          null,
          fill(text.okText, {
            reference: shortHash(chain.referenceHash),
            total: pricing && !pricing.payment ? pricing.display : formatToken(chain.amount, token),
          }),
        ),
      ),
    );
  }
  return h(
    "div",
    { class: "verify verify-bad", id: "verification", role: "alert" },
    icon("alert", 22),
    h("div", null, h("strong", null, text.bad), h("p", null, text.badText)),
  );
}

/** One party of the invoice document ("From", "Bill to"). */
function party(label: string, address: string | null, isYou: boolean): HTMLElement {
  return h(
    "div",
    { class: "doc-party" },
    h("p", { class: "stat-label" }, label),
    address ? addressChip(address, isYou) : h("p", null, t().invoice.anyone),
  );
}

/** An address with its identicon, marked "you" for the connected account. */
function addressChip(address: string, isYou: boolean): HTMLElement {
  return h(
    "span",
    { class: "address-chip", title: address },
    identicon(address, 20),
    h("span", { class: "mono" }, shortAddress(address)),
    isYou ? badge(t().invoice.you, "info") : null,
  );
}
