/** The invoice screen's document card: parties, terms, line items, notes, and the verification mark. */
import { keccak256, toUtf8Bytes } from "ethers";
import { isZeroAddress, sameAddress } from "../../../../core/address";
import { humanError } from "../../lib/errors";
import { formatDate, formatToken, shortAddress, shortHash } from "../../lib/format";
import { app } from "../../lib/state";
import { identicon } from "../../ui/controls";
import { h } from "../../ui/dom";
import { badge } from "../../ui/feedback";
import { icon } from "../../ui/icons";
import type { Loaded } from "./screen";

/** The invoice document: parties, line items, notes, and the verification mark. */
export function documentCard(data: Loaded, account: string): HTMLElement {
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
          details?.number ? [h("dt", null, "Number"), h("dd", { id: "invoice-number" }, details.number)] : null,
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
              details.taxes.length > 0
                ? [
                    h(
                      "tr",
                      null,
                      h("th", { scope: "row", colspan: 3 }, "Subtotal (net)"),
                      h("td", { class: "num" }, formatToken(BigInt(details.subtotal), token)),
                    ),
                    details.taxes.map((t) =>
                      h(
                        "tr",
                        null,
                        h("th", { scope: "row", colspan: 3 }, `Tax ${t.rate}%`),
                        h("td", { class: "num" }, formatToken(BigInt(t.amount), token)),
                      ),
                    ),
                  ]
                : null,
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
}

/**
 * The verification mark: the page hashes the stored details itself and compares the hash and the
 * terms with what the chain holds (it does not take the server's word for it).
 */
function verification({ chain, token, record, recordError }: Loaded): HTMLElement {
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
}

/** One party of the invoice document ("From", "Bill to"). */
function party(label: string, address: string | null, isYou: boolean): HTMLElement {
  return h(
    "div",
    { class: "doc-party" },
    h("p", { class: "stat-label" }, label),
    address ? addressChip(address, isYou) : h("p", null, "Anyone with the link"),
  );
}

/** An address with its identicon, marked "you" for the connected account. */
function addressChip(address: string, isYou: boolean): HTMLElement {
  return h(
    "span",
    { class: "address-chip", title: address },
    identicon(address, 20),
    h("span", { class: "mono" }, shortAddress(address)),
    isYou ? badge("you", "info") : null,
  );
}
