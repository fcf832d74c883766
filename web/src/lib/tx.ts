/**
 * Transactions as people see them: every one goes through named phases (waiting for the wallet,
 * pending, confirmed, indexed) shown in the activity panel, and every failure ends with a clear
 * message (see errors.ts).
 */
import type { TransactionReceipt, TransactionResponse } from "ethers";
import { api, ApiError } from "./api";
import { type ErrorContext, humanError, type HumanError } from "./errors";
import { shortHash } from "./format";
import { app } from "./state";
import { chainQuery, txHash } from "../ui/chains";
import { announce } from "../ui/feedback";
import { h, replace } from "../ui/dom";
import { icon } from "../ui/icons";
import { fill, t } from "../i18n";

/** Where a transaction is. `signature` is an off-chain signature asked first (a permit). */
export type TxPhase = "signature" | "wallet" | "pending" | "confirmed" | "indexed" | "failed";

/** A transaction's state as the activity panel shows it. */
export interface TxState {
  title: string;
  phase: TxPhase;
  /** The phases this transaction goes through, in order. */
  steps: TxPhase[];
  hash?: string;
  blockNumber?: number;
  error?: HumanError;
  /** A remark under the steps (e.g. "The indexer has not caught up yet"). */
  note?: string;
}

/** What {@link runTransaction} needs. */
export interface TxOptions {
  /** What the transaction does, for people: "Stake 100 SETL". */
  title: string;
  /**
   * Sends it: calls `phase("signature")` before asking for a signature when there is one, and
   * returns the wallet's transaction.
   */
  send: (phase: (phase: TxPhase) => void) => Promise<TransactionResponse>;
  /** True when a signature (permit) is asked before the transaction. */
  withSignature?: boolean;
  /** Wait for the API's index to contain the transaction (default: when the API is available). */
  waitForIndex?: boolean;
  /** Amount formatting for decoded contract errors. */
  errorContext?: ErrorContext;
  /**
   * Where to show the progress: next to the button that started it. Without one (or once the user
   * has navigated away from it) the progress shows in the activity panel in the corner.
   */
  slot?: HTMLElement;
  /** The chain it is sent on, for the index wait and the link (default: the current deployment's). */
  chainId?: number;
}

/** The outcome of {@link runTransaction}: the receipt when it was mined successfully. */
export interface TxResult {
  receipt?: TransactionReceipt;
  error?: HumanError;
  state: TxState;
}

/** How long to wait for the index before saying it is late (the transaction is confirmed anyway). */
const INDEX_TIMEOUT_MS = 60_000;

/**
 * Runs one transaction through its phases, showing it in the activity panel, and resolves with
 * the receipt (or the human error). It never throws.
 */
export async function runTransaction(options: TxOptions): Promise<TxResult> {
  const waitForIndex = options.waitForIndex ?? app.apiAvailable;
  const steps: TxPhase[] = [
    ...(options.withSignature ? (["signature"] as const) : []),
    "wallet",
    "pending",
    "confirmed",
    ...(waitForIndex ? (["indexed"] as const) : []),
  ];
  const state: TxState = { title: options.title, phase: steps[0]!, steps };
  const chainId = options.chainId ?? app.deployment?.chainId;
  const card = activityCard(state, chainId, options.slot);
  const update = (patch: Partial<TxState>) => {
    Object.assign(state, patch);
    card.render();
    if (patch.phase) announce(`${state.title}: ${t().tx.sentences[patch.phase]}`);
  };
  let receipt: TransactionReceipt | null = null;
  try {
    const response = await options.send((phase) => update({ phase }));
    update({ phase: "pending", hash: response.hash });
    receipt = await response.wait(1);
    if (!receipt) throw new Error(t().tx.dropped);
  } catch (error) {
    const human = transactionFailure(error, options.errorContext);
    update({ phase: "failed", error: human });
    return { error: human, state };
  }
  if (receipt.status !== 1) {
    const human: HumanError = { kind: "contract", title: t().tx.reverted, message: t().tx.revertedText };
    update({ phase: "failed", error: human, blockNumber: receipt.blockNumber });
    return { error: human, state };
  }
  update({ phase: "confirmed", blockNumber: receipt.blockNumber, note: waitForIndex ? undefined : t().tx.confirmedOnly });
  if (waitForIndex) {
    const indexed = await waitUntilIndexed(receipt.hash, chainQuery(chainId));
    if (indexed === true) update({ phase: "indexed", note: undefined });
    else update({ note: indexed });
  }
  return { receipt, state };
}

/** A receipt whose status ended `failed` (reverted on chain) keeps its reason; everything else is mapped. */
function transactionFailure(error: unknown, context?: ErrorContext): HumanError {
  const human = humanError(error, context);
  if (human.kind === "api" && error instanceof ApiError && error.status === 401) app.sessionExpired();
  return human;
}

/** Polls GET /transactions/:hash (of chain `chainId` when given) until the index has the transaction; true, or a note saying why not. */
export async function waitUntilIndexed(hash: string, chainId?: number, timeoutMs = INDEX_TIMEOUT_MS): Promise<true | string> {
  const deadline = Date.now() + timeoutMs;
  let delay = 300;
  for (;;) {
    try {
      const verification = await api.transaction(hash, chainId);
      if (verification.index.hasTransaction) return true;
    } catch (error) {
      if (error instanceof ApiError && (error.status === 0 || error.code === "api_unavailable")) return t().tx.apiUnreachable;
    }
    if (Date.now() > deadline) return t().tx.indexLate;
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 1.5, 2000);
  }
}

/** Most cards the corner panel shows at once (older ones are dropped). */
const MAX_PANEL_CARDS = 3;

/**
 * A progress card that re-renders from `state`: inside `slot` when given, otherwise (or when the
 * slot has left the page) in the activity panel, where finished cards go away by themselves.
 */
function activityCard(state: TxState, chainId: number | undefined, slot?: HTMLElement): { render(): void } {
  const card = h("article", { class: "tx-card", "aria-label": state.title });
  const toPanel = () => {
    const panel = document.getElementById("activity");
    if (!panel) return;
    card.classList.add("tx-floating");
    panel.prepend(card);
    while (panel.children.length > MAX_PANEL_CARDS) panel.lastElementChild?.remove();
  };
  if (slot) slot.replaceChildren(card);
  else toPanel();
  const dismiss = () => card.remove();
  let removal: ReturnType<typeof setTimeout> | undefined;
  const render = () => {
    if (!card.isConnected && slot && !slot.isConnected) toPanel();
    const failed = state.phase === "failed";
    const finalPhase = state.steps[state.steps.length - 1];
    const done = state.phase === finalPhase || (!!state.note && state.phase === "confirmed");
    card.className = `tx-card ${failed ? "tx-failed" : done ? "tx-done" : "tx-running"}${card.parentElement?.id === "activity" ? " tx-floating" : ""}`;
    card.dataset.phase = state.phase;
    const reached = failed ? -1 : state.steps.indexOf(state.phase);
    replace(
      card,
      h(
        "div",
        { class: "tx-head" },
        h("span", { class: "tx-icon" }, icon(failed ? "alert" : done ? "check" : "spinner", 18)),
        h("h3", { class: "tx-title" }, state.title),
        h(
          "button",
          {
            type: "button",
            class: "btn btn-ghost btn-icon btn-sm",
            "aria-label": fill(t().tx.dismiss, { title: state.title }),
            onclick: dismiss,
          },
          icon("x", 16),
        ),
      ),
      h(
        "ol",
        { class: "tx-steps", "aria-label": t().tx.progress },
        state.steps
          .filter((s) => s !== "failed")
          .map((step, i) =>
            h(
              "li",
              {
                class: i < reached || (i === reached && done) ? "step-done" : i === reached ? "step-current" : "step-todo",
                "aria-current": i === reached && !done ? "step" : false,
              },
              h("span", { class: "step-dot" }),
              h("span", { class: "step-label" }, t().tx.phases[step as Exclude<TxPhase, "failed">]),
            ),
          ),
      ),
      h(
        "p",
        { class: "tx-message", role: failed ? "alert" : null },
        failed && state.error ? h("strong", null, `${state.error.title}. `) : null,
        failed && state.error ? state.error.message : (state.note ?? t().tx.sentences[state.phase]),
      ),
      state.hash
        ? h(
            "a",
            { class: "tx-hash mono", href: txHash(state.hash, chainQuery(chainId)) },
            icon("external", 14),
            ` ${shortHash(state.hash)}`,
          )
        : null,
    );
    if ((done || failed) && !removal && card.classList.contains("tx-floating")) {
      removal = setTimeout(() => card.remove(), failed ? 20_000 : 8_000);
    }
  };
  render();
  return { render };
}
