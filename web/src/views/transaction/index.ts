import { chainBadge, chainIdOf, chainQuery } from "../../ui/chains";
import type { Deployment } from "../../lib/contracts";
import { api, ApiError, type TransactionVerification } from "../../lib/api";
import { checksummed, ETH, formatDateTime, formatNumber, formatToken, shortAddress, type TokenInfo } from "../../lib/format";
import { isZeroAddress, sameAddress } from "../../../../core/address";
import { app } from "../../lib/state";
import { badge, notice } from "../../ui/feedback";
import { copyButton } from "../../ui/controls";
import { type Child, h, replace } from "../../ui/dom";
import { icon } from "../../ui/icons";
import { errorCard, loadingCard, pageHeader, type View } from "../../ui/page";
import { fill, t } from "../../i18n";

/** One transaction as the API verifies it: receipt, confirmations, decoded Settle events, index coverage. */
export const transactionView: View = (root, params, query) => {
  const hash = params.hash ?? "";
  const chainId = chainQuery(chainIdOf(query.get("chainId")));
  // The chain the API verifies it on (`?chainId=`, else its first network): its contracts name the addresses.
  const deployment = chainId !== undefined ? app.deploymentOf(chainId) : app.deployments[0];
  const text = t().transaction;
  root.append(pageHeader(text.title, h("span", { class: "mono break" }, hash)));
  if (!/^0x[0-9a-fA-F]{64}$/.test(hash)) {
    root.append(notice("error", text.badHash, text.badHashText));
    return;
  }
  const body = h("div", { class: "stack" }, loadingCard(text.verifying));
  root.append(body);
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const load = async () => {
    try {
      const tx = await api.transaction(hash, chainId);
      if (stopped) return;
      replace(body, summary(tx, deployment), events(tx, deployment));
      // Follow it until it is final and indexed.
      if (tx.status === "pending" || !tx.final || tx.index.hasTransaction === false) timer = setTimeout(() => void load(), 3000);
    } catch (error) {
      if (stopped) return;
      if (error instanceof ApiError && error.code === "transaction_not_found") {
        replace(body, notice("warning", text.unknown, text.unknownText));
      } else
        replace(
          body,
          errorCard(error, () => void load()),
        );
    }
  };
  void load();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
};

function summary(tx: TransactionVerification, deployment: Deployment | undefined): HTMLElement {
  const text = t().transaction;
  const status =
    tx.status === "pending"
      ? badge(text.pending, "info")
      : tx.status === "success"
        ? badge(text.succeeded, "success")
        : badge(text.reverted, "danger");
  const indexed =
    tx.index.hasTransaction === null
      ? badge(text.indexNotReady, "neutral")
      : tx.index.hasTransaction
        ? badge(text.indexed, "success")
        : badge(text.notIndexed, "warning");
  return h(
    "section",
    { class: "card" },
    h(
      "div",
      { class: "card-head" },
      h("h2", null, text.verification),
      h("div", { class: "badges" }, chainBadge(deployment?.chainId), " ", status, " ", indexed),
    ),
    h(
      "dl",
      { class: "kv", id: "tx-summary" },
      h("dt", null, text.hash),
      h("dd", null, h("span", { class: "mono break" }, tx.hash), " ", copyButton(tx.hash, text.copy)),
      h("dt", null, text.block),
      h("dd", null, tx.blockNumber === null ? text.notMined : String(tx.blockNumber)),
      h("dt", null, text.confirmations),
      h("dd", { id: "tx-confirmations" }, `${tx.confirmations}${tx.final ? text.final : ""}`),
      h("dt", null, text.from),
      h("dd", null, tx.from ? addressText(tx.from, deployment, true) : "—"),
      h("dt", null, text.to),
      h("dd", null, tx.to ? addressText(tx.to, deployment, true) : "—"),
      tx.gasUsed ? [h("dt", null, text.gasUsed), h("dd", null, formatNumber(tx.gasUsed))] : null,
      h("dt", null, text.index),
      h(
        "dd",
        null,
        tx.index.indexedHead === null ? text.notReady : fill(text.indexedUpTo, { block: tx.index.indexedHead, rows: tx.index.rows }),
      ),
    ),
  );
}

function events(tx: TransactionVerification, deployment: Deployment | undefined): HTMLElement {
  const text = t().transaction;
  return h(
    "section",
    { class: "card" },
    h("h2", null, text.events),
    tx.events.length === 0
      ? h("p", { class: "muted", style: "margin-top:8px" }, tx.status === "pending" ? text.eventsLater : text.noEvents)
      : h(
          "ol",
          { class: "event-list" },
          tx.events.map((event) =>
            h(
              "li",
              { class: "event" },
              h(
                "div",
                { class: "event-head" },
                h("strong", null, event.event),
                h("span", { class: "muted small" }, ` on ${event.contract}`),
                event.indexed === true
                  ? h("span", { class: "event-indexed", title: text.inIndex }, icon("check", 14), text.indexedMark)
                  : null,
              ),
              h(
                "dl",
                { class: "kv kv-compact" },
                Object.entries(event.args).map(([name, value]) => [
                  h("dt", null, name),
                  h("dd", { class: "break" }, argText(event, name, value, deployment)),
                ]),
              ),
            ),
          ),
        ),
  );
}

type DecodedEvent = TransactionVerification["events"][number];

/** Event arguments that are token amounts (in the event's token). */
const AMOUNT_ARGS = new Set(["amount", "toMerchant", "toPayer", "fee", "held", "value", "reward", "paid", "released", "refunded"]);
/** Event arguments that are unix times. */
const TIME_ARGS = new Set(["dueDate", "deadline", "paidAt", "periodFinish"]);
const SETL: Pick<TokenInfo, "symbol" | "decimals"> = { symbol: "SETL", decimals: 18 };

/** An address: short, or in full, and the name of `deployment`'s Settle contract when it is one. */
function addressText(address: string, deployment: Deployment | undefined, short = false): Child {
  const label = deployment?.labelOf(address);
  const shown = short ? shortAddress(address) : (checksummed(address) ?? address);
  return [h("span", { class: "mono", title: address }, shown), label ? h("span", { class: "muted small" }, ` (${label})`) : null];
}

/** The token an event's amounts are in: its `token` argument, or SETL for the token and staking contracts. */
function eventToken(event: DecodedEvent, deployment: Deployment | undefined): Pick<TokenInfo, "symbol" | "decimals"> | undefined {
  const settleToken = deployment?.has("SettleToken") ? deployment.address("SettleToken") : undefined;
  const token = typeof event.args.token === "string" ? event.args.token : event.contract !== "PaymentEscrow" ? settleToken : undefined;
  if (token === undefined) return undefined;
  if (isZeroAddress(token)) return ETH;
  return sameAddress(token, settleToken) ? SETL : undefined;
}

/** One decoded argument for people: addresses named, amounts in their token (exact), times as dates. */
function argText(event: DecodedEvent, name: string, value: unknown, deployment: Deployment | undefined): Child {
  const text = String(value);
  if (/^0x[0-9a-fA-F]{40}$/.test(text)) return addressText(text, deployment);
  const token = eventToken(event, deployment);
  if (/^\d+$/.test(text) && AMOUNT_ARGS.has(name) && token)
    return h("span", { title: `${text} base units` }, formatToken(BigInt(text), token, token.decimals));
  if (/^\d+$/.test(text) && TIME_ARGS.has(name) && text !== "0") return formatDateTime(Number(text));
  return h("span", { class: "mono" }, text);
}
